"""The pages that grow with the registry run as many queries with three times the rows:
no query per row, so a page costs the same at a thousand persons and at a million.

Rows come from the synthetic-data generator (persons, families, identifiers, match keys,
cases, timelines, tasks), plus rows added to the very case, person or name on the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tawasul.cases import services
from tawasul.cases.models import Case, CaseEvent, CaseEventKind, Task
from tawasul.cases.tests.conftest import case_type, register
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.people import duplicates, synthetic
from tawasul.people.models import Person

pytestmark = pytest.mark.django_db

N = 60


def _queries(request: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
        assert getattr(response, "status_code", 200) == 200
    return len(captured)


def _grow(world: World, seed: int) -> None:
    """Twice N more synthetic persons (N were there): three times the rows."""
    synthetic.generate(persons=2 * N, seed=seed)


@pytest.fixture
def registry(world: World, catalog: None) -> World:
    synthetic.generate(persons=N, seed=1)
    return world


def _open_case(world: World, person: Person) -> Case:
    return services.case_open(
        actor=world.family_manager, center=world.family, person=person,
        case_type=case_type("family", "family-reconciliation"), risk_level="low",
        summary="Family details",
    )


def _add_timeline(world: World, case: Case, count: int) -> None:
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, kind=CaseEventKind.NOTE, author=world.family_manager,
                  occurred_at=now - dt.timedelta(hours=i), text=f"Visit {i}")
        for i in range(count)
    )
    Task.objects.bulk_create(
        Task(case=case, title=f"Call {i}", assigned_to=world.family_manager,
             created_by=world.family_manager, due_at=now + dt.timedelta(days=i - 2))
        for i in range(count)
    )


@pytest.mark.parametrize("params", [
    {},
    {"status": "open", "overdue": "on"},
    {"q": "Al-Kuwari"},
    {"q": "الكواري"},
    {"q": "C-"},
    {"page": "2"},
], ids=["plain", "filtered", "latin-name", "arabic-name", "reference", "page-2"])
def test_case_list_queries_do_not_grow_with_rows(
    client: Client, registry: World, params: dict[str, str]
) -> None:
    log_in(client, registry.family_manager)
    for _ in range(3):
        _open_case(registry, register(registry, "family_manager"))
    url = reverse("cases:list")
    few = _queries(lambda: client.get(url, params))
    _grow(registry, seed=2)
    for _ in range(30):  # a second page of the search, on every variant
        _open_case(registry, register(registry, "family_manager"))
    assert Case.objects.filter(center=registry.family).count() > 30
    assert _queries(lambda: client.get(url, params)) == few


def test_case_page_queries_do_not_grow_with_rows(client: Client, registry: World) -> None:
    log_in(client, registry.family_manager)
    case = _open_case(registry, register(registry, "family_manager"))
    _add_timeline(registry, case, 2)
    url = reverse("cases:detail", args=[case.pk])
    few = _queries(lambda: client.get(url))
    _grow(registry, seed=2)
    _add_timeline(registry, case, 10)
    assert _queries(lambda: client.get(url)) == few


def test_person_page_queries_do_not_grow_with_rows(client: Client, registry: World) -> None:
    log_in(client, registry.family_manager)
    person = register(registry, "family_manager",
                      identifiers=[{"type": "qid", "value": "31263400001"}])
    _add_timeline(registry, _open_case(registry, person), 2)
    url = reverse("people:detail", args=[person.pk])
    few = _queries(lambda: client.get(url))
    _grow(registry, seed=2)
    for case in [_open_case(registry, person) for _ in range(3)]:
        _add_timeline(registry, case, 3)
    assert _queries(lambda: client.get(url)) == few


DRAFT = {"given_name_latin": "Maryam", "family_name_latin": "Alkuwari",
         "date_of_birth": "2012-03-04", "sex": "female", "nationality": "QA"}


def test_suggestions_queries_do_not_grow_with_rows(registry: World) -> None:
    """suggest_duplicates: the same queries whether the name is held by 2 persons or 40,
    in a registry of N persons or 3N."""
    for _ in range(2):
        register(registry, "family_manager")
    user = registry.family_manager

    def suggest() -> list[duplicates.Suggestion]:
        return duplicates.suggest_duplicates(user=user, draft=DRAFT)

    duplicates._warm_up()
    few = _queries(suggest)
    assert len(suggest()) == 2
    _grow(registry, seed=2)
    for _ in range(38):
        register(registry, "family_manager")
    assert _queries(suggest) == few
    assert len(suggest()) == 10  # the limit: at most ten are shown


def test_undated_suggestions_read_common_names_up_to_the_cap(
    registry: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broad name-only key held by more than KEY_CAP persons is read up to KEY_CAP + 1
    of them: an undated draft of a very common name costs as much at a million persons
    as at a hundred."""
    monkeypatch.setattr(duplicates, "KEY_CAP", 5)
    undated = {k: v for k, v in DRAFT.items() if k != "date_of_birth"}
    record = duplicates.draft_record(undated)
    broad = [k for k in duplicates._lookup_keys(record) if k.startswith("gf:")]
    assert broad
    for _ in range(9):
        register(registry, "family_manager")
    assert {len(duplicates._postings(broad)[k]) for k in broad} == {6}
    # A dated draft never looks a broad key up: persons of that name and a near year
    # share a dated key.
    assert not any(k.startswith("gf:") for k in duplicates._lookup_keys(
        duplicates.draft_record(DRAFT)))


def test_suggestions_view_queries_do_not_grow_with_rows(
    client: Client, registry: World
) -> None:
    """The htmx fragment audits each suggestion it shows: as many queries for a full list
    (the limit) in a registry of N persons as in one of 3N."""
    for _ in range(12):
        register(registry, "family_manager")
    log_in(client, registry.family_manager)
    url = reverse("people:suggestions")
    few = _queries(lambda: client.post(url, DRAFT))
    _grow(registry, seed=2)
    for _ in range(20):
        register(registry, "family_manager")
    assert _queries(lambda: client.post(url, DRAFT)) == few
