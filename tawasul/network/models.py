"""The diplomatic network: what passes between the foundation and the missions.

- `Correspondence`: the log of notes verbales, letters, emails, meetings and calls with
  each mission, kept by the foundation's liaison officers; never shown to a mission.
- `Bulletin`: a message from the foundation to chosen missions (or all), in Arabic and
  English. Sending it makes one `BulletinDelivery` per mission, which that mission's users
  see on their Bulletins page; each of those users reading it leaves one
  `BulletinReceipt`, which the liaison officers see.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tawasul.common.models import BaseModel
from tawasul.organizations.models import OrganizationKind


def _is_arabic() -> bool:
    return (get_language() or "ar").startswith("ar")


class CorrespondenceDirection(models.TextChoices):
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class CorrespondenceChannel(models.TextChoices):
    NOTE_VERBALE = "note_verbale", _("Note verbale")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")


class Correspondence(BaseModel):
    """One exchange with a mission. The attachment's bytes live under
    MEDIA_ROOT/network, which no URL serves, under a random name: only the attachment
    view hands them out, after the access check, and audits every download."""

    mission = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT,
        related_name="correspondence", limit_choices_to={"kind": OrganizationKind.EMBASSY},
        verbose_name=_("mission"),
    )
    direction = models.CharField(_("direction"), max_length=10,
                                 choices=CorrespondenceDirection.choices)
    channel = models.CharField(_("channel"), max_length=20,
                               choices=CorrespondenceChannel.choices)
    occurred_on = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    reference_number = models.CharField(_("reference number"), max_length=100, blank=True)
    attachment_name = models.CharField(_("file name"), max_length=255, blank=True)
    attachment_content_type = models.CharField(_("content type"), max_length=100, blank=True)
    attachment_size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    attachment_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # Relative to MEDIA_ROOT; never derived from what the user called the file.
    attachment_path = models.CharField(_("stored path"), max_length=255, blank=True,
                                       editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("correspondence")
        verbose_name_plural = _("correspondence")
        ordering = ["-occurred_on", "-created_at"]
        indexes = [models.Index(fields=["mission", "-occurred_on"],
                                name="correspondence_mission_date")]
        constraints = [
            models.CheckConstraint(
                name="correspondence_attachment_complete",
                condition=Q(attachment_path="", attachment_size__isnull=True)
                | (~Q(attachment_path="") & Q(attachment_size__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["attachment_path"], condition=~Q(attachment_path=""),
                name="correspondence_attachment_path_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def has_attachment(self) -> bool:
        return bool(self.attachment_path)


class Bulletin(BaseModel):
    title_ar = models.CharField(_("bulletin title (Arabic)"), max_length=200)
    title_en = models.CharField(_("bulletin title (English)"), max_length=200)
    body_ar = models.TextField(_("text (Arabic)"))
    body_en = models.TextField(_("text (English)"))
    to_all_missions = models.BooleanField(_("sent to every mission"), default=False)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """In the active language (both are required, the other is a fallback only)."""
        return (self.title_ar or self.title_en) if _is_arabic() else (
            self.title_en or self.title_ar)

    @property
    def body(self) -> str:
        return (self.body_ar or self.body_en) if _is_arabic() else (self.body_en or self.body_ar)


class BulletinDelivery(BaseModel):
    """The bulletin as one mission receives it."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="deliveries",
                                 verbose_name=_("bulletin"))
    mission = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT,
        related_name="bulletin_deliveries", limit_choices_to={"kind": OrganizationKind.EMBASSY},
        verbose_name=_("mission"),
    )
    # When the emails to the mission's users were queued (by tawasul.network.tasks).
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulletin delivery")
        verbose_name_plural = _("bulletin deliveries")
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "mission"],
                                    name="bulletin_delivery_once_per_mission"),
        ]

    def __str__(self) -> str:
        return f"{self.bulletin} → {self.mission}"


class BulletinReceipt(BaseModel):
    """A user of the receiving mission opened the bulletin: recorded the first time."""

    delivery = models.ForeignKey(BulletinDelivery, on_delete=models.CASCADE,
                                 related_name="receipts", verbose_name=_("delivery"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="bulletin_receipts", verbose_name=_("user"))
    read_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        ordering = ["read_at"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "user"],
                                    name="bulletin_receipt_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.read_at:%Y-%m-%d %H:%M}"
