from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.errors import PermissionDenied
from tawasul.common.testing import World
from tawasul.people import duplicates, services
from tawasul.people.duplicates import suggest_duplicates
from tawasul.people.matching import records as engine
from tawasul.people.models import Person, PersonMatchKey
from tawasul.people.tests.conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def arabic_record(world: World) -> Person:
    """Registered by the protection center in Arabic script only."""
    return register(world, given_name_ar="محمد", father_name_ar="عبد الرحمن",
                    family_name_ar="الكواري", given_name_latin="", family_name_latin="",
                    date_of_birth=dt.date(1987, 5, 1))


@pytest.fixture
def unrelated(world: World) -> Person:
    return register(world, given_name_ar="سارة", father_name_ar="يوسف", family_name_ar="المري",
                    given_name_latin="Sara", family_name_latin="Al-Marri", sex="female",
                    date_of_birth=dt.date(1995, 9, 9), nationality="PH")


def test_register_stores_blocking_keys_and_update_replaces_them(
    world: World, arabic_record: Person
) -> None:
    before = set(PersonMatchKey.objects.filter(person=arabic_record).values_list("key", flat=True))
    assert before
    services.person_update(actor=world.protection_manager, person=arabic_record,
                           given_name_ar="أحمد", date_of_birth=dt.date(1990, 1, 1))
    after = set(PersonMatchKey.objects.filter(person=arabic_record).values_list("key", flat=True))
    assert after and after != before


def test_a_compound_name_is_stored_for_the_search_and_backfilled_by_the_migration(
    world: World, arabic_record: Person
) -> None:
    """The father's name «عبد الرحمن» is one compound: its `gc:` key is stored with the
    blocking keys, and the migration that added the kind writes it for persons stored
    before (and only it: the blocking keys are not touched)."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tawasul.people.migrations.0003_compound_name_keys")
    stored = set(PersonMatchKey.objects.filter(person=arabic_record).values_list("key", "kind"))
    assert ("gc:bdrhmn", "gc") in stored
    assert {kind for _key, kind in stored} - {"gc"}  # the blocking keys beside it
    PersonMatchKey.objects.filter(kind="gc").delete()
    migration.add_compound_keys(apps, None)
    migration.add_compound_keys(apps, None)  # run twice: nothing doubled
    assert set(PersonMatchKey.objects.filter(person=arabic_record)
               .values_list("key", "kind")) == stored
    migration.remove_compound_keys(apps, None)
    assert not PersonMatchKey.objects.filter(kind="gc").exists()


def test_latin_draft_finds_the_arabic_record_of_another_center(
    world: World, arabic_record: Person, unrelated: Person
) -> None:
    draft = {"given_name_latin": "Muhammad", "father_name_latin": "Abdul Rahman",
             "family_name_latin": "Alkuwari", "date_of_birth": "1987-05-01", "sex": "male",
             "nationality": "QA"}
    suggestions = suggest_duplicates(user=world.family_manager, draft=draft)
    assert [s.person for s in suggestions] == [arabic_record]
    codes = {r.code for r in suggestions[0].reasons}
    assert codes & {"arabic_matches_latin_same_birth_year", "arabic_matches_latin"}
    assert all(r.message for r in suggestions[0].reasons)


def test_typed_identifier_is_always_suggested_first(
    world: World, person: Person, unrelated: Person
) -> None:
    draft = {"given_name_latin": "Someone Else", "identifiers": [
        {"type": "qid", "value": "2876 3400 001"}]}
    suggestions = suggest_duplicates(user=world.intake, draft=draft)
    assert suggestions[0].person == person
    assert "same_identifier" in {r.code for r in suggestions[0].reasons}
    assert unrelated not in [s.person for s in suggestions]


def test_a_typed_identifier_is_shown_with_its_reasons_when_all_else_disagrees(
    world: World
) -> None:
    """The passport typed is this person's, though the Qatar ID, the sex and the birth
    date typed are not: the worker sees them first, with the reason, though the score is
    low (a candidate whom the other evidence rules out is otherwise answered early,
    without a comparison of names and without reasons)."""
    holder = register(world, identifiers=[
        {"type": "passport", "value": "N1234567", "issuing_country": "IN"},
        {"type": "qid", "value": "287 634 00001"}])
    draft = {"given_name_latin": "Priya", "family_name_latin": "Nair", "sex": "female",
             "date_of_birth": "1960-02-03", "identifiers": [
                 {"type": "passport", "value": "n1234567", "issuing_country": "IN"},
                 {"type": "qid", "value": "29035600002"}]}
    suggestions = suggest_duplicates(user=world.intake, draft=draft)
    assert suggestions[0].person == holder
    assert "same_identifier" in {r.code for r in suggestions[0].reasons}
    assert suggestions[0].score < duplicates.MIN_SCORE


def test_a_namesake_of_another_sex_born_decades_apart_is_not_suggested(
    world: World, arabic_record: Person
) -> None:
    namesake = register(world, given_name_ar="محمد", father_name_ar="عبد الرحمن",
                        family_name_ar="الكواري", given_name_latin="", family_name_latin="",
                        sex="female", date_of_birth=dt.date(1950, 5, 1))
    draft = {"given_name_ar": "محمد", "father_name_ar": "عبد الرحمن",
             "family_name_ar": "الكواري", "date_of_birth": "1987-05-01", "sex": "male"}
    suggested = [s.person for s in suggest_duplicates(user=world.intake, draft=draft)]
    assert arabic_record in suggested
    assert namesake not in suggested


def test_nothing_typed_nothing_suggested(world: World, person: Person) -> None:
    assert suggest_duplicates(user=world.protection_manager, draft={}) == []


@pytest.mark.parametrize("name", ["consul_ph", "supervisor", "analyst", "unesco_fp"])
def test_users_who_may_not_register_get_no_suggestions(
    world: World, person: Person, name: str
) -> None:
    with pytest.raises(PermissionDenied):
        suggest_duplicates(user=world.users[name], draft={"given_name_ar": "محمد"})
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     actor=world.users[name]).exists()


def test_suggestion_queries_do_not_grow_with_candidates(
    world: World, django_assert_max_num_queries: object
) -> None:
    for day in range(1, 7):
        register(world, given_name_ar="محمد", family_name_ar="الكواري", given_name_latin="",
                 family_name_latin="", date_of_birth=dt.date(1987, 5, day))
    draft = {"full_name_latin": "Mohammed Al-Kuwari", "date_of_birth": "1987-05-03",
             "identifiers": [{"type": "passport", "value": "X1", "issuing_country": "PH"}]}
    # identifier lookup, key lookup, the candidates' rows and their identifiers: the persons
    # shown are made from the rows they were scored from
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        suggestions = suggest_duplicates(user=world.family_manager, draft=draft)
    assert suggestions[0].person.date_of_birth == dt.date(1987, 5, 3)


# --- Bounded work: a common key is read up to KEY_CAP persons -------------------------

RASHID = {"given_name_latin": "Rashid", "family_name_latin": "Al-Marri",
          "date_of_birth": "1990-06-15", "sex": "male", "nationality": "QA"}


def _namesakes(world: World, count: int) -> list[Person]:
    """Persons named like RASHID, born in 1990 on other days: they share its name and year
    key (gfy:), and no exact-date key."""
    return [register(world, given_name_ar="", father_name_ar="", family_name_ar="",
                     given_name_latin="Rashid", family_name_latin="Al-Marri",
                     date_of_birth=dt.date(1990, 1, 1) + dt.timedelta(days=day))
            for day in range(count)]


@pytest.fixture
def small_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(duplicates, "KEY_CAP", 3)
    monkeypatch.setattr(duplicates, "MAX_CANDIDATES", 2)


def test_a_key_held_by_more_than_the_cap_is_read_up_to_it(
    world: World, small_caps: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight namesakes, a cap of three: four of them are read, two scored."""
    _namesakes(world, 8)
    year_keys = [k for k in duplicates._lookup_keys(duplicates.draft_record(RASHID))
                 if k.startswith("gfy:")]
    assert year_keys
    assert {len(holders) for holders in duplicates._postings(year_keys).values()} == {4}
    compared: list[object] = []
    compare = engine.compare_prepared

    def counting(*args: Any, **kwargs: Any) -> engine.MatchResult:
        compared.append(args[1])
        return compare(*args, **kwargs)

    monkeypatch.setattr(engine, "compare_prepared", counting)
    suggestions = suggest_duplicates(user=world.family_manager, draft=RASHID)
    assert len(compared) == 2
    # Only namesakes of another date: still shown, the likeliest there are.
    assert len(suggestions) == 2


