"""Files on the API's message threads (referrals from embassies, requests to embassies):
how a message carries them, how they are listed, and how they are downloaded.

A message is sent as JSON (text only) or as multipart/form-data: `text` and one part named
`attachments` per file. The files are checked where the pages' are, by the thread's
message service (tawasul.common.attachments `store_uploads`: the type by content, the size,
how many): one refused answers 400 naming `attachments.<index>` (`attachments` for their
number), and nothing is recorded. A download goes through the app's own access function
and download audit, as on the pages; outside scope it answers 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import parsers, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from tawasul.api.parsers import JSONParser
from tawasul.api.serializers import ErrorSerializer
from tawasul.common import attachments as stored_files

# A message endpoint's parsers: JSON for text only, multipart with files.
MESSAGE_PARSERS = [JSONParser, parsers.MultiPartParser]
# The path parameter of a download, and the route's pattern for it.
ATTACHMENT_ID = "attachment_id"
DOWNLOAD_PATH = rf"attachments/(?P<{ATTACHMENT_ID}>[^/.]+)"

_ERROR = OpenApiResponse(ErrorSerializer, description="See the error format in the API "
                         "description.")
FILES_DOC = (
    "A message with files is sent as multipart/form-data: `text`, and one part named "
    f"`{stored_files.FILES_FIELD}` per file (at most {stored_files.MAX_FILES}). Each file is "
    "checked as on the pages: its type by its content (PDF, PNG, JPEG, Word, Excel or "
    "plain text; a program is refused whatever its name), its size (DOCUMENT_MAX_BYTES). "
    f"A refused file answers 400 naming `{stored_files.FILES_FIELD}.<index>` "
    f"(`{stored_files.FILES_FIELD}` when there are too many) and nothing is recorded. "
    "Text only may also be sent as JSON."
)
DOWNLOAD_PARAMETERS = [
    OpenApiParameter(ATTACHMENT_ID, OpenApiTypes.UUID, OpenApiParameter.PATH,
                     description="The `id` of one of a message's `attachments`."),
]
DOWNLOAD_RESPONSES: dict[Any, Any] = {
    (200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY,
        description="The file, as an attachment, with the content type recognised when it "
        "was sent (`content_type`) and its file name.",
    ),
    401: _ERROR,
    404: _ERROR,
}


def files_field() -> serializers.ListField:
    """The files of a message, checked by the message service (not here)."""
    return serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False), required=False,
        help_text=f"Files sent with the message (multipart only; at most "
        f"{stored_files.MAX_FILES}).",
    )


def download_url_field() -> serializers.SerializerMethodField:
    return serializers.SerializerMethodField(
        help_text="GET it with your token: the file itself; each download is audited.")


def download_url(route: str, attachment: Any) -> str:
    """The API address that downloads `attachment` (`route`: the view set's action)."""
    url = reverse(route, kwargs={ATTACHMENT_ID: attachment.pk})
    # The router takes both forms (trailing_slash "/?"); the schema writes the slash.
    return url if url.endswith("/") else f"{url}/"


class FileDownloadNegotiation(DefaultContentNegotiation):
    """A download answers the file in its own type, whatever the client's Accept header
    says (a client asking for application/pdf is not refused with 406); its errors are
    JSON, from the first renderer."""

    def select_renderer(self, request: Request, renderers: Iterable[BaseRenderer],
                        format_suffix: str | None = None) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type
