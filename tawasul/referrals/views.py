"""Pages of referrals between centers: sending from a case page, the center's inbox and
outbox, and the referral page with its timeline, messages and the actions of each side.
Referrals from embassies have their pages in embassy_views (the referral page, at the
same address, is theirs for an embassy referral).

Lists start from the scoped selectors (tawasul.referrals.selectors); a referral is opened
only through access_referral (404 outside scope, the read audited) and shows only the
fields referral_fields_for allows. Every write goes through tawasul.referrals.services,
each action in the shape of tawasul.common.actions.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tawasul.accounts.models import User
from tawasul.accounts.selectors import users_visible_to
from tawasul.cases import access as case_access
from tawasul.cases.models import Case, CaseType
from tawasul.cases.selectors import center_member
from tawasul.cases.services import MANAGER_ROLES
from tawasul.common import actions, errors
from tawasul.home.decorators import member_required
from tawasul.portal.services import thread_mark_read
from tawasul.referrals import access, embassy_views, selectors, services
from tawasul.referrals.forms import (
    CompleteForm,
    MessageForm,
    ReasonForm,
    ReferralAcceptForm,
    ReferralFilterForm,
    ReferralSendForm,
)
from tawasul.referrals.models import OPEN_STATUSES, Referral, ReferralKind, ReferralStatus

PAGE_SIZE = 25


def _member(request: HttpRequest) -> User:
    """The boxes and the actions exist for center staff; anyone else gets the 404 of a
    page that is not there for them."""
    user = center_member(request.user)
    if user is None:
        raise errors.OutOfScope()
    return user


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _is_arabic() -> bool:
    return (get_language() or "ar").startswith("ar")


def _centers(user: User) -> Any:
    return selectors.referral_recipients_for(user).order_by(
        "name_ar" if _is_arabic() else "name_en")


# --- The referrals of a case, on the case page ----------------------------------------


def case_referrals_context(user: Any, case: Case) -> dict[str, Any]:
    """What the case page shows of the case's referrals, sent and received, and whether
    the viewer may refer it (used by the `case_referrals` template tag)."""
    if center_member(user) is None:
        return {"referrals": [], "can_refer": False, "case": case}
    referrals = list(selectors.referrals_of_case(user, case).order_by("-sent_at"))
    can_refer = case_access.can_contribute(user, case) and not case.is_closed
    return {"referrals": referrals, "can_refer": can_refer, "case": case,
            "now": timezone.now()}


# --- Sending ---------------------------------------------------------------------------


@member_required
def referral_send(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = _member(request)
    try:
        case = case_access.access_case(user, case_id)
    except case_access.BreakGlassRequired as exc:
        raise actions.forbidden(exc) from exc
    if not case_access.can_contribute(user, case):
        raise PermissionDenied(_("You may not refer this case."))
    form = ReferralSendForm(request.POST or None, centers=_centers(user))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            referral = actions.attempt(form, lambda: services.referral_send(
                actor=user, case=case, to_center=data["to_center"],
                urgency=data["urgency"], reason=data["reason"], summary=data["summary"],
            ))
            if referral is not None:
                messages.success(request, _("The referral %(reference)s was sent.")
                                 % {"reference": referral.reference})
                return redirect("referrals:detail", referral.pk)
    return render(request, "referrals/referral_send.html",
                  {"form": form, "case": case, "person": case.person}, status=status)


# --- Inbox and outbox --------------------------------------------------------------------


def _box(request: HttpRequest, qs: QuerySet[Referral], box: str) -> HttpResponse:
    form = ReferralFilterForm(request.GET or None)
    now = timezone.now()
    if form.is_valid():
        data = form.cleaned_data
        if data["status"] == "open":
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif data["status"]:
            qs = qs.filter(status=data["status"])
        if data["urgency"]:
            qs = qs.filter(urgency=data["urgency"])
        if data["overdue"]:
            qs = qs.filter(status=ReferralStatus.SUBMITTED, due_at__lt=now)
    elif form.is_bound:
        qs = qs.none()
    page = Paginator(qs.order_by("-sent_at", "-created_at"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "referrals/referral_list.html", {
        "form": form, "page_obj": page, "query_string": params.urlencode(), "box": box,
        "now": now,
    })


@member_required
def inbox(request: HttpRequest) -> HttpResponse:
    return _box(request, selectors.inbox_of(_member(request)), "inbox")


@member_required
def outbox(request: HttpRequest) -> HttpResponse:
    return _box(request, selectors.outbox_of(_member(request)), "outbox")


# --- The referral page -------------------------------------------------------------------


def _case_types(referral: Referral) -> QuerySet[CaseType]:
    return CaseType.objects.filter(domain=referral.to_organization.domain,
                                   is_active=True).order_by(
        "name_ar" if _is_arabic() else "name_en")


def _managers(user: User, referral: Referral) -> QuerySet[User]:
    return users_visible_to(user).filter(
        organization_id=referral.to_organization_id, is_active=True, role__in=MANAGER_ROLES,
    ).order_by("username")


def _accept_form(user: User, referral: Referral, data: Any = None) -> ReferralAcceptForm:
    initial = {"assigned_manager": user.pk} if user.role in MANAGER_ROLES else None
    return ReferralAcceptForm(data, case_types=_case_types(referral),
                              managers=_managers(user, referral), initial=initial)


def _referral_page(request: HttpRequest, user: User, referral: Referral, *,
                   status: int = 200, **forms: BaseForm) -> HttpResponse:
    fields = selectors.referral_fields_for(user, referral)
    can_decide = access.can_decide(user, referral)
    can_write = access.can_write_message(user, referral)
    submitted = referral.status == ReferralStatus.SUBMITTED
    context: dict[str, Any] = {
        "referral": referral,
        "fields": fields,
        "events": list(selectors.referral_events_visible_to(user, referral)),
        "now": timezone.now(),
        "is_overdue": submitted and referral.due_at < timezone.now(),
        "is_receiver": selectors.is_receiver(user, referral),
        "is_sender": selectors.is_sender(user, referral),
        "can_decide": can_decide,
        "can_start": can_decide and referral.status == ReferralStatus.ACCEPTED,
        "can_complete": can_decide and referral.status in (ReferralStatus.ACCEPTED,
                                                           ReferralStatus.IN_PROGRESS),
        # An assignment of an embassy referral: declining hands it back to the intake
        # desk, withdrawing takes it back from the center.
        "is_assignment": referral.kind == ReferralKind.FOUNDATION_TO_CENTER,
        "origin": (referral.parent.from_organization
                   if referral.parent is not None and "parent" in fields
                   and selectors.is_receiver(user, referral) else None),
    }
    if can_write:
        context["message_form"] = forms.get("message_form") or MessageForm()
    if can_decide and submitted:
        context["accept_form"] = forms.get("accept_form") or _accept_form(user, referral)
        context["decline_form"] = forms.get("decline_form") or ReasonForm(prefix="decline")
    if access.can_withdraw(user, referral) and submitted:
        context["withdraw_form"] = forms.get("withdraw_form") or ReasonForm(prefix="withdraw")
    if context["can_complete"]:
        context["complete_form"] = forms.get("complete_form") or CompleteForm()
    return render(request, "referrals/referral_detail.html", context, status=status)


@member_required
def referral_detail(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    # Besides both centers, the foundation's routers open it (the fields they may see
    # only); for everyone else access_referral answers 404.
    user = _user(request)
    referral = access.access_referral(user, referral_id)
    # Reading the page reads its thread (the unread-message counts of the portal).
    thread_mark_read(actor=user, thread=referral)
    if referral.kind == ReferralKind.EMBASSY_TO_FOUNDATION:
        # The embassy that made it sees its own page; the foundation the triage page.
        if selectors.is_referring_embassy(user, referral):
            return embassy_views.embassy_page(request, user, referral)
        return embassy_views.triage_page(request, user, referral)
    return _referral_page(request, user, referral)


def _action(request: HttpRequest, referral_id: uuid.UUID, *,
            intake_on_assignments: bool = False) -> tuple[User, Referral]:
    """The actions are the centers'; with `intake_on_assignments`, also the intake desk's
    on its assignments of embassy referrals (withdrawing one, writing to the center)."""
    intake = selectors.intake_member(request.user) if intake_on_assignments else None
    if intake is not None:
        referral = access.access_referral(intake, referral_id)
        if referral.kind != ReferralKind.FOUNDATION_TO_CENTER:
            raise errors.OutOfScope()
        return intake, referral
    user = _member(request)
    return user, access.access_referral(user, referral_id)


_actions = actions.RecordActions(fetch=_action, page=_referral_page, detail="referrals:detail",
                                 url_kwarg="referral_id")
# Withdrawing and writing are also the intake desk's, on its assignments.
_action_or_intake = partial(_action, intake_on_assignments=True)


def _posted_accept_form(request: HttpRequest, user: User, referral: Referral
                        ) -> ReferralAcceptForm:
    return _accept_form(user, referral, request.POST)


@_actions.form_action("accept_form", _posted_accept_form)
def referral_accept(user: User, referral: Referral, data: dict[str, Any]) -> str:
    accepted = services.referral_accept(
        actor=user, referral=referral, case_type=data["case_type"],
        assigned_manager=data["assigned_manager"],
    )
    assert accepted.received_case is not None
    return _("The referral was accepted and the case %(reference)s opened.") % {
        "reference": accepted.received_case.reference}


@_actions.form_action("decline_form", actions.posted(ReasonForm, prefix="decline"))
def referral_decline(user: User, referral: Referral, data: dict[str, Any]) -> str:
    services.referral_decline(actor=user, referral=referral, reason=data["reason"])
    return _("The referral was declined.")


@_actions.form_action("withdraw_form", actions.posted(ReasonForm, prefix="withdraw"),
                      fetch=_action_or_intake)
def referral_withdraw(user: User, referral: Referral, data: dict[str, Any]) -> str:
    services.referral_withdraw(actor=user, referral=referral, reason=data["reason"])
    return _("The referral was withdrawn.")


@_actions.button_action()
def referral_start(user: User, referral: Referral) -> str:
    services.referral_start(actor=user, referral=referral)
    return _("Work on the referral has started.")


@_actions.form_action("complete_form", actions.posted(CompleteForm))
def referral_complete(user: User, referral: Referral, data: dict[str, Any]) -> str:
    services.referral_complete(actor=user, referral=referral, note=data["note"])
    return _("The referral was completed.")


@_actions.form_action("message_form", actions.posted(MessageForm), fetch=_action_or_intake,
                      anchor="#messages")
def referral_message(user: User, referral: Referral, data: dict[str, Any]) -> str:
    services.referral_message_add(actor=user, referral=referral, text=data["text"])
    return _("The message was sent.")
