"""Referrals: one organization asks another to take a person on.

Generic on purpose: `from_organization` and `to_organization` are any organizations and
`kind` says which route a referral takes:
- center → center, from a case of the sending center;
- embassy → foundation: an embassy refers one of its nationals. It carries the person as
  the embassy described them (`SubmittedPerson`), matched against the registry on
  arrival; `person` stays empty until the foundation's intake desk links the referral to
  a registered person (an existing one, or one it registers from what the embassy sent);
- foundation → center: the intake desk assigns an embassy referral (its `parent`) to a
  center, which accepts it (opening its own case) or hands it back. The embassy referral
  follows its assignment's status (tawasul.referrals.embassy_services).

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

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tawasul.common.models import BaseModel, FileRecord
from tawasul.organizations.models import CenterDomain
from tawasul.people.models import Sex


class ReferralKind(models.TextChoices):
    CENTER_TO_CENTER = "center_to_center", _("Center to center")
    EMBASSY_TO_FOUNDATION = "embassy_to_foundation", _("From an embassy")
    FOUNDATION_TO_CENTER = "foundation_to_center", _("From the intake desk")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    # An embassy referral the intake desk has assigned to a center (or had handed back).
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A person has at most one of these to the same organization at a time.
OPEN_STATUSES: tuple[str, ...] = (
    ReferralStatus.SUBMITTED, ReferralStatus.UNDER_REVIEW, ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
)
# An embassy referral waits for the intake desk in these statuses while no center holds it.
TRIAGE_STATUSES: tuple[str, ...] = (ReferralStatus.SUBMITTED, ReferralStatus.UNDER_REVIEW)


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
    # Empty only for an embassy referral that the intake desk has not linked yet.
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True,
        related_name="referrals", verbose_name=_("person"),
    )
    # A foundation → center referral: the embassy referral it assigns.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="assignments",
        verbose_name=_("embassy referral"),
    )
    # An embassy referral: the center that holds its open assignment, if any.
    assigned_center = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("assigned to"),
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
            models.CheckConstraint(
                name="referral_person_unless_from_embassy",
                condition=Q(person__isnull=False) | Q(kind="embassy_to_foundation"),
            ),
            models.CheckConstraint(
                name="referral_assignment_has_parent",
                condition=Q(parent__isnull=False) | ~Q(kind="foundation_to_center"),
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
            # The referrals a case received (selectors.referrals_of_case). Most referrals
            # have none: without the NULLs, the planner sees how few rows a case has.
            models.Index(fields=["received_case"], name="referral_received_case",
                         condition=Q(received_case__isnull=False)),
            # The two lists of embassy referrals that run to thousands. Each is read from
            # its index alone: the count, and a page's ids in the list's order
            # (DeferredJoinPaginator). Not partial indexes: SQLite uses a partial index only
            # for a query that spells out its condition in literals, and the ORM binds
            # parameters.
            # The embassy's own referrals, newest first (selectors.embassy_inbox).
            models.Index(fields=["kind", "from_organization", "-sent_at", "-id"],
                         name="referral_embassy_list"),
            # The intake desk's queue: the undecided embassy referrals no center holds, by
            # urgency then age (selectors.intake_queue).
            models.Index(fields=["kind", "assigned_center", "status", "urgency", "sent_at", "id"],
                         name="referral_intake_list"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReferralEventKind(models.TextChoices):
    STATUS_CHANGE = "status_change", _("Status change")
    MESSAGE = "message", _("Message")
    # The intake desk's routing of an embassy referral (linked, assigned, handed back):
    # the foundation's own record, never shown to the embassy.
    TRIAGE = "triage", _("Triage")


class TriageAction(models.TextChoices):
    """What a triage event of an embassy referral records."""

    LINKED = "linked", _("Linked to a registered person")
    REGISTERED = "registered", _("Registered as a new person")
    MATCHED_AGAIN = "matched_again", _("Matched against the registry again")
    ASSIGNED = "assigned", _("Assigned to a center")
    HANDED_BACK = "handed_back", _("Handed back by the center")
    TAKEN_BACK = "taken_back", _("Taken back from the center")


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
    # Triage events: what was done, and the reference it concerns (the person's, the
    # assignment's).
    action = models.CharField(_("action"), max_length=20, choices=TriageAction.choices,
                              blank=True)
    target = models.CharField(_("concerns"), max_length=30, blank=True)
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
            models.CheckConstraint(
                name="referral_triage_event_has_action",
                condition=~Q(kind="triage") | Q(action__gt=""),
            ),
        ]
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_timeline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class SubmittedPerson(BaseModel):
    """The person as the referring embassy described them, kept as it was sent: it is
    the embassy's own statement, shown back to it, never written into the registry by
    itself. The intake desk links the referral to a registered person, or registers one
    from it (tawasul.referrals.embassy_services).

    `matches` are the registry's candidates found on arrival by the matching engine
    (tawasul.referrals.matching): [{"person": id, "score": 0..1, "reasons": [{"code",
    "params"}]}], best first. Ids, not foreign keys: a merge of persons does not move
    them, and they are read through the registry's own selector when shown (to the
    foundation's intake desk only; never to the embassy)."""

    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, related_name="submitted_person",
        verbose_name=_("referral"),
    )
    name_ar = models.CharField(_("name (Arabic)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    nationality = CountryField(_("nationality"))
    passport_number = models.CharField(_("passport number"), max_length=30, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    matches = models.JSONField(_("registry matches"), default=list, blank=True)
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("person as submitted")
        verbose_name_plural = _("persons as submitted")
        constraints = [
            models.CheckConstraint(name="submitted_person_has_a_name",
                                   condition=Q(name_ar__gt="") | Q(name_en__gt="")),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if (get_language() or "ar").startswith("ar"):
            return self.name_ar or self.name_en
        return self.name_en or self.name_ar


class ReferralAttachment(FileRecord):
    """A file sent with a message on an embassy referral. The bytes live under
    MEDIA_ROOT/referrals, which no URL serves, under a random name: only the download
    view hands them out, after the referral's access check, and audits every download."""

    event = models.ForeignKey(
        ReferralEvent, on_delete=models.PROTECT, related_name="attachments",
        verbose_name=_("message"),
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at"]
