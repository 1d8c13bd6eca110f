from __future__ import annotations

import datetime as dt

import pytest

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.errors import PermissionDenied
from tawasul.common.testing import World
from tawasul.people import services
from tawasul.people.duplicates import suggest_duplicates
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
    # identifier lookup, key lookup, persons, their identifiers
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        suggestions = suggest_duplicates(user=world.family_manager, draft=draft)
    assert suggestions[0].person.date_of_birth == dt.date(1987, 5, 3)
