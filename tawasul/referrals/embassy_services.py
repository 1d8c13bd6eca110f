"""Every write of referrals from embassies: the embassy refers one of its nationals, the
foundation's intake desk triages (links the referral to a registered person or registers
one, assigns it to a center, declines it), the embassy referral follows its assignment
(the center accepts, works, closes, or hands it back), and the embassy and the
foundation write to each other.

Each change is one transaction with its audit entry (field names only) and an event on
the referral's timeline. Whoever is concerned is told in the app and by email, in their
own language: the intake officers of what arrives, the center of what is assigned to it
(tawasul.referrals.services), the embassy of each change of what it may see
(tawasul.referrals.embassy_view), with a `referral.status_changed` webhook carrying the
same fields. Notifications and emails name the referral, never the person, a reason or
a message. Nothing at all reaches the embassy about a person flagged *no contact with
home country*.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases.models import Notification, NotificationKind, in_each_language
from tawasul.common.access import require
from tawasul.common.attachments import discard_all, record_files
from tawasul.common.email import queue_templated_email
from tawasul.common.errors import DomainError
from tawasul.common.references import clean_long_text
from tawasul.common.text import clean_text
from tawasul.organizations.models import CenterDomain, Organization, OrganizationKind
from tawasul.people import validators
from tawasul.people.models import IdentifierType, Person, Sex
from tawasul.people.selectors import persons_visible_to
from tawasul.people.services import IdentifierInput, person_register, require_live
from tawasul.referrals import access, attachments, embassy_view, matching, selectors
from tawasul.referrals.due import (
    referral_due_at,
    referral_remind_at,
    triage_due_at,
    triage_remind_at,
)
from tawasul.referrals.models import (
    OPEN_STATUSES,
    TRIAGE_STATUSES,
    Referral,
    ReferralAttachment,
    ReferralEvent,
    ReferralEventKind,
    ReferralKind,
    ReferralStatus,
    SubmittedPerson,
    TriageAction,
    Urgency,
)
from tawasul.referrals.services import (
    EMBASSY_REFERENCE_PREFIX,
    _event,
    _next_reference,
    _require_transition,
    email_context,
    notification_params,
    notify,
    receiving_directors,
)

logger = logging.getLogger("tawasul.referrals")

S = ReferralStatus
NAME_MAX_LENGTH = 300
PASSPORT_MAX_LENGTH = 30
UNKNOWN_NATIONALITIES: frozenset[str] = frozenset(
    {validators.STATELESS, validators.UNKNOWN_NATIONALITY}
)


class SubmittedPersonInput(TypedDict, total=False):
    name_ar: str
    name_en: str
    sex: str
    date_of_birth: dt.date | str | None
    nationality: str
    passport_number: str
    phone: str


# --- Who is told -----------------------------------------------------------------------


def the_foundation() -> Organization:
    foundation = Organization.objects.filter(kind=OrganizationKind.FOUNDATION,
                                             is_active=True).order_by("created_at").first()
    if foundation is None:
        raise DomainError("no_foundation", _("The foundation is not set up to receive "
                                             "referrals."))
    return foundation


def intake_officers() -> list[User]:
    return list(User.objects.filter(role=Role.INTAKE_OFFICER, is_active=True,
                                    organization__kind=OrganizationKind.FOUNDATION))


def embassy_users(referral: Referral) -> list[User]:
    return list(User.objects.filter(organization_id=referral.from_organization_id,
                                    is_active=True, role__in=selectors.EMBASSY_ROLES))


def _others(users: Iterable[User], actor: User | None) -> list[User]:
    return [u for u in users if actor is None or u.pk != actor.pk]


def _notify(*, recipients: Iterable[User], referral: Referral, kind: str, template: str,
            key: str, params: Mapping[str, object] | None = None,
            extra: Mapping[str, object] | None = None) -> None:
    """In-app notification now, email after commit, in each recipient's language."""
    for user in recipients:
        Notification.objects.create(
            recipient=user, kind=kind, params={**notification_params(referral), **(params or {})},
            object_type=Referral._meta.label_lower, object_id=str(referral.pk),
        )
        queue_templated_email(user=user, template=template,
                              context={**email_context(referral), **(extra or {})},
                              key=f"{key}:{user.pk}")


