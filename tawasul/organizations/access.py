"""Fetch-and-check for organizations, contacts and services.

Each function either returns the object the user may act on, or raises OutOfScope (404)
after recording the denial in the audit trail.
"""

from __future__ import annotations

from tawasul.accounts.models import User
from tawasul.accounts.roles import CONTACT_MANAGER_ROLES, Role
from tawasul.common.access import fetch_or_deny
from tawasul.organizations import selectors
from tawasul.organizations.models import (
    Contact,
    Organization,
    OrganizationKind,
    Service,
    ServiceTranslation,
)


def access_organization(user: object, organization_id: object) -> Organization:
    return fetch_or_deny(user, selectors.organizations_visible_to(user), organization_id)


def access_contact(user: object, contact_id: object) -> Contact:
    return fetch_or_deny(user, selectors.contacts_visible_to(user), contact_id)


def access_service(user: object, service_id: object) -> Service:
    return fetch_or_deny(user, selectors.services_visible_to(user), service_id)


def access_service_translation(user: object, translation_id: object) -> ServiceTranslation:
    return fetch_or_deny(user, selectors.service_translations_visible_to(user), translation_id)


def can_manage_contacts_of(user: User, organization: Organization) -> bool:
    if user.role == Role.ADMIN:
        return True
    if organization.pk == user.organization_id:
        return user.role in CONTACT_MANAGER_ROLES
    # Liaison officers keep the diplomatic and partner network.
    return user.role == Role.LIAISON_OFFICER and (
        organization.kind == OrganizationKind.EMBASSY or organization.is_partner
    )


def can_manage_services_of(user: User, center: Organization) -> bool:
    """The center's catalog: its entries and their translations."""
    if center.kind != OrganizationKind.CENTER:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.DIRECTOR and center.pk == user.organization_id
