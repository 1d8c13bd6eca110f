"""Pages of referrals from embassies: the embassy's list, its form and its view of one
referral; the foundation's intake desk (the queue, and the triage page of one referral
with its actions); the thread between the embassy and the foundation, with attachments.

Lists start from the scoped selectors (selectors.embassy_inbox, intake_queue,
embassy_referrals_for_intake), each page of them audited; a referral is opened only
through access_referral (404 outside scope, the read audited), at the one address
referrals:detail, which shows each viewer its own page (views.referral_detail). The
embassy's page shows only what tawasul.referrals.embassy_view decides. Every write goes
through tawasul.referrals.embassy_services; a refused action shows its message on its
form, with what the user typed kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases import documents
from tawasul.common import attachments as stored_files
from tawasul.common import errors
from tawasul.common.access import as_member
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


def _forbidden(exc: errors.PermissionDenied) -> PermissionDenied:
    return PermissionDenied(str(exc.message))


def _add_error(form: BaseForm, exc: errors.DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _page(request: HttpRequest, qs: QuerySet[Referral]) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


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
            try:
                referral = embassy_services.embassy_referral_submit(
                    actor=user, person=form.person(), domain=data["domain"],
                    urgency=data["urgency"], reason=data["reason"],
                )
            except errors.PermissionDenied as exc:
                raise _forbidden(exc) from exc
            except errors.DomainError as exc:
                _add_error(form, exc)
            else:
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
        "events": list(selectors.referral_events_visible_to(user, referral)),
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
        "events": list(selectors.referral_events_visible_to(user, referral)),
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


def _submit(request: HttpRequest, user: User, referral: Referral, *, form: BaseForm,
            form_name: str, perform: Callable[[dict[str, Any]], str],
            anchor: str = "") -> HttpResponse:
    if form.is_valid():
        try:
            message = perform(form.cleaned_data)
        except errors.PermissionDenied as exc:
            raise _forbidden(exc) from exc
        except errors.DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, message)
            return redirect(reverse("referrals:detail", args=[referral.pk]) + anchor)
    if selectors.is_referring_embassy(user, referral):
        return embassy_page(request, user, referral, status=400, message_form=form)
    return triage_page(request, user, referral, status=400, **{form_name: form})


@member_required
@require_POST
def triage_link(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user, referral = _triaged(request, referral_id)

    def perform(data: dict[str, Any]) -> str:
        embassy_services.referral_link_person(actor=user, referral=referral,
                                              person=data["person"])
        return _("The referral is linked to %(reference)s.") % {
            "reference": data["person"].reference}

    form = LinkPersonForm(request.POST, persons=persons_visible_to(user))
    return _submit(request, user, referral, form=form, form_name="link_form", perform=perform)


@member_required
@require_POST
def triage_register(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user, referral = _triaged(request, referral_id)
    try:
        linked = embassy_services.referral_register_person(actor=user, referral=referral)
    except errors.PermissionDenied as exc:
        raise _forbidden(exc) from exc
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("referrals:detail", referral.pk)
    assert linked.person is not None
    messages.success(request, _("%(reference)s was registered from what the embassy sent, "
                                "and the referral linked to it.")
                     % {"reference": linked.person.reference})
    return redirect("referrals:detail", referral.pk)


@member_required
@require_POST
def triage_match_again(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user, referral = _triaged(request, referral_id)
    try:
        embassy_services.referral_match_again(actor=user, referral=referral)
    except errors.PermissionDenied as exc:
        raise _forbidden(exc) from exc
    messages.success(request, _("The registry was searched again."))
    return redirect(reverse("referrals:detail", args=[referral.pk]) + "#matches")


@member_required
@require_POST
def triage_assign(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user, referral = _triaged(request, referral_id)

    def perform(data: dict[str, Any]) -> str:
        assignment = embassy_services.referral_assign(
            actor=user, referral=referral, center=data["center"], note=data["note"])
        return _("The referral was assigned to %(center)s (%(reference)s).") % {
            "center": data["center"].name, "reference": assignment.reference}

    return _submit(request, user, referral, form=AssignForm(request.POST, centers=_centers()),
                   form_name="assign_form", perform=perform)


@member_required
@require_POST
def triage_decline(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user, referral = _triaged(request, referral_id)

    def perform(data: dict[str, Any]) -> str:
        embassy_services.referral_intake_decline(actor=user, referral=referral,
                                                 reason=data["reason"])
        return _("The referral was declined; the embassy can read the reason.")

    return _submit(request, user, referral, form=DeclineForm(request.POST, prefix="decline"),
                   form_name="decline_form", perform=perform)


@accepts_upload(documents.max_bytes)
@member_required
@require_POST
def embassy_message(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """A message between the embassy and the foundation. A file too large for the request
    body reaches this view without its bytes (tawasul.common.uploads) and is refused by
    its size like any other."""
    user, referral = _triaged(request, referral_id)

    def perform(data: dict[str, Any]) -> str:
        embassy_services.embassy_message_add(actor=user, referral=referral, text=data["text"],
                                             attachment=data.get("attachment"))
        return _("The message was sent.")

    return _submit(request, user, referral, form=EmbassyMessageForm(request.POST, request.FILES),
                   form_name="message_form", perform=perform, anchor="#messages")


@login_required
@require_GET
def attachment_download(request: HttpRequest, attachment_id: uuid.UUID) -> HttpResponseBase:
    """404 for anyone who is not shown the message it belongs to (access_attachment)."""
    attachment = attachments.access_attachment(request.user, attachment_id)
    handle = stored_files.open_stored(attachment.stored_path)
    attachments.download_audited(request.user, attachment)
    return stored_files.file_response(handle, filename=attachment.original_filename,
                                      content_type=attachment.content_type)