def log_disclosure(referral: Referral, view: embassy_view.EmbassyView,
                   fields: Iterable[str]) -> None:
    """Log in the person's disclosure log that the consent-gated fields of `view` went
    to the embassy, once per referral and consent (the first time they are shown or
    sent is what happened; later reads repeat what the embassy already knows)."""
    if view.consent is None or referral.person is None:
        return
    from tawasul.coordination.models import Disclosure
    from tawasul.coordination.services import record_disclosure

    embassy = referral.from_organization
    if Disclosure.objects.filter(object_type=Referral._meta.label_lower,
                                 object_id=str(referral.pk), recipient=embassy,
                                 consent=view.consent).exists():
        return
    record_disclosure(
        actor=None, person=referral.person, recipient=embassy, fields=list(fields),
        categories=embassy_view.CONSENT_CATEGORIES, purpose=embassy_view.CONSENT_PURPOSE,
        obj=referral, reference=referral.reference, consent=view.consent,
        organization=referral.to_organization,
    )


def tell_embassy(referral: Referral, event: ReferralEvent) -> None:
    """After a change of status the embassy may see: its users are told (in the app and
    by email) and its webhook endpoints sent the same fields its pages show. Nothing
    about a person withheld from it."""
    from tawasul.webhooks.models import WebhookEvent
    from tawasul.webhooks.services import PayloadRefused, emit

    embassy_view.forget_view(referral)
    view = embassy_view.embassy_view(referral)
    if view.withheld:
        return
    if event.author is not None and event.author.organization_id != referral.from_organization_id:
        _notify(recipients=embassy_users(referral), referral=referral,
                kind=NotificationKind.EMBASSY_REFERRAL_STATUS,
                template="embassy_referral_status", key=f"embassy_referral:{event.pk}",
                params={"status": in_each_language(lambda: view.status_label)},
                extra={"embassy_status": view.status})
    payload = embassy_view.webhook_payload(view)
    persons = [referral.person] if referral.person is not None else []
    try:
        emit(organization=referral.from_organization,
             event=WebhookEvent.REFERRAL_STATUS_CHANGED,
             event_id=f"referral:{referral.pk}:{event.pk}", payload=payload, persons=persons)
    except PayloadRefused:
        logger.warning("Status of referral %s not sent to the embassy's webhooks",
                       referral.reference)
        return
    if view.receiving_center is not None:
        log_disclosure(referral, view, ["status", "receiving_center"])


# --- The embassy refers a national ------------------------------------------------------


def _invalid(error: ValidationError, field: str) -> DomainError:
    return DomainError(getattr(error, "code", None) or "invalid", error.messages[0], field=field)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        raise DomainError("invalid", _("Enter the date of birth as YYYY-MM-DD."),
                          field="date_of_birth") from None


