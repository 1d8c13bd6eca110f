"""Demo webhooks (called by seed_demo; running it twice adds nothing).

The Philippine embassy has a receiver registered (through the service, as embassy.ph),
with a short delivery history of test events: one delivered at once, one delivered on
its third attempt, one still being retried, and one given up. UNESCO has one endpoint
too, and the embassy an older one, deactivated. The history is written as the worker
would have written it, without sending anything.

The demo hosts are under the reserved `.example` domain, which resolves nowhere; the
registration check is given a stand-in public address for them. A test event sent from
the demo therefore fails to resolve and is retried, then given up, as it should.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from tawasul.accounts.models import User
from tawasul.organizations.models import Organization
from tawasul.webhooks import services
from tawasul.webhooks.models import (
    DeliveryStatus,
    FailureKind,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

# A public address standing in for the demo hosts at registration (see above).
_STAND_IN_ADDRESS = "93.184.215.14"

ENDPOINTS = [
    # (organization code, user, url, events, description, active)
    ("embassy-ph", "embassy.ph", "https://hooks.embassy-ph.example/tawasul/events",
     [WebhookEvent.REFERRAL_STATUS_CHANGED, WebhookEvent.COORDINATION_REQUEST_STATUS_CHANGED,
      WebhookEvent.REQUEST_MESSAGE],
     "Consular case system (production)", True),
    ("embassy-ph", "embassy.ph", "https://staging.embassy-ph.example/hooks",
     [WebhookEvent.REFERRAL_STATUS_CHANGED], "Old staging receiver", False),
    ("unesco", "unesco", "https://partners.unesco.example/webhooks/tawasul",
     [WebhookEvent.COORDINATION_REQUEST_STATUS_CHANGED], "Programme dashboard", True),
]


def _demo_resolver(host: str, port: int) -> list[str]:
    return [_STAND_IN_ADDRESS]


def _history(endpoint: WebhookEndpoint, user: User) -> None:
    """Four test events, as the worker would have left them."""
    now = timezone.now()
    # (hours ago, final status, [(status code, error kind, error, snippet), ...])
    stories: list[tuple[float, str, list[tuple[int | None, str, str, str]]]] = [
        (50, DeliveryStatus.DELIVERED, [(200, "", "", '{"received":true}')]),
        (26, DeliveryStatus.DELIVERED, [
            (503, FailureKind.HTTP_STATUS, "", "Service Unavailable"),
            (None, FailureKind.TIMEOUT, "no answer within 5 s", ""),
            (204, "", "", ""),
        ]),
        (30, DeliveryStatus.GIVEN_UP, [
            (301, FailureKind.REDIRECT, "Location: https://new.embassy-ph.example/hooks",
             "Moved Permanently"),
        ] * 10),
        (0.2, DeliveryStatus.FAILED, [
            (500, FailureKind.HTTP_STATUS, "", "Internal Server Error"),
            (500, FailureKind.HTTP_STATUS, "", "Internal Server Error"),
        ]),
    ]
    for hours, status, attempts in stories:
        created = now - dt.timedelta(hours=hours)
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event=WebhookEvent.PING, event_id=f"ping-{uuid.uuid4()}",
            payload={"test": True, "endpoint_id": str(endpoint.pk),
                     "message": "A test event from Tawasul: your receiver is reachable."},
            status=status, attempts=len(attempts), created_by=user,
        )
        moment = created
        for number, (code, kind, error, snippet) in enumerate(attempts, start=1):
            succeeded = not kind
            WebhookAttempt.objects.create(
                delivery=delivery, number=number, started_at=moment, duration_ms=180 + 37 * number,
                status_code=code, succeeded=succeeded, error_kind=kind, error=error,
                response_snippet=snippet,
            )
            moment += dt.timedelta(minutes=2 ** (number - 1))
        last_code, last_kind, last_error, _snippet = attempts[-1]
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            created_at=created, last_status_code=last_code, last_error_kind=last_kind,
            last_error=last_error,
            delivered_at=moment if status == DeliveryStatus.DELIVERED else None,
            next_attempt_at=moment if status == DeliveryStatus.FAILED else None,
        )


def seed_webhooks() -> int:
    """The demo endpoints and their history; returns how many endpoints were new."""
    created = 0
    for org_code, username, url, events, description, active in ENDPOINTS:
        organization = Organization.objects.filter(code=org_code).first()
        user = User.objects.filter(username=username).first()
        if organization is None or user is None:
            continue
        if WebhookEndpoint.objects.filter(organization=organization, url=url).exists():
            continue
        endpoint, _secret = services.endpoint_register(
            actor=user, organization=organization, url=url, events=events,
            description=description, resolver=_demo_resolver,
        )
        created += 1
        if org_code == "embassy-ph" and active:
            _history(endpoint, user)
        if not active:
            services.endpoint_deactivate(actor=user, endpoint=endpoint)
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
                created_at=timezone.now() - dt.timedelta(days=40),
                deactivated_at=timezone.now() - dt.timedelta(days=12),
            )
    return created
