"""The one JSON error format of the API.

Every error answers

    {"error": {"code": "<stable code>", "message": "<translated text>",
               "fields": {"<field>": ["<message>", ...]}}}

`code` is for programs and never changes meaning; `message` is for people, in the
language of the request; `fields` appears only for invalid input and names each field
(nested fields with dots: `person.name_ar`, list items by index: `languages.0`).

The same shape is used for errors raised outside the API views (an unknown /api/ URL,
a server error, a refused oversized body in RequestBodyLimitMiddleware), through the
handler404/handler500 functions below that tawasul/urls.py installs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from tawasul.common.errors import DomainError
from tawasul.common.errors import PermissionDenied as DomainPermissionDenied

API_PREFIX = "/api/"


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def flatten_field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"dotted.path": [messages]}."""
    out: dict[str, list[str]] = {}
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            name = str(key)
            path = prefix if name == non_field and prefix else (
                f"{prefix}.{name}" if prefix else name
            )
            for sub_path, messages in flatten_field_errors(value, path).items():
                out.setdefault(sub_path, []).extend(messages)
    elif isinstance(detail, list | tuple):
        if all(not isinstance(item, Mapping | list | tuple) for item in detail):
            out.setdefault(prefix or non_field, []).extend(force_str(m) for m in detail)
        else:
            for index, item in enumerate(detail):
                if not item:
                    continue
                path = f"{prefix}.{index}" if prefix else str(index)
                for sub_path, messages in flatten_field_errors(item, path).items():
                    out.setdefault(sub_path, []).extend(messages)
    elif detail is not None:
        out.setdefault(prefix or non_field, []).append(force_str(detail))
    return out


def _messages() -> dict[str, str]:
    # Built per call so that each is translated into the language of the request.
    return {
        "invalid": _("The input is not valid."),
        "malformed_json": _("The request body is not valid JSON."),
        "unsupported_media_type": _("Send the request body as application/json."),
        "not_authenticated": _("Authentication is required: send 'Authorization: Bearer <token>'."),
        "permission_denied": _("You do not have permission to do this."),
        "not_found": _("Not found."),
        "method_not_allowed": _("This method is not allowed here."),
        "not_acceptable": _("This response format is not available."),
        "throttled": _("Too many requests; try again later."),
        "request_too_large": _("The request is too large."),
        "server_error": _("Something went wrong on our side; it has been logged."),
        "bad_request": _("The request is not valid."),
    }


def _code_of(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ParseError):
        return "malformed_json"
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER. Returns None (a 500, answered by handler500) only for
    exceptions that are bugs, never for bad input."""
    messages = _messages()
    headers: dict[str, str] = {}
    fields: dict[str, list[str]] | None = None

    if isinstance(exc, Http404):  # includes OutOfScope: existence must not leak
        code, message, status_code = "not_found", messages["not_found"], 404
    elif isinstance(exc, DomainPermissionDenied):  # before its base class, Django's
        code, message, status_code = exc.code, force_str(exc.message), 403
    elif isinstance(exc, DjangoPermissionDenied):
        code, message, status_code = "permission_denied", messages["permission_denied"], 403
    elif isinstance(exc, DomainError):
        code, message, status_code = exc.code, force_str(exc.message), 400
        if exc.field:
            fields = {exc.field: [message]}
    elif isinstance(exc, DjangoValidationError):
        code, message, status_code = "invalid", messages["invalid"], 400
        raw = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        fields = flatten_field_errors(raw)
    elif isinstance(exc, RequestDataTooBig):
        code, message, status_code = "request_too_large", messages["request_too_large"], 413
    elif isinstance(exc, exceptions.APIException):
        code = _code_of(exc)
        status_code = exc.status_code
        specific = force_str(exc.detail) != force_str(exc.default_detail)
        if isinstance(exc, exceptions.ValidationError):
            message = messages["invalid"]
            fields = flatten_field_errors(exc.detail)
        elif isinstance(exc, exceptions.ParseError) or (code in messages and not specific):
            # A parse error's detail is the parser's own English text; ours is clearer.
            message = messages[code]
        else:
            # Raised with a message of its own (a refused token, a CSRF failure, …).
            message = force_str(exc.detail)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
    else:
        return None

    set_rollback()
    return Response(error_body(code, message, fields), status=status_code, headers=headers)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(code: str, status_code: int) -> JsonResponse:
    return JsonResponse(
        error_body(code, _messages()[code]),
        status=status_code,
        json_dumps_params={"ensure_ascii": False},
    )


# Django's error handlers, installed in tawasul/urls.py: JSON under /api/, the site's
# own pages everywhere else.


def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json("bad_request", status.HTTP_400_BAD_REQUEST)
    return defaults.bad_request(request, exception)


def handler403(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json("permission_denied", status.HTTP_403_FORBIDDEN)
    return defaults.permission_denied(request, exception)


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json("not_found", status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _json("server_error", status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)
