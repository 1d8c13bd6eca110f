"""The community counts as CSV: the same suppressed tables as the page, one row per
domain and measure, the totals in rows of their own. UTF-8 with a BOM, so that a
spreadsheet shows the Arabic labels."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from tawasul.cases.exports import escape_formula
from tawasul.portal.selectors import CommunityCounts


def community_csv(counts: CommunityCounts) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Measure"), _("Domain"), *(f"{m:%Y-%m}" for m in counts.months),
                     _("Total")])
    for table in counts.tables:
        published = table.published
        if published.withheld:
            writer.writerow([table.measure, _("Withheld"), *([""] * len(counts.months)), ""])
            continue
        for row in table.rows:
            writer.writerow([table.measure, escape_formula(str(row.label)),
                             *(entry.display for entry in row.cells), row.total.display])
        writer.writerow([table.measure, _("Total"),
                         *(entry.display for entry in published.column_totals),
                         published.grand_total.display])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
