"""The export pages: GET /cases/export.csv and /cases/export.xlsx with the case list's
filters as query parameters (tawasul.cases.exports says what an export holds)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tawasul.cases import exports
from tawasul.home.decorators import member_required


def file_response(export: exports.ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    # A list of persons and their cases must not stay in a shared cache.
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    given = {k: v for k, v in request.GET.items() if v != ""}
    form = exports.CaseFilterForm(data=given)
    if not form.is_valid():
        lines = [f"{name}: {' '.join(str(e) for e in errors)}"
                 for name, errors in form.errors.items()]
        return HttpResponseBadRequest(
            "\n".join([_("The filters are not valid."), *lines]),
            content_type="text/plain; charset=utf-8",
        )
    # OutOfScope (404) for users who see no case at all.
    return file_response(
        exports.export_cases(actor=request.user, params=form.cleaned_data, fmt=fmt)
    )


@require_GET
@member_required
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, exports.CSV)


@require_GET
@member_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, exports.XLSX)