def clean_submitted_person(embassy: Organization, person: Mapping[str, Any]) -> dict[str, Any]:
    """The person as the embassy described them, normalized and checked; DomainError
    naming the field otherwise. An embassy refers only its own nationals."""
    out: dict[str, Any] = {}
    for name in ("name_ar", "name_en"):
        value = clean_text(str(person.get(name) or ""))
        if len(value) > NAME_MAX_LENGTH:
            raise DomainError("too_long", _("At most %(count)s characters.")
                              % {"count": NAME_MAX_LENGTH}, field=name)
        out[name] = value
    if not (out["name_ar"] or out["name_en"]):
        raise DomainError("name_required",
                          _("Enter the person's name in Arabic or in English."), field="name_ar")
    sex = str(person.get("sex") or "")
    if sex not in Sex.values:
        raise DomainError("invalid", _("Choose the sex."), field="sex")
    out["sex"] = sex
    dob = _date(person.get("date_of_birth"))
    try:
        validators.validate_date_of_birth(dob)
    except ValidationError as error:
        raise _invalid(error, "date_of_birth") from None
    out["date_of_birth"] = dob
    nationality = clean_text(str(person.get("nationality") or "")).upper()
    try:
        validators.validate_nationality(nationality)
    except ValidationError as error:
        raise _invalid(error, "nationality") from None
    if nationality != str(embassy.country):
        raise DomainError(
            "not_a_national",
            _("An embassy refers only its own nationals: the nationality must be %(country)s.")
            % {"country": embassy.country.name or str(embassy.country)},
            field="nationality",
        )
    out["nationality"] = nationality
    passport = validators.normalize_identifier(str(person.get("passport_number") or ""))
    if len(passport) > PASSPORT_MAX_LENGTH or (passport and not passport.isalnum()):
        raise DomainError("invalid", _("Enter the passport number as it is printed, letters "
                                       "and digits only."), field="passport_number")
    out["passport_number"] = passport
    try:
        out["phone"] = validators.normalize_phone(str(person.get("phone") or ""))
    except ValidationError as error:
        raise _invalid(error, "phone") from None
    return out


def embassy_referral_submit(
    *,
    actor: User,
    person: SubmittedPersonInput | Mapping[str, Any],
    domain: str,
    urgency: str,
    reason: str,
) -> Referral:
    """An embassy's consular officer refers one of its nationals to the foundation. The
    person is kept as the embassy described them and matched against the registry; no
    registry record is created (the intake desk decides)."""
    embassy = actor.organization
    referral = Referral(kind=ReferralKind.EMBASSY_TO_FOUNDATION, created_by=actor)
    require(access.can_submit_embassy_referral(actor), actor, referral,
            "refer persons to the foundation")
    assert embassy is not None
    snapshot = clean_submitted_person(embassy, person)
    if domain not in CenterDomain.values:
        raise DomainError("invalid", _("Choose one of the centers' domains."), field="domain")
    if urgency not in Urgency.values:
        raise DomainError("invalid", _("Choose the urgency."), field="urgency")
    reason = clean_long_text(reason, field="reason", required=True)
    now = timezone.now()
    referral.from_organization = embassy
    referral.to_organization = the_foundation()
    referral.domain, referral.urgency, referral.reason = domain, urgency, reason
    referral.sent_at = now
    referral.due_at = triage_due_at(urgency, now)
    referral.remind_at = triage_remind_at(urgency, now)
    submitted = SubmittedPerson(referral=referral, **snapshot)
    with transaction.atomic():
        referral.reference = _next_reference(timezone.localdate().year,
                                             EMBASSY_REFERENCE_PREFIX)
        referral.save()
        audit_record(action=AuditAction.CREATE, actor=actor, obj=referral,
                     fields=["kind", "from_organization", "to_organization", "domain",
                             "urgency", "reason", "status", "sent_at", "due_at"])
        # Matched on arrival, before anyone looks at it.
        submitted.matches = matching.as_stored(matching.find_matches(submitted))
        submitted.matched_at = now
        submitted.save()
        audit_record(action=AuditAction.CREATE, actor=actor, obj=submitted,
                     fields=[*(k for k, v in snapshot.items() if v), "matches"])
        event = _event(actor=actor, referral=referral, kind=ReferralEventKind.STATUS_CHANGE,
                       to_status=ReferralStatus.SUBMITTED)
        _notify(recipients=intake_officers(), referral=referral,
                kind=NotificationKind.EMBASSY_REFERRAL_RECEIVED,
                template="embassy_referral_received", key=f"embassy_referral:{referral.pk}:in")
        tell_embassy(referral, event)
    return referral


# --- Triage ---------------------------------------------------------------------------


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update(of=("self",)).select_related(
        "from_organization", "to_organization", "person", "assigned_center",
    ).get(pk=referral.pk)


