"""Scoped reads of the person registry. Every list of persons, flags, relationships and
consents starts here.

The registry is shared for identity among the centers and the foundation's intake and
administrators (DESIGN, rule 2): any of them may find that a person is already
registered and read identity fields. What a center knows about the person beyond that
(cases, and here the sensitive flags, family relations and consents) stays with the
center that registered the person. The ministry, analysts, embassies and partners see no
person at all in the registry; what an embassy may see arrives with its referrals.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.common.access import as_member
from tawasul.organizations.models import OrganizationKind
from tawasul.people.models import (
    Consent,
    Person,
    Relationship,
    SafetyFlag,
    SafetyFlagKind,
)

CENTER_ROLES: frozenset[str] = frozenset({Role.DIRECTOR, Role.CASE_MANAGER, Role.STAFF})
FOUNDATION_REGISTRY_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.INTAKE_OFFICER})


def registry_member(viewer: object) -> User | None:
    """The user if they may use the registry (find, register, record consent), else None."""
    user = as_member(viewer)
    if user is None:
        return None
    kind = user.kind
    if kind == OrganizationKind.CENTER and user.role in CENTER_ROLES:
        return user
    if kind == OrganizationKind.FOUNDATION and user.role in FOUNDATION_REGISTRY_ROLES:
        return user
    return None


def is_foundation_registrar(user: User) -> bool:
    return user.kind == OrganizationKind.FOUNDATION and user.role in FOUNDATION_REGISTRY_ROLES


def with_no_contact_flag(qs: QuerySet[Person]) -> QuerySet[Person]:
    """`Person.has_no_contact_flag` for a whole list in the same query."""
    return qs.annotate(
        no_contact_flag=Exists(
            SafetyFlag.objects.filter(
                person=OuterRef("pk"),
                kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY,
                cleared_at__isnull=True,
            )
        )
    )


def persons_visible_to(viewer: object) -> QuerySet[Person]:
    qs = with_no_contact_flag(
        Person.objects.select_related("registered_by_organization", "merged_into")
    )
    user = registry_member(viewer)
    if user is None:
        return qs.none()
    if user.role == Role.ADMIN:
        return qs
    return qs.filter(is_active=True)


def _registered_here(user: User, prefix: str) -> Q:
    return Q(**{f"{prefix}registered_by_organization_id": user.organization_id})


def safety_flags_visible_to(viewer: object) -> QuerySet[SafetyFlag]:
    """All flags to the registering center and the foundation's registrars. Other centers
    see only "no contact with home country", which everyone handling the person must
    respect; the others (asylum, trafficking) are sensitive in themselves."""
    qs = SafetyFlag.objects.select_related("person", "set_by", "cleared_by")
    user = registry_member(viewer)
    if user is None:
        return qs.none()
    # The condition of persons_visible_to on the joined person, not `person__in` its
    # queryset: a subquery over the whole registry on every person page.
    if user.role != Role.ADMIN:
        qs = qs.filter(person__is_active=True)
    if is_foundation_registrar(user):
        return qs
    return qs.filter(
        _registered_here(user, "person__") | Q(kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY)
    )


def relationships_visible_to(viewer: object) -> QuerySet[Relationship]:
    """Family relations are sensitive data: the registering center and the foundation."""
    qs = Relationship.objects.select_related("from_person", "to_person")
    user = registry_member(viewer)
    if user is None:
        return qs.none()
    if is_foundation_registrar(user):
        return qs
    return qs.filter(_registered_here(user, "from_person__"))


def consents_visible_to(viewer: object) -> QuerySet[Consent]:
    """The person's registering center, the organization that recorded the consent, and
    the foundation's administrators and intake officers."""
    qs = Consent.objects.select_related(
        "person", "granted_by_person", "recorded_by_organization", "withdrawn_by"
    ).prefetch_related("recipients")
    user = registry_member(viewer)
    if user is None:
        return qs.none()
    if is_foundation_registrar(user):
        return qs
    return qs.filter(
        _registered_here(user, "person__") | Q(recorded_by_organization_id=user.organization_id)
    )
