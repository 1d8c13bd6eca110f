"""The case list page audits what it shows: one READ entry per page view, with the names
of the filters (never what was typed), the number of matching cases and the ids shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import services
from tawasul.cases.models import Case
from tawasul.cases.tests.conftest import case_type, register
from tawasul.cases.views import CASE_LIST_FIELDS, PAGE_SIZE
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.people.models import Person

pytestmark = pytest.mark.django_db


def list_reads() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.READ, object_type="cases.case",
                                          reason__startswith="case list")
                .order_by("occurred_at", "pk"))


def open_case(world: World, person: Person, risk_level: str = "low") -> Case:
    return services.case_open(
        actor=world.protection_director, center=world.protection, person=person,
        case_type=case_type("protection", "child-abuse"), risk_level=risk_level,
        is_restricted=False, assigned_manager=world.protection_manager,
    )


def test_each_page_view_is_one_entry_with_filter_names_count_and_ids(
    client: Client, world: World, catalog: None, person: Person
) -> None:
    maryam = open_case(world, person, risk_level="high")
    other = open_case(world, register(world, given_name_ar="سارة", given_name_latin="Sara",
                                      family_name_latin="Al-Marri"))
    log_in(client, world.protection_manager)

    client.get(reverse("cases:list"))
    [entry] = list_reads()
    assert entry.actor == world.protection_manager
    assert entry.fields == sorted(CASE_LIST_FIELDS)
    assert entry.reason.startswith("case list page 1; filters: none; rows: 2; shown: ")
    assert {str(maryam.pk), str(other.pk)} <= set(entry.reason.split())

    client.get(reverse("cases:list"), {"q": "Maryam", "risk_level": "high"})
    entry = list_reads()[-1]
    assert "filters: q, risk_level; rows: 1;" in entry.reason
    assert str(maryam.pk) in entry.reason and str(other.pk) not in entry.reason
    # What was typed, and the person's names, never appear.
    for value in ("Maryam", "مريم", "Al-Kuwari", "high", maryam.reference):
        assert value not in entry.reason
    assert len(list_reads()) == 2


def test_an_empty_result_and_invalid_filters_are_recorded_too(
    client: Client, world: World, catalog: None, person: Person
) -> None:
    open_case(world, person)
    log_in(client, world.protection_manager)
    client.get(reverse("cases:list"), {"q": "nobody by this name"})
    client.get(reverse("cases:list"), {"status": "no-such-status"})
    empty, invalid = list_reads()
    assert "filters: q; rows: 0; shown: " in empty.reason
    assert "nobody" not in empty.reason
    assert "filters: invalid; rows: 0;" in invalid.reason


def test_the_entry_names_the_page_and_only_its_rows(
    client: Client, world: World, catalog: None, person: Person
) -> None:
    for i in range(PAGE_SIZE + 2):
        open_case(world, register(world, given_name_ar=f"اسم{i}", given_name_latin=f"Name{i}",
                                  family_name_latin="Test"))
    log_in(client, world.protection_director)
    client.get(reverse("cases:list"), {"page": 2})
    [entry] = list_reads()
    assert entry.reason.startswith(f"case list page 2; filters: none; rows: {PAGE_SIZE + 2};")
    assert len(entry.reason.split("shown: ")[1].split()) == 2


def test_a_capped_count_is_recorded_as_such(
    client: Client, world: World, catalog: None, person: Person, monkeypatch: Any
) -> None:
    monkeypatch.setattr("tawasul.cases.pagination.COUNT_CAP", PAGE_SIZE)
    for i in range(PAGE_SIZE + 1):
        open_case(world, register(world, given_name_ar=f"اسم{i}", given_name_latin=f"Name{i}",
                                  family_name_latin="Test"))
    log_in(client, world.protection_director)
    client.get(reverse("cases:list"))
    [entry] = list_reads()
    assert f"rows: more than {PAGE_SIZE};" in entry.reason


@pytest.mark.parametrize("username", ["consul_ph", "supervisor", "intake", "admin"])
def test_no_read_is_recorded_for_those_who_get_404(
    client: Client, world: World, catalog: None, person: Person, username: str
) -> None:
    open_case(world, person)
    log_in(client, world.users[username])
    assert client.get(reverse("cases:list")).status_code == 404
    assert list_reads() == []
