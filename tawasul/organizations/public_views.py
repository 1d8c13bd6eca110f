"""The public service directory (no sign-in): what social work in the country offers.

The foundation's centers with their service catalog and how to refer to each, and the
civil-society organizations the foundation works with, in Arabic and English, searchable
by domain and by the language a service is offered in; an entry translated into a
community language shows that translation beside it when the reader asks for one (an
embassy's staff, signed in, get their own languages as in the portal). Diplomats and
communities read it before they have (or without ever having) an account. It reads the
directory only through tawasul.organizations.public_selectors, which publishes nothing
personal. Both lists are paginated, and the search terms are bounded, so an anonymous
request costs a fixed, small number of queries.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from tawasul.common.templatetags.tawasul_ui import language_name
from tawasul.organizations import public_selectors
from tawasul.organizations.forms import SingleLineTextField, translation_choices
from tawasul.organizations.models import CenterDomain, Organization, Service
from tawasul.organizations.selectors import own_languages, translation_for

CENTERS_PAGE_SIZE = 10
ORGANIZATIONS_PAGE_SIZE = 12
CENTER_PAGE_PARAM = "page"
ORGANIZATION_PAGE_PARAM = "org_page"


class PublicDirectoryFilterForm(forms.Form):
    q = SingleLineTextField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("A service, a center or an organization.")}),
    )
    domain = forms.ChoiceField(label=_("Domain"), required=False,
                               choices=[("", _("All domains")), *CenterDomain.choices])
    language = forms.ChoiceField(label=_("Language of service"), required=False)
    show_in = forms.ChoiceField(label=_("Also show in"), required=False)

    def __init__(self, *args: Any, languages: list[tuple[str, str]],
                 translations: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("All languages")), *languages
        ]
        self.fields["show_in"].choices = translations  # type: ignore[attr-defined]


def _name_field() -> str:
    return "name_ar" if (get_language() or "ar").startswith("ar") else "name_en"


def _with_language(qs: QuerySet[Any], language: str) -> QuerySet[Any]:
    """Rows whose `languages` list holds `language`. JSON containment is not available on
    SQLite; the catalog and the list of organizations are small enough to match here."""
    ids = [pk for pk, languages in qs.order_by().values_list("pk", "languages")
           if language in (languages or [])]
    return qs.filter(pk__in=ids)


def _page(request: HttpRequest, qs: QuerySet[Any], size: int, param: str
          ) -> tuple[Page[Any], str]:
    page = Paginator(qs, size).get_page(request.GET.get(param))
    params = request.GET.copy()
    params.pop(param, None)
    return page, params.urlencode()


def _filtered(form: PublicDirectoryFilterForm
              ) -> tuple[QuerySet[Service], QuerySet[Organization]]:
    services = public_selectors.public_services()
    organizations = public_selectors.public_civil_society()
    if form.is_bound and not form.is_valid():
        return services.none(), organizations.none()
    data = form.cleaned_data if form.is_bound else {}
    if data.get("q"):
        q = data["q"]
        services = services.filter(
            Q(name_ar__icontains=q) | Q(name_en__icontains=q)
            | Q(description_ar__icontains=q) | Q(description_en__icontains=q)
            | Q(center__name_ar__icontains=q) | Q(center__name_en__icontains=q)
            | Q(pk__in=public_selectors.public_translations_matching(q).values("service_id"))
        )
        organizations = organizations.filter(Q(name_ar__icontains=q) | Q(name_en__icontains=q))
    if data.get("domain"):
        services = services.filter(center__domain=data["domain"])
    if data.get("language"):
        services = _with_language(services, data["language"])
        organizations = _with_language(organizations, data["language"])
    return services, organizations


def _how_to_refer(center: Organization) -> list[str]:
    """The distinct referral instructions of the center's services, in the active
    language: most centers give one for all their services."""
    seen: list[str] = []
    for service in center.public_services:  # type: ignore[attr-defined]
        text = service.how_to_refer
        if text and text not in seen:
            seen.append(text)
    return seen


@require_GET
def public_directory(request: HttpRequest) -> HttpResponse:
    languages = [(code, language_name(code)) for code in public_selectors.public_languages()]
    languages.sort(key=lambda choice: choice[1])
    # An embassy's staff reading the public page see their own languages, as in the portal.
    own = own_languages(request.user)
    form = PublicDirectoryFilterForm(
        request.GET or None, languages=languages,
        translations=translation_choices(public_selectors.public_translation_languages(),
                                         own=own),
    )
    services, organizations = _filtered(form)
    shown_languages = [form.cleaned_data["show_in"]] if (
        form.is_bound and form.is_valid() and form.cleaned_data["show_in"]) else own
    name = _name_field()
    centers = public_selectors.public_centers(services.order_by(name)).order_by(name)
    center_page, center_query = _page(request, centers, CENTERS_PAGE_SIZE, CENTER_PAGE_PARAM)
    organization_page, organization_query = _page(
        request, organizations.order_by(name), ORGANIZATIONS_PAGE_SIZE,
        ORGANIZATION_PAGE_PARAM)
    shown = [*center_page.object_list, *organization_page.object_list]
    points = public_selectors.public_contact_points(org.pk for org in shown)
    for org in shown:
        org.contact_points = points.get(org.pk, [])
    for center in center_page.object_list:
        center.how_to_refer = _how_to_refer(center)
        for service in center.public_services:
            service.shown_translation = translation_for(service, shown_languages)
    return render(request, "organizations/public_directory.html", {
        "form": form,
        "page_obj": center_page, "query_string": center_query,
        "organization_page": organization_page, "organization_query": organization_query,
        "organization_page_param": ORGANIZATION_PAGE_PARAM,
        "is_filtered": form.is_bound,
    })
