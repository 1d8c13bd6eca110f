"""The case list's search: references and identifiers by an exact indexed lookup, names
through the registry's matching keys (either script, across name fields), never beyond
the viewer's cases, and in as many queries whatever the number of matches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tawasul.cases import selectors, services
from tawasul.cases.models import Case
from tawasul.cases.tests.conftest import case_type, register
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.people.models import Person

pytestmark = pytest.mark.django_db


def _open(world: World, person: Person, center: str = "protection") -> Case:
    if center == "protection":
        return services.case_open(
            actor=world.protection_director, center=world.protection, person=person,
            case_type=case_type("protection", "child-neglect"), risk_level="low",
            is_restricted=False)
    return services.case_open(
        actor=world.family_manager, center=world.family, person=person,
        case_type=case_type("family", "family-reconciliation"), risk_level="low",
        summary="Family details")


def _listed(client: Client, q: str) -> list[Case]:
    return list(client.get(reverse("cases:list"), {"q": q}).context["page_obj"])


@pytest.fixture
def cases(world: World, catalog: None) -> dict[str, Case]:
    """Maryam Al-Kuwari (both scripts, separate fields) with a passport; Mohammed
    Al-Kuwari registered in Arabic only; Sara Al-Marri; all in the protection center."""
    maryam = register(world, identifiers=[
        {"type": "passport", "value": "P7654321", "issuing_country": "PH"}])
    mohammed = register(world, given_name_ar="محمد", family_name_ar="الكواري",
                        given_name_latin="", family_name_latin="", sex="male",
                        date_of_birth=None)
    sara = register(world, given_name_ar="سارة", family_name_ar="المري",
                    given_name_latin="Sara", family_name_latin="Al-Marri")
    return {"maryam": _open(world, maryam), "mohammed": _open(world, mohammed),
            "sara": _open(world, sara)}


def test_a_reference_finds_its_case_exactly(client: Client, world: World,
                                            cases: dict[str, Case]) -> None:
    log_in(client, world.protection_manager)
    case = cases["sara"]
    assert _listed(client, case.reference) == [case]
    assert _listed(client, case.reference.lower()) == [case]
    assert _listed(client, case.person.reference) == [case]
    assert _listed(client, case.reference + "9") == []


def test_an_identifier_is_looked_up_as_the_registry_stores_it(
    client: Client, world: World, cases: dict[str, Case]
) -> None:
    log_in(client, world.protection_manager)
    assert _listed(client, "P7654321") == [cases["maryam"]]
    assert _listed(client, "p 765-4321") == [cases["maryam"]]  # normalized
    assert _listed(client, "P7654320") == []


def test_a_latin_name_finds_a_person_registered_in_arabic(
    client: Client, world: World, cases: dict[str, Case]
) -> None:
    log_in(client, world.protection_manager)
    assert _listed(client, "Mohammed Al-Kuwari") == [cases["mohammed"]]
    assert _listed(client, "Muhammad Alkuwari") == [cases["mohammed"]]
    assert _listed(client, "محمد الكواري") == [cases["mohammed"]]


def test_a_name_typed_across_fields_is_found(client: Client, world: World,
                                             cases: dict[str, Case]) -> None:
    log_in(client, world.protection_manager)
    assert _listed(client, "Maryam Al-Kuwari") == [cases["maryam"]]
    assert _listed(client, "مريم الكواري") == [cases["maryam"]]
    assert _listed(client, "Sara Al-Marri") == [cases["sara"]]
    assert _listed(client, "Sara Al-Kuwari") == []


def test_a_single_name_is_read_in_the_names_of_ones_cases(
    client: Client, world: World, cases: dict[str, Case]
) -> None:
    log_in(client, world.protection_manager)
    assert _listed(client, "Kuwari") == [cases["maryam"]]
    assert _listed(client, "المري") == [cases["sara"]]
    assert _listed(client, "Nobody") == []


def test_words_that_make_one_compound_name_are_looked_up_by_its_keys(
    client: Client, world: World, cases: dict[str, Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person registered as "Abdul Sharma" (one compound, no pair of names to key) and
    one whose given name is the compound «عبد الرحمن» are found by the compound typed in
    either script and spelling, without reading the names of the center's cases; the
    compound alone is capped as a common name is."""
    sharma = _open(world, register(world, sex="male", given_name_ar="", family_name_ar="",
                                   given_name_latin="", family_name_latin="",
                                   full_name_latin="Abdul Sharma", date_of_birth=None))
    rahman = _open(world, register(world, sex="male", given_name_ar="عبد الرحمن",
                                   family_name_ar="الكواري", given_name_latin="",
                                   family_name_latin="", date_of_birth=None))
    log_in(client, world.protection_manager)
    assert selectors.search_cases(Case.objects.all(), "Abdul Sharma",
                                   center_id=world.protection.pk).unsearchable == ""
    assert _listed(client, "Abdul Sharma") == [sharma]
    assert _listed(client, "Abdel Sharma") == [sharma]
    assert _listed(client, "عبد شارما") == [sharma]
    assert _listed(client, "Abdul Rahman") == [rahman]
    assert _listed(client, "Abdel Rahman") == [rahman]
    assert _listed(client, "عبد الرحمن") == [rahman]
    assert _listed(client, "Abdul Karim") == []
    # One word is still read by substring, in every part of every name.
    assert selectors.search_cases(Case.objects.all(), "Sharma",
                                   center_id=world.protection.pk).unsearchable == "one_name"
    assert _listed(client, "Sharma") == [sharma]
    monkeypatch.setattr(selectors, "SEARCH_BROAD_KEY_CAP", 0)
    assert _listed(client, "Abdul Rahman") == []
    assert selectors.search_cases(Case.objects.all(), "Abdul Rahman",
                                   center_id=world.protection.pk).unsearchable == (
        "common_name")


