"""Every write to referrals: sending, the receiver's decision and progress, withdrawal,
and messages between both sides.

Each change is one transaction with its audit entry (field names only), a ReferralEvent
on the referral's timeline, an in-app notification for each user concerned on the other
side (the sending case's manager and the sender; the receiving center's director), and
emails queued for after commit. Emails and notifications name the referral and the
organizations, never the reason, the summary or a message: mail leaves the system.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases.access import can_contribute
from tawasul.cases.models import (
    Case,
    CaseType,
    Notification,
    NotificationKind,
    RiskLevel,
    in_each_language,
)
from tawasul.cases.services import case_open
from tawasul.common.access import require
from tawasul.common.attachments import FILES_FIELD
from tawasul.common.email import queue_templated_email
from tawasul.common.errors import DomainError
from tawasul.common.references import clean_long_text, next_reference
from tawasul.organizations.models import Organization, OrganizationKind
from tawasul.people.models import Consent, ConsentPurpose, DataCategory, Person
from tawasul.people.services import consent_allows
from tawasul.referrals import access
from tawasul.referrals.due import referral_due_at, referral_remind_at
from tawasul.referrals.models import (
    OPEN_STATUSES,
    Referral,
    ReferralEvent,
    ReferralEventKind,
    ReferralKind,
    ReferralReferenceCounter,
    ReferralStatus,
    Urgency,
)

# What a summary discloses besides the identity every referral carries.
SUMMARY_CATEGORIES: frozenset[str] = frozenset({DataCategory.IDENTITY, DataCategory.CASE_SUMMARY})
# The receiver's case starts at the risk the urgency suggests; the receiver may change it.
RISK_BY_URGENCY: dict[str, str] = {
    Urgency.ROUTINE: RiskLevel.LOW,
    Urgency.URGENT: RiskLevel.MEDIUM,
    Urgency.EMERGENCY: RiskLevel.HIGH,
}
S = ReferralStatus
NOTIFICATION_BY_STATUS: dict[str, str] = {
    S.ACCEPTED: NotificationKind.REFERRAL_ACCEPTED,
    S.DECLINED: NotificationKind.REFERRAL_DECLINED,
    S.IN_PROGRESS: NotificationKind.REFERRAL_STARTED,
    S.COMPLETED: NotificationKind.REFERRAL_COMPLETED,
    S.WITHDRAWN: NotificationKind.REFERRAL_WITHDRAWN,
}


# One counter for every referral; the prefix says where it came from: TW- for a referral
# from an embassy (the reference the embassy quotes), R- for the others.
REFERENCE_PREFIX = "R"
EMBASSY_REFERENCE_PREFIX = "TW"


def _next_reference(year: int, prefix: str = REFERENCE_PREFIX) -> str:
    return next_reference(ReferralReferenceCounter, prefix, year)


def _text(value: str, *, field: str, required: bool = False) -> str:
    return clean_long_text(value, field=field, required=required)


def _covering_consent(person: Person, recipient: Organization, at: dt.datetime,
                      named: Consent | None = None) -> Consent | None:
    """The consent that allows the summary now, or None. consent_allows decides; this
    only finds which consent it was, to record it on the referral. When the sender
    `named` the consent they rely on, only that one will do."""
    if not consent_allows(person=person, recipient=recipient, categories=set(SUMMARY_CATEGORIES),
                          purpose=ConsentPurpose.REFERRAL, at=at):
        return None
    candidates = (
        Consent.objects.filter(person=person, purpose=ConsentPurpose.REFERRAL,
                               recipients=recipient, granted_at__lte=at)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at))
        .order_by("-granted_at")
    )
    if named is not None:
        candidates = candidates.filter(pk=named.pk)
    return next((c for c in candidates if set(c.data_categories) >= SUMMARY_CATEGORIES), None)


# --- Who is told --------------------------------------------------------------------


def _active(users: Iterable[User | None], *, besides: User) -> list[User]:
    seen: dict[object, User] = {}
    for user in users:
        if user is not None and user.is_active and user.pk != besides.pk:
            seen.setdefault(user.pk, user)
    return list(seen.values())


def receiving_directors(referral: Referral) -> list[User]:
    return list(User.objects.filter(organization_id=referral.to_organization_id,
                                    role=Role.DIRECTOR, is_active=True))


def _sender_side(referral: Referral, actor: User) -> list[User]:
    manager = referral.source_case.assigned_manager if referral.source_case else None
    return _active([manager, referral.created_by], besides=actor)


def _receiver_side(referral: Referral, actor: User) -> list[User]:
    manager = referral.received_case.assigned_manager if referral.received_case else None
    return _active([*receiving_directors(referral), manager], besides=actor)


def notification_params(referral: Referral) -> dict[str, object]:
    """The parameters of the texts in tawasul.cases.models.NOTIFICATION_TEXT. Names and
    the urgency are kept in every language, so that the notification reads in its
    recipient's language, whatever the language of whoever caused it."""
    return {
        "referral": referral.reference,
        "from": in_each_language(lambda: referral.from_organization.name),
        "to": in_each_language(lambda: referral.to_organization.name),
        "urgency": in_each_language(lambda: Urgency(referral.urgency).label),
    }


