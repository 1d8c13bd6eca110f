"""Pages of coordination requests: the requests section of a case page, asking an embassy,
the director's approvals, the list of requests (a center's, an embassy's, or the
foundation's metadata view), the request page with its thread and the actions of each
side, attachment downloads, and a person's disclosure log with its export.

Lists start from the scoped selectors; a request is opened only through access_request
(404 outside scope, the read audited) and shows only the fields request_fields_for
allows. Every write goes through tawasul.coordination.services, each action in the shape
of tawasul.common.actions.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tawasul.accounts.models import User
from tawasul.cases import access as case_access
from tawasul.cases import documents
from tawasul.cases.export_views import file_response
from tawasul.cases.models import Case
from tawasul.cases.selectors import center_member
from tawasul.common import actions, errors
from tawasul.common import attachments as stored_files
from tawasul.common.uploads import accepts_upload
from tawasul.coordination import access, attachments, exports, request_types, selectors, services
from tawasul.coordination.forms import (
    CONSENT,
    FulfilForm,
    MessageForm,
    ReasonForm,
    RequestCreateForm,
    RequestFilterForm,
)
from tawasul.coordination.models import (
    OPEN_STATUSES,
    CoordinationRequest,
    RequestEvent,
    RequestStatus,
)
from tawasul.home.decorators import member_required
from tawasul.organizations.models import Organization, OrganizationKind
from tawasul.people.access import person_read_audited
from tawasul.portal.services import thread_mark_read

PAGE_SIZE = 25
# What the disclosure-log page shows of the person (audited as a read).
DISCLOSURE_PAGE_FIELDS: tuple[str, ...] = ("reference", "full_name_ar", "full_name_latin",
                                           "disclosures")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# --- The requests of a case, on the case page ---------------------------------------------


def case_requests_context(user: Any, case: Case) -> dict[str, Any]:
    """What the case page shows of the case's requests to embassies, and whether the
    viewer may make one (used by the `case_requests` template tag)."""
    if center_member(user) is None:
        return {"requests": [], "can_request": False, "case": case}
    requests = list(selectors.requests_of_case(user, case).order_by("-created_at"))
    return {"requests": requests, "case": case, "now": timezone.now(),
            "can_request": access.can_request_for_case(user, case)}


# --- Asking an embassy --------------------------------------------------------------------


def _create_form(user: User, case: Case, data: Any = None, initial: Any = None
                 ) -> RequestCreateForm:
    person = case.person
    embassies = selectors.home_embassies_of(person)
    values = data if data is not None else (initial or {})
    chosen = _uuid(values.get("embassy"))
    embassy = (embassies.filter(pk=chosen).first() if chosen else None) or embassies.first()
    request_type = str(values.get("request_type") or "")
    consents = (selectors.consents_allowing(user, person=person, embassy=embassy,
                                            request_type=request_type)
                if embassy is not None else [])
    form = RequestCreateForm(data, initial=initial, embassies=embassies, consents=consents)
    refresh = {"hx-get": reverse("coordination:new", args=[case.pk]), "hx-trigger": "change",
               "hx-target": "#request-dynamic", "hx-select": "#request-dynamic",
               "hx-swap": "outerHTML", "hx-include": "#request-new-form"}
    for name in ("request_type", "embassy"):
        form.fields[name].widget.attrs.update(refresh)
    if embassy is not None and data is None:
        form.initial.setdefault("embassy", embassy.pk)
    if data is None and consents and not form.initial.get("consent"):
        form.initial["consent"] = consents[0].pk
    return form


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@member_required
def request_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = center_member(request.user)
    if user is None:
        raise errors.OutOfScope()
    try:
        case = case_access.access_case(user, case_id)
    except case_access.BreakGlassRequired as exc:
        raise actions.forbidden(exc) from exc
    if not access.can_request_for_case(user, case):
        raise PermissionDenied(_("You may not ask an embassy about this case."))
    person = case.person
    embassies = selectors.home_embassies_of(person)
    flagged = any(selectors.flagged_against(person, e) for e in embassies)
    status = 200
    if request.method == "POST":
        form = _create_form(user, case, data=request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            created = actions.attempt(form, lambda: services.request_create(
                actor=user, case=case, request_type=data["request_type"],
                embassy=data["embassy"], urgency=data["urgency"],
                message=data["message"], home_town=data["home_town"],
                consent=data["consent"], legal_ground=data["legal_ground"],
                due_at=data["due_at"],
            ))
            if created is not None:
                if created.status == RequestStatus.SENT:
                    note = _("The request %(reference)s was sent to %(embassy)s.")
                else:
                    note = _("The request %(reference)s waits for the director's approval of "
                             "its legal ground; nothing has been sent yet.")
                messages.success(request, note % {"reference": created.reference,
                                                  "embassy": created.to_organization.name})
                return redirect("coordination:detail", created.pk)
    else:
        # The form asks the page again (htmx) when the type or embassy changes, to offer
        # the consents that allow that type; what was typed comes back as initial values.
        form = _create_form(user, case, initial=request.GET.dict() or None)
    selected_type = str(form["request_type"].value() or "")
    return render(request, "coordination/request_new.html", {
        "form": form, "case": case, "person": person, "has_embassy": embassies.exists(),
        "flagged": flagged, "minimum_table": request_types.table(),
        "selected_type": selected_type,
        "selected_minimum": next((row for row in request_types.table()
                                  if row["type"] == selected_type), None),
        "basis_is_consent": str(form["basis"].value() or CONSENT) == CONSENT,
    }, status=status)


# --- Lists --------------------------------------------------------------------------------


def _list_scope(user: User) -> str:
    if center_member(user) is not None:
        return "center"
    if selectors.embassy_member(user) is not None:
        return "embassy"
    if selectors.foundation_overseer(user) is not None:
        return "foundation"
    raise errors.OutOfScope()


def _filtered(request: HttpRequest, qs: QuerySet[CoordinationRequest]
              ) -> tuple[RequestFilterForm, QuerySet[CoordinationRequest]]:
    form = RequestFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"] == "open":
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif data["status"]:
            qs = qs.filter(status=data["status"])
        if data["request_type"]:
            qs = qs.filter(request_type=data["request_type"])
        if data["overdue"]:
            qs = selectors.overdue(qs)
    elif form.is_bound:
        qs = qs.none()
    return form, qs


def _page(request: HttpRequest, qs: QuerySet[CoordinationRequest]) -> dict[str, Any]:
    page = Paginator(qs.order_by("-created_at", "id"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {"page_obj": page, "query_string": params.urlencode()}


@member_required
def request_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    scope = _list_scope(user)
    form, qs = _filtered(request, selectors.requests_visible_to(user))
    return render(request, "coordination/request_list.html", {
        "form": form, "scope": scope, "now": timezone.now(), **_page(request, qs),
        "awaiting_approval": selectors.awaiting_approval_of(user).count(),
        "is_director": scope == "center" and user.role == "director",
    })


@member_required
def approvals(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if center_member(user) is None or user.role != "director":
        raise errors.OutOfScope()
    qs = selectors.awaiting_approval_of(user).select_related("legal_ground__requested_by")
    return render(request, "coordination/approvals.html", {
        "now": timezone.now(), **_page(request, qs)})


# --- The request page ---------------------------------------------------------------------


def _requester_name(req: CoordinationRequest) -> str:
    """How the embassy sees the requester: the foundation, not the center (whose name
    would say why the person is in care)."""
    parent = req.from_organization.parent
    if parent is not None and parent.kind == OrganizationKind.FOUNDATION:
        return parent.name
    foundation = Organization.objects.filter(kind=OrganizationKind.FOUNDATION,
                                             is_active=True).first()
    return foundation.name if foundation is not None else _("The foundation")


def _label_events(user: User, req: CoordinationRequest, events: list[RequestEvent]) -> None:
    on_center_side = selectors.is_requesting_side(user, req)
    foundation = _requester_name(req)
    for event in events:
        from_embassy = event.author_organization_id == req.to_organization_id
        if from_embassy:
            event.side = req.to_organization.name  # type: ignore[attr-defined]
            event.shown_author = (  # type: ignore[attr-defined]
                event.author.display_name if event.author else "")
        elif on_center_side:
            event.side = req.from_organization.name  # type: ignore[attr-defined]
            event.shown_author = (  # type: ignore[attr-defined]
                event.author.display_name if event.author else _("Tawasul"))
        else:
            event.side = foundation  # type: ignore[attr-defined]
            event.shown_author = ""  # type: ignore[attr-defined]
        event.from_embassy = from_embassy  # type: ignore[attr-defined]


def disclosed_items(req: CoordinationRequest) -> list[dict[str, Any]]:
    return [{"name": name, "label": request_types.FIELDS[name].label, "value": value}
            for name, value in req.disclosed.items() if name in request_types.FIELDS]


def _request_page(request: HttpRequest, user: User, req: CoordinationRequest, *,
                  status: int = 200, **forms: BaseForm) -> HttpResponse:
    fields = selectors.request_fields_for(user, req)
    events = list(selectors.request_events_visible_to(user, req))
    _label_events(user, req, events)
    now = timezone.now()
    is_embassy = selectors.is_addressed_embassy(user, req)
    context: dict[str, Any] = {
        "req": req, "fields": fields, "events": events, "now": now,
        "is_overdue": req.is_overdue_at(now),
        "is_requester": selectors.is_requesting_side(user, req),
        "is_embassy": is_embassy,
        "requester_name": _requester_name(req) if is_embassy else req.from_organization.name,
        "disclosed": disclosed_items(req) if "disclosed" in fields else [],
        "basis_in_force": selectors.basis_in_force(req, now) if req.is_sent else None,
        "can_answer": access.can_answer(user, req),
        "can_approve": access.can_approve(user, req),
    }
    if access.can_write_message(user, req):
        context["message_form"] = forms.get("message_form") or MessageForm()
    if context["can_answer"]:
        context["decline_form"] = forms.get("decline_form") or ReasonForm(prefix="decline")
        context["fulfil_form"] = forms.get("fulfil_form") or FulfilForm()
    if context["can_approve"]:
        context["refuse_form"] = forms.get("refuse_form") or ReasonForm(prefix="refuse")
    if access.can_withdraw(user, req):
        context["withdraw_form"] = forms.get("withdraw_form") or ReasonForm(prefix="withdraw")
    return render(request, "coordination/request_detail.html", context, status=status)


@member_required
def request_detail(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    req = access.access_request(user, request_id)
    # Reading the page reads the thread (the portal's unread-message counts).
    thread_mark_read(actor=user, thread=req)
    return _request_page(request, user, req)


def _action(request: HttpRequest, request_id: uuid.UUID) -> tuple[User, CoordinationRequest]:
    user = _user(request)
    return user, access.access_request(user, request_id)


_actions = actions.RecordActions(fetch=_action, page=_request_page, detail="coordination:detail",
                                 url_kwarg="request_id")


@_actions.button_action()
def request_approve(user: User, req: CoordinationRequest) -> str:
    services.request_approve(actor=user, request=req)
    return _("The legal ground was approved and recorded; the request was sent.")


@_actions.form_action("refuse_form", actions.posted(ReasonForm, prefix="refuse"))
def request_refuse(user: User, req: CoordinationRequest, data: dict[str, Any]) -> str:
    services.request_refuse(actor=user, request=req, reason=data["reason"])
    return _("The legal ground was not approved; the request was not sent.")


@_actions.button_action()
def request_acknowledge(user: User, req: CoordinationRequest) -> str:
    services.request_acknowledge(actor=user, request=req)
    return _("The request was acknowledged.")


@_actions.button_action()
def request_start(user: User, req: CoordinationRequest) -> str:
    services.request_start(actor=user, request=req)
    return _("The request is marked in progress.")


@_actions.form_action("fulfil_form", actions.posted(FulfilForm))
def request_fulfil(user: User, req: CoordinationRequest, data: dict[str, Any]) -> str:
    services.request_fulfil(actor=user, request=req, note=data["note"])
    return _("The request is marked fulfilled.")


@_actions.form_action("decline_form", actions.posted(ReasonForm, prefix="decline"))
def request_decline(user: User, req: CoordinationRequest, data: dict[str, Any]) -> str:
    services.request_decline(actor=user, request=req, reason=data["reason"])
    return _("The request was declined.")


@_actions.form_action("withdraw_form", actions.posted(ReasonForm, prefix="withdraw"))
def request_withdraw(user: User, req: CoordinationRequest, data: dict[str, Any]) -> str:
    services.request_withdraw(actor=user, request=req, reason=data["reason"])
    return _("The request was withdrawn. The embassy is told only that the foundation "
             "withdrew it.")


@accepts_upload(documents.max_bytes)
@_actions.form_action("message_form", actions.posted(MessageForm), anchor="#messages")
def request_message(user: User, req: CoordinationRequest, data: dict[str, Any]) -> str:
    """A file too large for the request body reaches this view without its bytes
    (tawasul.common.uploads) and is refused by its size like any other."""
    services.message_add(actor=user, request=req, text=data["text"],
                         files=stored_files.page_files(data))
    return _("The message was sent.")


attachment_download = stored_files.download_view(access.access_attachment,
                                                 attachments.attachment_download_audited)


# --- A person's disclosure log ------------------------------------------------------------


@member_required
@require_GET
def person_disclosures(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    person = access.access_person_disclosures(user, person_id)
    disclosures = list(selectors.disclosures_visible_to(user).filter(person=person)
                       .order_by("-disclosed_at"))
    person_read_audited(user, person, DISCLOSURE_PAGE_FIELDS)
    return render(request, "coordination/person_disclosures.html", {
        "person": person, "disclosures": disclosures,
        "rows": [exports.describe(d) for d in disclosures],
    })


def _export(request: HttpRequest, person_id: uuid.UUID, fmt: str) -> HttpResponse:
    user = _user(request)
    person = access.access_person_disclosures(user, person_id)
    return file_response(exports.export_disclosures(actor=user, person=person, fmt=fmt))


@member_required
@require_GET
def person_disclosures_csv(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    return _export(request, person_id, exports.CSV)


@member_required
@require_GET
def person_disclosures_xlsx(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    return _export(request, person_id, exports.XLSX)
