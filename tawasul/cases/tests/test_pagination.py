"""The case list counts at most COUNT_CAP cases: below the cap it pages as before, above
it it says so and offers the pages up to the cap."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tawasul.cases import pagination, services, views
from tawasul.cases.models import Case, Task
from tawasul.cases.tests.conftest import case_type, register
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_cases(world: World, catalog: None) -> None:
    for _ in range(5):
        services.case_open(
            actor=world.family_manager, center=world.family,
            person=register(world, "family_manager"),
            case_type=case_type("family", "family-reconciliation"), risk_level="low",
            summary="Family details",
        )


def test_below_the_cap_the_list_counts_every_case(
    client: Client, world: World, five_cases: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(pagination, "COUNT_CAP", 6)
    log_in(client, world.family_manager)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("cases:list"), {"page": "3"})
    page = response.context["page_obj"]
    assert page.paginator.count == 5 and not page.paginator.is_capped
    assert page.paginator.num_pages == 3 and len(page.object_list) == 1
    assert "5 cases" in response.content.decode()


def test_above_the_cap_the_list_says_more_than(
    client: Client, world: World, five_cases: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(pagination, "COUNT_CAP", 4)
    log_in(client, world.family_manager)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("cases:list"), {"page": "9"})
    page = response.context["page_obj"]
    assert page.paginator.is_capped and page.paginator.count == 4
    # The pages offered end at the cap; the last of them is full.
    assert page.number == page.paginator.num_pages == 2 and len(page.object_list) == 2
    assert not page.has_next()
    assert "More than 4 cases" in response.content.decode()
    # A filter that matches fewer than the cap counts them all again.
    response = client.get(reverse("cases:list"), {"q": "no such name"})
    assert not response.context["page_obj"].paginator.is_capped


def test_the_overdue_badge_marks_the_cases_with_an_open_overdue_task(
    client: Client, world: World, five_cases: None
) -> None:
    """The flag is computed for the page's rows after paging (with_overdue_flags)."""
    late, done, future, *_ = Case.objects.filter(center=world.family).order_by("reference")
    now = timezone.now()
    for case, due, done_at in ((late, -1, None), (done, -1, now), (future, 3, None)):
        Task.objects.create(case=case, title="Call", due_at=now + dt.timedelta(days=due),
                            done_at=done_at, assigned_to=world.family_manager)
    log_in(client, world.family_manager)
    response = client.get(reverse("cases:list"))
    flags = {case.pk: case.has_overdue_task for case in response.context["page_obj"]}
    assert len(flags) == 5
    assert {pk for pk, overdue in flags.items() if overdue} == {late.pk}
    assert response.content.decode().count("badge text-bg-warning") == 1


def test_the_count_reads_the_cases_alone_and_an_invalid_filter_counts_none(
    client: Client, world: World, five_cases: None
) -> None:
    """The names a row shows are joined for the page's rows only: counting does not read
    the persons, types or managers of every case counted."""
    log_in(client, world.family_manager)
    client.cookies["django_language"] = "en"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:list"))
    assert response.context["page_obj"].paginator.count == 5
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT")
              and "cases_case" in q["sql"]]
    assert len(counts) == 1
    assert "people_person" not in counts[0] and "accounts_user" not in counts[0]
    assert "cases_casetype" not in counts[0]
    response = client.get(reverse("cases:list"), {"case_type": "not a type"})
    assert response.context["page_obj"].paginator.count == 0
    assert "0 cases" in response.content.decode()


@pytest.mark.parametrize("orphans", [0, 1])
def test_deferred_join_pages_hold_the_rows_of_django_pages_in_the_same_order(
    world: World, five_cases: None, orphans: int
) -> None:
    from django.core.paginator import Paginator
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    # An ordering with ties (one center) broken by the id, an annotation and a join, as
    # the lists have them.
    qs = (Case.objects.select_related("person").filter(center=world.family)
          .annotate(label=Concat(F("reference"), Value("/"), F("risk_level")))
          .order_by("center_id", "-id"))
    plain = Paginator(qs, 2, orphans=orphans)
    deferred = pagination.DeferredJoinPaginator(qs, 2, orphans=orphans)
    assert deferred.num_pages == plain.num_pages
    for number in plain.page_range:
        expected = [(c.pk, c.label, c.person.pk) for c in plain.page(number)]
        with CaptureQueriesContext(connection) as queries:
            rows = [(c.pk, c.label, c.person.pk) for c in deferred.page(number)]
        assert rows == expected and rows
        assert len(queries) == 1  # the ids and the rows in one query; the person joined
    # A deep page reads its rows by the ids of that page alone.
    with CaptureQueriesContext(connection) as queries:
        list(deferred.page(2))
    assert "IN (SELECT" in queries[0]["sql"]


def test_a_search_reads_its_matches_once_to_count_and_page_them(
    client: Client, world: World, five_cases: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The five cases' persons share a name: the search pages them as the list does, in
    the list's order, and counts and caps them alike; a case of the same name in another
    center is neither counted nor shown."""
    services.case_open(
        actor=world.protection_director, center=world.protection, person=register(world),
        case_type=case_type("protection", "child-neglect"), risk_level="low",
        is_restricted=False)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(pagination, "COUNT_CAP", 6)
    log_in(client, world.family_manager)
    listed = [c for n in (1, 2, 3)
              for c in client.get(reverse("cases:list"), {"page": n}).context["page_obj"]]
    assert len(listed) == 5
    searched = []
    for n in (1, 2, 3):
        page = client.get(reverse("cases:list"),
                          {"q": "Maryam Al-Kuwari", "page": n}).context["page_obj"]
        assert isinstance(page.paginator, pagination.MatchesPaginator)
        assert page.paginator.count == 5 and not page.paginator.is_capped
        searched += list(page)
    assert searched == listed
    monkeypatch.setattr(pagination, "COUNT_CAP", 4)
    page = client.get(reverse("cases:list"),
                      {"q": "مريم الكواري", "page": "9"}).context["page_obj"]
    assert page.paginator.is_capped and page.paginator.count == 4
    assert page.number == 2 and list(page) == listed[2:4]
