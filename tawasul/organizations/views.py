"""The directory pages: organizations, their contacts, and the centers' service catalog.

Lists start from the scoped selectors, single objects from the access functions (404
outside scope); edits check the manage rules (403, recorded) and write through
tawasul.organizations.services.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_countries import countries

from tawasul.accounts.models import User
from tawasul.common import errors
from tawasul.common.access import require
from tawasul.common.templatetags.tawasul_ui import language_name
from tawasul.home.decorators import member_required
from tawasul.organizations import services
from tawasul.organizations.access import (
    access_contact,
    access_organization,
    access_service,
    access_service_translation,
    can_manage_contacts_of,
    can_manage_services_of,
)
from tawasul.organizations.forms import (
    ContactForm,
    OrganizationFilterForm,
    ServiceFilterForm,
    ServiceForm,
    ServiceTranslationForm,
    translation_choices,
)
from tawasul.organizations.models import (
    Organization,
    OrganizationKind,
    Service,
    ServiceTranslation,
)
from tawasul.organizations.selectors import (
    contacts_visible_to,
    matching_translations,
    organizations_visible_to,
    own_languages,
    services_visible_to,
    translation_for,
    translation_languages,
    with_translations,
)

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _name_field() -> str:
    return "name_ar" if (get_language() or "ar").startswith("ar") else "name_en"


def _require(allowed: bool, user: User, obj: Organization | Any, action: str) -> None:
    """The shared rule (recorded denial) answered as the page's 403."""
    try:
        require(allowed, user, obj, action)
    except errors.PermissionDenied as exc:
        raise PermissionDenied(str(exc.message)) from exc


def _add_errors(form: BaseForm, exc: ValidationError) -> None:
    """A model validation error from a service, shown next to its field when the form has
    it, above the form otherwise; what the user typed stays in the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors_ in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors_)


def _page(request: HttpRequest, qs: QuerySet[Any]) -> tuple[Page[Any], str]:
    """The requested page and the query string that keeps the filters on other pages."""
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def _kind_order() -> Case:
    """Organizations in the order of DESIGN.md (ministry, foundation, centers, ...)."""
    return Case(
        *[When(kind=kind, then=Value(i)) for i, kind in enumerate(OrganizationKind.values)],
        output_field=IntegerField(),
    )


# --- Organizations -----------------------------------------------------------------


@member_required
def organization_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = organizations_visible_to(user)
    codes = qs.exclude(country="").order_by().values_list("country", flat=True).distinct()
    country_choices = sorted(
        ((str(code), str(countries.name(code))) for code in codes), key=lambda c: c[1]
    )
    form = OrganizationFilterForm(request.GET or None, countries=country_choices)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(
                Q(name_ar__icontains=data["q"])
                | Q(name_en__icontains=data["q"])
                | Q(code__icontains=data["q"])
            )
        for name in ("kind", "country", "domain"):
            if data[name]:
                qs = qs.filter(**{name: data[name]})
    elif form.is_bound:
        qs = qs.none()
    qs = qs.order_by(_kind_order(), _name_field())
    page, query_string = _page(request, qs)
    return render(
        request,
        "organizations/organization_list.html",
        {"form": form, "page_obj": page, "query_string": query_string},
    )


@member_required
def organization_detail(request: HttpRequest, organization_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    organization = access_organization(user, organization_id)
    name = _name_field()
    context: dict[str, Any] = {
        "organization": organization,
        "contacts": contacts_visible_to(user).filter(organization=organization).order_by(name),
        "members_of": organizations_visible_to(user)
        .filter(parent=organization)
        .order_by(_kind_order(), name),
        "can_manage_contacts": can_manage_contacts_of(user, organization),
        "can_manage_services": can_manage_services_of(user, organization),
    }
    if organization.kind == OrganizationKind.CENTER:
        context["services"] = (
            services_visible_to(user)
            .filter(center=organization)
            .order_by("-is_active", name)
        )
    return render(request, "organizations/organization_detail.html", context)


# --- Contacts ----------------------------------------------------------------------


def _form_page(request: HttpRequest, form: Any, *, save: Callable[[dict[str, Any]], Any],
               saved: str, then: Callable[[Any], HttpResponse], template: str,
               context: dict[str, Any]) -> HttpResponse:
    """The create and edit pages of contacts and services: on a valid POST, `save` calls
    the service with the cleaned data; its ValidationError shows on the form (what the
    user typed kept); success shows `saved` and answers `then(result)`."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, saved)
            return then(result)
    return render(request, template, {"form": form, **context})


