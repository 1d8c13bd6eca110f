from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "auth.login", _("Signed in")
    LOGIN_FAILED = "auth.login_failed", _("Failed sign-in")
    LOCKED_OUT = "auth.locked_out", _("Locked out")
    LOGOUT = "auth.logout", _("Signed out")
    SESSION_EXPIRED = "auth.session_expired", _("Session expired")
    MFA_ENABLED = "auth.mfa_enabled", _("Two-factor enabled")
    MFA_DISABLED = "auth.mfa_disabled", _("Two-factor disabled")
    ACCESS_DENIED = "access.denied", _("Access denied")
    READ = "record.read", _("Read")
    CREATE = "record.create", _("Created")
    UPDATE = "record.update", _("Updated")
    DELETE = "record.delete", _("Deleted")
    EXPORT = "record.export", _("Exported")
    TOKEN_ISSUED = "token.issued", _("API token issued")
    TOKEN_REVOKED = "token.revoked", _("API token revoked")
    TOKEN_USED = "token.used", _("API token used")
    TOKEN_REJECTED = "token.rejected", _("API token rejected")
    USER_DISABLED = "user.disabled", _("User disabled")
    USER_ENABLED = "user.enabled", _("User enabled")
    TASK = "task.run", _("Background task")


class AuditEntry(models.Model):
    """One append-only entry of the audit trail.

    Requests insert entries without a hash, so they never wait on each other; the sealer
    (tawasul.audit.chain.seal) later gives each a sequence number and chains it to the
    previous one by SHA-256. Database triggers refuse deletes and any change to a sealed
    entry. Values of personal fields are never stored here, only field names.
    """

    # Internal only: never shown in a URL. The public handle is `entry_id`.
    id = models.BigAutoField(primary_key=True)
    entry_id = models.UUIDField(unique=True, editable=False)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Never touched when the user goes: SET_NULL would rewrite sealed entries (which
        # the database refuses, or which breaks the chain where the guards are off).
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("actor"),
    )
    # Copied, so the entry still says who it was after the user or organization changes.
    actor_username = models.CharField(_("user"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=30, blank=True)
    organization_id = models.UUIDField(null=True, blank=True, db_index=True)
    organization_code = models.CharField(_("organization"), max_length=40, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    # Set by the sealer.
    seq = models.BigIntegerField(_("sequence"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["action", "-occurred_at"], name="audit_action_time"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    @property
    def actor_role_label(self) -> str:
        from tawasul.accounts.roles import Role

        try:
            return str(Role(self.actor_role).label)
        except ValueError:
            return self.actor_role


class ChainHead(models.Model):
    """Singleton row: the last sealed sequence and hash, locked while sealing."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain head {self.seq}"


class ChainVerification(models.Model):
    """The outcome of one check of the chain (verify_audit, the daily task or the audit
    page), so the page can show the last result without re-reading the whole trail."""

    class Source(models.TextChoices):
        COMMAND = "command", _("Command")
        TASK = "task", _("Scheduled task")
        PAGE = "page", _("Audit page")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now, db_index=True)
    ok = models.BooleanField(_("chain intact"))
    checked = models.BigIntegerField(_("entries verified"))
    unsealed = models.BigIntegerField(_("unsealed entries"))
    broken_seq = models.BigIntegerField(_("first broken sequence"), null=True, blank=True)
    broken_entry_id = models.UUIDField(_("first broken entry"), null=True, blank=True)
    problem = models.TextField(_("problem"), blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    requested_by = models.CharField(_("requested by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("chain verification")
        verbose_name_plural = _("chain verifications")
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'BROKEN'}"
