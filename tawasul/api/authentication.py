from __future__ import annotations

from rest_framework.authentication import BaseAuthentication, SessionAuthentication


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):  # type: ignore[no-untyped-def]
        return None

    def authenticate_header(self, request) -> str:  # type: ignore[no-untyped-def]
        return 'Bearer realm="api"'


class CsrfSessionAuthentication(SessionAuthentication):
    pass