def test_the_person_is_found_among_more_namesakes_than_the_cap(
    world: World, small_caps: None
) -> None:
    """The name and year key is over the cap; the exact date keys are not, and find the
    person, typed in the other script, or family name first."""
    _namesakes(world, 8)
    same = register(world, given_name_ar="راشد", father_name_ar="", family_name_ar="المري",
                    given_name_latin="", family_name_latin="",
                    date_of_birth=dt.date(1990, 6, 15))
    for draft in (RASHID, {**RASHID, "given_name_latin": "", "family_name_latin": "",
                           "full_name_latin": "Marri Rashid"}):
        suggestions = suggest_duplicates(user=world.family_manager, draft=draft)
        assert suggestions[0].person == same
        assert suggestions[0].reasons and suggestions[0].score > suggestions[1].score


def test_an_estimated_date_prefers_the_nearer_years(world: World, small_caps: None) -> None:
    far, near = (register(world, given_name_ar="", father_name_ar="", family_name_ar="",
                          given_name_latin="Rashid", family_name_latin="Al-Marri",
                          date_of_birth=dt.date(year, 3, 3)) for year in (1988, 1990))
    estimated = {**RASHID, "date_of_birth": "1990-07-01", "dob_is_estimated": True}
    assert duplicates.candidate_ids(duplicates.draft_record(estimated)) == [near.pk, far.pk]


def test_an_undated_common_name_suggests_nobody(
    world: World, small_caps: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the name pair typed, held by more than KEY_CAP persons: nothing to go on, and
    no namesake is shown (nor audited as read) for it."""
    _namesakes(world, 5)
    undated = {k: v for k, v in RASHID.items() if k != "date_of_birth"}
    assert suggest_duplicates(user=world.family_manager, draft=undated) == []
    # Under the cap, they are the candidates.
    monkeypatch.setattr(duplicates, "KEY_CAP", 10)
    monkeypatch.setattr(duplicates, "MAX_CANDIDATES", 10)
    assert len(suggest_duplicates(user=world.family_manager, draft=undated)) == 5
