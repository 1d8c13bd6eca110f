"""Every write of coordination requests and of the disclosure log: the disclosure log's
one writer (`record_disclosure`), asking an embassy, the director's decision on a legal
ground, the embassy's answers, withdrawal, messages, and what happens to requests when a
person is flagged *no contact with home country* or a consent is withdrawn.

Each change is one transaction with its audit entry (field names only), an event on the
request's timeline, in-app notifications for the users concerned on the other side and
emails queued for after commit. Notifications and emails name the request, its type and
the organizations; never the person, a reason or a message. To the embassy the request
comes from the foundation, and a withdrawal reads "withdrawn by the foundation" whatever
its cause.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases.models import Case, Notification, in_each_language
from tawasul.common.access import require
from tawasul.common.attachments import discard_all, record_files
from tawasul.common.email import queue_templated_email
from tawasul.common.errors import DomainError
from tawasul.common.references import clean_long_text, next_reference
from tawasul.common.text import clean_text
from tawasul.coordination import access, attachments, request_types, selectors
from tawasul.coordination.due import request_due_at, request_remind_at
from tawasul.coordination.models import (
    AWAITING_EMBASSY,
    OPEN_STATUSES,
    CoordinationNotificationKind,
    CoordinationRequest,
    Disclosure,
    LegalGround,
    LegalGroundStatus,
    RequestAttachment,
    RequestEvent,
    RequestEventKind,
    RequestReferenceCounter,
    RequestStatus,
    RequestType,
    RetractionNotice,
    WithdrawalCause,
)
from tawasul.organizations.models import Organization, OrganizationKind
from tawasul.people.models import Consent, DataCategory, Person
from tawasul.referrals.models import Urgency

S = RequestStatus
K = CoordinationNotificationKind
HOME_TOWN_MAX_LENGTH = 200
# Who in a recipient organization is told that a consent was withdrawn.
NOTICE_ROLES: frozenset[str] = frozenset({
    Role.CONSULAR_OFFICER, Role.EMBASSY_VIEWER, Role.DIRECTOR, Role.PARTNER_FOCAL_POINT,
    Role.ADMIN, Role.LIAISON_OFFICER,
})


def no_contact_error() -> DomainError:
    return DomainError(
        "no_contact",
        _("This person is flagged “no contact with home country”: nothing about them may "
          "be sent to their country's embassy, whatever any consent says."),
        field="embassy",
    )


def sharing_stopped_error() -> DomainError:
    return DomainError(
        "sharing_stopped",
        _("Nothing more may be sent to the embassy on this request: the consent it relies "
          "on is no longer in force, or the person may not be disclosed to this embassy."),
    )


# --- The disclosure log -------------------------------------------------------------------


def record_disclosure(
    *,
    actor: User | None,
    person: Person,
    recipient: Organization,
    fields: Iterable[str],
    categories: Iterable[str],
    purpose: str,
    obj: models.Model,
    reference: str = "",
    consent: Consent | None = None,
    legal_ground: LegalGround | None = None,
    organization: Organization | None = None,
    at: dt.datetime | None = None,
) -> Disclosure:
    """Log that `fields` (names, never values) of `person` went to `recipient` as part of
    `obj`, under `consent` or an approved `legal_ground`. Every producer of disclosures
    (requests to embassies here; referrals and webhooks) writes through this, inside the
    transaction that shares."""
    if (consent is None) == (legal_ground is None):
        raise ValueError("a disclosure relies on exactly one consent or legal ground")
    if legal_ground is not None and not legal_ground.is_approved:
        raise ValueError("a legal ground must be approved before anything is disclosed")
    discloser = organization or (actor.organization if actor is not None else None)
    if discloser is None:
        raise ValueError("the disclosing organization is not known")
    names = list(dict.fromkeys(fields))
    if not names:
        raise ValueError("a disclosure names what was disclosed")
    disclosure = Disclosure.objects.create(
        person=person, recipient=recipient, fields=names, categories=sorted(set(categories)),
        purpose=purpose, consent=consent, legal_ground=legal_ground,
        disclosed_at=at or timezone.now(), disclosed_by=actor,
        disclosed_by_organization=discloser, object_type=obj._meta.label_lower,
        object_id=str(obj.pk), object_reference=reference,
    )
    audit_record(action=AuditAction.CREATE, actor=actor, obj=disclosure,
                 fields=["person", "recipient", "fields", "categories", "purpose",
                         "consent" if consent is not None else "legal_ground", "object_id"],
                 actor_username="" if actor is not None else "system:coordination")
    return disclosure


# --- Who is told --------------------------------------------------------------------------


def _active(users: Iterable[User | None], *, besides: User | None) -> list[User]:
    seen: dict[object, User] = {}
    for user in users:
        if user is not None and user.is_active and (besides is None or user.pk != besides.pk):
            seen.setdefault(user.pk, user)
    return list(seen.values())


def embassy_users(request: CoordinationRequest) -> list[User]:
    return list(User.objects.filter(organization_id=request.to_organization_id, is_active=True,
                                    role__in=selectors.EMBASSY_ROLES))


def requesting_side(request: CoordinationRequest, actor: User | None) -> list[User]:
    case: Case = request.case
    return _active([request.created_by, case.assigned_manager], besides=actor)


def directors_of(request: CoordinationRequest, actor: User | None) -> list[User]:
    return _active(User.objects.filter(organization_id=request.from_organization_id,
                                       role=Role.DIRECTOR, is_active=True), besides=actor)


def liaison_officers() -> list[User]:
    return list(User.objects.filter(role=Role.LIAISON_OFFICER, is_active=True,
                                    organization__kind=OrganizationKind.FOUNDATION))


def notification_params(request: CoordinationRequest) -> dict[str, Any]:
    embassy = request.to_organization
    return {
        "request": request.reference,
        "type": in_each_language(lambda: RequestType(request.request_type).label),
        "to": in_each_language(lambda: embassy.name),
        "status": in_each_language(lambda: RequestStatus(request.status).label),
    }


def email_context(request: CoordinationRequest) -> dict[str, object]:
    return {
        "request_reference": request.reference,
        "request_type": request.request_type,
        "embassy_name_ar": request.to_organization.name_ar,
        "embassy_name_en": request.to_organization.name_en,
        "status": request.status,
        "due_at": request.due_at,
    }


def notify(*, recipients: Iterable[User], request: CoordinationRequest, kind: str, key: str,
           template: str = "coordination_notice", extra: dict[str, object] | None = None
           ) -> None:
    """In-app notification now, email after commit; `key` keeps each email once-only."""
    for user in recipients:
        Notification.objects.create(
            recipient=user, kind=kind, params=notification_params(request),
            object_type=CoordinationRequest._meta.label_lower, object_id=str(request.pk),
        )
        queue_templated_email(user=user, template=template,
                              context={**email_context(request), "notice": kind,
                                       **(extra or {})},
                              key=f"{key}:{user.pk}")


def _event(*, actor: User | None, request: CoordinationRequest, shared: bool = True,
           **fields: Any) -> RequestEvent:
    side = actor.organization if actor is not None else None
    event = RequestEvent.objects.create(request=request, author=actor, author_organization=side,
                                        shared_with_embassy=shared, at=timezone.now(), **fields)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=event,
                 fields=["request", "kind", *fields],
                 actor_username="" if actor is not None else "system:coordination")
    return event


def _locked(request: CoordinationRequest) -> CoordinationRequest:
    return CoordinationRequest.objects.select_for_update(of=("self",)).select_related(
        "from_organization", "to_organization", "person", "case__assigned_manager", "consent",
        "legal_ground", "created_by",
    ).get(pk=request.pk)


def _require_status(current: CoordinationRequest, allowed_from: Iterable[str],
                    to_status: str) -> None:
    if current.status not in set(allowed_from):
        raise DomainError(
            "transition_not_allowed",
            _("A request cannot move from “%(from)s” to “%(to)s”.") % {
                "from": RequestStatus(current.status).label,
                "to": RequestStatus(to_status).label,
            },
        )


# --- Asking an embassy --------------------------------------------------------------------


def _next_reference(year: int) -> str:
    return next_reference(RequestReferenceCounter, "CR", year)


def _check_embassy(person: Person, embassy: Organization | None) -> Organization:
    if embassy is None or embassy.kind != OrganizationKind.EMBASSY or not embassy.is_active:
        raise DomainError("invalid", _("Choose the embassy."), field="embassy")
    if str(embassy.country) != str(person.nationality):
        raise DomainError(
            "not_home_embassy",
            _("A request goes to the embassy of the person's own country."), field="embassy",
        )
    if selectors.flagged_against(person, embassy):
        raise no_contact_error()
    return embassy


def request_create(
    *,
    actor: User,
    case: Case,
    request_type: str,
    embassy: Organization | None,
    urgency: str,
    message: str = "",
    home_town: str = "",
    consent: Consent | None = None,
    legal_ground: str = "",
    due_at: dt.datetime | None = None,
) -> CoordinationRequest:
    """Ask the embassy of the person's country for something. With a consent that allows
    it now, the request is sent at once; with a legal ground instead, it waits for the
    director of the center to approve the ground, and nothing leaves the center before."""
    require(access.can_request_for_case(actor, case), actor, case,
            "ask an embassy about this case")
    if request_type not in RequestType.values:
        raise DomainError("invalid", _("Choose the type of request."), field="request_type")
    if urgency not in Urgency.values:
        raise DomainError("invalid", _("Choose the urgency."), field="urgency")
    person = case.person
    embassy = _check_embassy(person, embassy)
    message = clean_long_text(message, field="message")
    ground_text = clean_long_text(legal_ground, field="legal_ground")
    home_town = clean_text(home_town or "")
    if request_types.needs_home_town(request_type):
        if not home_town:
            raise DomainError("required", _("Family tracing needs the home town or area in "
                                            "the home country."), field="home_town")
        if len(home_town) > HOME_TOWN_MAX_LENGTH:
            raise DomainError("too_long", _("At most %(count)s characters.")
                              % {"count": HOME_TOWN_MAX_LENGTH}, field="home_town")
    else:
        home_town = ""  # not part of what this type discloses
    now = timezone.now()
    if due_at is not None and due_at <= now:
        raise DomainError("due_in_past", _("The due date must be in the future."),
                          field="due_at")
    if consent is None and not ground_text:
        raise DomainError(
            "basis_required",
            _("Choose a consent of the person that allows this request, or state a legal "
              "ground for the director to approve."), field="consent",
        )
    if consent is not None and ground_text:
        raise DomainError("two_bases", _("Rely on a consent or on a legal ground, not both."),
                          field="legal_ground")
    if consent is not None and consent not in selectors.consents_allowing(
        actor, person=person, embassy=embassy, request_type=request_type, at=now,
    ):
        raise DomainError(
            "consent_does_not_allow",
            _("This consent does not allow this request. It must be the person's consent to "
              "coordination with this embassy, in force now, covering: %(categories)s.")
            % {"categories": request_types.listing(_category_labels(request_type))},
            field="consent",
        )
    duplicate = DomainError(
        "duplicate_request",
        _("This person already has an open request of this type to this embassy."),
        field="request_type",
    )
    with transaction.atomic():
        if CoordinationRequest.objects.filter(person=person, to_organization=embassy,
                                              request_type=request_type,
                                              status__in=OPEN_STATUSES).exists():
            raise duplicate
        ground = None
        if ground_text:
            ground = LegalGround.objects.create(
                organization_id=case.center_id, text=ground_text, requested_by=actor,
                requested_at=now,
            )
            audit_record(action=AuditAction.CREATE, actor=actor, obj=ground,
                         fields=["organization", "text", "requested_by", "status"])
        request = CoordinationRequest(
            reference=_next_reference(timezone.localdate().year), request_type=request_type,
            from_organization_id=case.center_id, to_organization=embassy, case=case,
            person=person, urgency=urgency, message=message, home_town=home_town,
            consent=consent, legal_ground=ground, requested_due_at=due_at, created_by=actor,
            status=S.AWAITING_APPROVAL,
        )
        sent_fields = _prepare_send(request, now) if ground is None else []
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError as error:  # a concurrent request of the same kind
            raise duplicate from error
        audit_record(
            action=AuditAction.CREATE, actor=actor, obj=request,
            fields=["reference", "request_type", "from_organization", "to_organization",
                    "case", "person", "urgency", "consent" if consent else "legal_ground",
                    *(["message"] if message else []), *(["home_town"] if home_town else []),
                    *(["requested_due_at"] if due_at else []), *sent_fields],
        )
        if ground is None:
            _sent(actor=actor, request=request, from_status="", now=now)
        else:
            _event(actor=actor, request=request, shared=False,
                   kind=RequestEventKind.STATUS_CHANGE, to_status=S.AWAITING_APPROVAL)
            notify(recipients=directors_of(request, actor), request=request,
                   kind=K.APPROVAL_NEEDED, key=f"coordination:{request.pk}:approval")
    return request


def _category_labels(request_type: str) -> list[Any]:
    needed = request_types.categories_of(request_type)
    return [DataCategory(c).label for c in DataCategory.values if c in needed]


def _prepare_send(request: CoordinationRequest, now: dt.datetime) -> list[str]:
    """Check the basis at this moment and fix what is disclosed and the due dates on the
    request (not saved); the names of the fields set."""
    if not selectors.basis_in_force(request, now):
        if selectors.flagged_against(request.person, request.to_organization):
            raise no_contact_error()
        raise sharing_stopped_error()
    asked = request.requested_due_at
    due_at = asked if asked is not None and asked > now else request_due_at(
        request.request_type, request.urgency, now)
    request.disclosed = request_types.disclosed_values(request.person, request.request_type,
                                                       home_town=request.home_town)
    request.status = S.SENT
    request.sent_at = now
    request.due_at = due_at
    request.remind_at = request_remind_at(now, due_at)
    return ["disclosed", "status", "sent_at", "due_at", "remind_at"]


def _sent(*, actor: User, request: CoordinationRequest, from_status: str,
          now: dt.datetime) -> None:
    """After sending: log the disclosure, record the event and tell the embassy. Inside
    the caller's transaction."""
    fields = request_types.fields_with_values(request.disclosed)
    record_disclosure(
        actor=actor, person=request.person, recipient=request.to_organization,
        fields=[*fields, *(["message"] if request.message else [])],
        categories=request_types.categories_of(request.request_type),
        purpose=request_types.PURPOSE, obj=request, reference=request.reference,
        consent=request.consent, legal_ground=request.legal_ground,
        organization=request.from_organization, at=now,
    )
    _event(actor=actor, request=request, kind=RequestEventKind.STATUS_CHANGE,
           from_status=from_status, to_status=S.SENT)
    notify(recipients=embassy_users(request), request=request, kind=K.RECEIVED,
           key=f"coordination:{request.pk}:sent")


