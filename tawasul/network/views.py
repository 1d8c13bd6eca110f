"""Pages of the diplomatic network: the missions directory, each mission's correspondence
log, and bulletins with their read receipts.

The directory and the log exist only for the foundation's administrators and liaison
officers; the Bulletins page also for a mission's users, who see the bulletins sent to
their mission. Anyone else gets the 404 of a page that is not there for them. Lists
start from the scoped selectors (tawasul.network.selectors), single objects from the
access functions (404 outside scope, denial audited), writes go through
tawasul.network.services; a refused write shows its message on the form, with what the
user typed kept.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_countries import countries

from tawasul.accounts.models import User
from tawasul.cases import documents
from tawasul.common import attachments as stored_files
from tawasul.common import errors
from tawasul.common.templatetags.tawasul_ui import language_name
from tawasul.common.uploads import accepts_upload
from tawasul.home.decorators import member_required
from tawasul.network import access, selectors, services
from tawasul.network.forms import (
    SEND_TO_ALL,
    BulletinForm,
    CorrespondenceFilterForm,
    CorrespondenceForm,
    MissionFilterForm,
)
from tawasul.network.models import Bulletin, Correspondence
from tawasul.organizations.access import can_manage_contacts_of
from tawasul.organizations.models import Organization

MISSIONS_PAGE_SIZE = 20
PAGE_SIZE = 25


def _manager(request: HttpRequest) -> User:
    user = selectors.network_manager(request.user)
    if user is None:
        raise errors.OutOfScope()
    return user


def _name_field() -> str:
    return "name_ar" if (get_language() or "ar").startswith("ar") else "name_en"


def _page(request: HttpRequest, qs: QuerySet[Any], size: int = PAGE_SIZE
          ) -> tuple[Page[Any], str]:
    """The requested page and the query string that keeps the filters on other pages."""
    page = Paginator(qs, size).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def _add_error(form: BaseForm, exc: errors.DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _forbidden(exc: errors.PermissionDenied) -> PermissionDenied:
    return PermissionDenied(str(exc.message))


# --- The missions directory ------------------------------------------------------------


def _language_choices(qs: QuerySet[Organization]) -> list[tuple[str, str]]:
    codes: set[str] = set()
    for field in ("languages", "contacts__languages"):
        for languages in qs.order_by().values_list(field, flat=True):
            codes.update(languages or [])
    return sorted(((c, language_name(c)) for c in codes), key=lambda c: c[1])


@member_required
def mission_list(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    missions = selectors.missions_visible_to(user)
    codes = missions.order_by().values_list("country", flat=True).distinct()
    country_choices = sorted(((str(c), str(countries.name(c))) for c in codes if c),
                             key=lambda c: c[1])
    form = MissionFilterForm(request.GET or None, countries=country_choices,
                             languages=_language_choices(missions))
    qs = selectors.missions_with_contacts(user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"]
            qs = qs.filter(
                Q(name_ar__icontains=q) | Q(name_en__icontains=q)
                | Q(pk__in=selectors.mission_contacts_visible_to(user).filter(
                    Q(name_ar__icontains=q) | Q(name_en__icontains=q)
                ).values("organization_id"))
            )
        if data["country"]:
            qs = qs.filter(country=data["country"])
        if data["language"]:
            qs = qs.filter(pk__in=selectors.missions_speaking(user, data["language"]))
    elif form.is_bound:
        qs = qs.none()
    page, query_string = _page(request, qs.order_by(_name_field()), MISSIONS_PAGE_SIZE)
    return render(request, "network/mission_list.html",
                  {"form": form, "page_obj": page, "query_string": query_string})


@member_required
def mission_detail(request: HttpRequest, mission_id: uuid.UUID) -> HttpResponse:
    user = _manager(request)
    mission = access.access_mission(user, mission_id)
    form = CorrespondenceFilterForm(request.GET or None)
    qs = selectors.correspondence_visible_to(user).filter(mission=mission)
    if form.is_valid():
        for name in ("direction", "channel"):
            if form.cleaned_data[name]:
                qs = qs.filter(**{name: form.cleaned_data[name]})
    elif form.is_bound:
        qs = qs.none()
    page, query_string = _page(request, qs.order_by("-occurred_on", "-created_at"))
    return render(request, "network/mission_detail.html", {
        "mission": mission,
        "focal_points": selectors.mission_contacts_visible_to(user)
        .filter(organization=mission).order_by("-is_public", _name_field()),
        "can_manage_contacts": can_manage_contacts_of(user, mission),
        "form": form, "page_obj": page, "query_string": query_string,
    })


# --- The correspondence log ----------------------------------------------------------


def _correspondence_page(request: HttpRequest, form: CorrespondenceForm, *,
                         mission: Organization, entry: Correspondence | None,
                         status: int = 200) -> HttpResponse:
    return render(request, "network/correspondence_form.html",
                  {"form": form, "mission": mission, "entry": entry}, status=status)


def _save_correspondence(request: HttpRequest, form: CorrespondenceForm, save: Any, *,
                         mission: Organization, entry: Correspondence | None,
                         saved: str) -> HttpResponse:
    if form.is_valid():
        try:
            result = save(form.cleaned_data)
        except errors.PermissionDenied as exc:
            raise _forbidden(exc) from exc
        except errors.DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, saved)
            return redirect("network:correspondence_detail", result.pk)
    return _correspondence_page(request, form, mission=mission, entry=entry, status=400)


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in ("direction", "channel", "occurred_on", "subject",
                                          "summary", "reference_number")}


@accepts_upload(documents.max_bytes)
@member_required
def correspondence_create(request: HttpRequest, mission_id: uuid.UUID) -> HttpResponse:
    """A file too large for the request body reaches this view without its bytes
    (tawasul.common.uploads), and the service refuses it by its size like any other."""
    user = _manager(request)
    mission = access.access_mission(user, mission_id)
    if request.method != "POST":
        return _correspondence_page(request, CorrespondenceForm(), mission=mission, entry=None)
    return _save_correspondence(
        request, CorrespondenceForm(request.POST, request.FILES),
        lambda data: services.correspondence_record(
            actor=user, mission=mission, attachment=data["attachment"], **_fields(data)),
        mission=mission, entry=None, saved=_("The correspondence was recorded."),
    )


@accepts_upload(documents.max_bytes)
@member_required
def correspondence_edit(request: HttpRequest, correspondence_id: uuid.UUID) -> HttpResponse:
    user = _manager(request)
    entry = access.access_correspondence(user, correspondence_id)
    mission = entry.mission
    if request.method != "POST":
        initial = {name: getattr(entry, name) for name in
                   ("direction", "channel", "occurred_on", "subject", "summary",
                    "reference_number")}
        form = CorrespondenceForm(initial=initial, has_attachment=entry.has_attachment)
        return _correspondence_page(request, form, mission=mission, entry=entry)
    return _save_correspondence(
        request,
        CorrespondenceForm(request.POST, request.FILES, has_attachment=entry.has_attachment),
        lambda data: services.correspondence_update(
            actor=user, entry=entry, attachment=data["attachment"],
            remove_attachment=bool(data.get("remove_attachment")), **_fields(data)),
        mission=mission, entry=entry, saved=_("The correspondence was saved."),
    )


@member_required
def correspondence_detail(request: HttpRequest, correspondence_id: uuid.UUID) -> HttpResponse:
    user = _manager(request)
    entry = access.access_correspondence(user, correspondence_id)
    return render(request, "network/correspondence_detail.html",
                  {"entry": entry, "mission": entry.mission})


@login_required
@require_GET
def correspondence_attachment(request: HttpRequest,
                              correspondence_id: uuid.UUID) -> HttpResponseBase:
    """The only way an attachment's bytes leave the server: after the access check, with
    the download audited."""
    user = _manager(request)
    entry = access.access_correspondence(user, correspondence_id)
    if not entry.has_attachment:
        raise Http404()
    handle = stored_files.open_stored(entry.attachment_path)
    services.correspondence_attachment_read_audited(user, entry)
    return stored_files.file_response(handle, filename=entry.attachment_name,
                                      content_type=entry.attachment_content_type)


# --- Bulletins ------------------------------------------------------------------------


def _bulletin_reader(request: HttpRequest) -> User:
    """The network's keepers and the missions' users; the 404 of a missing page for
    everyone else."""
    user = selectors.network_manager(request.user) or selectors.embassy_member(request.user)
    if user is None:
        raise errors.OutOfScope()
    return user


@member_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    user = _bulletin_reader(request)
    is_keeper = selectors.network_manager(user) is not None
    qs = (selectors.bulletins_for_keepers(user) if is_keeper
          else selectors.bulletins_for_mission(user))
    page, query_string = _page(request, qs.order_by("-sent_at", "-created_at"))
    return render(request, "network/bulletin_list.html", {
        "page_obj": page, "query_string": query_string, "is_keeper": is_keeper,
    })


def _missions_for_bulletins(user: User) -> QuerySet[Organization]:
    return selectors.missions_visible_to(user).filter(is_active=True).order_by(_name_field())


@member_required
def bulletin_create(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    form = BulletinForm(request.POST or None, missions=_missions_for_bulletins(user))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                bulletin = services.bulletin_send(
                    actor=user, title_ar=data["title_ar"], title_en=data["title_en"],
                    body_ar=data["body_ar"], body_en=data["body_en"],
                    to_all_missions=data["send_to"] == SEND_TO_ALL,
                    missions=data["missions"] or (),
                )
            except errors.PermissionDenied as exc:
                raise _forbidden(exc) from exc
            except errors.DomainError as exc:
                _add_error(form, exc)
            else:
                messages.success(request, _("The bulletin was sent to %(count)s missions.")
                                 % {"count": bulletin.deliveries.count()})
                return redirect("network:bulletin_detail", bulletin.pk)
    return render(request, "network/bulletin_form.html", {"form": form}, status=status)


@member_required
def bulletin_detail(request: HttpRequest, bulletin_id: uuid.UUID) -> HttpResponse:
    """A mission's user opening the bulletin leaves a read receipt (the first time only);
    the network's keepers see who received it and who read it when."""
    user = _bulletin_reader(request)
    bulletin: Bulletin = access.access_bulletin(user, bulletin_id)
    is_keeper = selectors.network_manager(user) is not None
    context: dict[str, Any] = {"bulletin": bulletin, "is_keeper": is_keeper}
    if is_keeper:
        deliveries = list(selectors.deliveries_with_receipts(user, bulletin)
                          .order_by(f"mission__{_name_field()}"))
        context.update({
            "deliveries": deliveries,
            "read_count": len([d for d in deliveries if getattr(d, "read_by", None)]),
        })
    else:
        context["receipt"] = services.bulletin_mark_read(user=user, bulletin=bulletin)
    return render(request, "network/bulletin_detail.html", context)
