"""Scoped reads of organizations, contacts and services. Every list starts here."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tawasul.accounts.roles import Role
from tawasul.common.access import as_member
from tawasul.organizations.models import Contact, Organization, OrganizationKind, Service


def organizations_visible_to(viewer: object) -> QuerySet[Organization]:
    """The directory: every active organization is public to signed-in members.
    Inactive ones only to foundation administrators."""
    qs = Organization.objects.select_related("parent")
    user = as_member(viewer)
    if user is None:
        return qs.none()
    if user.role == Role.ADMIN:
        return qs
    return qs.filter(Q(is_active=True) | Q(pk=user.organization_id))


def contacts_visible_to(viewer: object) -> QuerySet[Contact]:
    """Directory contacts to every member; the rest to their own organization and to the
    foundation's administrators and liaison officers, who keep the partner network."""
    qs = Contact.objects.select_related("organization")
    user = as_member(viewer)
    if user is None:
        return qs.none()
    if user.role in (Role.ADMIN, Role.LIAISON_OFFICER):
        return qs
    return qs.filter(
        Q(is_public=True, organization__is_active=True) | Q(organization_id=user.organization_id)
    )


def services_visible_to(viewer: object) -> QuerySet[Service]:
    """Active services of active centers to every member (embassies need to know where to
    refer); inactive entries only to their center and to foundation administrators."""
    qs = Service.objects.select_related("center")
    user = as_member(viewer)
    if user is None:
        return qs.none()
    if user.role == Role.ADMIN:
        return qs
    return qs.filter(
        Q(is_active=True, center__is_active=True) | Q(center_id=user.organization_id)
    )


def centers() -> QuerySet[Organization]:
    return Organization.objects.filter(kind=OrganizationKind.CENTER, is_active=True)
