"""`GET /api/v1/community-counts/`: the same suppressed tables as the community page.

An embassy's users get their own country's (`?country=` may be omitted; any other code
answers 404); the ministry's supervisors and the analysts name a country (400 without
one, or with a code that is not one); everyone else 404. The answer has the shape of a
list (`results`, one per table: referrals and cases) so that clients read it like the
other lists; it is never more than one page.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tawasul.api.views import LIST_ERRORS
from tawasul.portal import access, selectors
from tawasul.portal.suppression import COMPLEMENTARY, SMALL, THRESHOLD, Entry


class EntrySerializer(serializers.Serializer):
    count = serializers.IntegerField(
        allow_null=True, help_text="The count; null when it is withheld.")
    display = serializers.CharField(help_text="As shown: the count, \"<5\" or \"×\".")
    suppressed = serializers.ChoiceField(
        choices=[SMALL, COMPLEMENTARY], allow_null=True,
        help_text="small: fewer than 5 (1 to 4, or 0 to 4 when zeros_hidden); "
        "complementary: 5 or more, withheld so that a small count cannot be worked out.")


class RowSerializer(serializers.Serializer):
    domain = serializers.CharField()
    name = serializers.CharField(help_text="The domain's name in the language asked for.")
    cells = EntrySerializer(many=True, help_text="One per month, oldest first.")
    total = EntrySerializer()


class TableSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(choices=[selectors.REFERRALS, selectors.CASES])
    title = serializers.CharField()
    withheld = serializers.BooleanField(
        help_text="Nothing of the table may be shown (rows and totals are then empty).")
    zeros_hidden = serializers.BooleanField(help_text="In this table \"<5\" reads 0 to 4.")
    rows = RowSerializer(many=True)
    column_totals = EntrySerializer(many=True)
    grand_total = EntrySerializer(allow_null=True)


class CommunityCountsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2.")
    months = serializers.ListField(child=serializers.CharField(), help_text="YYYY-MM.")
    threshold = serializers.IntegerField()
    results = TableSerializer(many=True)


def _entry(entry: Entry) -> dict[str, Any]:
    return {"count": entry.count, "display": entry.display,
            "suppressed": entry.suppression or None}


def _table(table: selectors.CommunityTable) -> dict[str, Any]:
    published = table.published
    if published.withheld:
        return {"measure": table.measure, "title": str(table.title), "withheld": True,
                "zeros_hidden": published.zeros_hidden, "rows": [], "column_totals": [],
                "grand_total": None}
    return {
        "measure": table.measure,
        "title": str(table.title),
        "withheld": False,
        "zeros_hidden": published.zeros_hidden,
        "rows": [{"domain": row.domain, "name": str(row.label),
                  "cells": [_entry(e) for e in row.cells], "total": _entry(row.total)}
                 for row in table.rows],
        "column_totals": [_entry(e) for e in published.column_totals],
        "grand_total": _entry(published.grand_total),
    }


class _ReportSchema(AutoSchema):
    """One report, answered at a collection's URL: not an array of reports."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class CommunityCountsViewSet(viewsets.ViewSet):
    schema = _ReportSchema()

    @extend_schema(
        summary="Counts of a community's referrals and cases",
        description=(
            "Referrals and cases of the nationals of a country, by domain and month over "
            "the last twelve months, with counts from 1 to 4 shown as \"<5\" and other "
            "counts withheld (\"×\") wherever a small count could otherwise be worked out "
            "from the totals. Persons flagged \"no contact with home country\" are not "
            "counted. An embassy's users read their own country's; the ministry's "
            "supervisors and the foundation's analysts any country's."),
        parameters=[OpenApiParameter(
            "country", OpenApiTypes.STR,
            description="ISO 3166-1 alpha-2 code, e.g. PH. Optional for an embassy's users "
            "(their own; another answers 404); required for the others.")],
        responses={200: CommunityCountsSerializer, **LIST_ERRORS},
    )
    def list(self, request: Request) -> Response:
        code = access.access_community(request.user, request.query_params.get("country"))
        counts = selectors.community_counts(code)
        tables = [_table(table) for table in counts.tables]
        return Response({
            "count": len(tables), "next": None, "previous": None,
            "country": counts.country,
            "months": [f"{month:%Y-%m}" for month in counts.months],
            "threshold": THRESHOLD,
            "results": tables,
        })
