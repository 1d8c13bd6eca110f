"""Pages of referrals from embassies: the embassy's list, its form and its view of one
referral; the foundation's intake desk (the queue, and the triage page of one referral
with its actions); the thread between the embassy and the foundation, with attachments.

Lists start from the scoped selectors (selectors.embassy_inbox, intake_queue,
embassy_referrals_for_intake), each page of them audited; a referral is opened only
through access_referral (404 outside scope, the read audited), at the one address
referrals:detail, which shows each viewer its own page (views.referral_detail). The
embassy's page shows only what tawasul.referrals.embassy_view decides. Every write goes
through tawasul.referrals.embassy_services, each action in the shape of
tawasul.common.actions.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases import documents
from tawasul.cases.pagination import DeferredJoinPaginator
from tawasul.common import actions, errors
from tawasul.common import attachments as stored_files
from tawasul.common.access import as_member, require
from tawasul.common.uploads import accepts_upload
from tawasul.home.decorators import member_required
from tawasul.organizations.models import Organization, OrganizationKind
from tawasul.people.selectors import persons_visible_to
from tawasul.referrals import (
    access,
    attachments,
    embassy_services,
    embassy_view,
    selectors,
)
from tawasul.referrals.forms import (
    AssignForm,
    DeclineForm,
    EmbassyMessageForm,
    EmbassyReferralForm,
    LinkPersonForm,
)
from tawasul.referrals.models import (
    TRIAGE_STATUSES,
    Referral,
    ReferralEvent,
    ReferralEventKind,
    ReferralKind,
    SubmittedPerson,
)

PAGE_SIZE = 25
# Fields each list page shows, for its audit entry.
EMBASSY_LIST_FIELDS = ("reference", "submitted_person", "domain", "urgency", "status",
                       "sent_at")
QUEUE_FIELDS = ("reference", "from_organization", "submitted_person", "domain", "urgency",
                "status", "sent_at", "due_at")
QUEUE, ALL = "queue", "all"


def _user(request: HttpRequest) -> User:
    user = as_member(request.user)
    assert user is not None  # member_required
    return user


def _thread(user: User, referral: Referral) -> list[ReferralEvent]:
    """The thread as its pages show it, the embassy's messages marked to stand out."""
    events = list(selectors.referral_events_visible_to(user, referral))
    for event in events:
        event.from_embassy = (  # type: ignore[attr-defined]
            event.kind == ReferralEventKind.MESSAGE and event.author is not None
            and event.author.organization_id == referral.from_organization_id)
    return events


def _page(request: HttpRequest, qs: QuerySet[Referral]) -> Any:
    # An embassy's referrals and the desk's lists run to thousands: a deep page joins
    # only its own rows.
    return DeferredJoinPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _audit_page(user: User, page: Any, fields: tuple[str, ...], what: str) -> None:
    """One READ entry per page shown, naming the referrals on it."""
    audit_record(action=AuditAction.READ, actor=user, object_type=Referral._meta.label_lower,
                 fields=fields,
                 reason=f"{what} page {page.number}; rows: {page.paginator.count}; shown: "
                 + " ".join(str(r.pk) for r in page))


# --- The embassy's side ------------------------------------------------------------------


def _embassy(request: HttpRequest) -> User:
    user = selectors.embassy_member(request.user)
    if user is None:
        raise errors.OutOfScope()
    return user


@member_required
@require_GET
def embassy_list(request: HttpRequest) -> HttpResponse:
    user = _embassy(request)
    page = _page(request, selectors.embassy_inbox(user))
    _audit_page(user, page, EMBASSY_LIST_FIELDS, "embassy referrals")
    rows = [(r, status, embassy_view.EmbassyStatus(status).label)
            for r in page for status in [embassy_view.embassy_status(r)]]
    return render(request, "referrals/embassy_list.html", {
        "page_obj": page, "rows": rows, "query_string": "",
        "can_submit": access.can_submit_embassy_referral(user),
    })