def test_a_name_held_by_too_many_of_the_centers_cases_is_not_looked_up(
    client: Client, world: World, cases: dict[str, Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap counts the center's cases of the name, not the registry's persons: more
    persons of the name elsewhere, or without a case here, do not make it too common."""
    for _ in range(3):
        register(world, sex="male", given_name_ar="محمد", given_name_latin="Mohammed",
                 date_of_birth=None)
    _open(world, register(world, "family_manager", sex="male", given_name_ar="محمد",
                          given_name_latin="Mohammed", date_of_birth=None), center="family")
    monkeypatch.setattr(selectors, "SEARCH_BROAD_KEY_CAP", 1)
    log_in(client, world.protection_manager)
    assert _listed(client, "Mohammed Al-Kuwari") == [cases["mohammed"]]
    second = _open(world, register(world, sex="male", given_name_ar="محمد",
                                   given_name_latin="Mohammed", date_of_birth=None))
    log_in(client, world.protection_manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("cases:list"), {"q": "Mohammed Al-Kuwari"})
    assert list(response.context["page_obj"]) == []
    assert [m.message for m in get_messages(response.wsgi_request)] == [
        "This name is too common to search by alone: add the father's name, or search by "
        "reference or identifier."]
    # Below the cap the same name is looked up again.
    monkeypatch.setattr(selectors, "SEARCH_BROAD_KEY_CAP", 2)
    assert set(_listed(client, "Mohammed Al-Kuwari")) == {cases["mohammed"], second}


def test_a_person_of_another_center_is_not_found(client: Client, world: World,
                                                 cases: dict[str, Case]) -> None:
    theirs = _open(world, register(world, "family_manager"), center="family")
    log_in(client, world.protection_manager)
    assert _listed(client, "Maryam Al-Kuwari") == [cases["maryam"]]
    assert _listed(client, theirs.reference) == []
    assert _listed(client, theirs.person.reference) == []
    log_in(client, world.family_manager)
    assert _listed(client, "Maryam Al-Kuwari") == [theirs]
    assert _listed(client, "P7654321") == []


def _queries(request: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert request().status_code == 200
    return len(captured)


@pytest.mark.parametrize("q", ["Maryam Al-Kuwari", "مريم الكواري", "P7654321"])
def test_the_search_costs_as_many_queries_whatever_the_matches(
    client: Client, world: World, cases: dict[str, Case], q: str
) -> None:
    log_in(client, world.protection_manager)
    url = reverse("cases:list")
    assert _listed(client, q)
    few = _queries(lambda: client.get(url, {"q": q}))
    for _ in range(5):
        _open(world, cases["maryam"].person)
    assert len(_listed(client, q)) == 6
    assert _queries(lambda: client.get(url, {"q": q})) == few


def test_search_kind() -> None:
    assert selectors.search_kind("C-2026-000123") == "case_reference"
    assert selectors.search_kind(" p-2026-000001 ") == "person_reference"
    assert selectors.search_kind("29876543210") == "identifier"
    assert selectors.search_kind("٢٩٨٧٦٥٤٣٢١٠") == "identifier"
    assert selectors.search_kind("AB 12-34") == "identifier"
    assert selectors.search_kind("Maryam Al-Kuwari") == "name"


# The planner's statistics of the 1M bench database (ANALYZE, scripts/bench.py): a
# million cases in seven centers of about 143,000, two million name keys.
NATIONAL_SCALE_STATS = [
    ("cases_case", None, "1000032"),
    ("cases_case", "sqlite_autoindex_cases_case_1", "1000032 1"),
    ("cases_case", "case_center_time_access", "1000032 142862 1 1 1 1"),
    ("cases_case", "case_id_access", "1000032 1 1 1 1 1"),
    ("cases_case", "cases_case_center_id_de7b7087", "1000032 142862"),
    ("cases_casenamekey", "case_name_key", "2072981 296141 3 1"),
]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan (PostgreSQL "
                    "chooses an index-only scan of case_id_access at national scale too)")
def test_a_name_search_checks_each_case_found_in_the_index_alone(
    world: World, cases: dict[str, Case]
) -> None:
    """With the statistics of a million cases, who sees each case the name's keys find,
    and its opening date, are read from the case_id_access index: through the primary
    key, the case's row was one more page read for every case of a common name."""
    user = world.protection_director
    found = selectors.search_cases(selectors.cases_visible_to(user), "Maryam Al-Kuwari",
                                   center_id=user.organization_id).cases
    ids = found.order_by("-opened_at").values_list("pk", flat=True)
    assert list(ids) == [cases["maryam"].pk]
    sql, params = ids.query.get_compiler(using=ids.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # creates sqlite_stat1; the test's transaction undoes it
        cursor.execute("DELETE FROM sqlite_stat1")
        cursor.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)",
                           NATIONAL_SCALE_STATS)
        cursor.execute("ANALYZE sqlite_schema")  # the planner reads them again
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[-1] for row in cursor.fetchall()]
    assert any("cases_case USING COVERING INDEX case_id_access (id=?" in step
               for step in plan), plan
