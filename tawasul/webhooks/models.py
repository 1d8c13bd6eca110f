"""Webhooks: an embassy or partner organization registers an HTTPS endpoint, and Tawasul
POSTs it signed events (tawasul.webhooks.signing) from background tasks, with retries.

- `WebhookEndpoint`: where to send, which events, and the signing secret. The secret is
  needed in clear to sign each delivery, so it cannot be stored as a one-way digest the
  way API tokens are: it is stored encrypted with a key derived from SECRET_KEY
  (`signing.encrypt_secret`), shown once when created or rotated, and never again.
- `WebhookDelivery`: one event for one endpoint, with its payload and where it stands
  (pending → delivered, or failed and retried → given up).
- `WebhookAttempt`: each POST of a delivery, with the answer's status code and at most a
  short snippet of its body.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tawasul.common.models import BaseModel


class WebhookEvent(models.TextChoices):
    """What an endpoint may subscribe to. Add an event here (and its producer calls
    tawasul.webhooks.services.emit); the value is the `X-Tawasul-Event` header."""

    REFERRAL_STATUS_CHANGED = "referral.status_changed", _("Referral status changed")
    COORDINATION_REQUEST_STATUS_CHANGED = (
        "coordination_request.status_changed", _("Coordination request status changed")
    )
    REQUEST_MESSAGE = "coordination_request.message", _("New message on a request")
    # Sent on demand to one endpoint to test the receiver; not subscribed to.
    PING = "ping", _("Test event (ping)")


SUBSCRIBABLE_EVENTS: tuple[str, ...] = tuple(
    e for e in WebhookEvent.values if e != WebhookEvent.PING
)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed, will retry")
    GIVEN_UP = "given_up", _("Given up")


FINAL_STATUSES: tuple[str, ...] = (DeliveryStatus.DELIVERED, DeliveryStatus.GIVEN_UP)


class FailureKind(models.TextChoices):
    """Why an attempt failed, in words the delivery log translates."""

    HTTP_STATUS = "http_status", _("The receiver answered with an error status")
    REDIRECT = "redirect", _("The receiver answered with a redirect, which is not followed")
    TIMEOUT = "timeout", _("The receiver did not answer in time")
    CONNECTION = "connection", _("Could not connect to the receiver")
    TLS = "tls", _("The receiver's TLS certificate was not accepted")
    UNRESOLVABLE = "unresolvable", _("The host name did not resolve")
    UNSAFE_ADDRESS = "unsafe_address", _("The address now points to a private or reserved network")
    ENDPOINT_INACTIVE = "endpoint_inactive", _("The endpoint was deactivated")
    SECRET_UNAVAILABLE = "secret_unavailable", _("The signing secret could not be read; rotate it")


class WebhookEndpoint(BaseModel):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT,
        related_name="webhook_endpoints", verbose_name=_("organization"),
    )
    url = models.CharField(_("URL"), max_length=1000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    # Fernet token of the secret (tawasul.webhooks.signing); never shown after creation.
    secret_encrypted = models.TextField(editable=False)
    # The secret's first characters, so that people can tell which one a receiver holds.
    secret_prefix = models.CharField(_("secret starts with"), max_length=12, editable=False)
    secret_rotated_at = models.DateTimeField(_("secret set"), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("registered by"),
    )
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("deactivated by"),
    )

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-is_active", "-created_at"]
        indexes = [
            models.Index(fields=["organization", "is_active"], name="webhook_endpoint_org"),
        ]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        labels = dict(WebhookEvent.choices)
        return [str(labels.get(event, event)) for event in self.events]


class WebhookDelivery(BaseModel):
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event = models.CharField(_("event"), max_length=60, choices=WebhookEvent.choices)
    # The producer's id of what happened: the same for every endpoint and every retry,
    # so that a receiver can recognise an event it has already handled.
    event_id = models.CharField(_("event id"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict)
    # The persons the payload concerns, checked again against the no-contact flag before
    # each attempt (tawasul.webhooks.disclosure). Never shown or sent.
    subject_person_ids = models.JSONField(default=list, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    last_error_kind = models.CharField(
        _("last error"), max_length=20, choices=FailureKind.choices, blank=True
    )
    last_error = models.CharField(_("last error detail"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        constraints = [
            # An event reaches an endpoint once, however often its producer emits it.
            models.UniqueConstraint(
                fields=["endpoint", "event", "event_id"], name="one_delivery_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
            models.Index(fields=["endpoint", "status", "-created_at"],
                         name="webhook_delivery_status"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class WebhookAttempt(models.Model):
    """One POST of a delivery. Internal id: attempts are shown only inside their delivery."""

    id = models.BigAutoField(primary_key=True)
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    error_kind = models.CharField(
        _("error"), max_length=20, choices=FailureKind.choices, blank=True
    )
    error = models.CharField(_("error detail"), max_length=300, blank=True)
    # The start of the receiver's answer, for debugging; never more.
    response_snippet = models.CharField(_("response (start)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="one_row_per_attempt"),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
