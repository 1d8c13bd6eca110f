"""The audit trail pages: list with filters, one entry, CSV export, chain check.

Only audit reviewers (tawasul.audit.selectors.can_review_audit) see any of it; anyone
else gets 404, recorded as a denial. Reading the trail is itself recorded: a list or an
export as one entry naming the filters used, a detail page as a read of that entry.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tawasul.audit.access import access_audit_entry
from tawasul.audit.forms import AuditFilterForm
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.audit.selectors import (
    AuditFilter,
    AuditPage,
    audit_entries_matching,
    audit_page,
    can_review_audit,
    chain_status,
)
from tawasul.audit.services import audit_record, chain_verification_request
from tawasul.common.errors import OutOfScope

PAGE_SIZE = 50
EXPORT_CHUNK = 2000
ENTRY_TYPE = AuditEntry._meta.label_lower
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _reviewer_or_404(request: HttpRequest) -> Any:
    user = request.user
    if not can_review_audit(user):
        audit_record(
            action=AuditAction.ACCESS_DENIED,
            actor=user,
            object_type=ENTRY_TYPE,
            reason=request.path[:200],
        )
        raise OutOfScope()
    return user


def _cursor(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _filter_query(request: HttpRequest) -> str:
    """The filters of the current page as a query string, without the page cursor."""
    query = request.GET.copy()
    for name in ("after", "before"):
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    user = _reviewer_or_404(request)
    form = AuditFilterForm(request.GET)
    page = AuditPage(entries=[], newer=None, older=None)
    if form.is_valid():
        criteria = form.criteria()
        page = audit_page(
            audit_entries_matching(user, criteria),
            after=_cursor(request.GET.get("after")),
            before=_cursor(request.GET.get("before")),
            size=PAGE_SIZE,
        )
        audit_record(
            action=AuditAction.READ, actor=user, object_type=ENTRY_TYPE, fields=criteria.used()
        )
    return render(
        request,
        "audit/entry_list.html",
        {
            "form": form,
            "page": page,
            "filter_query": _filter_query(request),
            "status": chain_status(),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )


@login_required
@require_GET
def entry_detail(request: HttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    user = request.user
    entry = access_audit_entry(user, entry_id)
    audit_record(
        action=AuditAction.READ, actor=user, object_type=ENTRY_TYPE, object_id=str(entry.entry_id)
    )
    return render(
        request,
        "audit/entry_detail.html",
        {"entry": entry, "time_zone": timezone.get_current_timezone_name()},
    )


@login_required
@require_POST
def verify_chain(request: HttpRequest) -> HttpResponse:
    user = _reviewer_or_404(request)
    chain_verification_request(actor=user)
    messages.success(
        request, _("The check of the chain has started; its result will show here when done.")
    )
    return redirect("audit:list")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(header: list[str], rows: Iterable[list[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte order mark makes Excel read the file as UTF-8 (Arabic otherwise garbles).
    yield "\ufeff" + writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


@login_required
@require_GET
def entry_export(request: HttpRequest) -> HttpResponseBase:
    user = _reviewer_or_404(request)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return redirect(f"{reverse('audit:list')}?{_filter_query(request)}")
    criteria: AuditFilter = form.criteria()
    entries = audit_entries_matching(user, criteria).order_by("-id")
    audit_record(
        action=AuditAction.EXPORT,
        actor=user,
        object_type=ENTRY_TYPE,
        fields=criteria.used(),
        reason="CSV export",
    )
    # Labels are resolved now: the rows are written after the view has returned.
    labels = {value: str(label) for value, label in AuditAction.choices}
    header = [
        _("Time"), _("Entry"), _("Sequence"), _("User"), _("Role"), _("Organization"),
        _("Action"), _("Action code"), _("Object type"), _("Object id"), _("Fields"),
        _("Reason"), _("IP address"), _("User agent"), _("Request id"),
    ]

    def rows() -> Iterator[list[object]]:
        for entry in entries.iterator(chunk_size=EXPORT_CHUNK):
            yield [
                timezone.localtime(entry.occurred_at).isoformat(timespec="seconds"),
                entry.entry_id,
                entry.seq if entry.seq is not None else "",
                entry.actor_username,
                entry.actor_role,
                entry.organization_code,
                labels.get(entry.action, entry.action),
                entry.action,
                entry.object_type,
                entry.object_id,
                " ".join(entry.fields or []),
                entry.reason,
                entry.ip_address or "",
                entry.user_agent,
                entry.request_id,
            ]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(
        _csv_lines([str(h) for h in header], rows()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
