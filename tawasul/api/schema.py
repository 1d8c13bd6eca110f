"""OpenAPI description of our authentication, loaded by ApiConfig.ready()."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tawasul.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "tw_…",
            "description": (
                "A personal API token, created on the API tokens page or with "
                "`python manage.py issue_api_token USERNAME`, sent as "
                "`Authorization: Bearer <token>`."
            ),
        }


class SessionCookieScheme(OpenApiAuthenticationExtension):
    target_class = "tawasul.api.authentication.CsrfSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": (
                "The signed-in browser session (this documentation page). Writes also "
                "need the X-CSRFToken header."
            ),
        }
