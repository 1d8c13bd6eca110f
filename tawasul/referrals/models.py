"""Referrals: one organization asks another to take a person on.

Generic on purpose: `from_organization` and `to_organization` are any organizations and
`kind` says which route a referral takes. Today only center → center exists; the
embassy → foundation route adds a kind (and has no source case).

What a center-to-center referral carries (DESIGN, consent model):
- always: the person (identity, which the registry shares among centers anyway), the
  receiving domain, urgency and the sender's reason for referring;
- the summary (the part of the case the sender chooses to pass on) only under a consent
  of the person for the purpose "referral", naming the receiving center, that covers
  the categories identity and case summary at the moment of sending
  (tawasul.people.services.consent_allows). That consent is recorded on the referral;
  without one the summary is empty (enforced by a constraint as well as the service).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tawasul.cases.models import NOTIFICATION_TEXT
from tawasul.common.models import BaseModel
from tawasul.organizations.models import CenterDomain


class ReferralKind(models.TextChoices):
    CENTER_TO_CENTER = "center_to_center", _("Center to center")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A person has at most one of these to the same organization at a time.
OPEN_STATUSES: tuple[str, ...] = (
    ReferralStatus.SUBMITTED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS,
)


class ReferralReferenceCounter(models.Model):
    """One row per year, locked while a reference is taken (as for persons and cases)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Referral(BaseModel):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    kind = models.CharField(
        _("kind"), max_length=30, choices=ReferralKind.choices,
        default=ReferralKind.CENTER_TO_CENTER,
    )
    from_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT,
        related_name="referrals_sent", verbose_name=_("from"),
    )
    to_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT,
        related_name="referrals_received", verbose_name=_("to"),
    )
    source_case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True,
        related_name="referrals_sent", verbose_name=_("referring case"),
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="referrals",
        verbose_name=_("person"),
    )
    domain = models.CharField(_("domain"), max_length=20, choices=CenterDomain.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    reason = models.TextField(_("reason for referral"))
    summary = models.TextField(
        _("summary"), blank=True,
        help_text=_("Only what the person's consent allows to share with the recipient."),
    )
    consent = models.ForeignKey(
        "people.Consent", on_delete=models.PROTECT, null=True, blank=True,
        related_name="referrals", verbose_name=_("consent"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices,
        default=ReferralStatus.SUBMITTED,
    )
    sent_at = models.DateTimeField(_("sent at"))
    due_at = models.DateTimeField(_("due"))
    remind_at = models.DateTimeField(_("reminder due"))
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("decided by"),
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    received_case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True,
        related_name="referrals_received", verbose_name=_("case at the receiver"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(
                name="referral_summary_needs_consent",
                condition=Q(consent__isnull=False) | Q(summary=""),
            ),
            models.CheckConstraint(
                name="referral_declined_has_reason",
                condition=~Q(status="declined") | Q(decline_reason__gt=""),
            ),
            models.CheckConstraint(
                name="referral_withdrawn_has_reason",
                condition=~Q(status="withdrawn") | Q(withdrawn_reason__gt=""),
            ),
            models.CheckConstraint(
                name="referral_not_to_sender",
                condition=~Q(from_organization=models.F("to_organization")),
            ),
            models.UniqueConstraint(
                fields=["person", "to_organization"],
                condition=Q(status__in=OPEN_STATUSES),
                name="referral_one_open_per_person_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["to_organization", "status", "-sent_at"],
                         name="referral_inbox"),
            models.Index(fields=["from_organization", "status", "-sent_at"],
                         name="referral_outbox"),
            # The due-date jobs scan undecided referrals by time.
            models.Index(fields=["due_at"], name="referral_undecided_due",
                         condition=Q(status="submitted", overdue_flagged_at__isnull=True)),
            models.Index(fields=["remind_at"], name="referral_undecided_remind",
                         condition=Q(status="submitted", reminder_sent_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReferralEventKind(models.TextChoices):
    STATUS_CHANGE = "status_change", _("Status change")
    MESSAGE = "message", _("Message")


class ReferralEvent(BaseModel):
    """The referral's timeline: status changes and the messages between both sides.
    Added, never edited."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="events", verbose_name=_("referral")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReferralEventKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("author"),
    )
    from_status = models.CharField(
        _("from status"), max_length=12, choices=ReferralStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=12, choices=ReferralStatus.choices, blank=True
    )
    text = models.TextField(_("text"), blank=True)
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["at", "created_at"]
        constraints = [
            models.CheckConstraint(
                name="referral_status_event_has_status",
                condition=~Q(kind="status_change") | Q(to_status__gt=""),
            ),
            models.CheckConstraint(
                name="referral_message_has_text",
                condition=~Q(kind="message") | Q(text__gt=""),
            ),
        ]
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_timeline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class ReferralNotificationKind(models.TextChoices):
    """Kinds of tawasul.cases.models.Notification that referrals create."""

    RECEIVED = "referral_received", _("Referral received")
    ACCEPTED = "referral_accepted", _("Referral accepted")
    DECLINED = "referral_declined", _("Referral declined")
    STARTED = "referral_started", _("Referral in progress")
    COMPLETED = "referral_completed", _("Referral completed")
    WITHDRAWN = "referral_withdrawn", _("Referral withdrawn")
    MESSAGE = "referral_message", _("Message on a referral")
    DUE_SOON = "referral_due_soon", _("Referral due soon")
    OVERDUE = "referral_overdue", _("Referral overdue")


# Notification texts name the referral and the organizations, never the reason, summary
# or messages: a notification list is glanced at over shoulders.
REFERRAL_NOTIFICATION_TEXT: dict[str, Any] = {
    ReferralNotificationKind.RECEIVED: _(
        "%(from)s referred a person to your center (%(referral)s, %(urgency)s)."
    ),
    ReferralNotificationKind.ACCEPTED: _("%(to)s accepted the referral %(referral)s."),
    ReferralNotificationKind.DECLINED: _("%(to)s declined the referral %(referral)s."),
    ReferralNotificationKind.STARTED: _("%(to)s started work on the referral %(referral)s."),
    ReferralNotificationKind.COMPLETED: _("%(to)s completed the referral %(referral)s."),
    ReferralNotificationKind.WITHDRAWN: _("%(from)s withdrew the referral %(referral)s."),
    ReferralNotificationKind.MESSAGE: _("New message on the referral %(referral)s."),
    ReferralNotificationKind.DUE_SOON: _(
        "The referral %(referral)s is due soon and has not been decided."
    ),
    ReferralNotificationKind.OVERDUE: _(
        "The referral %(referral)s is overdue: it has not been accepted or declined."
    ),
}
# The notification list lives in the cases app for now; it reads its texts from this
# registry, so referral notifications read in the recipient's language like the others.
NOTIFICATION_TEXT.update(REFERRAL_NOTIFICATION_TEXT)
