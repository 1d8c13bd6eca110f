from __future__ import annotations

import datetime as dt

import pytest

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.testing import World
from tawasul.people import services
from tawasul.people.models import Person, PersonIdentifier, Relationship
from tawasul.people.tests.conftest import register

pytestmark = pytest.mark.django_db


def test_register_normalizes_and_audits_field_names_only(world: World) -> None:
    person = register(
        world, given_name_ar="\u202eمحمد\u200b", full_name_latin="  Mohammed\u2066  Ali ",
        phone="5555-1234", languages="AR, en",
    )
    assert person.given_name_ar == "محمد"
    assert person.full_name_latin == "Mohammed Ali"
    assert person.phone == "+97455551234"
    assert person.languages == ["ar", "en"]
    assert person.reference.startswith(f"P-{dt.date.today().year}-")
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(person.pk))
    assert "given_name_ar" in entry.fields and "phone" in entry.fields
    assert "محمد" not in str(entry.fields) + entry.reason


def test_references_are_sequential_and_unique(world: World) -> None:
    first = register(world)
    second = register(world, given_name_ar="علي")
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("+974 5555 1234", "+97455551234"), ("0044 20 7946 0958", "+442079460958"),
     ("٥٥٥٥١٢٣٤", "+97455551234"), ("(+63) 917-123-4567", "+639171234567"), ("", "")],
)
def test_phone_is_stored_as_e164(world: World, raw: str, stored: str) -> None:
    assert register(world, phone=raw).phone == stored


@pytest.mark.parametrize("raw", ["12345", "+0123456789", "call me", "+97455551234567890"])
def test_invalid_phone_is_refused(world: World, raw: str) -> None:
    with pytest.raises(DomainError) as error:
        register(world, phone=raw)
    assert error.value.field == "phone"
    assert not Person.objects.exists()


def test_future_or_impossible_date_of_birth_is_refused(world: World) -> None:
    with pytest.raises(DomainError) as error:
        register(world, date_of_birth=dt.date.today() + dt.timedelta(days=1))
    assert error.value.field == "date_of_birth"
    with pytest.raises(DomainError):
        register(world, date_of_birth=dt.date(1850, 1, 1))
    assert not Person.objects.exists()


def test_unknown_nationality_code_is_refused_but_stateless_and_unknown_are_accepted(
    world: World,
) -> None:
    with pytest.raises(DomainError) as error:
        register(world, nationality="QQ")
    assert error.value.field == "nationality"
    assert register(world, nationality="xx").nationality == "XX"
    assert register(world, nationality="ZZ").nationality == "ZZ"


def test_a_name_is_required(world: World) -> None:
    with pytest.raises(DomainError):
        register(world, given_name_ar="", father_name_ar="", family_name_ar="",
                 given_name_latin="\u200b", family_name_latin="")


def test_valid_qid_is_stored_normalized(person: Person) -> None:
    qid = person.identifiers.get()
    assert (qid.type, qid.value, qid.issuing_country) == ("qid", "28763400001", "QA")


@pytest.mark.parametrize(
    "qid",
    ["18763400001", "2876340000", "287634000011", "2876340000A", "39963400001",
     "29963400001"],  # wrong first digit, short, long, letter, future year, other year
)
def test_invalid_qid_is_refused_with_a_message(world: World, person: Person, qid: str) -> None:
    with pytest.raises(DomainError) as error:
        services.identifier_add(actor=world.protection_manager, person=person, type="qid",
                                value=qid)
    assert error.value.field == "value"
    assert str(error.value.message)
    assert person.identifiers.count() == 1


def test_estimated_date_of_birth_allows_a_margin_on_the_qid_year(world: World) -> None:
    person = register(world, date_of_birth=dt.date(1985, 1, 1), dob_is_estimated=True,
                      identifiers=[{"type": "qid", "value": "28763400002"}])
    assert person.identifiers.count() == 1


def test_identifier_taken_by_another_person_names_the_type_not_the_person(
    world: World, person: Person
) -> None:
    other = register(world, user="family_manager", given_name_ar="سارة", sex="female")
    with pytest.raises(DomainError) as error:
        services.identifier_add(actor=world.family_manager, person=other, type="qid",
                                value="28763400001")
    assert error.value.code == "identifier_taken"
    message = str(error.value.message)
    assert person.reference not in message and "محمد" not in message
    assert PersonIdentifier.objects.filter(value="28763400001").count() == 1


