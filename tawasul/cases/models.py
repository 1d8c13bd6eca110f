"""Cases: a center's work with a registered person, its timeline and tasks.

A case belongs to one center (DESIGN, access rule 1). Its details (summary, timeline,
tasks) are never shown outside that center; within it, a restricted case is shown only
to its assigned manager, its team and the director, and to anyone else only for one
request at a time by breaking the glass (tawasul.cases.access).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tawasul.common.models import BaseModel, FileRecord
from tawasul.organizations.models import BilingualNameMixin, CenterDomain


class Sensitivity(models.TextChoices):
    STANDARD = "standard", _("Standard")
    RESTRICTED = "restricted", _("Restricted")


class CaseType(BilingualNameMixin, BaseModel):
    """An entry of the case-type catalog, by domain; configured by the foundation's
    administrators (the default catalog is in tawasul/cases/case_types.py)."""

    domain = models.CharField(_("domain"), max_length=20, choices=CenterDomain.choices)
    code = models.SlugField(_("code"), max_length=60)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    default_sensitivity = models.CharField(
        _("default sensitivity"), max_length=10, choices=Sensitivity.choices,
        default=Sensitivity.STANDARD,
        help_text=_("Cases of this type are restricted unless this says standard."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("case type")
        verbose_name_plural = _("case types")
        ordering = ["domain", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "code"], name="case_type_code_per_domain")
        ]

    def __str__(self) -> str:
        return self.name


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ASSESSMENT = "assessment", _("Assessment")
    PLAN = "plan", _("Plan")
    SERVICES = "services", _("Services")
    REVIEW = "review", _("Review")
    CLOSED = "closed", _("Closed")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class ClosureReason(models.TextChoices):
    """Coded, so that the observatory can count why cases close."""

    GOALS_MET = "goals_met", _("Goals of the plan met")
    REFERRED = "referred", _("Referred to another organization")
    DECLINED = "declined", _("The person declined further services")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    LEFT_COUNTRY = "left_country", _("Left the country")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")


class CaseReferenceCounter(models.Model):
    """One row per year, locked while a reference is taken (as for persons), so that
    references are sequential per year without gaps from races."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(BaseModel):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    center = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="cases",
        limit_choices_to={"kind": "center"}, verbose_name=_("center"),
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="cases",
        verbose_name=_("person"),
    )
    case_type = models.ForeignKey(
        CaseType, on_delete=models.PROTECT, related_name="cases", verbose_name=_("case type")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.INTAKE
    )
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    is_restricted = models.BooleanField(
        _("restricted"), default=False,
        help_text=_("Seen only by the assigned manager, the team and the director."),
    )
    assigned_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="managed_cases", verbose_name=_("case manager"),
    )
    team = models.ManyToManyField(  # type: ignore[var-annotated]
        settings.AUTH_USER_MODEL, through="CaseTeamMember", through_fields=("case", "user"),
        related_name="case_teams", verbose_name=_("team"),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closure_reason = models.CharField(
        _("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                name="closed_case_has_reason",
                condition=~Q(status="closed") | (Q(closed_at__isnull=False)
                                                 & Q(closure_reason__gt="")),
            ),
            models.CheckConstraint(
                name="open_case_not_closed",
                condition=Q(status="closed") | Q(closed_at__isnull=True),
            ),
        ]
        indexes = [
            # A center's cases newest first, with what decides who in the center sees each
            # (selectors.cases_visible_to): the case list counts the visible ones on every
            # page view from this index alone, without reading each case's row.
            models.Index(fields=["center", "-opened_at", "is_restricted", "assigned_manager",
                                 "id"], name="case_center_time_access"),
            # The same columns led by the case's id: a name search checks each case its
            # keys find (CaseNameKey) for the center, who sees it and its opening date, in
            # this index alone. Through the primary key it read each case's row: at a
            # million cases, one page of the table per case found, for a common name
            # hundreds.
            models.Index(fields=["id", "center", "opened_at", "is_restricted",
                                 "assigned_manager"], name="case_id_access"),
            models.Index(fields=["center", "status"], name="case_center_status"),
            models.Index(fields=["assigned_manager", "status"], name="case_manager_status"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED


class CaseNameKey(models.Model):
    """The name keys of a case's person (PersonMatchKey rows of the kinds a name search
    looks up), with the case's center: the case list's search by name reads one range of
    (center, key) for the cases of that name in the center, instead of the persons of
    that name in the whole registry and then each one's cases. Derived data, rewritten
    with the person's keys and when a case is opened (tawasul.cases.name_keys)."""

    id = models.BigAutoField(primary_key=True)
    # No index of their own: (case, key) and (center, key, case) begin with them.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+",
                             db_index=False)
    center = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                               related_name="+", db_index=False)
    key = models.CharField(max_length=120)

    class Meta:
        indexes = [models.Index(fields=["center", "key", "case"], name="case_name_key")]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="case_name_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class CaseTeamMember(BaseModel):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="team_members", verbose_name=_("case")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_memberships",
        verbose_name=_("user"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_team_member_unique")
        ]
        # The restricted-case filter looks memberships up by user.
        indexes = [models.Index(fields=["user", "case"], name="case_team_by_user")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.user_id}"


class CaseEventKind(models.TextChoices):
    NOTE = "note", _("Note")
    ASSESSMENT = "assessment", _("Assessment")
    SERVICE_DELIVERED = "service_delivered", _("Service delivered")
    STATUS_CHANGE = "status_change", _("Status change")
    DOCUMENT = "document", _("Document")
    BREAK_GLASS = "break_glass", _("Emergency access")


class CaseEvent(BaseModel):
    """One entry of a case's timeline. Entries are records: added, never edited."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CaseEventKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("author"),
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    text = models.TextField(_("text"), blank=True)
    service = models.ForeignKey(
        "organizations.Service", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("service"),
    )
    from_status = models.CharField(
        _("from status"), max_length=12, choices=CaseStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=12, choices=CaseStatus.choices, blank=True
    )

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["-occurred_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                name="service_event_has_service",
                condition=~Q(kind="service_delivered") | Q(service__isnull=False),
            ),
            models.CheckConstraint(
                name="status_event_has_statuses",
                condition=~Q(kind="status_change") | (Q(from_status__gt="")
                                                      & Q(to_status__gt="")),
            ),
        ]
        indexes = [models.Index(fields=["case", "-occurred_at"], name="case_event_timeline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class Task(BaseModel):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("case")
    )
    title = models.CharField(_("title"), max_length=200)
    due_at = models.DateTimeField(_("due"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="case_tasks", verbose_name=_("assigned to"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("done by"),
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at"]
        indexes = [
            # The reminder job's scan: open tasks not yet reminded, by due date.
            models.Index(fields=["due_at"], name="task_open_unreminded",
                         condition=Q(done_at__isnull=True, reminder_sent_at__isnull=True)),
            models.Index(fields=["assigned_to", "due_at"], name="task_assignee_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()


class NotificationKind(models.TextChoices):
    BREAK_GLASS = "break_glass", _("Emergency access to a restricted case")
    CASE_ASSIGNED = "case_assigned", _("Case assigned to you")
    # Referrals between centers (tawasul.referrals.services and tawasul.referrals.tasks).
    REFERRAL_RECEIVED = "referral_received", _("Referral received")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
    REFERRAL_DECLINED = "referral_declined", _("Referral declined")
    REFERRAL_STARTED = "referral_started", _("Referral in progress")
    REFERRAL_COMPLETED = "referral_completed", _("Referral completed")
    REFERRAL_WITHDRAWN = "referral_withdrawn", _("Referral withdrawn")
    REFERRAL_MESSAGE = "referral_message", _("Message on a referral")
    REFERRAL_DUE_SOON = "referral_due_soon", _("Referral due soon")
    REFERRAL_OVERDUE = "referral_overdue", _("Referral overdue")
    # Referrals from embassies (tawasul.referrals.embassy_services).
    EMBASSY_REFERRAL_RECEIVED = "embassy_referral_received", _("Referral from an embassy")
    EMBASSY_REFERRAL_STATUS = "embassy_referral_status", _("Your referral was updated")
    REFERRAL_HANDED_BACK = "referral_handed_back", _("Referral handed back to the intake desk")
    # Requests to embassies (tawasul.coordination).
    COORDINATION_RECEIVED = "coordination_received", _("Request from the foundation")
    COORDINATION_APPROVAL_NEEDED = "coordination_approval_needed", _("Legal ground to approve")
    COORDINATION_APPROVED = "coordination_approved", _("Legal ground approved")
    COORDINATION_NOT_APPROVED = "coordination_not_approved", _("Legal ground refused")
    COORDINATION_STATUS = "coordination_status", _("Request to an embassy updated")
    COORDINATION_WITHDRAWN = "coordination_withdrawn", _("Request withdrawn by the foundation")
    COORDINATION_STOPPED = "coordination_stopped", _("Request to an embassy stopped")
    COORDINATION_MESSAGE = "coordination_message", _("Message on a request")
    COORDINATION_DUE_SOON = "coordination_due_soon", _("Request due soon")
    COORDINATION_OVERDUE = "coordination_overdue", _("Request overdue")
    CONSENT_RETRACTION = "consent_retraction", _("Consent withdrawn")


# The text of each kind, filled from `params` in the reader's language when shown, so a
# notification reads in whatever language its recipient uses that day. Referral texts
# name the referral and the organizations, never the reason, summary or messages: a
# notification list is glanced at over shoulders.
NOTIFICATION_TEXT: dict[str, Any] = {
    NotificationKind.BREAK_GLASS: _(
        "%(actor)s opened the restricted case %(case)s, which they are not assigned to. "
        "Reason given: %(reason)s"
    ),
    NotificationKind.CASE_ASSIGNED: _("The case %(case)s was assigned to you."),
    NotificationKind.REFERRAL_RECEIVED: _(
        "%(from)s referred a person to your center (%(referral)s, %(urgency)s)."
    ),
    NotificationKind.REFERRAL_ACCEPTED: _("%(to)s accepted the referral %(referral)s."),
    NotificationKind.REFERRAL_DECLINED: _("%(to)s declined the referral %(referral)s."),
    NotificationKind.REFERRAL_STARTED: _("%(to)s started work on the referral %(referral)s."),
    NotificationKind.REFERRAL_COMPLETED: _("%(to)s completed the referral %(referral)s."),
    NotificationKind.REFERRAL_WITHDRAWN: _("%(from)s withdrew the referral %(referral)s."),
    NotificationKind.REFERRAL_MESSAGE: _("New message on the referral %(referral)s."),
    NotificationKind.REFERRAL_DUE_SOON: _(
        "The referral %(referral)s is due soon and has not been decided."
    ),
    NotificationKind.REFERRAL_OVERDUE: _(
        "The referral %(referral)s is overdue: it has not been accepted or declined."
    ),
    NotificationKind.EMBASSY_REFERRAL_RECEIVED: _(
        "%(from)s referred a person to the foundation (%(referral)s, %(urgency)s)."
    ),
    NotificationKind.EMBASSY_REFERRAL_STATUS: _("Your referral %(referral)s: %(status)s."),
    NotificationKind.REFERRAL_HANDED_BACK: _(
        "%(to)s handed the referral %(referral)s back to the intake desk."
    ),
}


def in_each_language(text_of: Callable[[], object]) -> dict[str, str]:
    """A notification parameter whose wording depends on the language (an organization's
    name, a choice's label), taken in every language of the site: the notification is
    written in the actor's language but read in the recipient's."""
    values: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            values[code] = str(text_of())
    return values


def _in_reader_language(value: Any) -> Any:
    """A parameter as in_each_language stored it, in the active language (falling back to
    the site's default, then to any); other parameters as they are."""
    if not isinstance(value, dict):
        return value
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for code in (language, settings.LANGUAGE_CODE):
        if value.get(code):
            return value[code]
    return next((text for text in value.values() if text), "")


class Notification(BaseModel):
    """An in-app notification. Minimal on purpose: it lives here while cases are its only
    source; a later issue (referrals) may move it to a common app, keeping the fields."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"],
                         name="notification_inbox")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        template = NOTIFICATION_TEXT.get(self.kind)
        if template is None:
            return str(self.get_kind_display())
        try:
            return str(template) % {name: _in_reader_language(value)
                                    for name, value in self.params.items()}
        except (KeyError, TypeError, ValueError, AttributeError):
            return str(self.get_kind_display())


class CaseDocument(FileRecord):
    """A file on a case's timeline. The bytes live under MEDIA_ROOT/documents, which no URL
    serves, under a random name: only tawasul.cases.document_views hands them out, after
    the case's access check, and audits every download."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="documents", verbose_name=_("case")
    )
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["case", "-created_at"], name="case_document_time")]

    def __str__(self) -> str:
        return self.title
