"""A person's disclosure log as rows for the page and as a spreadsheet (CSV with a UTF-8
byte-order mark, or XLSX) for a data-subject access request.

The export holds what the caller may see of the log (selectors.disclosures_visible_to:
everything for the foundation's administrators, who answer such requests; a center's own
disclosures for its staff), names fields and categories, never values, and is audited
(AuditAction.EXPORT, with the columns and the row count). Cells that a spreadsheet would
run as a formula are made inert (tawasul.cases.exports.escape_formula).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases.exports import (
    CONTENT_TYPES,
    CSV,
    XLSX,
    ExportFile,
    csv_content,
    escape_formula,
    xlsx_content,
)
from tawasul.coordination import request_types, selectors
from tawasul.coordination.models import Disclosure
from tawasul.people.models import ConsentPurpose, DataCategory, Person

FORMATS: tuple[str, ...] = (CSV, XLSX)
# Names other than the request fields that producers log.
EXTRA_FIELD_LABELS: dict[str, Any] = {
    "message": _("Message"),
    "attachment": _("Attachment"),
}
COLUMNS: tuple[tuple[str, Any], ...] = (
    ("disclosed_at", _("When")),
    ("recipient", _("Recipient")),
    ("fields", _("What was disclosed")),
    ("categories", _("Categories of data")),
    ("purpose", _("Purpose")),
    ("basis", _("Basis")),
    ("disclosed_by_organization", _("Disclosed by")),
    ("disclosed_by", _("Recorded by")),
    ("reference", _("Shared as part of")),
)


def field_label(name: str) -> str:
    if name in request_types.FIELDS:
        return str(request_types.FIELDS[name].label)
    if name in EXTRA_FIELD_LABELS:
        return str(EXTRA_FIELD_LABELS[name])
    return name


def _in_order(categories: Iterable[str]) -> list[str]:
    """As DataCategory lists them (identity first), unknown ones last."""
    known = [c for c in DataCategory.values if c in categories]
    return known + [c for c in categories if c not in known]


def _category_label(value: str) -> str:
    return str(DataCategory(value).label) if value in DataCategory.values else value


def _date(value: dt.datetime | None) -> str:
    """In words (“20 October 2026”): digits and dashes would be reordered in Arabic text."""
    return date_format(timezone.localtime(value).date(), "DATE_FORMAT") if value else ""




def basis_text(disclosure: Disclosure) -> str:
    consent = disclosure.consent
    if consent is not None:
        return str(_("Consent granted %(date)s") % {"date": _date(consent.granted_at)})
    ground = disclosure.legal_ground
    assert ground is not None
    approver = ground.decided_by.display_name if ground.decided_by else ""
    return str(_("Legal ground approved by %(director)s on %(date)s: %(text)s") % {
        "director": approver, "date": _date(ground.decided_at), "text": ground.text})


def describe(disclosure: Disclosure) -> dict[str, Any]:
    """One row of the log, in the reader's language; the names of fields, not values."""
    by = disclosure.disclosed_by
    return {
        "disclosed_at": timezone.localtime(disclosure.disclosed_at).replace(tzinfo=None),
        "recipient": disclosure.recipient.name,
        "fields": request_types.listing(field_label(n) for n in disclosure.fields),
        "categories": request_types.listing(
            _category_label(c) for c in _in_order(disclosure.categories)),
        "purpose": (str(ConsentPurpose(disclosure.purpose).label)
                    if disclosure.purpose in ConsentPurpose.values else disclosure.purpose),
        "basis": basis_text(disclosure),
        "disclosed_by_organization": disclosure.disclosed_by_organization.name,
        "disclosed_by": by.display_name if by is not None else "",
        "reference": disclosure.object_reference,
    }


def _rows(disclosures: Iterable[Disclosure]) -> Iterable[list[Any]]:
    for disclosure in disclosures:
        values = describe(disclosure)
        yield [escape_formula(values[name]) for name, _label in COLUMNS]


def _xlsx(header: list[str], body: Iterable[list[Any]]) -> tuple[bytes, int]:
    """As the case export writes its sheet, under this export's own sheet name."""
    return xlsx_content(header, body, title=_("Disclosures"))


def export_disclosures(*, actor: Any, person: Person, fmt: str) -> ExportFile:
    """The person's disclosure log that `actor` may see, as a file, audited. The caller
    has opened the person through access.access_person_disclosures."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    disclosures = (selectors.disclosures_visible_to(actor).filter(person=person)
                   .order_by("disclosed_at", "id"))
    header = [str(label) for _name, label in COLUMNS]
    content, count = (csv_content if fmt == CSV else _xlsx)(header, _rows(disclosures))
    audit_record(
        action=AuditAction.EXPORT, actor=actor, obj=person,
        fields=[name for name, _label in COLUMNS],
        reason=f"disclosure log for a data-subject access request; format {fmt}; "
        f"rows: {count}",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return ExportFile(content, CONTENT_TYPES[fmt], f"disclosures-{person.reference}-{stamp}.{fmt}",
                      count)
