"""The cases' name keys (CaseNameKey) follow their persons' keys: whatever happens to a
person or a case, they are what the registry's keys of each case's person say, and a
name search finds a case by its person's current name, in its own center only."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from tawasul.cases import services
from tawasul.cases.models import Case, CaseNameKey
from tawasul.cases.name_keys import NAME_KEY_KINDS
from tawasul.cases.tests.conftest import case_type, register
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.people import merge
from tawasul.people import services as people_services
from tawasul.people.models import Person, PersonMatchKey

pytestmark = pytest.mark.django_db


def expected() -> set[tuple[Any, Any, str]]:
    """The name keys of every case, from scratch."""
    keys: dict[Any, set[str]] = {}
    for person_id, key in PersonMatchKey.objects.filter(
            kind__in=NAME_KEY_KINDS).values_list("person_id", "key"):
        keys.setdefault(person_id, set()).add(key)
    return {(case_id, center_id, key)
            for case_id, center_id, person_id in Case.objects.values_list(
                "pk", "center_id", "person_id")
            for key in keys.get(person_id, ())}


def stored() -> set[tuple[Any, Any, str]]:
    return set(CaseNameKey.objects.values_list("case_id", "center_id", "key"))


def _listed(client: Client, q: str) -> list[Case]:
    return list(client.get(reverse("cases:list"), {"q": q}).context["page_obj"])


def _protection_case(world: World, person: Person) -> Case:
    return services.case_open(
        actor=world.protection_director, center=world.protection, person=person,
        case_type=case_type("protection", "child-neglect"), risk_level="low",
        is_restricted=False)


def _family_case(world: World, person: Person) -> Case:
    return services.case_open(
        actor=world.family_manager, center=world.family, person=person,
        case_type=case_type("family", "family-reconciliation"), risk_level="low",
        summary="Family details")


def test_a_case_is_found_by_its_persons_current_name_in_its_center_only(
    client: Client, world: World, catalog: None
) -> None:
    person = register(world)  # Maryam Al-Kuwari, both scripts
    ours, theirs = _protection_case(world, person), _family_case(world, person)
    assert stored() == expected() and len({c for c, _center, _k in stored()}) == 2
    log_in(client, world.protection_manager)
    assert _listed(client, "Maryam Al-Kuwari") == [ours]
    people_services.person_update(actor=world.protection_manager, person=person,
                                  given_name_latin="Fatima", given_name_ar="فاطمة")
    assert stored() == expected()
    assert _listed(client, "Fatima Al-Kuwari") == [ours]
    assert _listed(client, "فاطمة الكواري") == [ours]
    assert _listed(client, "Maryam Al-Kuwari") == []
    log_in(client, world.family_manager)
    assert _listed(client, "Fatima Al-Kuwari") == [theirs]


def test_a_merge_moves_the_name_keys_with_the_cases_and_undoing_moves_them_back(
    client: Client, world: World, catalog: None
) -> None:
    """The survivor's Arabic name is hers alone: the duplicate's case is found by it
    while the two are merged, and not before nor after undoing."""
    survivor = register(world, given_name_latin="", family_name_latin="",
                        family_name_ar="النعيمي")
    duplicate = register(world, "family_manager", given_name_ar="", family_name_ar="",
                         given_name_latin="Mariam", family_name_latin="Kuwari")
    case = _family_case(world, duplicate)
    before = stored()
    log_in(client, world.family_manager)
    assert _listed(client, "مريم النعيمي") == []
    done = merge.person_merge(actor=world.admin, survivor=survivor, duplicate=duplicate,
                              reason="Same passport seen at both centers")
    assert stored() == expected() != before
    assert _listed(client, "مريم النعيمي") == [case]
    merge.person_unmerge(actor=world.admin, merge=done, reason="Two different women")
    assert stored() == expected() == before
    assert _listed(client, "مريم النعيمي") == []


def test_the_migration_writes_the_name_keys_of_the_cases_already_open(
    world: World, catalog: None
) -> None:
    _protection_case(world, register(world))
    _family_case(world, register(world, "family_manager", given_name_latin="Abdul Rahman",
                                  given_name_ar="عبد الرحمن", sex="male"))
    written = stored()
    assert written == expected() and {k[:3] for _c, _center, k in written} >= {"gf:", "gc:"}
    CaseNameKey.objects.all().delete()
    migration = import_module("tawasul.cases.migrations.0007_case_name_keys")
    migration.add_name_keys(apps, _Editor())
    assert stored() == written


class _Editor:
    """What the migration uses of its schema editor (SQLite refuses a real one inside
    the test's transaction)."""

    connection = connection

    def execute(self, sql: str, params: list[Any]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