def email_context(referral: Referral) -> dict[str, object]:
    return {
        "referral_reference": referral.reference,
        "from_name_ar": referral.from_organization.name_ar,
        "from_name_en": referral.from_organization.name_en,
        "to_name_ar": referral.to_organization.name_ar,
        "to_name_en": referral.to_organization.name_en,
        "urgency": referral.urgency,
        "status": referral.status,
        "due_at": referral.due_at,
    }


def notify(*, recipients: Iterable[User], referral: Referral, kind: str, template: str,
           key: str, extra: dict[str, object] | None = None) -> None:
    """In-app notification now, email after commit; `key` keeps each email once-only."""
    for user in recipients:
        Notification.objects.create(
            recipient=user, kind=kind, params=notification_params(referral),
            object_type=Referral._meta.label_lower, object_id=str(referral.pk),
        )
        queue_templated_email(user=user, template=template,
                              context={**email_context(referral), **(extra or {})},
                              key=f"{key}:{user.pk}")


def _event(*, actor: User | None, referral: Referral, **fields: object) -> ReferralEvent:
    event = ReferralEvent.objects.create(referral=referral, author=actor,
                                         at=timezone.now(), **fields)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=event,
                 fields=["referral", "kind", *fields])
    return event


# --- Sending -------------------------------------------------------------------------


def referral_send(
    *,
    actor: User,
    case: Case,
    to_center: Organization,
    urgency: str,
    reason: str,
    summary: str = "",
    consent: Consent | None = None,
) -> Referral:
    """Refer the person of `case` to another center. The actor must see the case as its
    team does (breaking the glass to read a case is no ground for sharing it). A summary
    is sent only under a consent that allows it now (see models); otherwise only the
    person's identity and the reason go. `consent` names the consent the summary relies
    on; without it, the most recent consent that allows it is recorded."""
    require(can_contribute(actor, case), actor, case, "refer this case")
    if (to_center.kind != OrganizationKind.CENTER or not to_center.is_active):
        raise DomainError("invalid", _("Choose a center."), field="to_center")
    if to_center.pk == case.center_id:
        raise DomainError("same_center", _("A case cannot be referred to its own center."),
                          field="to_center")
    if case.is_closed:
        raise DomainError("case_closed", _("A closed case cannot be referred."))
    if urgency not in Urgency.values:
        raise DomainError("invalid", _("Choose the urgency."), field="urgency")
    reason = _text(reason, field="reason", required=True)
    summary = _text(summary, field="summary")
    now = timezone.now()
    if consent is not None and not summary:
        raise DomainError(
            "consent_without_summary",
            _("A consent is named only to share a summary: write the summary, or leave "
              "the consent out."),
            field="consent",
        )
    relied_on = None
    if summary:
        relied_on = _covering_consent(case.person, to_center, now, named=consent)
        if relied_on is None and consent is not None:
            raise DomainError(
                "consent_not_covering",
                _("This consent does not allow sharing a case summary with this center "
                  "now."),
                field="consent",
            )
        if relied_on is None:
            raise DomainError(
                "consent_required",
                _("The person has not consented to share a case summary with this center. "
                  "Record the consent, or send the referral without a summary."),
                field="summary",
            )
    referral = Referral(
        kind=ReferralKind.CENTER_TO_CENTER, from_organization_id=case.center_id,
        to_organization=to_center, source_case=case, person_id=case.person_id,
        domain=to_center.domain, urgency=urgency, reason=reason, summary=summary,
        consent=relied_on, sent_at=now, due_at=referral_due_at(urgency, now),
        remind_at=referral_remind_at(urgency, now), created_by=actor,
    )
    duplicate = DomainError(
        "duplicate_referral",
        _("This person already has an open referral to this center."), field="to_center",
    )
    with transaction.atomic():
        if Referral.objects.filter(person_id=case.person_id, to_organization=to_center,
                                   status__in=OPEN_STATUSES).exists():
            raise duplicate
        referral.reference = _next_reference(timezone.localdate().year)
        try:
            with transaction.atomic():
                referral.save()
        except IntegrityError as error:  # a concurrent referral of the same person
            raise duplicate from error
        audit_record(
            action=AuditAction.CREATE, actor=actor, obj=referral,
            fields=["kind", "from_organization", "to_organization", "source_case", "person",
                    "domain", "urgency", "reason", "status", "sent_at", "due_at",
                    *(["summary", "consent"] if summary else [])],
        )
        _event(actor=actor, referral=referral, kind=ReferralEventKind.STATUS_CHANGE,
               to_status=ReferralStatus.SUBMITTED)
        notify(recipients=_receiver_side(referral, actor), referral=referral,
               kind=NotificationKind.REFERRAL_RECEIVED, template="referral_status",
               key=f"referral:{referral.pk}:submitted")
    return referral