@member_required
def contact_create(request: HttpRequest, organization_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    organization = access_organization(user, organization_id)
    _require(can_manage_contacts_of(user, organization), user, organization, "manage contacts")
    return _form_page(
        request, ContactForm(request.POST or None),
        save=lambda data: services.contact_create(actor=user, organization=organization,
                                                  **data),
        saved=_("The contact was added."),
        then=lambda _contact: redirect("organizations:detail", organization.pk),
        template="organizations/contact_form.html",
        context={"organization": organization, "contact": None},
    )


@member_required
def contact_edit(request: HttpRequest, contact_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    contact = access_contact(user, contact_id)
    organization = contact.organization
    _require(can_manage_contacts_of(user, organization), user, contact, "manage contacts")
    return _form_page(
        request, ContactForm(request.POST or None, instance=contact),
        save=lambda data: services.contact_update(actor=user, contact=contact, **data),
        saved=_("The contact was saved."),
        then=lambda _contact: redirect("organizations:detail", organization.pk),
        template="organizations/contact_form.html",
        context={"organization": organization, "contact": contact, "heading": contact.name},
    )


# --- Services ----------------------------------------------------------------------


def _language_choices(qs: QuerySet[Service]) -> list[tuple[str, str]]:
    codes: set[str] = set()
    for languages in qs.order_by().values_list("languages", flat=True):
        codes.update(languages or [])
    return sorted(((c, language_name(c)) for c in codes), key=lambda c: c[1])


@member_required
def service_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = services_visible_to(user)
    own = own_languages(user)
    name = _name_field()
    centers = (
        organizations_visible_to(user)
        .filter(kind=OrganizationKind.CENTER)
        .filter(Q(is_active=True) | Q(pk=user.organization_id))
        .order_by(name)
    )
    form = ServiceFilterForm(
        request.GET or None,
        centers=[(str(c.pk), c.name) for c in centers],
        languages=_language_choices(qs),
        translations=translation_choices(translation_languages(qs), own=own),
    )
    shown_languages = own
    if form.is_valid():
        data = form.cleaned_data
        if data["show_in"]:
            shown_languages = [data["show_in"]]
        if data["q"]:
            qs = qs.filter(
                Q(name_ar__icontains=data["q"])
                | Q(name_en__icontains=data["q"])
                | Q(description_ar__icontains=data["q"])
                | Q(description_en__icontains=data["q"])
                | Q(pk__in=matching_translations(data["q"]).values("service_id"))
            )
        if data["center"]:
            qs = qs.filter(center_id=data["center"])
        if data["language"]:
            # JSON containment is not available on SQLite; a catalog is small enough to
            # match the language lists here and filter by id.
            ids = [
                pk
                for pk, languages in qs.order_by().values_list("pk", "languages")
                if data["language"] in (languages or [])
            ]
            qs = qs.filter(pk__in=ids)
    elif form.is_bound:
        qs = qs.none()
    qs = with_translations(qs.order_by(f"center__{name}", "-is_active", name))
    page, query_string = _page(request, qs)
    for service in page.object_list:
        service.shown_translation = translation_for(service, shown_languages)
    return render(
        request,
        "organizations/service_list.html",
        {"form": form, "page_obj": page, "query_string": query_string},
    )


@member_required
def service_detail(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    service = access_service(user, service_id)
    return render(
        request,
        "organizations/service_detail.html",
        {
            "service": service,
            "can_manage_services": can_manage_services_of(user, service.center),
            "translations": _translations_of(service, own_languages(user)),
        },
    )


def _translations_of(service: Service, own: list[str]) -> list[ServiceTranslation]:
    """The reader's own languages first, in their order; then the others."""
    translations = list(service.translations.all())
    rank = {code: i for i, code in enumerate(own)}
    return sorted(translations, key=lambda t: (rank.get(t.language, len(rank)), t.language))


@member_required
def service_create(request: HttpRequest, organization_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    center = access_organization(user, organization_id)
    if center.kind != OrganizationKind.CENTER:
        raise Http404()  # only centers have a service catalog
    _require(can_manage_services_of(user, center), user, center, "manage services")
    return _form_page(
        request, ServiceForm(request.POST or None, center=center),
        save=lambda data: services.service_create(actor=user, center=center, **data),
        saved=_("The service was added."),
        then=lambda service: redirect("organizations:service_detail", service.pk),
        template="organizations/service_form.html",
        context={"center": center, "service": None},
    )


@member_required
def service_edit(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    service = access_service(user, service_id)
    center = service.center
    _require(can_manage_services_of(user, center), user, service, "manage services")
    return _form_page(
        request, ServiceForm(request.POST or None, instance=service, center=center),
        save=lambda data: services.service_update(actor=user, service=service, **data),
        saved=_("The service was saved."),
        then=lambda _service: redirect("organizations:service_detail", service.pk),
        template="organizations/service_form.html",
        context={"center": center, "service": service, "heading": service.name,
                 "translations": _translations_of(service, [])},
    )


# --- Translations of services --------------------------------------------------------


@member_required
def service_translation_create(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    service = access_service(user, service_id)
    _require(can_manage_services_of(user, service.center), user, service, "manage services")
    return _form_page(
        request, ServiceTranslationForm(request.POST or None, service=service),
        save=lambda data: services.service_translation_create(actor=user, service=service,
                                                              **data),
        saved=_("The translation was added."),
        then=lambda _translation: redirect("organizations:service_detail", service.pk),
        template="organizations/service_translation_form.html",
        context={"service": service, "translation": None},
    )


def _managed_translation(request: HttpRequest, translation_id: uuid.UUID
                         ) -> tuple[User, ServiceTranslation]:
    user = _user(request)
    translation = access_service_translation(user, translation_id)
    _require(can_manage_services_of(user, translation.service.center), user, translation,
             "manage services")
    return user, translation


@member_required
def service_translation_edit(request: HttpRequest, translation_id: uuid.UUID) -> HttpResponse:
    user, translation = _managed_translation(request, translation_id)
    service = translation.service
    return _form_page(
        request,
        ServiceTranslationForm(request.POST or None, instance=translation, service=service),
        save=lambda data: services.service_translation_update(actor=user,
                                                              translation=translation, **data),
        saved=_("The translation was saved."),
        then=lambda _translation: redirect("organizations:service_detail", service.pk),
        template="organizations/service_translation_form.html",
        context={"service": service, "translation": translation},
    )


@member_required
@require_http_methods(["GET", "POST"])
def service_translation_delete(request: HttpRequest, translation_id: uuid.UUID
                               ) -> HttpResponse:
    """GET asks for confirmation, POST deletes."""
    user, translation = _managed_translation(request, translation_id)
    service = translation.service
    if request.method == "POST":
        services.service_translation_delete(actor=user, translation=translation)
        messages.success(request, _("The translation was deleted."))
        return redirect("organizations:service_detail", service.pk)
    return render(request, "organizations/service_translation_delete.html",
                  {"service": service, "translation": translation})
