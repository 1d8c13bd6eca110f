"""django-axes, extended to write the sign-in events of the audit trail.

Axes already receives every sign-in, failed sign-in and sign-out from Django; its handler
is configured by settings.AXES_HANDLER, so the audit entries are written here rather than
by signal receivers of our own.
"""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tawasul.audit.middleware import client_ip
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record

# Session key holding the time of sign-in (seconds since the epoch), read by
# SessionLifetimeMiddleware to end sessions older than SESSION_ABSOLUTE_SECONDS.
LOGIN_AT_SESSION_KEY = "tawasul_login_at"
# When the session's expiry was last moved forward (SessionRenewalMiddleware); signing in
# saves the session, and with it a new expiry.
RENEWED_AT_SESSION_KEY = "tawasul_renewed_at"
# Request attribute naming the audit action of a sign-out done by the system itself.
LOGOUT_ACTION_ATTR = "tawasul_logout_action"
# An address is locked only after this many times AXES_FAILURE_LIMIT failures: a whole
# office or embassy often signs in from one address, and a few colleagues' typos must not
# lock everyone out, while a password spray from that address still is stopped.
ADDRESS_FAILURE_FACTOR = 4


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The name being tried, as axes counts it.

    allauth's login form posts `login` but authenticates with `username`; Django's admin
    posts `username`. The lookup is case-insensitive, so the count is too: otherwise
    "Admin", "ADMIN" and "admin" would be three accounts to the lockout and one to the
    password check.
    """
    name: object = None
    if credentials:
        name = credentials.get("username") or credentials.get("login")
    if not name and request is not None:
        data = getattr(request, "POST", None) or {}
        name = data.get("login") or data.get("username")
    return str(name or "").strip().lower()[:150]


def axes_client_ip(request: HttpRequest) -> str | None:
    # The same address the audit trail records, trusting only our own proxies: behind a
    # load balancer every client would otherwise share the balancer's address.
    return client_ip(request)


def attempted_name_for_audit(name: str) -> str:
    """What the audit trail keeps of a name that failed to sign in.

    A known account's name is kept. Anything else is kept only as a short digest: people
    sometimes type their password into the name field, and the trail can never be erased.
    The digest still lets a reviewer see the same unknown name tried again and again.
    """
    from tawasul.accounts.models import User

    if not name:
        return ""
    if User.objects.filter(username__iexact=name).exists():
        return name
    return "unknown:" + hashlib.sha256(name.encode()).hexdigest()[:12]


def mark_logout(request: HttpRequest, action: str) -> None:
    setattr(request, LOGOUT_ACTION_ATTR, action)


class AuditingAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """Failures counted against the limit: the worst of the lockout parameters, an
        address's own count divided by ADDRESS_FAILURE_FACTOR."""
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=True
        ):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameter == "ip_address":
                count //= ADDRESS_FAILURE_FACTOR
            worst = max(worst, count)
        return worst

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        # Axes counts an attempt made during a lockout as one more failure (which restarts
        # the cool-off), so "already locked" has to be read before it is recorded.
        was_locked = request is not None and (
            bool(getattr(request, "axes_locked_out", False)) or self.is_locked(request, credentials)
        )
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        name = attempted_name_for_audit(axes_username(request, credentials))
        if was_locked:
            audit_record(
                action=AuditAction.LOCKED_OUT,
                actor_username=name,
                reason="sign-in refused during lockout",
            )
            return
        audit_record(
            action=AuditAction.LOGIN_FAILED, actor_username=name, reason="invalid credentials"
        )
        if getattr(request, "axes_locked_out", False):
            audit_record(
                action=AuditAction.LOCKED_OUT,
                actor_username=name,
                reason="too many failed sign-ins",
            )

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        session = getattr(request, "session", None)
        if session is not None:
            session[LOGIN_AT_SESSION_KEY] = session[RENEWED_AT_SESSION_KEY] = int(time.time())
        audit_record(action=AuditAction.LOGIN, actor=user, obj=user)

    def user_logged_out(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        super().user_logged_out(sender, request, user, **kwargs)
        if user is None:
            return
        action = getattr(request, LOGOUT_ACTION_ATTR, AuditAction.LOGOUT)
        audit_record(action=action, actor=user, obj=user)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """The page a locked-out sign-in gets: what happened and when to try again, without
    saying whether the name belongs to an account."""
    cool_off = get_cool_off(request)
    minutes = None
    if isinstance(cool_off, timedelta):
        minutes = max(1, round(cool_off.total_seconds() / 60))
    context = {"failure_limit": get_failure_limit(request, credentials), "minutes": minutes}
    return render(request, "account/locked_out.html", context, status=429)