# --- The receiver's decision and progress, and withdrawal ------------------------------


def _require_transition(from_status: str, allowed_from: Iterable[str], to_status: str) -> None:
    if from_status not in set(allowed_from):
        raise DomainError(
            "transition_not_allowed",
            _("A referral cannot move from “%(from)s” to “%(to)s”.") % {
                "from": ReferralStatus(from_status).label,
                "to": ReferralStatus(to_status).label,
            },
        )


def _change_status(
    *,
    actor: User,
    referral: Referral,
    allowed_from: Iterable[str],
    to_status: str,
    text: str = "",
    fields: dict[str, object] | None = None,
    to_sender: bool = True,
) -> Referral:
    """Lock, check the transition, save, and record the event, the audit entry and the
    notifications. The caller has checked who may do it, and opens the transaction."""
    current = Referral.objects.select_for_update(of=("self",)).select_related(
        "from_organization", "to_organization", "source_case__assigned_manager",
        "received_case__assigned_manager", "created_by",
    ).get(pk=referral.pk)
    from_status = current.status
    _require_transition(from_status, allowed_from, to_status)
    changes: dict[str, object] = {"status": to_status, **(fields or {})}
    for name, value in changes.items():
        setattr(current, name, value)
    current.save(update_fields=[*changes, "updated_at"])
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=current, fields=list(changes),
                 reason=f"status {from_status} -> {to_status}")
    _event(actor=actor, referral=current, kind=ReferralEventKind.STATUS_CHANGE,
           from_status=from_status, to_status=to_status, text=text)
    recipients = _sender_side(current, actor) if to_sender else _receiver_side(current, actor)
    kind = NOTIFICATION_BY_STATUS[to_status]
    if current.kind == ReferralKind.FOUNDATION_TO_CENTER and to_status == S.DECLINED:
        kind = NotificationKind.REFERRAL_HANDED_BACK
    notify(recipients=recipients, referral=current, kind=kind,
           template="referral_status", key=f"referral:{current.pk}:{to_status}")
    if current.parent_id is not None:
        # An assignment of an embassy referral: the embassy referral follows it.
        from tawasul.referrals.embassy_services import assignment_changed

        assignment_changed(actor=actor, assignment=current, to_status=to_status, text=text)
    return current


