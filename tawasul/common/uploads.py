"""Request bodies of the pages (and API actions) that take files.

Every request body is limited to DATA_UPLOAD_MAX_MEMORY_SIZE (MAX_BODY_BYTES) by
tawasul.common.middleware.RequestBodyLimitMiddleware, before anything reads it. A page
view (or an API action) that takes files declares how many bytes of file it accepts with
`@accepts_upload`; its body may then be that much larger. A body larger still is not
refused outright: a browser that is cut off in the middle of sending a file shows
"connection reset", not our message. Up to DISCARD_FACTOR times the allowance, the body is
read and its files dropped as they arrive (nothing is kept, in memory or on disk); each
reaches the view as an empty file of its real size, so that the view refuses it with its
own field error, on its own page, with the rest of the form as the user typed it (an API
action answers 400 naming the file). Beyond that the middleware answers 413.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from django.urls import Resolver404, resolve

V = TypeVar("V", bound=Callable[..., Any])

ALLOWANCE_ATTR = "max_upload_bytes"
# How much larger than its allowance a body may be and still be read (and its files
# dropped) so that the page can answer with its own message.
DISCARD_FACTOR = 4


def accepts_upload(max_file_bytes: Callable[[], int]) -> Callable[[V], V]:
    """Mark a page view, or an API view set's action, that takes files of up to
    max_file_bytes() bytes in all (read at each request, so that a test or a changed
    setting applies at once). Put it outermost."""

    def mark(view: V) -> V:
        setattr(view, ALLOWANCE_ATTR, max_file_bytes)
        return view

    return mark


def upload_allowance(request: HttpRequest) -> int | None:
    """How many bytes of file the view of this URL accepts; None if it takes no file."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    view = match.func
    max_file_bytes = getattr(view, ALLOWANCE_ATTR, None)
    if max_file_bytes is None:
        # An API view set's route: the action that answers this method, if it is marked.
        name = (getattr(view, "actions", None) or {}).get((request.method or "").lower())
        handler = getattr(getattr(view, "cls", None), name, None) if name else None
        max_file_bytes = getattr(handler, ALLOWANCE_ATTR, None)
    return int(max_file_bytes()) if max_file_bytes is not None else None


def megabytes(size: int) -> float:
    """A size as the messages about it give it (as tawasul.cases.documents does)."""
    return round(size / (1024 * 1024), 1)


def body_allowance(file_bytes: int) -> int:
    """The body of an upload: the file plus what any other form may send (the other
    fields and the multipart envelope)."""
    return file_bytes + int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


class DroppedFile(UploadedFile):
    """A file whose bytes were not kept: its name and size only."""

    def __init__(self, *, name: str, content_type: str, size: int, charset: str | None) -> None:
        super().__init__(file=io.BytesIO(), name=name, content_type=content_type, size=size,
                         charset=charset)


class DropFilesUploadHandler(FileUploadHandler):
    """Counts the bytes of each file and keeps none of them."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        return None

    def file_complete(self, file_size: int) -> DroppedFile:
        return DroppedFile(name=self.file_name or "", content_type=self.content_type or "",
                           size=file_size, charset=self.charset)


def drop_files(request: HttpRequest) -> None:
    """Before anything reads the body (the CSRF check reads the form): parse it as usual
    but drop every file it carries."""
    request.upload_handlers = [DropFilesUploadHandler(request)]
