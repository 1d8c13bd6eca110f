"""Pagination of lists that grow with the registry.

Django's Paginator counts every matching row to print "Page 3 of 1,840": at a million
persons that count reads tens of thousands of index entries (and, with a name search,
rows) on every page view, more than the page itself costs. CappedPaginator counts at most
COUNT_CAP rows: below the cap the page behaves exactly as before; above it the list says
"more than 2,000 cases", offers the first COUNT_CAP / per_page pages, and the filters and
the search narrow it down (nobody pages through eighty pages of cases).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 2000


class CappedPaginator(Paginator):
    def __init__(self, object_list: QuerySet[Any], per_page: int, cap: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.queryset = object_list
        cap = COUNT_CAP if cap is None else cap
        # A whole number of pages, so that the last page offered is a full one.
        self.cap = max(per_page, cap - cap % per_page)

    @cached_property
    def _counted(self) -> int:
        # SELECT COUNT(*) FROM (SELECT id ... LIMIT cap + 1): no ordering, no annotation,
        # stops reading after cap + 1 rows.
        return self.queryset.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def is_capped(self) -> bool:
        """More rows match than were counted (and than the pages offered show)."""
        return self._counted > self.cap
