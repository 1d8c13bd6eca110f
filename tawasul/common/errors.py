"""Domain errors that services raise and that pages and the API turn into messages."""

from __future__ import annotations

from django.core import exceptions as django_exceptions
from django.http import Http404
from django.utils.functional import Promise


class OutOfScope(Http404):
    """The object does not exist for this caller. Pages and the API answer 404, not 403,
    so that its existence does not leak."""


class DomainError(Exception):
    """A rule of the domain refused the operation. `code` is stable for API clients;
    `message` is translatable; `field` names the input it concerns, if any."""

    def __init__(self, code: str, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field


class PermissionDenied(DomainError, django_exceptions.PermissionDenied):
    """The caller may see the object but not do this to it. Also Django's own
    PermissionDenied, so any page that lets it through answers 403 with the 403 page."""
