"""How django-allauth behaves in Tawasul: no sign-up, security events audited.

allauth tells its account adapter about each security-relevant change of an account
through `send_notification_mail` (authenticator app switched on or off, recovery codes
regenerated, password changed or reset), whether or not e-mail notifications are on.
That one hook writes the audit entries, so no signal receiver is needed.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse

from tawasul.accounts import mfa
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record

# allauth notification template → (audit action, fields touched, reason).
SECURITY_EVENTS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "mfa/email/totp_activated": (AuditAction.MFA_ENABLED, ("totp",), "authenticator app"),
    "mfa/email/totp_deactivated": (AuditAction.MFA_DISABLED, ("totp",), "authenticator app"),
    "mfa/email/recovery_codes_generated": (
        AuditAction.UPDATE,
        ("recovery_codes",),
        "recovery codes regenerated",
    ),
    "account/email/password_changed": (AuditAction.UPDATE, ("password",), "password changed"),
    "account/email/password_set": (AuditAction.UPDATE, ("password",), "password set"),
    "account/email/password_reset": (AuditAction.UPDATE, ("password",), "password reset"),
}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by administrators for a known organization and role.
        return False

    def send_notification_mail(
        self,
        template_prefix: str,
        user: AbstractBaseUser,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        event = SECURITY_EVENTS.get(template_prefix)
        if event is not None:
            action, fields, reason = event
            request = getattr(self, "request", None)
            actor = getattr(request, "user", None)
            if actor is None or not actor.is_authenticated:
                actor = None  # a password reset by e-mailed link: nobody is signed in
            audit_record(
                action=action,
                actor=actor,
                actor_username="" if actor else user.get_username(),
                obj=user,
                fields=fields,
                reason=reason,
            )
        super().send_notification_mail(template_prefix, user, context=context, email=email)

    def post_login(
        self,
        request: HttpRequest,
        user: AbstractBaseUser,
        **kwargs: Any,
    ) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        # The profile's language applies from sign-in on, unless this browser has already
        # chosen one with the language switcher.
        language = getattr(user, "preferred_language", "")
        if (
            language
            and language in dict(settings.LANGUAGES)
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # A role that reads personal data keeps its authenticator app; replacing a lost
        # phone is an administrator's reset (services.user_reset_two_factor), audited.
        if authenticator.type == Authenticator.Type.TOTP and mfa.must_keep_totp(
            authenticator.user
        ):
            return False
        return super().can_delete_authenticator(authenticator)
