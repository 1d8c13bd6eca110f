"""Session renewal and lifetime, and the two-factor requirement.

The renewal works on the response, before SessionMiddleware saves the session. The
lifetime and two-factor checks work in `process_view`, which Django calls after every
middleware has prepared the request (so messages can be added) and only for a URL that
resolved to a view.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tawasul.accounts import mfa
from tawasul.accounts.axes_handler import (
    LOGIN_AT_SESSION_KEY,
    RENEWED_AT_SESSION_KEY,
    mark_logout,
)
from tawasul.audit.models import AuditAction

API_PREFIX = "/api/"

# What a user who must still set up two-factor authentication may reach: the set-up
# itself (with the password confirmation it may ask for), signing out, the language
# switcher. Everything else waits.
TWO_FACTOR_SETUP_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "set_language",
    }
)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if _is_htmx(request):
        # An htmx request would swap the login page into a fragment; make it navigate.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _exempt_path(request: HttpRequest) -> bool:
    path = request.path_info
    return path.startswith(settings.STATIC_URL) or path.startswith("/favicon")


class SessionRenewalMiddleware:
    """The inactivity timeout: a signed-in session expires SESSION_COOKIE_AGE after the
    last request. Moving the expiry forward is a write of the session's row; it is done
    when the last one is SESSION_RENEW_SECONDS old (a minute), not on every request as
    Django's SESSION_SAVE_EVERY_REQUEST would, so the timeout runs from the last request
    to within that minute, earlier, never later. Listed after SessionMiddleware, which
    saves the session this marks as modified (and with it the new expiry).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or SESSION_KEY not in session:
            return response  # nobody signed in: nothing to keep alive, nothing written
        now = int(time.time())
        renewed = session.get(RENEWED_AT_SESSION_KEY)
        if (session.modified or not isinstance(renewed, int)
                or now - renewed >= settings.SESSION_RENEW_SECONDS):
            session[RENEWED_AT_SESSION_KEY] = now
        return response


class SessionLifetimeMiddleware:
    """Ends a session SESSION_ABSOLUTE_SECONDS after sign-in, however active it has been.

    The inactivity timeout is Django's own (SESSION_COOKIE_AGE renewed on every request,
    SESSION_SAVE_EVERY_REQUEST); this adds the upper bound a stolen session cookie would
    otherwise not have.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _exempt_path(request):
            return None
        now = int(time.time())
        started = request.session.get(LOGIN_AT_SESSION_KEY)
        if not isinstance(started, int | float):
            # A session from before this check existed: its lifetime starts now.
            request.session[LOGIN_AT_SESSION_KEY] = now
            return None
        if now - started < settings.SESSION_ABSOLUTE_SECONDS:
            return None
        mark_logout(request, AuditAction.SESSION_EXPIRED)
        logout(request)
        if request.path_info.startswith(API_PREFIX):
            # The API answers 401 itself; a redirect would only confuse a client.
            return None
        messages.info(
            request, _("Your session has ended for your security. Please sign in again.")
        )
        login_url = reverse("account_login")
        if request.method == "GET" and not _is_htmx(request):
            login_url += "?" + urlencode({"next": request.get_full_path()})
        return _redirect(request, login_url)


class RequireTwoFactorMiddleware:
    """Sends a signed-in user whose role reads personal data to the authenticator set-up
    until they have one (see tawasul.accounts.mfa for who is required and who is exempt).

    The API is token-based: a browser session that has not completed the set-up is not
    accepted there at all, rather than redirected.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _exempt_path(request):
            return None
        if not getattr(user, "requires_two_factor", False) or mfa.is_demo_exempt(user):
            return None
        match = request.resolver_match
        url_name = match.url_name if match is not None else None
        if url_name and (url_name.startswith("mfa_") or url_name in TWO_FACTOR_SETUP_URL_NAMES):
            return None
        if mfa.has_totp(user):
            return None
        if request.path_info.startswith(API_PREFIX):
            request.user = AnonymousUser()
            return None
        return _redirect(request, reverse("mfa_activate_totp"))