@member_required
def embassy_new(request: HttpRequest) -> HttpResponse:
    user = _embassy(request)
    if not access.can_submit_embassy_referral(user):
        raise PermissionDenied(_("Only the embassy's consular officers refer persons."))
    assert user.organization is not None
    country = str(user.organization.country)
    form = EmbassyReferralForm(request.POST or None, country=country)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            referral = actions.attempt(form, lambda: embassy_services.embassy_referral_submit(
                actor=user, person=form.person(), domain=data["domain"],
                urgency=data["urgency"], reason=data["reason"],
            ))
            if referral is not None:
                messages.success(request, _("The referral %(reference)s was sent to the "
                                            "foundation.") % {"reference": referral.reference})
                return redirect("referrals:detail", referral.pk)
    return render(request, "referrals/embassy_new.html",
                  {"form": form, "embassy": user.organization}, status=status)


def embassy_page(request: HttpRequest, user: User, referral: Referral, *, status: int = 200,
                 message_form: BaseForm | None = None) -> HttpResponse:
    view = embassy_view.embassy_view(referral)
    if view.receiving_center is not None:
        embassy_services.log_disclosure(referral, view, ["status", "receiving_center"])
    context: dict[str, Any] = {
        "referral": referral,
        "view": view,
        "submitted": SubmittedPerson.objects.filter(referral=referral).first(),
        "events": _thread(user, referral),
        "descriptions": embassy_view.DESCRIPTIONS,
    }
    if access.can_write_message(user, referral):
        context["message_form"] = message_form or EmbassyMessageForm()
    return render(request, "referrals/embassy_detail.html", context, status=status)


# --- The intake desk -------------------------------------------------------------------------


def _router(request: HttpRequest) -> User:
    user = selectors.foundation_router(request.user)
    if user is None:
        raise errors.OutOfScope()
    return user


@member_required
@require_GET
def intake_desk(request: HttpRequest) -> HttpResponse:
    """The queue (the intake desk) and every embassy referral (also for liaison
    officers, who see no names)."""
    user = _router(request)
    is_intake = selectors.intake_member(user) is not None
    show = request.GET.get("show") or (QUEUE if is_intake else ALL)
    if show not in (QUEUE, ALL) or (show == QUEUE and not is_intake):
        show = ALL
    qs = (selectors.intake_queue(user) if show == QUEUE
          else selectors.embassy_referrals_for_intake(user))
    page = _page(request, qs)
    _audit_page(user, page, QUEUE_FIELDS if is_intake else
                tuple(f for f in QUEUE_FIELDS if f != "submitted_person"), f"intake desk {show}")
    now = timezone.now()
    return render(request, "referrals/intake_desk.html", {
        "page_obj": page, "show": show, "is_intake": is_intake, "now": now,
        "query_string": f"show={show}", "triage_statuses": TRIAGE_STATUSES,
    })


def _centers() -> QuerySet[Organization]:
    arabic = (get_language() or "ar").startswith("ar")
    return Organization.objects.filter(kind=OrganizationKind.CENTER, is_active=True).order_by(
        "name_ar" if arabic else "name_en")


def triage_page(request: HttpRequest, user: User, referral: Referral, *, status: int = 200,
                **forms: BaseForm) -> HttpResponse:
    fields = selectors.referral_fields_for(user, referral)
    can_triage = access.can_triage(user, referral)
    in_triage = (referral.status in TRIAGE_STATUSES and referral.assigned_center_id is None)
    now = timezone.now()
    context: dict[str, Any] = {
        "referral": referral,
        "fields": fields,
        "submitted": (SubmittedPerson.objects.filter(referral=referral).first()
                      if "submitted_person" in fields else None),
        "matches": selectors.registry_matches(user, referral),
        "events": _thread(user, referral),
        "assignments": (list(referral.assignments.select_related("to_organization")
                             .order_by("-sent_at"))
                        if "assignments" in fields else []),
        "can_triage": can_triage,
        "in_triage": in_triage,
        "now": now,
        "is_overdue": in_triage and referral.due_at < now,
        "withheld": embassy_view.is_withheld(referral),
        "embassy_status": embassy_view.embassy_view(referral),
    }
    if can_triage and in_triage:
        context["assign_form"] = forms.get("assign_form") or AssignForm(centers=_centers())
        context["decline_form"] = forms.get("decline_form") or DeclineForm(prefix="decline")
        context["link_error"] = forms.get("link_form")
    # Nothing may be written to the embassy about a person withheld from it.
    if access.can_write_message(user, referral) and not context["withheld"]:
        context["message_form"] = forms.get("message_form") or EmbassyMessageForm()
    return render(request, "referrals/triage_detail.html", context, status=status)


