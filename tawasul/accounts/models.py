from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.roles import PERSONAL_DATA_ROLES, Role, role_allowed_for_kind
from tawasul.common.models import BaseModel

if TYPE_CHECKING:
    from tawasul.organizations.models import Organization


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("organization"),
        null=True,  # only for createsuperuser on an empty database; the policy denies them
        blank=False,
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=False)
    full_name_ar = models.CharField(_("full name (Arabic)"), max_length=200, blank=True)
    full_name_en = models.CharField(_("full name (English)"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="ar"
    )
    # Rotated to end every session of the user at once (disabling, password reset).
    session_stamp = models.UUIDField(default=uuid.uuid4, editable=False)
    is_demo = models.BooleanField(
        _("demo user"),
        default=False,
        help_text=_("Created by seed_demo; may skip two-factor set-up in demo mode."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "ar").startswith("ar"):
            return self.full_name_ar or self.full_name_en or self.username
        return self.full_name_en or self.full_name_ar or self.username

    def clean(self) -> None:
        super().clean()
        if self.organization_id and self.role:
            org: Organization = self.organization  # type: ignore[assignment]
            if not role_allowed_for_kind(self.role, org.kind):
                raise ValidationError(
                    {"role": _("This role does not exist in an organization of this kind.")}
                )

    def get_session_auth_hash(self) -> str:
        base = super().get_session_auth_hash()
        return hmac.new(
            settings.SECRET_KEY.encode(), f"{base}:{self.session_stamp}".encode(), hashlib.sha256
        ).hexdigest()

    @property
    def requires_two_factor(self) -> bool:
        return self.role in PERSONAL_DATA_ROLES

    @property
    def kind(self) -> str:
        return self.organization.kind if self.organization_id else ""  # type: ignore[union-attr]


class ApiToken(BaseModel):
    """A personal API token. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        from django.utils import timezone

        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()
