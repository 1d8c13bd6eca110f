"""What the portal keeps about its users' reading: how far each has read each message
thread, and whether they want the daily digest of their notifications.

Community counts have no model: they are computed from cases and referrals when asked
(tawasul.portal.selectors), so nothing about a community is stored twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tawasul.common.models import BaseModel


class ThreadReadMarker(BaseModel):
    """The user has read the messages of a thread (a referral's or a coordination
    request's, named like audit entries by the object's type and id) up to `read_at`.
    Messages from the other side after it are unread (tawasul.portal.threads)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("user"))
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.UUIDField(_("object id"))
    read_at = models.DateTimeField(_("read up to"))

    class Meta:
        verbose_name = _("thread read marker")
        verbose_name_plural = _("thread read markers")
        constraints = [
            models.UniqueConstraint(fields=["user", "object_type", "object_id"],
                                    name="thread_read_marker_once_per_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} · {self.read_at:%Y-%m-%d %H:%M}"


class DigestPreference(BaseModel):
    """One row per user who has ever set the preference. The digest of a day carries the
    unread notifications created after `covered_until` (none before it was asked for
    carried more than once), and `last_sent_on` keeps it to one a day."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="digest_preference", verbose_name=_("user"))
    daily_digest = models.BooleanField(_("daily digest by email"), default=False)
    last_sent_on = models.DateField(_("last digest on"), null=True, blank=True)
    covered_until = models.DateTimeField(_("notifications in a digest up to"), null=True,
                                         blank=True)

    class Meta:
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")
        indexes = [
            models.Index(fields=["last_sent_on"], name="digest_due",
                         condition=models.Q(daily_digest=True)),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {'on' if self.daily_digest else 'off'}"
