"""Every write to the person registry: persons, identifiers, relationships, safety flags
and consents. Pages, the API, the admin and commands all come here.

Each function checks that the actor may do it, normalizes text (tawasul.common.text),
validates, and saves with its audit entry in one transaction. Audit entries name the
fields touched, never their values. Invalid input raises DomainError with a stable code,
the field it concerns and a translated message.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.access import require
from tawasul.common.errors import DomainError
from tawasul.common.references import next_reference
from tawasul.common.text import clean_text
from tawasul.organizations.models import Organization, OrganizationKind
from tawasul.people import access, duplicates, selectors, validators
from tawasul.people.models import (
    ADULT_AGE,
    RECIPROCAL_KIND,
    Consent,
    ConsentPurpose,
    DataCategory,
    IdentifierType,
    Person,
    PersonIdentifier,
    PersonReferenceCounter,
    Relationship,
    RelationshipKind,
    SafetyFlag,
    SafetyFlagKind,
)

REASON_MAX_LENGTH = 1000


class PersonFields(TypedDict, total=False):
    given_name_ar: str
    father_name_ar: str
    grandfather_name_ar: str
    family_name_ar: str
    full_name_ar: str
    given_name_latin: str
    father_name_latin: str
    grandfather_name_latin: str
    family_name_latin: str
    full_name_latin: str
    date_of_birth: dt.date | None
    dob_is_estimated: bool
    sex: str
    nationality: str
    languages: list[str]
    phone: str
    area: str
    address: str


class IdentifierInput(TypedDict, total=False):
    type: str
    value: str
    issuing_country: str


PERSON_FIELDS: tuple[str, ...] = tuple(PersonFields.__annotations__)
# Changing any of these changes the person's blocking keys.
MATCHED_FIELDS: frozenset[str] = frozenset(
    {name for name in PERSON_FIELDS if "name" in name}
    | {"date_of_birth", "dob_is_estimated", "sex", "nationality", "phone"}
)


def _invalid(error: ValidationError, default_field: str | None = None) -> DomainError:
    if hasattr(error, "error_dict"):
        field, messages = next(iter(error.message_dict.items()))
        return DomainError("invalid", messages[0],
                           field=None if field == "__all__" else field)
    code = getattr(error, "code", None) or "invalid"
    return DomainError(code, error.messages[0], field=default_field)


def _check(validate: Any, *args: Any, field: str, **kwargs: Any) -> Any:
    try:
        return validate(*args, **kwargs)
    except ValidationError as error:
        raise _invalid(error, field) from error


def _normalized(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in PERSON_FIELDS:
            raise TypeError(f"not a person field: {name}")
        if name == "phone":
            value = _check(validators.normalize_phone, value or "", field="phone")
        elif name == "languages":
            value = _check(validators.normalize_languages, value, field="languages")
        elif name == "nationality":
            value = clean_text(str(value or "")).upper()
            _check(validators.validate_nationality, value, field="nationality")
        elif name == "date_of_birth":
            if value is not None:
                _check(validators.validate_date_of_birth, value, field="date_of_birth")
        elif name == "address":
            value = clean_text(value or "", multiline=True)
        elif name in ("dob_is_estimated",):
            value = bool(value)
        elif isinstance(value, str) or value is None:
            value = clean_text(value or "")
        out[name] = value
    return out


def normalized_person_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The normalization and checks person_register and person_update apply, for forms
    that want to report them as field errors before calling the service."""
    return _normalized(fields)