def _triaged(request: HttpRequest, referral_id: uuid.UUID) -> tuple[User, Referral]:
    user = _user(request)
    referral = access.access_referral(user, referral_id)
    if referral.kind != ReferralKind.EMBASSY_TO_FOUNDATION:
        raise errors.OutOfScope()
    return user, referral


def _for_triage(request: HttpRequest, referral_id: uuid.UUID) -> tuple[User, Referral]:
    """The triage actions (link, register, search again, assign, decline) are the intake
    desk's: anyone else who sees the referral (the referring embassy, a liaison officer)
    is refused (403, audited) before the form is read, whatever it holds."""
    user, referral = _triaged(request, referral_id)
    try:
        require(access.can_triage(user, referral), user, referral, "triage referrals")
    except errors.PermissionDenied as exc:
        raise actions.forbidden(exc) from exc
    return user, referral


def _refused_page(request: HttpRequest, user: User, referral: Referral, *, status: int,
                  **forms: BaseForm) -> HttpResponse:
    """The page a refused form shows on: the embassy's page (its one form, the message
    form) or the triage page, whichever the user sees."""
    if selectors.is_referring_embassy(user, referral):
        return embassy_page(request, user, referral, status=status,
                            message_form=forms["message_form"])
    return triage_page(request, user, referral, status=status, **forms)


_actions = actions.RecordActions(fetch=_for_triage, page=_refused_page,
                                 detail="referrals:detail", url_kwarg="referral_id")


def _link_form(request: HttpRequest, user: User, referral: Referral) -> LinkPersonForm:
    return LinkPersonForm(request.POST, persons=persons_visible_to(user))


def _assign_form(request: HttpRequest, user: User, referral: Referral) -> AssignForm:
    return AssignForm(request.POST, centers=_centers())


@_actions.form_action("link_form", _link_form)
def triage_link(user: User, referral: Referral, data: dict[str, Any]) -> str:
    embassy_services.referral_link_person(actor=user, referral=referral, person=data["person"])
    return _("The referral is linked to %(reference)s.") % {
        "reference": data["person"].reference}


@_actions.button_action()
def triage_register(user: User, referral: Referral) -> str:
    linked = embassy_services.referral_register_person(actor=user, referral=referral)
    assert linked.person is not None
    return _("%(reference)s was registered from what the embassy sent, and the referral "
             "linked to it.") % {"reference": linked.person.reference}


@_actions.button_action(anchor="#matches")
def triage_match_again(user: User, referral: Referral) -> str:
    embassy_services.referral_match_again(actor=user, referral=referral)
    return _("The registry was searched again.")


@_actions.form_action("assign_form", _assign_form)
def triage_assign(user: User, referral: Referral, data: dict[str, Any]) -> str:
    assignment = embassy_services.referral_assign(
        actor=user, referral=referral, center=data["center"], note=data["note"])
    return _("The referral was assigned to %(center)s (%(reference)s).") % {
        "center": data["center"].name, "reference": assignment.reference}


@_actions.form_action("decline_form", actions.posted(DeclineForm, prefix="decline"))
def triage_decline(user: User, referral: Referral, data: dict[str, Any]) -> str:
    embassy_services.referral_intake_decline(actor=user, referral=referral,
                                             reason=data["reason"])
    return _("The referral was declined; the embassy can read the reason.")


@accepts_upload(documents.max_bytes)
@_actions.form_action("message_form", actions.posted(EmbassyMessageForm), fetch=_triaged,
                      anchor="#messages")
def embassy_message(user: User, referral: Referral, data: dict[str, Any]) -> str:
    """A message between the embassy and the foundation. A file too large for the request
    body reaches this view without its bytes (tawasul.common.uploads) and is refused by
    its size like any other."""
    embassy_services.embassy_message_add(actor=user, referral=referral, text=data["text"],
                                         files=stored_files.page_files(data))
    return _("The message was sent.")


attachment_download = stored_files.download_view(attachments.access_attachment,
                                                 attachments.download_audited)