def _require_in_triage(current: Referral) -> None:
    if current.status not in TRIAGE_STATUSES:
        raise DomainError("decided", _("This referral is no longer with the intake desk."))
    if current.assigned_center_id is not None:
        raise DomainError(
            "assigned",
            _("A center holds this referral: take it back from the center first."),
        )


def _status(*, actor: User | None, current: Referral, to_status: str,
            allowed_from: Iterable[str], text: str = "",
            fields: dict[str, object] | None = None) -> ReferralEvent:
    """Move the (locked) embassy referral to `to_status`, with its audit entry and event,
    and tell the embassy."""
    from_status = current.status
    _require_transition(from_status, allowed_from, to_status)
    changes: dict[str, object] = {"status": to_status, **(fields or {})}
    for name, value in changes.items():
        setattr(current, name, value)
    current.save(update_fields=[*changes, "updated_at"])
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=current, fields=list(changes),
                 reason=f"status {from_status} -> {to_status}")
    event = _event(actor=actor, referral=current, kind=ReferralEventKind.STATUS_CHANGE,
                   from_status=from_status, to_status=to_status, text=text)
    tell_embassy(current, event)
    return event


def _triage_event(*, actor: User | None, referral: Referral, action: str, target: str = "",
                  text: str = "") -> ReferralEvent:
    return _event(actor=actor, referral=referral, kind=ReferralEventKind.TRIAGE,
                  action=action, target=target, text=text)


def _check_national(referral: Referral, person: Person) -> None:
    nationality = str(person.nationality or "")
    if nationality not in UNKNOWN_NATIONALITIES and nationality != str(
            referral.from_organization.country):
        raise DomainError(
            "not_a_national",
            _("This person is registered with another nationality than the referring "
              "embassy's; correct the record first if the registry is wrong."),
            field="person",
        )


def _link(*, actor: User, current: Referral, person: Person, action: str) -> Referral:
    _require_in_triage(current)
    _check_national(current, person)
    current.person = person
    try:
        with transaction.atomic():
            current.save(update_fields=["person", "updated_at"])
    except IntegrityError as error:
        other = Referral.objects.filter(
            person=person, to_organization_id=current.to_organization_id,
            status__in=OPEN_STATUSES,
        ).exclude(pk=current.pk).values_list("reference", flat=True).first()
        raise DomainError(
            "duplicate_referral",
            _("This person already has an open referral to the foundation (%(reference)s): "
              "decline this one as a duplicate.") % {"reference": other or ""},
            field="person",
        ) from error
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=current, fields=["person"],
                 reason=action)
    _triage_event(actor=actor, referral=current, action=action, target=person.reference)
    return current


def referral_link_person(*, actor: User, referral: Referral, person: Person) -> Referral:
    """The intake desk says who the embassy's referral is about: a registered person
    (one of the matches, or any person of the registry it finds)."""
    require(access.can_triage(actor, referral), actor, referral, "triage this referral")
    if not persons_visible_to(actor).filter(pk=person.pk).exists():
        raise DomainError("invalid", _("Choose a person of the registry."), field="person")
    require_live(person)
    with transaction.atomic():
        return _link(actor=actor, current=_locked(referral), person=person,
                     action=TriageAction.LINKED)


def referral_register_person(*, actor: User, referral: Referral) -> Referral:
    """The person is not in the registry: the intake desk registers them, for the
    foundation, from what the embassy sent (a passport it gave is added, and refused if
    another person holds it), and links the referral to them."""
    require(access.can_triage(actor, referral), actor, referral, "triage this referral")
    submitted = SubmittedPerson.objects.get(referral=referral)
    identifiers: list[IdentifierInput] = []
    if submitted.passport_number:
        identifiers.append({"type": IdentifierType.PASSPORT,
                            "value": submitted.passport_number,
                            "issuing_country": str(submitted.nationality)})
    assert actor.organization is not None
    with transaction.atomic():
        current = _locked(referral)
        _require_in_triage(current)
        person = person_register(
            actor=actor, organization=actor.organization, identifiers=identifiers,
            full_name_ar=submitted.name_ar, full_name_latin=submitted.name_en,
            date_of_birth=submitted.date_of_birth, sex=submitted.sex,
            nationality=str(submitted.nationality), phone=submitted.phone,
        )
        return _link(actor=actor, current=current, person=person,
                     action=TriageAction.REGISTERED)