def test_same_passport_number_from_different_countries_is_allowed(world: World) -> None:
    a = register(world, identifiers=[{"type": "passport", "value": "p1234567",
                                      "issuing_country": "PH"}])
    b = register(world, given_name_ar="علي", identifiers=[
        {"type": "passport", "value": "P 123 4567", "issuing_country": "IN"}])
    assert a.identifiers.get().value == b.identifiers.get().value == "P1234567"
    with pytest.raises(DomainError) as error:
        register(world, given_name_ar="حسن", identifiers=[
            {"type": "passport", "value": "P1234567", "issuing_country": "PH"}])
    assert error.value.code == "identifier_taken"
    # The refused registration left nothing behind.
    assert not Person.objects.filter(given_name_ar="حسن").exists()


def test_passport_needs_its_issuing_country(world: World, person: Person) -> None:
    with pytest.raises(DomainError) as error:
        services.identifier_add(actor=world.protection_manager, person=person,
                                type="passport", value="X1")
    assert error.value.code == "issuing_country_required"


def test_who_may_register(world: World) -> None:
    for name in ("protection_manager", "protection_staff", "protection_director", "admin",
                 "intake"):
        assert register(world, user=name).pk
    for name in ("supervisor", "analyst", "liaison", "consul_ph", "viewer_ph", "unesco_fp"):
        with pytest.raises(PermissionDenied):
            register(world, user=name)


def test_a_center_registers_only_in_its_own_name(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.person_register(actor=world.family_manager, organization=world.protection,
                                 given_name_ar="علي", nationality="QA")


def test_update_by_registering_center_not_by_another(world: World, person: Person) -> None:
    updated = services.person_update(actor=world.protection_staff, person=person,
                                     area="الدوحة", phone="33334444")
    assert (updated.area, updated.phone) == ("الدوحة", "+97433334444")
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(person.pk)).get()
    assert entry.fields == ["area", "phone"]
    with pytest.raises(PermissionDenied):
        services.person_update(actor=world.family_manager, person=person, area="الوكرة")


def test_changing_the_date_of_birth_against_the_qid_is_refused(
    world: World, person: Person
) -> None:
    with pytest.raises(DomainError):
        services.person_update(actor=world.protection_manager, person=person,
                               date_of_birth=dt.date(1990, 1, 1))
    person.refresh_from_db()
    assert person.date_of_birth == dt.date(1987, 5, 1)


def test_relationship_is_created_with_its_reciprocal(world: World, person: Person) -> None:
    child = register(world, given_name_ar="يوسف", date_of_birth=dt.date(2018, 3, 1))
    services.relationship_add(actor=world.protection_manager, from_person=person,
                              to_person=child, kind="guardian", is_legal_guardian=True)
    assert Relationship.objects.get(from_person=child, to_person=person).kind == "ward"
    with pytest.raises(DomainError) as error:
        services.relationship_add(actor=world.protection_manager, from_person=person,
                                  to_person=person, kind="sibling")
    assert error.value.code == "relationship_to_self"


def test_a_minor_cannot_be_a_guardian(world: World, person: Person) -> None:
    minor = register(world, given_name_ar="يوسف", date_of_birth=dt.date(2015, 3, 1))
    with pytest.raises(DomainError) as error:
        services.relationship_add(actor=world.protection_manager, from_person=minor,
                                  to_person=person, kind="guardian")
    assert error.value.code == "guardian_minor"
    with pytest.raises(DomainError):
        services.relationship_add(actor=world.protection_manager, from_person=person,
                                  to_person=minor, kind="ward")
    assert not Relationship.objects.exists()


def test_safety_flags_by_registering_center_and_admin_only(
    world: World, person: Person
) -> None:
    flag = services.safety_flag_set(actor=world.protection_staff, person=person,
                                    kind="no_contact_home_country")
    assert Person.objects.get(pk=person.pk).has_no_contact_flag
    for name in ("family_manager", "intake", "consul_ph", "supervisor"):
        with pytest.raises(PermissionDenied):
            services.safety_flag_set(actor=world.users[name], person=person,
                                     kind="trafficking_risk")
        with pytest.raises(PermissionDenied):
            services.safety_flag_clear(actor=world.users[name], flag=flag)
    services.safety_flag_clear(actor=world.admin, flag=flag)
    assert not Person.objects.get(pk=person.pk).has_no_contact_flag


def test_date_of_birth_is_shown_in_hijri_within_the_calendar_range(world: World) -> None:
    assert register(world, date_of_birth=dt.date(1987, 5, 1)).date_of_birth_hijri is not None
    assert register(world, given_name_ar="جدة", date_of_birth=dt.date(1920, 1, 1),
                    ).date_of_birth_hijri is None
