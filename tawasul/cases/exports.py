"""Case lists as spreadsheets (CSV and XLSX), and the filters a case list is narrowed by.

The filters are shared by the API's case list and its export, and the export pages, so
that an export holds exactly the rows of the list the user was looking at.

What an export holds:
- only cases the user sees (tawasul.cases.selectors.cases_visible_to): a restricted case
  the user is not on is not exported, break the glass or not (an export is not the place
  for an emergency access);
- columns by role (`columns_for`): the director and the case managers of the center get
  the person's names in both scripts; staff members (support work on the cases they are
  given) get the case's particulars without the person's name: a list that ties names to
  case types (child abuse, addiction) is the most sensitive thing a center holds, and a
  staff member who needs the name opens the case, which is audited as a read;
- nothing for users who see no case at all (the foundation, the ministry, embassies,
  partners): OutOfScope, a 404 like any other object outside their scope.

Every export is audited (AuditAction.EXPORT) with the names of its columns, the names of
the filters used (never their values: a search may be a person's name), the format and
the number of rows. Cells that a spreadsheet would read as a formula (starting with
= + - @, a tab or a carriage return) are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases import selectors
from tawasul.cases.models import Case, CaseEvent, CaseStatus, RiskLevel, Task
from tawasul.common.errors import OutOfScope
from tawasul.common.text import clean_text

CSV = "csv"
XLSX = "xlsx"
FORMATS: tuple[str, ...] = (CSV, XLSX)
CONTENT_TYPES: dict[str, str] = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SEARCH_MAX_LENGTH = 100
ASSIGNED_TO_ME = "me"

# --- Filters ----------------------------------------------------------------------------

FILTER_NAMES: tuple[str, ...] = ("status", "case_type", "risk_level", "assigned", "overdue", "q")


class CaseFilterForm(forms.Form):
    """The filters of a case list, from query parameters. An empty value means no filter."""

    status = forms.ChoiceField(choices=CaseStatus.choices, required=False)
    case_type = forms.SlugField(required=False, max_length=60,
                                help_text=_("The code of a case type, e.g. child-abuse."))
    risk_level = forms.ChoiceField(choices=RiskLevel.choices, required=False)
    assigned = forms.ChoiceField(
        choices=[(ASSIGNED_TO_ME, pgettext_lazy("cases assigned to", "me"))], required=False
    )
    overdue = forms.NullBooleanField(required=False)
    q = forms.CharField(required=False, max_length=SEARCH_MAX_LENGTH, strip=True)

    def clean_q(self) -> str:
        return clean_text(self.cleaned_data.get("q") or "")


def with_list_columns(qs: QuerySet[Case]) -> QuerySet[Case]:
    """`last_event_at` and `has_overdue_tasks` for a whole list in the same query."""
    last_event = (
        CaseEvent.objects.filter(case=OuterRef("pk"))
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    return qs.annotate(last_event_at=Subquery(last_event), has_overdue_tasks=_overdue_tasks())


def _overdue_tasks() -> Exists:
    return Exists(Task.objects.filter(
        case=OuterRef("pk"), done_at__isnull=True, due_at__lt=timezone.now()
    ))


def filter_cases(qs: QuerySet[Case], *, user: User, params: Mapping[str, Any]) -> QuerySet[Case]:
    """Narrow a scoped case list by cleaned filters (CaseFilterForm's, or the API's)."""
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("case_type"):
        qs = qs.filter(case_type__code=params["case_type"])
    if params.get("risk_level"):
        qs = qs.filter(risk_level=params["risk_level"])
    if params.get("assigned") == ASSIGNED_TO_ME:
        qs = qs.filter(assigned_manager=user)
    overdue = params.get("overdue")
    if overdue is not None:
        qs = qs.filter(_overdue_tasks() if overdue else ~_overdue_tasks())
    q = params.get("q") or ""
    if q:
        # The same search as the case list page.
        qs = selectors.search_cases(qs, q, center_id=user.organization_id).cases
    return qs


def used_filters(params: Mapping[str, Any]) -> list[str]:
    return [name for name in FILTER_NAMES if params.get(name) not in (None, "")]


# --- Columns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    label: Any  # a lazy translation


COLUMNS: dict[str, Column] = {c.name: c for c in (
    Column("reference", _("Reference")),
    Column("person_name_ar", _("Name (Arabic)")),
    Column("person_name_latin", _("Name (Latin)")),
    Column("case_type", _("Case type")),
    Column("status", _("Status")),
    Column("risk_level", _("Risk level")),
    Column("is_restricted", _("Restricted")),
    Column("assigned_manager", _("Case manager")),
    Column("opened_at", _("Opened")),
    Column("last_event_at", _("Last event")),
)}
_CASE_COLUMNS = ("reference", "case_type", "status", "risk_level", "is_restricted",
                 "assigned_manager", "opened_at", "last_event_at")
FULL_COLUMNS: tuple[str, ...] = ("reference", "person_name_ar", "person_name_latin",
                                 *_CASE_COLUMNS[1:])
STAFF_COLUMNS: tuple[str, ...] = _CASE_COLUMNS


def columns_for(user: User) -> tuple[str, ...]:
    if user.role in (Role.DIRECTOR, Role.CASE_MANAGER):
        return FULL_COLUMNS
    return STAFF_COLUMNS


def _local(value: dt.datetime | None) -> dt.datetime | None:
    # Spreadsheets have no time zones: the center's local time, as the pages show it.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _values(case: Case) -> dict[str, Any]:
    manager = case.assigned_manager
    return {
        "reference": case.reference,
        "person_name_ar": case.person.name_ar,
        "person_name_latin": case.person.name_latin,
        "case_type": case.case_type.name,
        "status": str(case.get_status_display()),
        "risk_level": str(case.get_risk_level_display()),
        "is_restricted": str(_("Yes") if case.is_restricted else _("No")),
        "assigned_manager": manager.display_name if manager is not None else "",
        "opened_at": _local(case.opened_at),
        "last_event_at": _local(getattr(case, "last_event_at", None)),
    }


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    """A text cell that a spreadsheet would evaluate, made inert (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def rows(cases: Iterable[Case], columns: tuple[str, ...]) -> Iterator[list[Any]]:
    for case in cases:
        values = _values(case)
        yield [escape_formula(values[name]) for name in columns]


# --- Files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str
    row_count: int


def csv_content(header: list[str], body: Iterable[list[Any]]) -> tuple[bytes, int]:
    """A CSV file (UTF-8 with a byte-order mark) of the header and rows, and the number of
    rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    for row in body:
        writer.writerow(
            [v.strftime("%Y-%m-%d %H:%M") if isinstance(v, dt.datetime) else v for v in row]
        )
        count += 1
    # The byte-order mark makes Excel read UTF-8: without it Arabic shows garbled.
    return out.getvalue().encode("utf-8-sig"), count


# The sheet name of the case export, translated when the sheet is written.
CASES_SHEET_TITLE = _("Cases")


def xlsx_content(header: list[str], body: Iterable[list[Any]], *,
                 title: str | Promise = CASES_SHEET_TITLE) -> tuple[bytes, int]:
    """An XLSX workbook of one sheet named `title` (in the current language, at most the
    31 characters a sheet name may have) holding the header and rows, every text cell
    stored as text, never as a formula; and the number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.append(header)
    count = 0
    for row in body:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # openpyxl would store a text starting with "=" as a formula.
                cell.data_type = "s"
            elif isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), count


def export_cases(*, actor: object, params: Mapping[str, Any], fmt: str) -> ExportFile:
    """The filtered case list of `actor` as a file, audited. `params` are cleaned filters."""
    user = selectors.center_member(actor)
    if user is None:
        audit_record(action=AuditAction.ACCESS_DENIED, actor=actor,
                     object_type=Case._meta.label_lower, reason="export of cases")
        raise OutOfScope()
    if fmt not in FORMATS:
        raise ValueError(fmt)
    columns = columns_for(user)
    qs = filter_cases(with_list_columns(selectors.cases_visible_to(user)), user=user,
                      params=params)
    cases = qs.order_by("-opened_at", "id").iterator(chunk_size=2000)
    header = [str(COLUMNS[name].label) for name in columns]
    content, count = (csv_content if fmt == CSV else xlsx_content)(header, rows(cases, columns))
    audit_record(
        action=AuditAction.EXPORT, actor=user, object_type=Case._meta.label_lower,
        fields=columns,
        reason=f"format {fmt}; filters: {', '.join(used_filters(params)) or 'none'}; "
        f"rows: {count}",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return ExportFile(content, CONTENT_TYPES[fmt], f"cases-{stamp}.{fmt}", count)
