"""Fetch-and-check for webhook endpoints and deliveries, and who may change them.

A malformed id, a missing object and another organization's object all raise OutOfScope
(404), recorded in the audit trail (tawasul.common.access.fetch_or_deny).
"""

from __future__ import annotations

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.common.access import fetch_or_deny
from tawasul.organizations.models import Organization
from tawasul.webhooks import selectors
from tawasul.webhooks.models import WebhookDelivery, WebhookEndpoint


def access_endpoint(user: object, endpoint_id: object) -> WebhookEndpoint:
    return fetch_or_deny(user, selectors.endpoints_visible_to(user), endpoint_id)


def access_delivery(user: object, delivery_id: object) -> WebhookDelivery:
    return fetch_or_deny(user, selectors.deliveries_visible_to(user), delivery_id)


def can_manage_endpoints_of(user: User, organization: Organization) -> bool:
    """Register, rotate, deactivate and ping: the organization's consular officers or
    partner focal points, and the foundation's administrators; viewers only look."""
    if selectors.webhook_member(user) is None:
        return False
    if user.role == Role.ADMIN:
        return organization.kind in selectors.WEBHOOK_ORGANIZATION_KINDS
    return (user.role in selectors.WEBHOOK_MANAGER_ROLES
            and organization.pk == user.organization_id)
