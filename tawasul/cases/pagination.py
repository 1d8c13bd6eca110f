"""Pagination of lists that grow with the registry.

Django's Paginator counts every matching row to print "Page 3 of 1,840": at a million
persons that count reads tens of thousands of index entries (and, with a name search,
rows) on every page view, more than the page itself costs. CappedPaginator counts at most
COUNT_CAP rows: below the cap the page behaves exactly as before; above it the list says
"more than 2,000 cases", offers the first COUNT_CAP / per_page pages, and the filters and
the search narrow it down (nobody pages through eighty pages of cases).

MatchesPaginator, for a search's matches, reads their ids once to count and page them.

DeferredJoinPaginator reads a page in two steps of one query: the ids of the page's rows
(the ordering's index alone, however deep the page), then those rows with their joins and
annotations. Django's Paginator joins and annotates every row it skips: page 40 of an
embassy's referrals would join a thousand rows to show twenty-five.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 2000


def page_bounds(paginator: Paginator, number: Any) -> tuple[int, int, int]:
    """The page's number and the bounds of its rows, as Paginator.page works them out
    (the last page takes the orphans), for paginators that read a page their own way."""
    number = paginator.validate_number(number)
    bottom = (number - 1) * paginator.per_page
    top = bottom + paginator.per_page
    if top + paginator.orphans >= paginator.count:
        top = paginator.count
    return number, bottom, top


def raw_rows(queryset: QuerySet[Any], *, count: bool = False) -> list[tuple[Any, ...]]:
    """The rows of a queryset's own compiled query, as the database gives them: without
    the ORM's conversion of each value, nor, with `count`, its aggregation machinery
    (cloning and re-resolving the whole query as a subquery), which cost several times
    the query itself. [] for a queryset that can match nothing."""
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return []
    if count:
        sql = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608
    with connections[queryset.db].cursor() as cursor:
        # The ORM's own compiled query; every value in it is a parameter.
        cursor.execute(sql, params)
        return cursor.fetchall()


class CappedPaginator(Paginator):
    def __init__(self, object_list: QuerySet[Any], per_page: int, cap: int | None = None,
                 *, counted: QuerySet[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        # What is counted: the rows of the list, or the same rows without the columns a
        # page shows when those are joined (each join would be read for every row counted).
        self.queryset = object_list if counted is None else counted
        cap = COUNT_CAP if cap is None else cap
        # A whole number of pages, so that the last page offered is a full one.
        self.cap = max(per_page, cap - cap % per_page)

    @cached_property
    def _counted(self) -> int:
        # SELECT COUNT(*) FROM (SELECT id ... LIMIT cap + 1): no ordering, no annotation,
        # stops reading after cap + 1 rows (raw_rows, not QuerySet.count()).
        capped = self.queryset.order_by().values("pk")[: self.cap + 1]
        rows = raw_rows(capped, count=True)
        return int(rows[0][0]) if rows else 0

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def is_capped(self) -> bool:
        """More rows match than were counted (and than the pages offered show)."""
        return self._counted > self.cap


class MatchesPaginator(CappedPaginator):
    """For a list narrowed by an indexed search: one query reads the ids of up to cap + 1
    matches in the list's order, which both counts them and says which are on the page;
    the page's rows are then read by their ids. A count and a page of the same matches
    would each find them all again (the persons holding a name's keys, then their cases
    in the center): half the work for a common name at a million persons.

    `matches` is the scoped, searched list (it alone decides which rows are listed);
    `rows` says how a row is read, by id, without the search's conditions (which the
    database would otherwise evaluate again, from the search's side)."""

    def __init__(self, matches: QuerySet[Any], rows: QuerySet[Any], per_page: int, *,
                 ordering: tuple[str, ...], **kwargs: Any) -> None:
        self.rows = rows.order_by(*ordering)
        super().__init__(self.rows, per_page, counted=matches, **kwargs)
        self.ordering = ordering

    @cached_property
    def _ids(self) -> list[Any]:
        """The matches' ids as the database gives them (a common name at a million
        persons has hundreds): only the page's are turned into the key's Python type
        (see page), not every one counted."""
        ids = self.queryset.order_by(*self.ordering).values("pk")[: self.cap + 1]
        return [row[0] for row in raw_rows(ids)]

    @cached_property
    def _counted(self) -> int:
        return len(self._ids)

    def page(self, number: Any) -> Page:
        number, bottom, top = page_bounds(self, number)
        pk = self.rows.model._meta.pk
        return Page(self.rows.filter(pk__in=[pk.to_python(value) for value in
                                             self._ids[bottom:top]]), number, self)


class DeferredJoinPaginator(Paginator):
    """A Paginator whose pages are `WHERE id IN (SELECT id ... ORDER BY ... LIMIT n OFFSET
    m)` of the list's own queryset, ordered as the list is."""

    def __init__(self, object_list: QuerySet[Any], per_page: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.queryset = object_list

    def page(self, number: Any) -> Page:
        number, bottom, top = page_bounds(self, number)
        rows = self.queryset
        if bottom or top < self.count:
            rows = rows.filter(pk__in=rows.values("pk")[bottom:top])
        return Page(rows, number, self)
