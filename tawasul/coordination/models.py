"""Coordination requests to embassies, and the disclosure log.

A center's case manager asks the embassy of a person's nationality for something only
that embassy can give (a travel document, family tracing, …). Each type of request
discloses a fixed minimum of the person's data (tawasul.coordination.request_types), and
each relies on one basis, checked at the moment of sharing:
- a consent of the person for coordination with that embassy, covering the type's data
  categories (tawasul.people.services.consent_allows), or
- a legal ground (`LegalGround`) approved by the director of the requesting center; until
  the director approves it, nothing leaves the center.

What was sent is kept on the request (`disclosed`: field → value, as the embassy sees it)
and written to the disclosure log (`Disclosure`: field names and categories, never
values), which every producer of disclosures writes through
tawasul.coordination.services.record_disclosure.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tawasul.cases.models import NOTIFICATION_TEXT, NotificationKind
from tawasul.common.models import BaseModel, FileRecord
from tawasul.people.models import ConsentPurpose
from tawasul.referrals.models import Urgency

# --- Legal grounds and the disclosure log -------------------------------------------------


class LegalGroundStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the director's approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class LegalGround(BaseModel):
    """The legal ground a disclosure relies on when the person has not consented (a
    child without a guardian to ask, an order of a court, …): stated by the worker,
    approved (or refused) by the director of their center, and kept as the record of why
    sharing was lawful."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("center"),
    )
    text = models.TextField(_("legal ground"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("stated by"),
    )
    requested_at = models.DateTimeField(_("stated at"))
    status = models.CharField(_("status"), max_length=10, choices=LegalGroundStatus.choices,
                              default=LegalGroundStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)

    class Meta:
        verbose_name = _("legal ground")
        verbose_name_plural = _("legal grounds")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                name="legal_ground_decided_by_someone",
                condition=Q(status="pending")
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="legal_ground_refusal_has_reason",
                condition=~Q(status="refused") | Q(refusal_reason__gt=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.requested_at:%Y-%m-%d})"

    @property
    def is_approved(self) -> bool:
        return self.status == LegalGroundStatus.APPROVED


