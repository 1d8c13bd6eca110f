"""One attempt at a delivery, as the task tawasul.webhooks.tasks.deliver_webhook runs it.

Retries are the task queue's (tawasul.jobs.retry): an attempt that fails raises
DeliveryFailed and the worker puts the task back with the policy's growing delay; the
attempt that the policy allows last gives the delivery up instead of raising. Each
attempt is written as a WebhookAttempt and logged (delivery and endpoint ids, status
code or kind of error; never the secret, the headers or the body).

Before each attempt:
- the delivery is claimed by a conditional update of its attempt counter, so the same
  delivery is never POSTed twice at once, and one already delivered or given up is left
  alone (the task is safe to run twice);
- a deactivated endpoint gives the delivery up;
- the persons the payload concerns are checked again against the no-contact flag
  (tawasul.webhooks.disclosure): a delivery that may no longer be disclosed is deleted
  unsent, with an audit entry, and the organization never sees it;
- the URL is checked again and its host resolved again (DNS rebinding), and the
  transport connects to exactly the addresses checked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tawasul.jobs.auditing import audit_task
from tawasul.jobs.retry import RetryPolicy
from tawasul.webhooks import disclosure, signing
from tawasul.webhooks.destinations import Destination, UnsafeDestination, check_url
from tawasul.webhooks.models import (
    DeliveryStatus,
    FailureKind,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from tawasul.webhooks.transport import (
    OutgoingRequest,
    Transport,
    TransportError,
    https_post,
)

logger = logging.getLogger("tawasul.webhooks")

# Replaced in tests by a fake one (as is destinations.RESOLVER): no test needs the network.
TRANSPORT: Transport = https_post

ERROR_MAX_LENGTH = 300
_WAITING = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class DeliveryFailed(Exception):
    """The attempt failed and another is allowed: the task queue retries it."""


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    status_code: int | None = None
    error_kind: str = ""
    error: str = ""
    snippet: str = ""
    duration_ms: int = 0
    # No retry can help (the secret cannot be read): give up at once.
    permanent: bool = False


def request_for(delivery: WebhookDelivery, secret: str, *, destination: Destination,
                now: float | None = None) -> OutgoingRequest:
    """The signed request of one attempt (the body is the same on every attempt)."""
    endpoint = delivery.endpoint
    body = signing.canonical_json(signing.envelope(
        delivery_id=str(delivery.pk), event=delivery.event, event_id=delivery.event_id,
        organization_code=endpoint.organization.code, created_at=delivery.created_at,
        data=delivery.payload,
    ))
    headers = signing.signed_headers(secret=secret, event=delivery.event,
                                     delivery_id=str(delivery.pk), body=body, now=now)
    return OutgoingRequest(destination=destination, headers=headers, body=body)


def _post(delivery: WebhookDelivery) -> Outcome:
    endpoint = delivery.endpoint
    try:
        destination = check_url(endpoint.url)
    except UnsafeDestination as exc:
        kind = (FailureKind.UNRESOLVABLE if exc.code == "url_unresolvable"
                else FailureKind.UNSAFE_ADDRESS)
        return Outcome(False, error_kind=kind, error=exc.code)
    try:
        secret = signing.decrypt_secret(endpoint.secret_encrypted)
    except signing.SecretUnavailable:
        return Outcome(False, error_kind=FailureKind.SECRET_UNAVAILABLE, permanent=True)
    request = request_for(delivery, secret, destination=destination)
    try:
        response = TRANSPORT(request)
    except TransportError as exc:
        return Outcome(False, error_kind=exc.kind, error=exc.detail[:ERROR_MAX_LENGTH],
                       duration_ms=exc.duration_ms)
    except Exception as exc:  # a transport's own bug must not leave the delivery stuck
        logger.exception("Webhook transport failed for delivery %s", delivery.pk)
        return Outcome(False, error_kind=FailureKind.CONNECTION, error=type(exc).__name__)
    code = response.status
    if 200 <= code < 300:
        return Outcome(True, status_code=code, snippet=response.snippet,
                       duration_ms=response.duration_ms)
    if 300 <= code < 400:
        # Not followed: where it points is told, so that the URL can be corrected.
        where = f"Location: {response.location}" if response.location else ""
        return Outcome(False, status_code=code, error_kind=FailureKind.REDIRECT,
                       error=where[:ERROR_MAX_LENGTH], snippet=response.snippet,
                       duration_ms=response.duration_ms)
    return Outcome(False, status_code=code, error_kind=FailureKind.HTTP_STATUS,
                   snippet=response.snippet, duration_ms=response.duration_ms)


def _give_up_inactive(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk, status__in=_WAITING).update(
        status=DeliveryStatus.GIVEN_UP, next_attempt_at=None,
        last_error_kind=FailureKind.ENDPOINT_INACTIVE, last_error="", updated_at=timezone.now(),
    )


def _withhold(delivery: WebhookDelivery) -> None:
    with transaction.atomic():
        deleted, _ = WebhookDelivery.objects.filter(pk=delivery.pk, status__in=_WAITING).delete()
        if deleted:
            audit_task(
                "deliver_webhook", object_type=WebhookDelivery._meta.label_lower,
                object_id=str(delivery.pk),
                reason=f"withheld and deleted unsent: a person it concerns may not be "
                       f"disclosed to organization {delivery.endpoint.organization.code}",
            )
    logger.warning("Webhook delivery %s withheld: no longer disclosable", delivery.pk)


def _may_still_disclose(delivery: WebhookDelivery) -> bool:
    organization = delivery.endpoint.organization
    persons = [*disclosure.persons_by_id(delivery.subject_person_ids),
               *disclosure.persons_named_in(delivery.payload)]
    return not disclosure.unsafe_persons(organization, persons)


def attempt_delivery(delivery_id: str, *, attempt: int, policy: RetryPolicy) -> str:
    """Run one attempt; returns the delivery's status afterwards ('skipped' if there was
    nothing to do, 'withheld' if it was stopped). Raises DeliveryFailed to be retried.

    `attempt` is the task's own attempt number (TaskContext.attempt): the worker retries
    no more than `policy` allows, so the attempt it allows last gives up."""
    delivery = (WebhookDelivery.objects.select_related("endpoint__organization")
                .filter(pk=delivery_id).first())
    if delivery is None or delivery.is_final:
        return "skipped"
    endpoint: WebhookEndpoint = delivery.endpoint
    if not endpoint.is_active:
        _give_up_inactive(delivery)
        return DeliveryStatus.GIVEN_UP
    if not _may_still_disclose(delivery):
        _withhold(delivery)
        return "withheld"
    number = delivery.attempts + 1
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, attempts=delivery.attempts, status__in=_WAITING
    ).update(attempts=number, updated_at=timezone.now())
    if not claimed:
        return "skipped"
    started_at = timezone.now()
    outcome = _post(delivery)
    finished_at = timezone.now()
    last_allowed = (outcome.permanent or number >= policy.attempts_allowed
                    or attempt >= policy.attempts_allowed)
    if outcome.succeeded:
        status = DeliveryStatus.DELIVERED
    elif last_allowed:
        status = DeliveryStatus.GIVEN_UP
    else:
        status = DeliveryStatus.FAILED
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery, number=number, started_at=started_at,
            duration_ms=outcome.duration_ms, status_code=outcome.status_code,
            succeeded=outcome.succeeded, error_kind=outcome.error_kind, error=outcome.error,
            response_snippet=outcome.snippet,
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=status, last_status_code=outcome.status_code,
            last_error_kind=outcome.error_kind, last_error=outcome.error,
            delivered_at=finished_at if outcome.succeeded else None,
            next_attempt_at=(finished_at + policy.delay(attempt)
                             if status == DeliveryStatus.FAILED else None),
            updated_at=finished_at,
        )
        if status != DeliveryStatus.FAILED:
            audit_task(
                "deliver_webhook", object_type=WebhookDelivery._meta.label_lower,
                object_id=str(delivery.pk), fields=["payload"],
                reason=f"{delivery.event} {status} to organization "
                       f"{endpoint.organization.code} after {number} attempt(s)",
            )
    log = logger.info if outcome.succeeded else logger.warning
    log("Webhook delivery %s (%s) to endpoint %s attempt %d: %s", delivery.pk, delivery.event,
        endpoint.pk, number,
        f"HTTP {outcome.status_code}" if outcome.succeeded
        else f"{outcome.error_kind} {outcome.error}".strip() + f"; now {status}")
    if status == DeliveryStatus.FAILED:
        raise DeliveryFailed(f"delivery {delivery.pk} attempt {number}: {outcome.error_kind}")
    return status
