"""Every write to webhooks: registering an endpoint, rotating its secret, deactivating it,
sending a test event, and `emit`, which producers call to send an event to an
organization's endpoints.

Each user action is one transaction with its audit entry (field names only; never the
URL's value, the payload or the secret). Deliveries are sent by the task
tawasul.webhooks.tasks.deliver_webhook, enqueued once the transaction commits.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.access import require
from tawasul.common.errors import DomainError
from tawasul.common.text import clean_text
from tawasul.jobs.queue import enqueue_on_commit
from tawasul.organizations.models import Organization
from tawasul.people.models import Person
from tawasul.webhooks import disclosure, signing
from tawasul.webhooks.access import can_manage_endpoints_of
from tawasul.webhooks.destinations import Resolver, check_url
from tawasul.webhooks.models import (
    SUBSCRIBABLE_EVENTS,
    DeliveryStatus,
    FailureKind,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from tawasul.webhooks.selectors import WEBHOOK_ORGANIZATION_KINDS

logger = logging.getLogger("tawasul.webhooks")

MAX_ACTIVE_ENDPOINTS = 10
DESCRIPTION_MAX_LENGTH = 200
EVENT_ID_MAX_LENGTH = 100
PAYLOAD_MAX_BYTES = 64 * 1024


class PayloadRefused(DomainError):
    """`emit` was asked to send data about a person who may not be disclosed to the
    receiving organization. Raised before anything is written."""


# --- Endpoints --------------------------------------------------------------------------


def _events(events: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(e) for e in events))
    if not chosen:
        raise DomainError("required", _("Choose at least one event."), field="events")
    unknown = [e for e in chosen if e not in SUBSCRIBABLE_EVENTS]
    if unknown:
        raise DomainError("invalid_event", _("Choose events from the list."), field="events")
    return [e for e in SUBSCRIBABLE_EVENTS if e in chosen]


def _description(value: str) -> str:
    text = clean_text(value or "")
    if len(text) > DESCRIPTION_MAX_LENGTH:
        raise DomainError(
            "too_long",
            _("At most %(count)s characters.") % {"count": DESCRIPTION_MAX_LENGTH},
            field="description",
        )
    return text


def require_manager(actor: User, endpoint: WebhookEndpoint, action: str) -> None:
    """403 (the refusal recorded) unless the actor may change the endpoint."""
    require(can_manage_endpoints_of(actor, endpoint.organization), actor, endpoint, action)


def _require_active(endpoint: WebhookEndpoint) -> None:
    if not endpoint.is_active:
        raise DomainError("endpoint_inactive", _("This endpoint is deactivated."))


def endpoint_register(
    *,
    actor: User,
    organization: Organization,
    url: str,
    events: Iterable[str],
    description: str = "",
    resolver: Resolver | None = None,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret, which is returned here and never again."""
    require(can_manage_endpoints_of(actor, organization), actor, organization,
            "register webhook endpoints")
    if organization.kind not in WEBHOOK_ORGANIZATION_KINDS or not organization.is_active:
        raise DomainError("invalid_organization",
                          _("Webhooks are for embassies and partner organizations."),
                          field="organization")
    chosen = _events(events)
    text = _description(description)
    # Looked up outside the transaction: a slow DNS answer must not hold the write lock.
    destination = check_url(url, resolver=resolver)
    secret = signing.new_secret()
    with transaction.atomic():
        # Serializes registrations of one organization, so the limit holds under races.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        active = WebhookEndpoint.objects.filter(organization=organization, is_active=True)
        if active.count() >= MAX_ACTIVE_ENDPOINTS:
            raise DomainError(
                "too_many_endpoints",
                _("An organization may have at most %(count)s active endpoints; deactivate "
                  "one first.") % {"count": MAX_ACTIVE_ENDPOINTS},
            )
        endpoint = WebhookEndpoint.objects.create(
            organization=organization, url=destination.url, description=text, events=chosen,
            secret_encrypted=signing.encrypt_secret(secret),
            secret_prefix=signing.shown_prefix(secret), secret_rotated_at=timezone.now(),
            created_by=actor,
        )
        audit_record(action=AuditAction.CREATE, actor=actor, obj=endpoint,
                     fields=["organization", "url", "description", "events", "secret"],
                     reason="webhook endpoint registered")
    return endpoint, secret


