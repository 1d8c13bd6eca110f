"""Whether a user must, may or does use two-factor authentication.

Every role that reads personal data must sign in with an authenticator app (TOTP).
In demo mode (settings.DEMO_MODE) the seeded demo users are exempt, and the shell says so
in a banner, so that a demonstration does not start with a phone. Nothing else exempts.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings

ENABLED = "enabled"
EXEMPT_DEMO = "exempt_demo"
REQUIRED = "required"
NOT_REQUIRED = "not_required"


def has_totp(user: object) -> bool:
    pk = getattr(user, "pk", None)
    if pk is None:
        return False
    return Authenticator.objects.filter(user_id=pk, type=Authenticator.Type.TOTP).exists()


def is_demo_exempt(user: object) -> bool:
    return bool(settings.DEMO_MODE and getattr(user, "is_demo", False))


def two_factor_status(user: object) -> str:
    """One of "enabled", "exempt_demo", "required" (must set it up before anything else)
    or "not_required"."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOT_REQUIRED
    if has_totp(user):
        return ENABLED
    if not getattr(user, "requires_two_factor", False):
        return NOT_REQUIRED
    if is_demo_exempt(user):
        return EXEMPT_DEMO
    return REQUIRED


def must_keep_totp(user: object) -> bool:
    """A user whose role requires two-factor authentication may not switch it off."""
    return bool(getattr(user, "requires_two_factor", False)) and not is_demo_exempt(user)
