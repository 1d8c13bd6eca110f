from __future__ import annotations

import pytest
from django.http import Http404

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import World
from tawasul.people import access, selectors, services
from tawasul.people.models import Person

pytestmark = pytest.mark.django_db

REGISTRY_USERS = ("protection_manager", "protection_staff", "protection_director",
                  "family_manager", "family_director", "admin", "intake")
OUTSIDERS = ("supervisor", "analyst", "liaison", "consul_ph", "viewer_ph", "consul_in",
             "unesco_fp")


@pytest.mark.parametrize("name", REGISTRY_USERS)
def test_registry_members_find_a_person_of_another_center(
    world: World, person: Person, name: str
) -> None:
    found = selectors.persons_visible_to(world.users[name]).get(pk=person.pk)
    assert found.given_name_ar == "محمد"
    assert access.access_person(world.users[name], person.pk) == person


@pytest.mark.parametrize("name", OUTSIDERS)
def test_ministry_analyst_embassy_partner_see_no_person(
    world: World, person: Person, name: str
) -> None:
    user = world.users[name]
    assert not selectors.persons_visible_to(user).exists()
    with pytest.raises(Http404):
        access.access_person(user, person.pk)
    denial = AuditEntry.objects.get(action=AuditAction.ACCESS_DENIED, actor=user)
    assert denial.object_id == str(person.pk)


def test_embassy_of_the_persons_nationality_sees_nothing_either(world: World) -> None:
    from tawasul.people.tests.conftest import register

    filipina = register(world, nationality="PH", given_name_latin="Maria", sex="female")
    assert not selectors.persons_visible_to(world.consul_ph).filter(pk=filipina.pk).exists()


def test_malformed_and_unknown_ids_answer_404(world: World) -> None:
    for bad in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(Http404):
            access.access_person(world.protection_manager, bad)


def test_inactive_persons_only_for_admin(world: World, person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(is_active=False)
    assert not selectors.persons_visible_to(world.family_manager).exists()
    assert selectors.persons_visible_to(world.admin).filter(pk=person.pk).exists()


def test_read_of_a_person_is_audited_with_field_names(world: World, person: Person) -> None:
    user = world.family_manager
    shown = access.access_person(user, person.pk)
    access.person_read_audited(user, shown, access.IDENTITY_FIELDS)
    entry = AuditEntry.objects.get(action=AuditAction.READ, actor=user)
    assert entry.object_id == str(person.pk)
    assert "given_name_ar" in entry.fields and "identifiers" in entry.fields
    assert "محمد" not in str(entry.fields)


def test_another_center_sees_identity_but_not_sensitive_flags_or_family(
    world: World, person: Person
) -> None:
    from tawasul.people.tests.conftest import register

    services.safety_flag_set(actor=world.protection_manager, person=person,
                             kind="asylum_seeker")
    services.safety_flag_set(actor=world.protection_manager, person=person,
                             kind="no_contact_home_country")
    spouse = register(world, given_name_ar="فاطمة", sex="female")
    services.relationship_add(actor=world.protection_manager, from_person=person,
                              to_person=spouse, kind="spouse")
    own = selectors.safety_flags_visible_to(world.protection_manager).filter(person=person)
    other = selectors.safety_flags_visible_to(world.family_manager).filter(person=person)
    assert {f.kind for f in own} == {"asylum_seeker", "no_contact_home_country"}
    assert {f.kind for f in other} == {"no_contact_home_country"}
    assert selectors.relationships_visible_to(world.protection_manager).count() == 2
    assert not selectors.relationships_visible_to(world.family_manager).exists()
    assert not selectors.safety_flags_visible_to(world.consul_ph).exists()
    assert selectors.persons_visible_to(world.family_manager).get(pk=person.pk).has_no_contact_flag


def test_list_query_count_does_not_grow_with_rows(
    world: World, django_assert_max_num_queries: object
) -> None:
    from tawasul.people.tests.conftest import register

    for i in range(5):
        register(world, given_name_ar=f"اسم{i}")
    with django_assert_max_num_queries(1):  # type: ignore[operator]
        rows = [(p.reference, p.registered_by_organization.code, p.has_no_contact_flag)
                for p in selectors.persons_visible_to(world.family_manager)]
    assert len(rows) == 5
