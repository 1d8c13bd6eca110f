from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class RequestBodyLimitMiddleware:
    """Refuse an oversized body before anything reads it: 413 with a clear message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            message = _("The request is too large (limit %(limit)s bytes).") % {"limit": limit}
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": {"code": "request_too_large", "message": message}}, status=413
                )
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


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
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