def referral_match_again(*, actor: User, referral: Referral) -> Referral:
    """Search the registry again (persons registered since the referral arrived)."""
    require(access.can_triage(actor, referral), actor, referral, "triage this referral")
    with transaction.atomic():
        current = _locked(referral)
        submitted = SubmittedPerson.objects.select_for_update().get(referral=current)
        matching.store_matches(submitted)
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=submitted,
                     fields=["matches", "matched_at"])
        _triage_event(actor=actor, referral=current, action=TriageAction.MATCHED_AGAIN)
    return current


def referral_assign(*, actor: User, referral: Referral, center: Organization,
                    note: str = "") -> Referral:
    """Assign the embassy's referral to a center: a referral from the foundation to the
    center (its `parent` this one), which the center accepts, opening its own case, or
    hands back. Returns the assignment."""
    require(access.can_triage(actor, referral), actor, referral, "triage this referral")
    if center.kind != OrganizationKind.CENTER or not center.is_active:
        raise DomainError("invalid", _("Choose a center."), field="center")
    note = clean_long_text(note, field="note")
    with transaction.atomic():
        current = _locked(referral)
        _require_in_triage(current)
        if current.person is None:
            raise DomainError(
                "person_required",
                _("Link the referral to a registered person (or register them) before "
                  "assigning it."),
                field="person",
            )
        now = timezone.now()
        assignment = Referral(
            kind=ReferralKind.FOUNDATION_TO_CENTER, parent=current,
            from_organization_id=current.to_organization_id, to_organization=center,
            person=current.person, domain=center.domain, urgency=current.urgency,
            reason=current.reason, sent_at=now,
            due_at=referral_due_at(current.urgency, now),
            remind_at=referral_remind_at(current.urgency, now), created_by=actor,
            reference=_next_reference(timezone.localdate().year),
        )
        try:
            with transaction.atomic():
                assignment.save()
        except IntegrityError as error:
            raise DomainError(
                "duplicate_referral",
                _("This person already has an open referral to this center."), field="center",
            ) from error
        audit_record(action=AuditAction.CREATE, actor=actor, obj=assignment,
                     fields=["kind", "parent", "from_organization", "to_organization",
                             "person", "domain", "urgency", "reason", "status", "sent_at",
                             "due_at"])
        _event(actor=actor, referral=assignment, kind=ReferralEventKind.STATUS_CHANGE,
               to_status=ReferralStatus.SUBMITTED)
        if note:
            _event(actor=actor, referral=assignment, kind=ReferralEventKind.MESSAGE, text=note)
        notify(recipients=receiving_directors(assignment), referral=assignment,
               kind=NotificationKind.REFERRAL_RECEIVED, template="referral_status",
               key=f"referral:{assignment.pk}:submitted")
        current.assigned_center = center
        current.save(update_fields=["assigned_center", "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=current,
                     fields=["assigned_center"], reason=f"assigned {assignment.reference}")
        _triage_event(actor=actor, referral=current, action=TriageAction.ASSIGNED,
                      target=assignment.reference, text=note)
        if current.status == S.SUBMITTED:
            _status(actor=actor, current=current, to_status=S.UNDER_REVIEW,
                    allowed_from=[S.SUBMITTED])
    return assignment


def referral_intake_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    """The intake desk declines the embassy's referral; the embassy reads the reason."""
    require(access.can_triage(actor, referral), actor, referral, "triage this referral")
    reason = clean_long_text(reason, field="reason", required=True)
    with transaction.atomic():
        current = _locked(referral)
        _require_in_triage(current)
        _status(actor=actor, current=current, to_status=S.DECLINED, allowed_from=TRIAGE_STATUSES,
                text=reason, fields={"decline_reason": reason, "decided_at": timezone.now(),
                                     "decided_by": actor})
    return current


# --- The embassy referral follows its assignment -----------------------------------------

FOLLOWS: dict[str, tuple[str, tuple[str, ...]]] = {
    # assignment's new status: (embassy referral's new status, from which)
    S.ACCEPTED: (S.ACCEPTED, (S.UNDER_REVIEW, S.SUBMITTED)),
    S.IN_PROGRESS: (S.IN_PROGRESS, (S.ACCEPTED,)),
    S.COMPLETED: (S.COMPLETED, (S.ACCEPTED, S.IN_PROGRESS)),
}


def assignment_changed(*, actor: User, assignment: Referral, to_status: str,
                       text: str = "") -> None:
    """Called by tawasul.referrals.services in the transaction that changed an assignment.
    Accepted, in progress, completed: the embassy referral follows (and the embassy is
    told). Handed back by the center, or taken back by the intake desk: it returns to the
    intake desk's queue, with the reason on its triage record (not for the embassy)."""
    assert assignment.parent_id is not None
    current = _locked(Referral(pk=assignment.parent_id))
    if to_status in FOLLOWS:
        status, allowed_from = FOLLOWS[to_status]
        fields: dict[str, object] = {}
        if status == S.ACCEPTED:
            fields = {"decided_at": timezone.now(), "decided_by": actor}
        elif status == S.COMPLETED:
            fields = {"completed_at": timezone.now()}
        _status(actor=actor, current=current, to_status=status, allowed_from=allowed_from,
                fields=fields)
        return
    if to_status in (S.DECLINED, S.WITHDRAWN):
        current.assigned_center = None
        current.save(update_fields=["assigned_center", "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=current,
                     fields=["assigned_center"], reason=f"{to_status} {assignment.reference}")
        action = TriageAction.HANDED_BACK if to_status == S.DECLINED else TriageAction.TAKEN_BACK
        _triage_event(actor=actor, referral=current, action=action,
                      target=assignment.reference, text=text)
        if to_status == S.DECLINED:
            # Whoever assigned it is told by the assignment's own notification; the rest
            # of the intake desk sees it back in the queue.
            others = [u for u in intake_officers() if u.pk != assignment.created_by_id]
            notify(recipients=others, referral=assignment,
                   kind=NotificationKind.REFERRAL_HANDED_BACK, template="referral_status",
                   key=f"referral:{assignment.pk}:declined")


# --- Messages between the embassy and the foundation -------------------------------------


def _withheld_error() -> DomainError:
    return DomainError(
        "no_contact",
        _("This person is flagged “no contact with home country”: nothing about them may "
          "be sent to their country's embassy, whatever any consent says."),
        field="text",
    )


def embassy_message_add(*, actor: User, referral: Referral, text: str,
                        files: Sequence[IO[bytes] | Any] = ()) -> ReferralEvent:
    """A message on the thread between the embassy and the foundation, with its files (at
    most common.attachments.MAX_FILES, each checked by content and size; one refused, the
    message is not recorded). The other side is told that there is one."""
    require(access.can_write_message(actor, referral), actor, referral,
            "write on this referral")
    text = clean_long_text(text, field="text", required=True)
    from_embassy = selectors.is_referring_embassy(actor, referral)
    if not from_embassy:
        embassy_view.forget_view(referral)
        if embassy_view.is_withheld(referral):
            raise _withheld_error()
    stored = attachments.store_all(files)
    try:
        with transaction.atomic():
            event = _event(actor=actor, referral=referral, kind=ReferralEventKind.MESSAGE,
                           text=text)
            record_files(ReferralAttachment, stored, actor=actor, event=event)
            recipients = (intake_officers() if from_embassy else embassy_users(referral))
            _notify(recipients=_others(recipients, actor), referral=referral,
                    kind=NotificationKind.REFERRAL_MESSAGE, template="referral_message",
                    key=f"referral_message:{event.pk}")
    except BaseException:
        discard_all(stored)  # nothing recorded: no orphan file either
        raise
    return event