# --- The director's decision on a legal ground --------------------------------------------


def request_approve(*, actor: User, request: CoordinationRequest) -> CoordinationRequest:
    """The director approves the legal ground: it is recorded, and the request is sent."""
    require(access.can_approve(actor, request), actor, request, "approve this legal ground")
    with transaction.atomic():
        current = _locked(request)
        _require_status(current, [S.AWAITING_APPROVAL], S.SENT)
        if selectors.flagged_against(current.person, current.to_organization):
            raise no_contact_error()
        now = timezone.now()
        ground = current.legal_ground
        assert ground is not None
        ground.status = LegalGroundStatus.APPROVED
        ground.decided_by = actor
        ground.decided_at = now
        ground.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=ground,
                     fields=["status", "decided_by", "decided_at"], reason="approved")
        fields = _prepare_send(current, now)
        current.save(update_fields=[*fields, "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=current, fields=fields,
                     reason="status awaiting_approval -> sent")
        _sent(actor=actor, request=current, from_status=S.AWAITING_APPROVAL, now=now)
        notify(recipients=requesting_side(current, actor), request=current, kind=K.APPROVED,
               key=f"coordination:{current.pk}:approved")
    return current


def request_refuse(*, actor: User, request: CoordinationRequest,
                   reason: str) -> CoordinationRequest:
    """The director does not approve the legal ground: the request is not sent."""
    require(access.can_approve(actor, request), actor, request, "refuse this legal ground")
    reason = clean_long_text(reason, field="reason", required=True)
    with transaction.atomic():
        current = _locked(request)
        _require_status(current, [S.AWAITING_APPROVAL], S.NOT_APPROVED)
        ground = current.legal_ground
        assert ground is not None
        ground.status = LegalGroundStatus.REFUSED
        ground.decided_by = actor
        ground.decided_at = timezone.now()
        ground.refusal_reason = reason
        ground.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason",
                                   "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=ground,
                     fields=["status", "decided_by", "decided_at", "refusal_reason"],
                     reason="refused")
        current.status = S.NOT_APPROVED
        current.save(update_fields=["status", "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=current, fields=["status"],
                     reason="status awaiting_approval -> not_approved")
        _event(actor=actor, request=current, shared=False, kind=RequestEventKind.STATUS_CHANGE,
               from_status=S.AWAITING_APPROVAL, to_status=S.NOT_APPROVED, text=reason)
        notify(recipients=requesting_side(current, actor), request=current,
               kind=K.NOT_APPROVED, key=f"coordination:{current.pk}:not_approved")
    return current


# --- The embassy's answers ----------------------------------------------------------------


def _answer(*, actor: User, request: CoordinationRequest, allowed_from: Sequence[str],
            to_status: str, text: str = "", fields: dict[str, object] | None = None
            ) -> CoordinationRequest:
    require(access.can_answer(actor, request), actor, request, "answer this request")
    with transaction.atomic():
        current = _locked(request)
        _require_status(current, allowed_from, to_status)
        from_status = current.status
        changes: dict[str, object] = {"status": to_status, **(fields or {})}
        for name, value in changes.items():
            setattr(current, name, value)
        current.save(update_fields=[*changes, "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=current, fields=list(changes),
                     reason=f"status {from_status} -> {to_status}")
        _event(actor=actor, request=current, kind=RequestEventKind.STATUS_CHANGE,
               from_status=from_status, to_status=to_status, text=text)
        notify(recipients=requesting_side(current, actor), request=current, kind=K.STATUS,
               key=f"coordination:{current.pk}:{to_status}")
    return current


def request_acknowledge(*, actor: User, request: CoordinationRequest) -> CoordinationRequest:
    return _answer(actor=actor, request=request, allowed_from=[S.SENT],
                   to_status=S.ACKNOWLEDGED, fields={"acknowledged_at": timezone.now()})


def request_start(*, actor: User, request: CoordinationRequest) -> CoordinationRequest:
    now = timezone.now()
    fields: dict[str, object] = {"started_at": now}
    if request.acknowledged_at is None:
        fields["acknowledged_at"] = now
    return _answer(actor=actor, request=request, allowed_from=[S.SENT, S.ACKNOWLEDGED],
                   to_status=S.IN_PROGRESS, fields=fields)


def request_fulfil(*, actor: User, request: CoordinationRequest,
                   note: str = "") -> CoordinationRequest:
    note = clean_long_text(note, field="note")
    return _answer(actor=actor, request=request, allowed_from=AWAITING_EMBASSY,
                   to_status=S.FULFILLED, text=note,
                   fields={"fulfilled_at": timezone.now(), "fulfilment_note": note})


def request_decline(*, actor: User, request: CoordinationRequest,
                    reason: str) -> CoordinationRequest:
    reason = clean_long_text(reason, field="reason", required=True)
    return _answer(actor=actor, request=request, allowed_from=AWAITING_EMBASSY,
                   to_status=S.DECLINED, text=reason,
                   fields={"declined_at": timezone.now(), "decline_reason": reason})


# --- Withdrawal ---------------------------------------------------------------------------


def _withdraw(*, actor: User | None, current: CoordinationRequest, cause: str,
              reason: str) -> CoordinationRequest:
    """Withdraw a locked, open request. The embassy, if it was sent the request, is told
    "withdrawn by the foundation" and nothing more; the event it sees has no text."""
    was_sent = current.sent_at is not None
    from_status = current.status
    current.status = S.WITHDRAWN
    current.withdrawn_at = timezone.now()
    current.withdrawal_cause = cause
    current.withdrawal_reason = reason
    current.save(update_fields=["status", "withdrawn_at", "withdrawal_cause",
                                "withdrawal_reason", "updated_at"])
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=current,
                 fields=["status", "withdrawn_at", "withdrawal_cause", "withdrawal_reason"],
                 reason=f"status {from_status} -> withdrawn ({cause})",
                 actor_username="" if actor is not None else "system:coordination")
    _event(actor=actor, request=current, shared=was_sent, kind=RequestEventKind.STATUS_CHANGE,
           from_status=from_status, to_status=S.WITHDRAWN)
    if was_sent:
        notify(recipients=embassy_users(current), request=current, kind=K.WITHDRAWN,
               key=f"coordination:{current.pk}:withdrawn")
    if cause != WithdrawalCause.REQUESTER:
        notify(recipients=requesting_side(current, actor), request=current, kind=K.STOPPED,
               key=f"coordination:{current.pk}:stopped")
    return current


def request_withdraw(*, actor: User, request: CoordinationRequest,
                     reason: str) -> CoordinationRequest:
    """The requesting center takes the request back. Its reason stays with the center."""
    require(access.can_withdraw(actor, request), actor, request, "withdraw this request")
    reason = clean_long_text(reason, field="reason", required=True)
    with transaction.atomic():
        current = _locked(request)
        _require_status(current, OPEN_STATUSES, S.WITHDRAWN)
        return _withdraw(actor=actor, current=current, cause=WithdrawalCause.REQUESTER,
                         reason=reason)


def no_contact_flag_set(*, actor: User, person: Person) -> list[CoordinationRequest]:
    """Called by tawasul.people.services.safety_flag_set, in its transaction, when a person
    is flagged "no contact with home country": every open request about them to that
    country's embassy is withdrawn, and the embassy told only that the foundation withdrew
    it."""
    withdrawn = []
    open_requests = CoordinationRequest.objects.filter(
        person=person, status__in=OPEN_STATUSES, to_organization__kind=OrganizationKind.EMBASSY,
        to_organization__country=person.nationality,
    ).order_by("created_at")
    for request in open_requests:
        withdrawn.append(_withdraw(
            actor=actor, current=_locked(request), cause=WithdrawalCause.NO_CONTACT_FLAG,
            reason=str(WithdrawalCause.NO_CONTACT_FLAG.label),
        ))
    return withdrawn


def consent_withdrawn(*, actor: User, consent: Consent) -> list[RetractionNotice]:
    """Called by tawasul.people.services.consent_withdraw, in its transaction: the open
    requests relying on the consent are withdrawn (nothing more is shared under it), and
    each recipient organization is sent a neutral retraction notice, once. The embassy of
    a person flagged "no contact with home country" is told nothing about them."""
    for request in CoordinationRequest.objects.filter(
            consent=consent, status__in=OPEN_STATUSES).order_by("created_at"):
        _withdraw(actor=actor, current=_locked(request),
                  cause=WithdrawalCause.CONSENT_WITHDRAWN,
                  reason=str(WithdrawalCause.CONSENT_WITHDRAWN.label))
    person = consent.person
    notices = []
    now = timezone.now()
    for organization in consent.recipients.all().order_by("name_en"):
        if selectors.flagged_against(person, organization):
            continue
        notice, created = RetractionNotice.objects.get_or_create(
            consent=consent, organization=organization, defaults={"sent_at": now})
        if not created:
            continue
        audit_record(action=AuditAction.CREATE, actor=actor, obj=notice,
                     fields=["consent", "organization", "sent_at"])
        references = list(CoordinationRequest.objects.filter(
            consent=consent, to_organization=organization, sent_at__isnull=False,
        ).order_by("sent_at").values_list("reference", flat=True))
        _notify_retraction(notice, references)
        notices.append(notice)
    return notices


def _notify_retraction(notice: RetractionNotice, references: list[str]) -> None:
    recipients = User.objects.filter(organization_id=notice.organization_id, is_active=True,
                                     role__in=NOTICE_ROLES)
    for user in recipients:
        Notification.objects.create(
            recipient=user, kind=K.RETRACTION, params={},
            object_type=RetractionNotice._meta.label_lower, object_id=str(notice.pk),
        )
        queue_templated_email(
            user=user, template="consent_retraction",
            context={"withdrawn_at": notice.sent_at, "references": references},
            key=f"consent_retraction:{notice.pk}:{user.pk}",
        )


# --- Messages -----------------------------------------------------------------------------


def message_add(*, actor: User, request: CoordinationRequest, text: str,
                files: Sequence[IO[bytes] | Any] = ()) -> RequestEvent:
    """A message between the requesting center and the embassy, with its files (at most
    common.attachments.MAX_FILES, each checked by content and size; one refused, the
    message is not recorded). From the center, it is a disclosure like the request itself:
    allowed only while the basis is in force, and logged."""
    require(access.can_write_message(actor, request), actor, request,
            "write on this request")
    text = clean_long_text(text, field="text", required=True)
    from_center = selectors.is_requesting_side(actor, request)
    if from_center and not selectors.basis_in_force(request):
        raise sharing_stopped_error()
    stored = attachments.store_all(files)
    try:
        with transaction.atomic():
            current = _locked(request)
            if current.status not in AWAITING_EMBASSY:
                raise DomainError("request_closed",
                                  _("This request is closed: no more messages."))
            event = _event(actor=actor, request=current, kind=RequestEventKind.MESSAGE,
                           text=text)
            record_files(RequestAttachment, stored, actor=actor, event=event)
            if from_center:
                record_disclosure(
                    actor=actor, person=current.person, recipient=current.to_organization,
                    fields=["message", *(["attachment"] if stored else [])],
                    categories=request_types.categories_of(current.request_type),
                    purpose=request_types.PURPOSE, obj=current, reference=current.reference,
                    consent=current.consent, legal_ground=current.legal_ground,
                    organization=current.from_organization,
                )
                recipients = embassy_users(current)
            else:
                recipients = requesting_side(current, actor)
            notify(recipients=_active(recipients, besides=actor), request=current,
                   kind=K.MESSAGE, key=f"coordination_message:{event.pk}")
    except BaseException:
        discard_all(stored)  # nothing recorded: no orphan file either
        raise
    return event
