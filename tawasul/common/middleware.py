from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tawasul.common import uploads


class RequestBodyLimitMiddleware:
    """Refuse an oversized body before anything reads it: 413 with a clear message. A page
    or an API action that takes files allows that much more (tawasul.common.uploads)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is None or length <= limit:
            return self.get_response(request)
        file_bytes = uploads.upload_allowance(request)
        if file_bytes is not None:
            allowance = uploads.body_allowance(file_bytes)
            if length <= allowance:
                return self.get_response(request)
            if length <= allowance * uploads.DISCARD_FACTOR:
                uploads.drop_files(request)
                return self.get_response(request)
        if request.path.startswith("/api/"):
            message = _("The request is too large (limit %(limit)s bytes).") % {"limit": limit}
            return JsonResponse(
                {"error": {"code": "request_too_large", "message": message}}, status=413
            )
        return _too_large_page(request, file_bytes)


def _too_large_page(request: HttpRequest, file_bytes: int | None) -> HttpResponse:
    """This runs before sessions and the language are set up: the page is self-contained,
    in the language the person chose, with a way back to the form."""
    back = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        host = ""
    if not (host and url_has_allowed_host_and_scheme(back, allowed_hosts={host},
                                                     require_https=request.is_secure())):
        back = "/"
    with translation.override(page_language(request)):
        html = render_to_string("413.html", {
            # As text: written as the field errors write it, not localized by the template.
            "file_mb": str(uploads.megabytes(file_bytes)) if file_bytes is not None else "",
            "limit_mb": str(uploads.megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)),
            "back_url": back,
        })
    return HttpResponse(html, status=413, content_type="text/html; charset=utf-8")


def page_language(request: HttpRequest) -> str:
    """The language chosen with the switcher (its cookie), else Arabic."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    supported = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in supported else settings.LANGUAGE_CODE


class ArabicFirstLocaleMiddleware(LocaleMiddleware):
    """Arabic unless the person chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, so a case manager on
    an English-language laptop would land in English. Tawasul is Arabic first: the
    language is the one chosen with the switcher (its cookie), else Arabic. An unknown or
    malformed cookie value falls back to Arabic. API clients have no switcher: there the
    Accept-Language header decides, and Arabic when it names nothing we speak.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
            return
        translation.activate(page_language(request))
        request.LANGUAGE_CODE = translation.get_language()