class Disclosure(BaseModel):
    """One disclosure of a person's data to an organization: what (the names of the
    fields and the data categories, never their values), when, to whom, by whom, under
    which consent or legal ground, and the object it was part of. Added, never edited:
    it is what a data-subject access request is answered from."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="disclosures",
        verbose_name=_("person"),
    )
    recipient = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("recipient"),
    )
    fields = models.JSONField(_("fields disclosed"), default=list)
    categories = models.JSONField(_("categories of data"), default=list)
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    consent = models.ForeignKey(
        "people.Consent", on_delete=models.PROTECT, null=True, blank=True,
        related_name="disclosures", verbose_name=_("consent"),
    )
    legal_ground = models.ForeignKey(
        LegalGround, on_delete=models.PROTECT, null=True, blank=True,
        related_name="disclosures", verbose_name=_("legal ground"),
    )
    disclosed_at = models.DateTimeField(_("disclosed at"))
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("disclosed by"),
    )
    disclosed_by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("disclosed by (organization)"),
    )
    # The object the disclosure was part of (a coordination request, a referral, …).
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64)
    object_reference = models.CharField(_("reference"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-disclosed_at"]
        constraints = [
            models.CheckConstraint(
                name="disclosure_has_one_basis",
                condition=(Q(consent__isnull=False) & Q(legal_ground__isnull=True))
                | (Q(consent__isnull=True) & Q(legal_ground__isnull=False)),
            ),
        ]
        indexes = [
            models.Index(fields=["person", "-disclosed_at"], name="disclosure_person_time"),
            models.Index(fields=["disclosed_by_organization", "-disclosed_at"],
                         name="disclosure_discloser_time"),
        ]

    def __str__(self) -> str:
        return f"{self.object_reference or self.object_type} {self.disclosed_at:%Y-%m-%d}"


# --- Coordination requests ----------------------------------------------------------------


class RequestType(models.TextChoices):
    TRAVEL_DOCUMENT = "travel_document", _("Travel document")
    FAMILY_TRACING = "family_tracing", _("Family tracing")
    RETURN_TRAVEL = "return_travel", _("Return travel")
    INTERPRETER = "interpreter", _("Interpreter")
    LEGAL_ASSISTANCE = "legal_assistance", _("Legal assistance")
    IDENTITY_VERIFICATION = "identity_verification", _("Identity verification")
    FINANCIAL_ASSISTANCE = "financial_assistance", _("Financial assistance")
    OTHER = "other", _("Other")


class RequestStatus(models.TextChoices):
    # A request (طلب) is masculine in Arabic where a referral is feminine: the context
    # keeps the labels apart from the referrals' identical English ones.
    # Before sending: the embassy knows nothing of these two.
    AWAITING_APPROVAL = "awaiting_approval", pgettext_lazy(
        "coordination request status", "Awaiting the director's approval")
    NOT_APPROVED = "not_approved", pgettext_lazy("coordination request status", "Not approved")
    SENT = "sent", pgettext_lazy("coordination request status", "Sent")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("coordination request status", "Acknowledged")
    IN_PROGRESS = "in_progress", pgettext_lazy("coordination request status", "In progress")
    FULFILLED = "fulfilled", pgettext_lazy("coordination request status", "Fulfilled")
    DECLINED = "declined", pgettext_lazy("coordination request status", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("coordination request status", "Withdrawn")


# Sent and waiting for the embassy: due dates, reminders and escalation apply.
AWAITING_EMBASSY: tuple[str, ...] = (
    RequestStatus.SENT, RequestStatus.ACKNOWLEDGED, RequestStatus.IN_PROGRESS,
)
# A person has at most one of these of each type to the same embassy at a time.
OPEN_STATUSES: tuple[str, ...] = (RequestStatus.AWAITING_APPROVAL, *AWAITING_EMBASSY)
# The embassy sees a request from the moment it is sent.
SENT_STATUSES: tuple[str, ...] = (
    *AWAITING_EMBASSY, RequestStatus.FULFILLED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN,
)


class WithdrawalCause(models.TextChoices):
    """Why the foundation withdrew a request. Known to the requesting center only: the
    embassy is told "withdrawn by the foundation", whatever the cause."""

    REQUESTER = "requester", _("Withdrawn by the requesting center")
    NO_CONTACT_FLAG = "no_contact_flag", _("The person was flagged “no contact with home "
                                           "country”")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("The consent it relied on was withdrawn")


class RequestReferenceCounter(models.Model):
    """One row per year, locked while a reference is taken (as for persons and cases)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CoordinationRequest(BaseModel):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    request_type = models.CharField(_("type of request"), max_length=30,
                                    choices=RequestType.choices)
    from_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT,
        related_name="coordination_requests_sent", verbose_name=_("requesting center"),
    )
    to_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT,
        related_name="coordination_requests_received", verbose_name=_("embassy"),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="coordination_requests",
        verbose_name=_("case"),
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="coordination_requests",
        verbose_name=_("person"),
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    message = models.TextField(_("message to the embassy"), blank=True)
    home_town = models.CharField(_("home town or area"), max_length=200, blank=True)
    consent = models.ForeignKey(
        "people.Consent", on_delete=models.PROTECT, null=True, blank=True,
        related_name="coordination_requests", verbose_name=_("consent"),
    )
    legal_ground = models.OneToOneField(
        LegalGround, on_delete=models.PROTECT, null=True, blank=True,
        related_name="coordination_request", verbose_name=_("legal ground"),
    )
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices)
    # What the embassy was sent, field → value, fixed at the moment of sending.
    disclosed = models.JSONField(_("data disclosed"), default=dict, blank=True)
    requested_due_at = models.DateTimeField(_("due date asked for"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    remind_at = models.DateTimeField(_("reminder due"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    started_at = models.DateTimeField(_("work started at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilment_note = models.TextField(_("note on fulfilment"), blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_cause = models.CharField(_("why it was withdrawn"), max_length=20,
                                        choices=WithdrawalCause.choices, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("requested by"),
    )

    class Meta:
        verbose_name = _("coordination request")
        verbose_name_plural = _("coordination requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="coordination_request_has_one_basis",
                condition=(Q(consent__isnull=False) & Q(legal_ground__isnull=True))
                | (Q(consent__isnull=True) & Q(legal_ground__isnull=False)),
            ),
            models.CheckConstraint(
                name="coordination_request_sent_has_dates",
                condition=~Q(status__in=SENT_STATUSES)
                | Q(status="withdrawn", sent_at__isnull=True)
                | (Q(sent_at__isnull=False) & Q(due_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="coordination_request_declined_has_reason",
                condition=~Q(status="declined") | Q(decline_reason__gt=""),
            ),
            models.CheckConstraint(
                name="coordination_request_withdrawn_has_cause",
                condition=~Q(status="withdrawn") | Q(withdrawal_cause__gt=""),
            ),
            models.UniqueConstraint(
                fields=["person", "to_organization", "request_type"],
                condition=Q(status__in=OPEN_STATUSES),
                name="coordination_request_one_open_per_type",
            ),
        ]
        indexes = [
            models.Index(fields=["to_organization", "status", "-sent_at"],
                         name="coordination_embassy_inbox"),
            models.Index(fields=["from_organization", "status", "-created_at"],
                         name="coordination_center_outbox"),
            # The due-date jobs scan requests waiting for the embassy by time.
            models.Index(fields=["due_at"], name="coordination_unescalated_due",
                         condition=Q(status__in=AWAITING_EMBASSY, escalated_at__isnull=True)),
            models.Index(fields=["remind_at"], name="coordination_unreminded",
                         condition=Q(status__in=AWAITING_EMBASSY,
                                     reminder_sent_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def awaits_embassy(self) -> bool:
        return self.status in AWAITING_EMBASSY

    def is_overdue_at(self, when: Any) -> bool:
        return self.awaits_embassy and self.due_at is not None and self.due_at < when

    @property
    def basis(self) -> str:
        return "consent" if self.consent_id else "legal_ground"


class RequestEventKind(models.TextChoices):
    STATUS_CHANGE = "status_change", _("Status change")
    MESSAGE = "message", _("Message")


class RequestEvent(BaseModel):
    """The request's timeline: status changes and the messages between the center and the
    embassy. Added, never edited. Events of the center's own (the approval of a legal
    ground) are not shared with the embassy."""

    request = models.ForeignKey(
        CoordinationRequest, on_delete=models.CASCADE, related_name="events",
        verbose_name=_("request"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RequestEventKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("author"),
    )
    # Which side wrote it: the requesting center or the embassy (None: the system).
    author_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("side"),
    )
    from_status = models.CharField(_("from status"), max_length=20,
                                   choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=RequestStatus.choices,
                                 blank=True)
    text = models.TextField(_("text"), blank=True)
    shared_with_embassy = models.BooleanField(_("shared with the embassy"), default=True)
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "created_at"]
        constraints = [
            models.CheckConstraint(
                name="coordination_status_event_has_status",
                condition=~Q(kind="status_change") | Q(to_status__gt=""),
            ),
            models.CheckConstraint(
                name="coordination_message_has_text",
                condition=~Q(kind="message") | Q(text__gt=""),
            ),
        ]
        indexes = [models.Index(fields=["request", "at"], name="coordination_event_timeline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class RequestAttachment(FileRecord):
    """A file sent with a message. The bytes live under MEDIA_ROOT/coordination, which no
    URL serves, under a random name: only the download view hands them out, after the
    request's access check, and audits every download."""

    event = models.ForeignKey(
        RequestEvent, on_delete=models.PROTECT, related_name="attachments",
        verbose_name=_("message"),
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at"]


class RetractionNotice(BaseModel):
    """The notice sent to a recipient organization of a consent once it is withdrawn:
    one per consent and organization, so that it is sent once."""

    consent = models.ForeignKey(
        "people.Consent", on_delete=models.PROTECT, related_name="retraction_notices",
        verbose_name=_("consent"),
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("organization"),
    )
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("retraction notice")
        verbose_name_plural = _("retraction notices")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["consent", "organization"],
                                    name="retraction_notice_once_per_organization"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.sent_at:%Y-%m-%d}"


# --- Notifications ------------------------------------------------------------------------


class CoordinationNotificationKind:
    """The kinds of tawasul.cases.models.Notification that coordination creates, by their
    short names (the choices themselves are in NotificationKind)."""

    RECEIVED = NotificationKind.COORDINATION_RECEIVED
    APPROVAL_NEEDED = NotificationKind.COORDINATION_APPROVAL_NEEDED
    APPROVED = NotificationKind.COORDINATION_APPROVED
    NOT_APPROVED = NotificationKind.COORDINATION_NOT_APPROVED
    STATUS = NotificationKind.COORDINATION_STATUS
    WITHDRAWN = NotificationKind.COORDINATION_WITHDRAWN
    STOPPED = NotificationKind.COORDINATION_STOPPED
    MESSAGE = NotificationKind.COORDINATION_MESSAGE
    DUE_SOON = NotificationKind.COORDINATION_DUE_SOON
    OVERDUE = NotificationKind.COORDINATION_OVERDUE
    RETRACTION = NotificationKind.CONSENT_RETRACTION


# Texts name the request, its type and the organizations, never the person, a reason or
# a message: a notification list is glanced at over shoulders, and the embassy's are read
# by the embassy. To the embassy the request comes from the foundation, not from a center
# whose name would say why the person is in care.
COORDINATION_NOTIFICATION_TEXT: dict[str, Any] = {
    CoordinationNotificationKind.RECEIVED: _(
        "New request %(request)s from the foundation: %(type)s."
    ),
    CoordinationNotificationKind.APPROVAL_NEEDED: _(
        "The request %(request)s to %(to)s relies on a legal ground that needs your approval."
    ),
    CoordinationNotificationKind.APPROVED: _(
        "The director approved the legal ground; the request %(request)s was sent to %(to)s."
    ),
    CoordinationNotificationKind.NOT_APPROVED: _(
        "The director did not approve the legal ground of the request %(request)s; it was "
        "not sent."
    ),
    CoordinationNotificationKind.STATUS: _("%(to)s updated the request %(request)s: %(status)s."),
    CoordinationNotificationKind.WITHDRAWN: _(
        "The request %(request)s was withdrawn by the foundation."
    ),
    CoordinationNotificationKind.STOPPED: _(
        "The request %(request)s to %(to)s was withdrawn: what it relied on no longer allows "
        "sharing with the embassy."
    ),
    CoordinationNotificationKind.MESSAGE: _("New message on the request %(request)s."),
    CoordinationNotificationKind.DUE_SOON: _("The request %(request)s is due soon."),
    CoordinationNotificationKind.OVERDUE: _(
        "The request %(request)s to %(to)s is overdue."
    ),
    CoordinationNotificationKind.RETRACTION: _(
        "The foundation informs you that a consent under which information was shared with "
        "your organization has been withdrawn: do not use or share that information any "
        "further."
    ),
}
# The notification list reads its texts from this registry (as the referrals' do), so
# these notifications read in the recipient's language like the others.
NOTIFICATION_TEXT.update(COORDINATION_NOTIFICATION_TEXT)
