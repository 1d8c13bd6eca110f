"""Personal API tokens: issue, revoke, authenticate, record use.

A token is `tw_` followed by 43 URL-safe characters (256 random bits). Only its SHA-256
digest is stored, so a copy of the database does not hand out working tokens; the first
twelve characters (`prefix`) are kept in clear so that people can tell their tokens apart
and so that the audit trail can name a rejected token without storing it.

Looking a token up by the digest of what the client sent is safe against timing attacks:
an attacker who measures the comparison learns about a hash of their own guess, not about
a stored secret.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.accounts import mfa
from tawasul.accounts.models import ApiToken, User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.email import notify_api_token_issued
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.text import clean_text

TOKEN_PREFIX = "tw_"
PREFIX_LENGTH = 12
# secrets.token_urlsafe(32) is 43 characters; anything else is not one of ours and is
# refused before it is hashed or looked up.
_TOKEN_SHAPE = re.compile(r"tw_[A-Za-z0-9_-]{43}")
_PREFIX_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,12}")
NAME_MAX_LENGTH = 100
# Last use is refreshed at most this often per token (and at once from a new address), so
# an API client that polls does not turn every request into a write.
LAST_USE_RESOLUTION = dt.timedelta(seconds=60)


class TokenRejection:
    MALFORMED = "malformed"
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    EXPIRED = "expired"
    USER_INACTIVE = "user_inactive"


@dataclass(frozen=True)
class TokenCheck:
    token: ApiToken | None
    rejection: str = ""


def token_prefix(raw: str) -> str:
    """The part of a presented token that may be stored or shown: at most twelve
    characters of something shaped like one of ours. Anything else (a password pasted by
    mistake, another system's credential) is not stored at all."""
    if not (raw or "").startswith(TOKEN_PREFIX):
        return ""
    match = _PREFIX_SHAPE.match(raw)
    return match.group(0) if match else ""


def _may_issue_for(actor: User | None, user: User) -> bool:
    # None is the operator at the command line, who already holds the server.
    if actor is None:
        return True
    return actor.pk == user.pk or actor.role == Role.ADMIN


def two_factor_summary(user: User) -> dict[str, Any]:
    """The user's two-factor situation as the API shows it (see tawasul.accounts.mfa)."""
    status = mfa.two_factor_status(user)
    return {
        "status": status,
        "required": user.requires_two_factor,
        "enabled": status == mfa.ENABLED,
    }


def may_create_tokens(user: User) -> bool:
    """A token skips the second factor at every use, so a user whose role requires two-factor
    authentication gets one only after setting it up (demo users in demo mode excepted).
    The operator's command line (issue_api_token) is not bound by this."""
    return mfa.two_factor_status(user) != mfa.REQUIRED


def api_token_issue(
    *,
    actor: User | None,
    user: User,
    name: str,
    expires_at: dt.datetime | None = None,
    reason: str = "",
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with the raw token, which exists nowhere else."""
    if not _may_issue_for(actor, user):
        raise PermissionDenied("forbidden", _("You may not issue tokens for another user."))
    if not user.is_active:
        raise DomainError("user_inactive", _("This user is disabled."))
    name = clean_text(name or "")
    if not name:
        raise DomainError("name_required", _("Give the token a name."), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(
            "name_too_long",
            _("The name may have at most %(max)s characters.") % {"max": NAME_MAX_LENGTH},
            field="name",
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(
            "expiry_in_past", _("The expiry must be in the future."), field="expires_at"
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=raw[:PREFIX_LENGTH],
            digest=ApiToken.digest_of(raw),
            expires_at=expires_at,
        )
        audit_record(
            action=AuditAction.TOKEN_ISSUED,
            actor=actor,
            obj=token,
            fields=["name", "expires_at"],
            reason=reason,
        )
        # A security notice to the owner, sent after commit: a token that someone else
        # made in their name (an administrator, the command line) does not go unnoticed.
        notify_api_token_issued(token=token)
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token; revoking one that is already revoked changes nothing."""
    if not (actor.pk == token.user_id or actor.role == Role.ADMIN):
        raise PermissionDenied("forbidden", _("You may not revoke this token."))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at", "updated_at"])
            audit_record(
                action=AuditAction.TOKEN_REVOKED, actor=actor, obj=locked, fields=["revoked_at"]
            )
    token.revoked_at = locked.revoked_at
    return token


def api_token_check(raw: str) -> TokenCheck:
    """Resolve a presented token, saying why it is refused if it is."""
    if not raw or not _TOKEN_SHAPE.fullmatch(raw):
        return TokenCheck(None, TokenRejection.MALFORMED)
    digest = ApiToken.digest_of(raw)
    token = (
        ApiToken.objects.select_related("user", "user__organization").filter(digest=digest).first()
    )
    if token is None or not hmac.compare_digest(token.digest, digest):
        return TokenCheck(None, TokenRejection.UNKNOWN)
    if token.revoked_at is not None:
        return TokenCheck(token, TokenRejection.REVOKED)
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return TokenCheck(token, TokenRejection.EXPIRED)
    if not token.user.is_active:
        return TokenCheck(token, TokenRejection.USER_INACTIVE)
    return TokenCheck(token)


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The token if it may be used now: known, not revoked, not expired, user active."""
    check = api_token_check(raw)
    return None if check.rejection else check.token


def api_token_record_use(*, token: ApiToken, ip_address: str | None, path: str = "") -> bool:
    """Refresh the token's last use and record the use in the audit trail, at most once a
    minute per token and at once from a new address. Returns whether it recorded.

    The conditional UPDATE decides between concurrent requests: only the one that changes
    the row writes the audit entry.
    """
    now = timezone.now()
    if (
        token.last_used_at is not None
        and now - token.last_used_at < LAST_USE_RESOLUTION
        and token.last_used_ip == ip_address
    ):
        return False
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USE_RESOLUTION)
    moved = (
        Q(last_used_ip__isnull=False)
        if ip_address is None
        else Q(last_used_ip__isnull=True) | ~Q(last_used_ip=ip_address)
    )
    with transaction.atomic():
        updated = (
            ApiToken.objects.filter(pk=token.pk)
            .filter(stale | moved)
            .update(last_used_at=now, last_used_ip=ip_address)
        )
        if updated:
            audit_record(
                action=AuditAction.TOKEN_USED,
                actor=token.user,
                obj=token,
                fields=["last_used_at", "last_used_ip"],
                reason=path[:200],
            )
    token.last_used_at, token.last_used_ip = now, ip_address
    return bool(updated)


def api_token_record_rejection(*, check: TokenCheck, presented: str) -> None:
    """Audit a refused token. Only its prefix is stored, never the token itself. The
    owner of a known token is named in the reason, not as the actor: whoever presented a
    revoked or expired token may not be its owner."""
    token = check.token
    reason = f"{check.rejection}; prefix={token_prefix(presented) or '-'}"
    if token is not None:
        reason += f"; owner={token.user.get_username()}"
    audit_record(
        action=AuditAction.TOKEN_REJECTED,
        obj=token,
        object_type="accounts.apitoken",
        reason=reason,
    )