def referral_accept(
    *,
    actor: User,
    referral: Referral,
    case_type: CaseType,
    assigned_manager: User | None = None,
    risk_level: str | None = None,
) -> Referral:
    """The receiving center takes the person on: it opens its own case for the same
    person (tawasul.cases.services.case_open, with that function's checks), linked to
    the referral."""
    require(access.can_decide(actor, referral), actor, referral, "accept this referral")
    with transaction.atomic():
        # Locked and checked before the case is opened, so a refused accept opens nothing.
        status = Referral.objects.select_for_update().values_list("status", flat=True).get(
            pk=referral.pk
        )
        _require_transition(status, [ReferralStatus.SUBMITTED], ReferralStatus.ACCEPTED)
        # Every referral to a center names its person (referral_person_unless_from_embassy).
        assert referral.person is not None
        case = case_open(
            actor=actor, center=referral.to_organization, person=referral.person,
            case_type=case_type, assigned_manager=assigned_manager,
            risk_level=risk_level or RISK_BY_URGENCY[referral.urgency],
        )
        return _change_status(
            actor=actor, referral=referral, allowed_from=[ReferralStatus.SUBMITTED],
            to_status=ReferralStatus.ACCEPTED,
            fields={"received_case": case, "decided_at": timezone.now(), "decided_by": actor},
        )


def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    require(access.can_decide(actor, referral), actor, referral, "decline this referral")
    reason = _text(reason, field="reason", required=True)
    with transaction.atomic():
        return _change_status(
            actor=actor, referral=referral, allowed_from=[ReferralStatus.SUBMITTED],
            to_status=ReferralStatus.DECLINED, text=reason,
            fields={"decline_reason": reason, "decided_at": timezone.now(),
                    "decided_by": actor},
        )


def referral_withdraw(*, actor: User, referral: Referral, reason: str) -> Referral:
    """The sender takes the referral back, while the receiver has not decided yet."""
    require(access.can_withdraw(actor, referral), actor, referral, "withdraw this referral")
    reason = _text(reason, field="reason", required=True)
    with transaction.atomic():
        return _change_status(
            actor=actor, referral=referral, allowed_from=[ReferralStatus.SUBMITTED],
            to_status=ReferralStatus.WITHDRAWN, text=reason, to_sender=False,
            fields={"withdrawn_reason": reason, "withdrawn_at": timezone.now()},
        )


def referral_start(*, actor: User, referral: Referral) -> Referral:
    require(access.can_decide(actor, referral), actor, referral, "update this referral")
    with transaction.atomic():
        return _change_status(actor=actor, referral=referral,
                              allowed_from=[ReferralStatus.ACCEPTED],
                              to_status=ReferralStatus.IN_PROGRESS)


def referral_complete(*, actor: User, referral: Referral, note: str = "") -> Referral:
    require(access.can_decide(actor, referral), actor, referral, "update this referral")
    note = _text(note, field="note")
    with transaction.atomic():
        return _change_status(
            actor=actor, referral=referral,
            allowed_from=[ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS],
            to_status=ReferralStatus.COMPLETED, text=note,
            fields={"completed_at": timezone.now()},
        )


# --- Messages ------------------------------------------------------------------------


def referral_message_add(*, actor: User, referral: Referral, text: str,
                         files: Sequence[IO[bytes] | Any] = ()) -> ReferralEvent:
    """A message between the two sides; the other side is told that there is one. On a
    referral from an embassy: tawasul.referrals.embassy_services.embassy_message_add,
    which also takes files; a thread between centers (or the foundation and a center)
    takes text only, as its page does."""
    if referral.kind == ReferralKind.EMBASSY_TO_FOUNDATION:
        from tawasul.referrals.embassy_services import embassy_message_add

        return embassy_message_add(actor=actor, referral=referral, text=text, files=files)
    require(access.can_write_message(actor, referral), actor, referral,
            "write on this referral")
    if files:
        raise DomainError("attachments_not_accepted",
                          _("This thread takes text only; files cannot be attached to it."),
                          field=FILES_FIELD)
    text = _text(text, field="text", required=True)
    with transaction.atomic():
        event = _event(actor=actor, referral=referral, kind=ReferralEventKind.MESSAGE,
                       text=text)
        receiving = actor.organization_id == referral.to_organization_id
        recipients = (_sender_side(referral, actor) if receiving
                      else _receiver_side(referral, actor))
        notify(recipients=recipients, referral=referral,
               kind=NotificationKind.REFERRAL_MESSAGE, template="referral_message",
               key=f"referral_message:{event.pk}")
    return event
