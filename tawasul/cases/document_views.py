"""Downloading a case document: the only way its bytes leave the server."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_GET

from tawasul.cases import documents
from tawasul.cases.access import BreakGlassRequired
from tawasul.common.attachments import file_response


@login_required
@require_GET
def document_download(request: HttpRequest, document_id: UUID) -> HttpResponseBase:
    """404 outside the user's scope; a restricted case they are not on answers 403 unless
    the request states a reason (?reason=…), exactly as opening the case does."""
    try:
        document = documents.access_document(
            request.user, document_id, reason=request.GET.get("reason")
        )
    except BreakGlassRequired as error:
        return HttpResponse(str(error.message), status=403,
                            content_type="text/plain; charset=utf-8")
    path = documents.document_path(document)
    try:
        handle = open(path, "rb")  # noqa: SIM115 -- FileResponse closes it
    except FileNotFoundError:
        raise Http404() from None
    documents.document_download_audited(request.user, document)  # type: ignore[arg-type]
    return file_response(handle, filename=document.original_filename,
                         content_type=document.content_type)
