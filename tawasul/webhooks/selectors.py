"""Scoped reads of webhook endpoints and deliveries. Every list starts here.

An embassy or partner organization's webhooks are seen by its consular officers and
viewers, or its partner focal points; the foundation's administrators see every
organization's. Nobody else (center staff, intake, liaison, analysts, the ministry) sees
any: their pages and API answer 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.common.access import as_member
from tawasul.organizations.models import PARTNER_KINDS, Organization, OrganizationKind
from tawasul.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

# Organizations that may receive webhooks.
WEBHOOK_ORGANIZATION_KINDS: tuple[str, ...] = (OrganizationKind.EMBASSY, *PARTNER_KINDS)
# Who manages their own organization's endpoints; viewers only look.
WEBHOOK_MANAGER_ROLES: frozenset[str] = frozenset(
    {Role.CONSULAR_OFFICER, Role.PARTNER_FOCAL_POINT}
)
WEBHOOK_VIEWER_ROLES: frozenset[str] = WEBHOOK_MANAGER_ROLES | {Role.EMBASSY_VIEWER}


def webhook_member(viewer: object) -> User | None:
    """The user if the webhook pages exist for them at all, else None."""
    user = as_member(viewer)
    if user is None:
        return None
    if user.role == Role.ADMIN:
        return user
    organization = user.organization
    if (user.role in WEBHOOK_VIEWER_ROLES and organization is not None
            and organization.is_active and organization.kind in WEBHOOK_ORGANIZATION_KINDS):
        return user
    return None


def endpoints_visible_to(viewer: object) -> QuerySet[WebhookEndpoint]:
    qs = WebhookEndpoint.objects.select_related("organization", "created_by")
    user = webhook_member(viewer)
    if user is None:
        return qs.none()
    if user.role == Role.ADMIN:
        return qs
    return qs.filter(Q(organization_id=user.organization_id))


def deliveries_visible_to(viewer: object) -> QuerySet[WebhookDelivery]:
    qs = WebhookDelivery.objects.select_related("endpoint__organization")
    user = webhook_member(viewer)
    if user is None:
        return qs.none()
    if user.role == Role.ADMIN:
        return qs
    return qs.filter(Q(endpoint__organization_id=user.organization_id))


def attempts_of(delivery: WebhookDelivery) -> QuerySet[WebhookAttempt]:
    """The attempts of a delivery the caller already holds through access_delivery."""
    return WebhookAttempt.objects.filter(delivery=delivery).order_by("number")


def webhook_organizations_for(viewer: object) -> QuerySet[Organization]:
    """The organizations the user may register endpoints for: their own, or (foundation
    administrators) any active embassy or partner."""
    qs = Organization.objects.filter(is_active=True, kind__in=WEBHOOK_ORGANIZATION_KINDS)
    user = webhook_member(viewer)
    if user is None:
        return qs.none()
    if user.role == Role.ADMIN:
        return qs
    if user.role not in WEBHOOK_MANAGER_ROLES:
        return qs.none()
    return qs.filter(Q(pk=user.organization_id))
