"""Page-numbered lists: `{"count", "next", "previous", "results": [...]}`.

`page_size` is capped at MAX_PAGE_SIZE (a larger value gives the largest page, so a
client written for a bigger cap still works); a `page` or `page_size` that is not a
positive integer answers 400, a page past the end 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView

MAX_PAGE_SIZE = 200


def _positive_int(value: str) -> int | None:
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        return None
    number = int(value)
    return number if number > 0 else None


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = _(  # type: ignore[assignment]
        "Number of results per page (default 50, at most 200; larger values give 200)."
    )

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        number = _positive_int(raw)
        if number is None:
            raise ValidationError(
                {self.page_size_query_param: [_("Must be a positive whole number.")]}
            )
        return min(number, self.max_page_size or number)

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        raw = request.query_params.get(self.page_query_param)
        if raw and raw not in self.last_page_strings and _positive_int(raw) is None:
            raise ValidationError({self.page_query_param: [_("Must be a positive whole number.")]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise NotFound(_("This page does not exist."), code="invalid_page") from None

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "next", "previous", "results"]
        return response

