"""How API callers prove who they are.

Programs send `Authorization: Bearer <token>` with a personal token (tawasul.accounts.tokens);
the browser (the API docs page) uses its signed-in session, with CSRF enforced on writes.

A request that carries an Authorization header is judged by it alone: a malformed,
unknown, revoked or expired token, a token of a disabled user, or another scheme, answers
401 even if a session cookie is also present, so a client never silently acts with other
credentials than the ones it sent.

Audit: every refused token is recorded (TOKEN_REJECTED, with the token's prefix only).
Use of a valid token is recorded together with the token's "last used" time, at most once
a minute per token and at once from a new address (TOKEN_USED). A per-request entry would
make every API call a write and double the trail for polling clients without telling a
reviewer more: what a token is used for shows in the entries of the reads and writes
themselves (personal data reads and all writes are audited individually, with the actor),
while the TOKEN_USED entries show when and from where each token was active.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.request import Request

from tawasul.accounts import tokens
from tawasul.accounts.models import User
from tawasul.audit.middleware import client_ip

KEYWORD = "Bearer"
# Longest header value worth looking at; a token is 46 characters.
_MAX_HEADER = 512

_MESSAGES = {
    tokens.TokenRejection.MALFORMED: _("The Authorization header is not 'Bearer <token>'."),
    tokens.TokenRejection.UNKNOWN: _("The API token is not valid."),
    tokens.TokenRejection.REVOKED: _("The API token has been revoked."),
    tokens.TokenRejection.EXPIRED: _("The API token has expired."),
    tokens.TokenRejection.USER_INACTIVE: _("The API token is not valid."),
}


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, Any] | None:
        header = get_authorization_header(request)
        if not header:
            return None
        raw = self._token_from(header)
        check = (
            tokens.api_token_check(raw)
            if raw
            else tokens.TokenCheck(None, tokens.TokenRejection.MALFORMED)
        )
        if check.rejection or check.token is None:
            rejection = check.rejection or tokens.TokenRejection.UNKNOWN
            tokens.api_token_record_rejection(check=check, presented=raw)
            # Read by authenticate_header for the RFC 6750 error attribute.
            request._tawasul_token_error = (  # type: ignore[attr-defined]
                "invalid_request" if rejection == tokens.TokenRejection.MALFORMED
                else "invalid_token"
            )
            code = {
                tokens.TokenRejection.MALFORMED: "malformed_authorization",
                tokens.TokenRejection.EXPIRED: "token_expired",
                tokens.TokenRejection.REVOKED: "token_revoked",
            }.get(rejection, "invalid_token")
            raise exceptions.AuthenticationFailed(_MESSAGES[rejection], code=code)
        token = check.token
        tokens.api_token_record_use(
            token=token, ip_address=client_ip(request._request), path=request.path
        )
        return token.user, token

    @staticmethod
    def _token_from(header: bytes) -> str:
        """The token of a well-formed `Bearer <token>` header, or "" for anything else."""
        if len(header) > _MAX_HEADER:
            return ""
        parts = header.split()
        if len(parts) != 2 or parts[0].lower() != KEYWORD.lower().encode():
            return ""
        try:
            return parts[1].decode("ascii")
        except UnicodeDecodeError:
            return ""

    def authenticate_header(self, request: Request) -> str:
        error = getattr(request, "_tawasul_token_error", "")
        if error:
            return f'{KEYWORD} realm="api", error="{error}"'
        return f'{KEYWORD} realm="api"'


class CsrfSessionAuthentication(SessionAuthentication):
    """The signed-in browser session. DRF's SessionAuthentication already enforces CSRF on
    unsafe methods and refuses inactive users; this class exists so that the policy is
    named in one place and the schema can describe it."""