def endpoint_rotate_secret(*, actor: User, endpoint: WebhookEndpoint) -> str:
    """A new secret for the endpoint, returned here and never again; the old one stops
    signing at once."""
    require_manager(actor, endpoint, "rotate webhook secrets")
    _require_active(endpoint)
    secret = signing.new_secret()
    with transaction.atomic():
        endpoint.secret_encrypted = signing.encrypt_secret(secret)
        endpoint.secret_prefix = signing.shown_prefix(secret)
        endpoint.secret_rotated_at = timezone.now()
        endpoint.save(update_fields=["secret_encrypted", "secret_prefix", "secret_rotated_at",
                                     "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=endpoint,
                     fields=["secret"], reason="webhook secret rotated")
    return secret


def endpoint_deactivate(*, actor: User, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """No more events go to the endpoint; deliveries still waiting are given up."""
    require_manager(actor, endpoint, "deactivate webhook endpoints")
    _require_active(endpoint)
    now = timezone.now()
    with transaction.atomic():
        endpoint.is_active = False
        endpoint.deactivated_at = now
        endpoint.deactivated_by = actor
        endpoint.save(update_fields=["is_active", "deactivated_at", "deactivated_by",
                                     "updated_at"])
        abandoned = WebhookDelivery.objects.filter(
            endpoint=endpoint, status__in=(DeliveryStatus.PENDING, DeliveryStatus.FAILED)
        ).update(status=DeliveryStatus.GIVEN_UP, next_attempt_at=None,
                 last_error_kind=FailureKind.ENDPOINT_INACTIVE, last_error="",
                 updated_at=now)
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=endpoint,
                     fields=["is_active", "deactivated_at"],
                     reason=f"webhook endpoint deactivated; {abandoned} waiting deliveries "
                            "given up")
    return endpoint


def endpoint_ping(*, actor: User | None, endpoint: WebhookEndpoint,
                  reason: str = "") -> WebhookDelivery:
    """Send a signed test event to one endpoint. `actor` None is the operator at the
    command line (manage.py webhook_ping)."""
    if actor is not None:
        require_manager(actor, endpoint, "send test events")
    _require_active(endpoint)
    with transaction.atomic():
        delivery = _create_delivery(
            endpoint=endpoint, event=WebhookEvent.PING, event_id=f"ping-{uuid.uuid4()}",
            payload={"test": True, "endpoint_id": str(endpoint.pk),
                     "message": "A test event from Tawasul: your receiver is reachable."},
            persons=[], created_by=actor,
        )
        audit_record(action=AuditAction.CREATE, actor=actor, obj=delivery,
                     actor_username="" if actor else "system:webhook_ping",
                     fields=["event", "payload"], reason=reason or "webhook test event")
    return delivery


# --- Deliveries -------------------------------------------------------------------------


def _create_delivery(*, endpoint: WebhookEndpoint, event: str, event_id: str,
                     payload: dict[str, object], persons: list[Person],
                     created_by: User | None = None) -> WebhookDelivery:
    from tawasul.webhooks.tasks import deliver_webhook

    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, event_id=event_id, payload=payload,
        subject_person_ids=sorted(str(p.pk) for p in persons), created_by=created_by,
    )
    enqueue_on_commit(deliver_webhook, str(delivery.pk))
    return delivery


def emit(
    *,
    organization: Organization,
    event: str,
    event_id: str,
    payload: dict[str, object],
    persons: Iterable[Person] = (),
) -> list[WebhookDelivery]:
    """Send `event` to the organization's active endpoints subscribed to it.

    Called inside the producer's transaction: the deliveries are written in it and sent
    after it commits (nothing is sent if it rolls back). `event_id` identifies what
    happened (the same for every endpoint; emitting it again creates nothing new).
    `payload` is built by the producer under the portal's disclosure rules; `persons`
    are the persons it concerns. Raises PayloadRefused, before writing anything, if any
    of them, or any person whose id or reference appears in the payload, may not be
    disclosed to this organization (disclosure.payload_safe_for).
    """
    if event not in SUBSCRIBABLE_EVENTS:
        raise ValueError(f"not a webhook event producers emit: {event!r}")
    event_id = str(event_id)
    if not 0 < len(event_id) <= EVENT_ID_MAX_LENGTH:
        raise ValueError("event_id must have 1 to 100 characters")
    if len(signing.canonical_json(payload)) > PAYLOAD_MAX_BYTES:
        raise ValueError("webhook payload too large")
    named = disclosure.persons_named_in(payload, also=persons)
    if disclosure.unsafe_persons(organization, named):
        logger.warning("Webhook %s %s to organization %s refused: it names a person who may "
                       "not be disclosed to it", event, event_id, organization.code)
        raise PayloadRefused(
            "no_contact_flag",
            _("This information cannot be sent to this organization."),
        )
    if not organization.is_active:
        return []
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(organization=organization, is_active=True)
        if event in endpoint.events
    ]
    if not endpoints:
        return []
    with transaction.atomic():
        done = set(
            WebhookDelivery.objects.filter(
                endpoint__in=endpoints, event=event, event_id=event_id
            ).values_list("endpoint_id", flat=True)
        )
        return [
            _create_delivery(endpoint=endpoint, event=event, event_id=event_id,
                             payload=payload, persons=named)
            for endpoint in endpoints
            if endpoint.pk not in done
        ]