def _full_clean(instance: models.Model, exclude: Sequence[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False,
                            validate_constraints=False)
    except ValidationError as error:
        raise _invalid(error) from error


def _require_name(person: Person) -> None:
    if not (person.name_ar or person.name_latin):
        raise DomainError(
            "name_required", _("Enter the person's name in Arabic or Latin script."),
            field="given_name_ar",
        )


def _next_reference(year: int) -> str:
    return next_reference(PersonReferenceCounter, "P", year)


def require_live(person: Person) -> None:
    """A record merged into another is history: work goes on the surviving record."""
    if person.merged_into_id:
        raise DomainError(
            "person_merged",
            _("This record was merged into another person's record; work on that record."),
        )


def _require_registry_writer(actor: User, obj: models.Model) -> None:
    require(access.can_register_persons(actor), actor, obj, "register persons")


def _may_register_for(actor: User, organization: Organization) -> bool:
    if organization.pk == actor.organization_id:
        return True
    # The foundation's administrators may register on behalf of a center (data migration,
    # corrections); nobody registers in another organization's name otherwise.
    return actor.role == Role.ADMIN and organization.kind == OrganizationKind.CENTER


# --- Persons -------------------------------------------------------------------------


def person_register(
    *,
    actor: User,
    organization: Organization,
    identifiers: Iterable[IdentifierInput] = (),
    **fields: Unpack[PersonFields],
) -> Person:
    """Register a person for `organization` (the actor's own center, or the foundation).
    Identifiers are added in the same transaction: a taken one refuses the whole
    registration, so nothing half-registered remains."""
    person = Person(registered_by_organization=organization, created_by=actor)
    _require_registry_writer(actor, person)
    require(_may_register_for(actor, organization), actor, organization,
            "register for this organization")
    data = _normalized(dict(fields))
    for name, value in data.items():
        setattr(person, name, value)
    _require_name(person)
    _full_clean(person, exclude=("reference",))
    with transaction.atomic():
        person.reference = _next_reference(timezone.localdate().year)
        person.save()
        audit_record(
            action=AuditAction.CREATE, actor=actor, obj=person,
            fields=[*data, "registered_by_organization"],
        )
        for identifier in identifiers:
            _identifier_add(actor=actor, person=person, **identifier)
        duplicates.refresh_match_keys(person)
    return person


def person_update(*, actor: User, person: Person, **fields: Unpack[PersonFields]) -> Person:
    require(access.can_edit_person(actor, person), actor, person, "change this person")
    require_live(person)
    data = _normalized(dict(fields))
    with transaction.atomic():
        current = Person.objects.select_for_update().get(pk=person.pk)
        changed = [name for name, value in data.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, data[name])
        _require_name(current)
        _full_clean(current)
        if "date_of_birth" in changed or "dob_is_estimated" in changed:
            for identifier in current.identifiers.filter(type=IdentifierType.QID):
                _check(validators.validate_qid, identifier.value,
                       date_of_birth=current.date_of_birth,
                       dob_is_estimated=current.dob_is_estimated, field="date_of_birth")
        current.save(update_fields=[*changed, "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=current, fields=changed)
        if MATCHED_FIELDS.intersection(changed):
            duplicates.refresh_match_keys(current)
    return current


# --- Identifiers ---------------------------------------------------------------------


def _identifier_taken(type_: str) -> DomainError:
    label = IdentifierType(type_).label
    return DomainError(
        "identifier_taken",
        _("This %(type)s number is already registered to another person.") % {"type": label},
        field="value",
    )


def _identifier_add(
    *, actor: User, person: Person, type: str, value: str, issuing_country: str = ""
) -> PersonIdentifier:
    if type not in IdentifierType.values:
        raise DomainError("invalid", _("Choose the type of identifier."), field="type")
    value = validators.normalize_identifier(value or "")
    if not value:
        raise DomainError("invalid", _("Enter the number."), field="value")
    issuing_country = clean_text(issuing_country or "").upper()
    if type == IdentifierType.QID:
        # A Qatar ID is issued by Qatar, whatever the person's nationality.
        issuing_country = "QA"
        _check(validators.validate_qid, value, date_of_birth=person.date_of_birth,
               dob_is_estimated=person.dob_is_estimated, field="value")
    elif type == IdentifierType.PASSPORT and not issuing_country:
        raise DomainError(
            "issuing_country_required", _("Choose the country that issued the passport."),
            field="issuing_country",
        )
    if issuing_country:
        _check(validators.validate_nationality, issuing_country, field="issuing_country")
    identifier = PersonIdentifier(
        person=person, type=type, value=value, issuing_country=issuing_country
    )
    _full_clean(identifier, exclude=("person",))
    taken = PersonIdentifier.objects.filter(
        type=type, issuing_country=issuing_country, value=value
    )
    if taken.exclude(person=person).exists():
        raise _identifier_taken(type)
    if taken.exists():
        raise DomainError(
            "identifier_duplicate", _("This person already has this identifier."),
            field="value",
        )
    try:
        with transaction.atomic():
            identifier.save()
    except IntegrityError as error:  # registered by someone else a moment ago
        raise _identifier_taken(type) from error
    audit_record(action=AuditAction.CREATE, actor=actor, obj=identifier,
                 fields=["type", "value", "issuing_country"], reason=f"person {person.pk}")
    return identifier


def identifier_add(
    *, actor: User, person: Person, type: str, value: str, issuing_country: str = ""
) -> PersonIdentifier:
    require(access.can_edit_person(actor, person), actor, person, "change this person")
    require_live(person)
    with transaction.atomic():
        identifier = _identifier_add(
            actor=actor, person=person, type=type, value=value, issuing_country=issuing_country
        )
        duplicates.refresh_match_keys(person)
    return identifier


def identifier_remove(*, actor: User, identifier: PersonIdentifier) -> None:
    person = identifier.person
    require(access.can_edit_person(actor, person), actor, person, "change this person")
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, actor=actor, obj=identifier,
                     fields=["type", "value", "issuing_country"], reason=f"person {person.pk}")
        identifier.delete()
        duplicates.refresh_match_keys(person)


# --- Relationships -------------------------------------------------------------------


def relationship_add(
    *,
    actor: User,
    from_person: Person,
    to_person: Person,
    kind: str,
    is_legal_guardian: bool = False,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Relationship:
    """`from_person` is the `kind` of `to_person`; the reciprocal row is created too."""
    require(access.can_edit_person(actor, from_person), actor, from_person,
            "change this person")
    require_live(from_person)
    require_live(to_person)
    if kind not in RelationshipKind.values:
        raise DomainError("invalid", _("Choose the relationship."), field="kind")
    if from_person.pk == to_person.pk:
        raise DomainError(
            "relationship_to_self", _("A person cannot be related to themselves."),
            field="to_person",
        )
    if not selectors.persons_visible_to(actor).filter(pk=to_person.pk).exists():
        raise DomainError("invalid", _("Choose a registered person."), field="to_person")
    if start_date and end_date and end_date < start_date:
        raise DomainError("invalid", _("The end is before the start."), field="end_date")
    guardian = {RelationshipKind.GUARDIAN: from_person,
                RelationshipKind.WARD: to_person}.get(RelationshipKind(kind))
    if guardian is not None:
        age = guardian.age_on(start_date or timezone.localdate())
        if age is not None and age < ADULT_AGE:
            raise DomainError(
                "guardian_minor",
                _("A guardian must be an adult (%(age)s years or older).") % {"age": ADULT_AGE},
                field="kind",
            )
    legal = bool(is_legal_guardian) and kind in (
        RelationshipKind.GUARDIAN, RelationshipKind.PARENT
    )
    reciprocal_legal = bool(is_legal_guardian) and kind in (
        RelationshipKind.WARD, RelationshipKind.CHILD
    )
    with transaction.atomic():
        if Relationship.objects.filter(
            from_person=from_person, to_person=to_person, kind=kind
        ).exists():
            raise DomainError(
                "relationship_exists", _("This relationship is already recorded."),
                field="kind",
            )
        relationship = Relationship.objects.create(
            from_person=from_person, to_person=to_person, kind=kind,
            is_legal_guardian=legal, start_date=start_date, end_date=end_date,
        )
        Relationship.objects.get_or_create(
            from_person=to_person, to_person=from_person, kind=RECIPROCAL_KIND[kind],
            defaults={"is_legal_guardian": reciprocal_legal, "start_date": start_date,
                      "end_date": end_date},
        )
        audit_record(
            action=AuditAction.CREATE, actor=actor, obj=relationship,
            fields=["from_person", "to_person", "kind", "is_legal_guardian", "start_date",
                    "end_date"],
        )
    return relationship


def relationship_remove(*, actor: User, relationship: Relationship) -> None:
    """Removes the relationship and its reciprocal."""
    require(access.can_edit_person(actor, relationship.from_person), actor,
            relationship.from_person, "change this person")
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, actor=actor, obj=relationship,
                     fields=["from_person", "to_person", "kind"])
        Relationship.objects.filter(
            from_person=relationship.to_person, to_person=relationship.from_person,
            kind=RECIPROCAL_KIND[relationship.kind],
        ).delete()
        relationship.delete()


def guardians_of(person: Person) -> list[Person]:
    return [
        r.from_person
        for r in Relationship.objects.filter(
            to_person=person,
            kind__in=(RelationshipKind.GUARDIAN, RelationshipKind.PARENT),
        ).select_related("from_person")
        if r.end_date is None or r.end_date >= timezone.localdate()
    ]


# --- Safety flags --------------------------------------------------------------------


def safety_flag_set(*, actor: User, person: Person, kind: str, note: str = "") -> SafetyFlag:
    require(access.can_manage_safety_flags(actor, person), actor, person,
            "set safety flags")
    require_live(person)
    if kind not in SafetyFlagKind.values:
        raise DomainError("invalid", _("Choose the kind of flag."), field="kind")
    note = clean_text(note or "", multiline=True)
    if kind == SafetyFlagKind.OTHER and not note:
        raise DomainError("note_required", _("Say what the flag is about."), field="note")
    with transaction.atomic():
        existing = SafetyFlag.objects.filter(person=person, kind=kind, cleared_at__isnull=True)
        if existing.exists():
            raise DomainError("flag_exists", _("This flag is already set."), field="kind")
        flag = SafetyFlag.objects.create(person=person, kind=kind, note=note, set_by=actor)
        audit_record(action=AuditAction.CREATE, actor=actor, obj=flag,
                     fields=["kind", "note"] if note else ["kind"],
                     reason=f"person {person.pk}")
        if kind == SafetyFlagKind.NO_CONTACT_HOME_COUNTRY:  # open requests to the embassy go
            from tawasul.coordination.services import no_contact_flag_set
            no_contact_flag_set(actor=actor, person=person)
    return flag


def safety_flag_clear(*, actor: User, flag: SafetyFlag, reason: str = "") -> SafetyFlag:
    require(access.can_manage_safety_flags(actor, flag.person), actor, flag.person,
            "clear safety flags")
    if flag.cleared_at is not None:
        raise DomainError("flag_cleared", _("This flag is already cleared."))
    reason = clean_text(reason or "")[:REASON_MAX_LENGTH]
    with transaction.atomic():
        flag.cleared_at = timezone.now()
        flag.cleared_by = actor
        flag.save(update_fields=["cleared_at", "cleared_by", "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=flag,
                     fields=["cleared_at", "cleared_by"], reason=reason)
    return flag


# --- Consent -------------------------------------------------------------------------


def _categories(values: Iterable[str]) -> list[str]:
    chosen = [str(v) for v in values]
    unknown = [v for v in chosen if v not in DataCategory.values]
    if unknown or not chosen:
        raise DomainError(
            "invalid", _("Choose the categories of data the consent covers."),
            field="data_categories",
        )
    return [c for c in DataCategory.values if c in chosen]


def consent_record(
    *,
    actor: User,
    person: Person,
    purpose: str,
    recipients: Iterable[Organization],
    data_categories: Iterable[str],
    granted_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
    granted_by_person: Person | None = None,
    granted_by_name: str = "",
    granted_by_relationship: str = "",
    purpose_text: str = "",
    evidence: File[Any] | None = None,
) -> Consent:
    """Record a consent given by the person, or for them by a guardian (a registered
    person who is their guardian or parent, or a named grantor). A child's consent is
    given by a guardian."""
    require(access.can_record_consent(actor, person), actor, person, "record consent")
    require_live(person)
    if purpose not in ConsentPurpose.values:
        raise DomainError("invalid", _("Choose the purpose."), field="purpose")
    purpose_text = clean_text(purpose_text or "", multiline=True)
    if purpose == ConsentPurpose.OTHER and not purpose_text:
        raise DomainError("purpose_text_required", _("Describe the purpose."),
                          field="purpose_text")
    recipient_list = list(recipients)
    if not recipient_list:
        raise DomainError("invalid", _("Choose at least one recipient organization."),
                          field="recipients")
    categories = _categories(data_categories)
    granted_at = granted_at or timezone.now()
    if granted_at > timezone.now():
        raise DomainError("invalid", _("A consent cannot be granted in the future."),
                          field="granted_at")
    if expires_at is not None and expires_at <= granted_at:
        raise DomainError("invalid", _("The expiry must come after the grant."),
                          field="expires_at")
    granted_by_name = clean_text(granted_by_name or "")
    granted_by_relationship = clean_text(granted_by_relationship or "")
    if granted_by_person is not None:
        if granted_by_person.pk == person.pk:
            granted_by_person = None
        elif granted_by_person not in guardians_of(person):
            raise DomainError(
                "grantor_not_guardian",
                _("The grantor is not recorded as this person's guardian or parent."),
                field="granted_by_person",
            )
    by_guardian = granted_by_person is not None or bool(granted_by_name)
    if person.is_minor and not by_guardian:
        raise DomainError(
            "guardian_required", _("A child's consent is given by a guardian."),
            field="granted_by_person",
        )
    if evidence is not None:
        _check(validators.validate_evidence, evidence, field="evidence")
    consent = Consent(
        person=person, purpose=purpose, purpose_text=purpose_text,
        data_categories=categories, granted_at=granted_at, expires_at=expires_at,
        granted_by_person=granted_by_person, granted_by_name=granted_by_name,
        granted_by_relationship=granted_by_relationship, recorded_by=actor,
        recorded_by_organization=actor.organization,
    )
    try:
        with transaction.atomic():
            if evidence is not None:
                consent.evidence.save(_evidence_stored_name(evidence), evidence, save=False)
            consent.save()
            consent.recipients.set(recipient_list)
            audit_record(
                action=AuditAction.CREATE, actor=actor, obj=consent,
                fields=[
                    "person", "purpose", "recipients", "data_categories", "granted_at",
                    *(["purpose_text"] if purpose_text else []),
                    *(["expires_at"] if expires_at else []),
                    *(["granted_by_person"] if granted_by_person else []),
                    *(["granted_by_name", "granted_by_relationship"] if granted_by_name else []),
                    *(["evidence"] if evidence is not None else []),
                ],
            )
    except BaseException:
        if consent.evidence:
            consent.evidence.delete(save=False)  # nothing recorded: no orphan file either
        raise
    return consent


def _evidence_stored_name(evidence: File[Any]) -> str:
    """A random name with the extension validate_evidence accepted, as for case
    documents: the uploaded file's name (often the person's own) is neither stored nor
    part of the path."""
    suffix = Path(str(getattr(evidence, "name", "") or "")).suffix.lower()
    return f"{secrets.token_hex(16)}{suffix}"


def consent_withdraw(*, actor: User, consent: Consent, reason: str) -> Consent:
    """Stops future sharing from now on: requests relying on it are withdrawn and each
    recipient is sent a retraction notice (coordination.services.consent_withdrawn)."""
    require(access.can_withdraw_consent(actor, consent), actor, consent, "withdraw consent")
    reason = clean_text(reason or "", multiline=True)
    if not reason:
        raise DomainError("reason_required", _("Give a reason."), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(
            "reason_too_long", _("At most %(max)s characters.") % {"max": REASON_MAX_LENGTH},
            field="reason",
        )
    with transaction.atomic():
        current = Consent.objects.select_for_update().get(pk=consent.pk)
        if current.withdrawn_at is not None:
            raise DomainError("consent_withdrawn", _("This consent is already withdrawn."))
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = actor
        current.withdrawal_reason = reason
        current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason",
                                    "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=current,
                     fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        from tawasul.coordination.services import consent_withdrawn
        consent_withdrawn(actor=actor, consent=current)
    return current


def consent_allows(
    *,
    person: Person,
    recipient: Organization,
    categories: set[str],
    purpose: str,
    at: dt.datetime | None = None,
) -> bool:
    """Whether, at `at` (now by default), one consent of the person covers this purpose,
    this recipient and every one of these categories. Called at the moment of sharing,
    never cached. A person flagged "no contact with home country" is never disclosed to
    their country's embassy, whatever any consent says (DESIGN rule 5)."""
    if not categories or not categories <= set(DataCategory.values):
        return False
    if (
        recipient.kind == OrganizationKind.EMBASSY
        and str(recipient.country) == str(person.nationality)
        and person.has_no_contact_flag
    ):
        return False
    at = at or timezone.now()
    candidates = (
        Consent.objects.filter(
            person=person, purpose=purpose, recipients=recipient, granted_at__lte=at,
        )
        .filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=at))
        .filter(models.Q(withdrawn_at__isnull=True) | models.Q(withdrawn_at__gt=at))
        .only("data_categories")
    )
    return any(categories <= set(c.data_categories) for c in candidates)

