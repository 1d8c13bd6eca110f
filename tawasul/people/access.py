"""Fetch-and-check for the person registry, and who may change what.

Out of scope answers 404 (OutOfScope) after an audited denial. Every read of a person's
record is audited with the names of the fields shown (person_read_audited).
"""

from __future__ import annotations

from collections.abc import Iterable

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record, audit_record_each
from tawasul.common.access import fetch_or_deny
from tawasul.people import selectors
from tawasul.people.models import Consent, Person

# What every registry member may read of any person (DESIGN rule 2): identity, no more.
IDENTITY_FIELDS: tuple[str, ...] = (
    "reference", "given_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar",
    "full_name_ar", "given_name_latin", "father_name_latin", "grandfather_name_latin",
    "family_name_latin", "full_name_latin", "date_of_birth", "dob_is_estimated", "sex",
    "nationality", "identifiers",
)


def access_person(user: object, person_id: object) -> Person:
    return fetch_or_deny(user, selectors.persons_visible_to(user), person_id)


def access_consent(user: object, consent_id: object) -> Consent:
    return fetch_or_deny(user, selectors.consents_visible_to(user), consent_id)


def person_read_audited(user: User, person: Person, fields: Iterable[str]) -> Person:
    """Record that `user` was shown these fields of `person` (names only)."""
    audit_record(action=AuditAction.READ, actor=user, obj=person, fields=fields)
    return person


def persons_read_audited(user: User, persons: Iterable[Person], fields: Iterable[str]) -> None:
    """person_read_audited for each of several persons shown at once, in one insert."""
    audit_record_each(action=AuditAction.READ, actor=user, objs=persons, fields=fields)


def can_register_persons(user: object) -> bool:
    return selectors.registry_member(user) is not None


def is_registering_center_or_foundation(user: User, person: Person) -> bool:
    if selectors.registry_member(user) is None:
        return False
    if selectors.is_foundation_registrar(user):
        return True
    return person.registered_by_organization_id == user.organization_id


def can_edit_person(user: User, person: Person) -> bool:
    """The center that registered the person keeps the record; the foundation's
    registrars correct any record (they also merge duplicates)."""
    return is_registering_center_or_foundation(user, person)


def can_manage_safety_flags(user: User, person: Person) -> bool:
    """The registering center's staff and the foundation's administrators; not intake,
    whose work is routing, not assessing risk."""
    if selectors.registry_member(user) is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return (
        user.role in selectors.CENTER_ROLES
        and person.registered_by_organization_id == user.organization_id
    )


def can_record_consent(user: User, person: Person) -> bool:
    """Any registry member who may see the person: consent is often taken by the center
    that is about to share."""
    return selectors.registry_member(user) is not None and (
        selectors.persons_visible_to(user).filter(pk=person.pk).exists()
    )


def can_withdraw_consent(user: User, consent: Consent) -> bool:
    return selectors.consents_visible_to(user).filter(pk=consent.pk).exists()
