from __future__ import annotations

import datetime as dt

import pytest

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.people import services
from tawasul.people.access import IDENTITY_FIELDS
from tawasul.people.models import Consent, Person, PersonIdentifier
from tawasul.people.tests.conftest import register

PERSONS = "/api/v1/persons/"
DUPLICATES = "/api/v1/persons/duplicates/"
CONSENTS = "/api/v1/consents/"
QID = "28763400001"


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def person(world):
    """Registered by the protection center, with a Qatar ID and a phone."""
    return register(world, identifiers=[{"type": "qid", "value": QID}], phone="55551234")


@pytest.fixture
def other(world):
    return register(world, "family_manager", given_name_ar="سارة", father_name_ar="",
                    family_name_ar="المري", given_name_latin="Sara", family_name_latin="Al-Marri",
                    sex="female", date_of_birth=dt.date(1995, 9, 9), nationality="PH")


def new_person(**extra) -> dict:
    return {"given_name_ar": "خالد", "family_name_ar": "النعيمي", "given_name_latin": "Khalid",
            "family_name_latin": "Al-Naimi", "date_of_birth": "1990-02-03", "sex": "male",
            "nationality": "QA", **extra}


# --- List and detail ------------------------------------------------------------


def test_registry_members_find_any_person_by_identity(world, person, other, as_user):
    for username in ("protection_manager", "protection_staff", "family_manager", "intake",
                     "admin"):
        client = as_user(world.users[username])
        assert ids(client.get(PERSONS)) == {str(person.pk), str(other.pk)}
    row = as_user(world.family_manager).get(PERSONS, {"q": "kuwari"}).json()["results"][0]
    assert set(row) == {"id", *IDENTITY_FIELDS, "name_ar", "name_latin"}
    assert row["identifiers"] == [{"type": "qid", "value": QID, "issuing_country": "QA"}]
    assert "phone" not in row


@pytest.mark.parametrize("username", ["consul_ph", "viewer_ph", "supervisor", "unesco_fp",
                                      "analyst", "liaison"])
def test_others_see_no_person(world, person, as_user, username):
    client = as_user(world.users[username])
    assert client.get(PERSONS).json()["count"] == 0
    assert error_of(client.get(f"{PERSONS}{person.pk}/"), 404)["code"] == "not_found"


def test_search_by_name_in_either_script_identifier_and_nationality(world, person, other,
                                                                   as_user):
    client = as_user(world.protection_manager)
    assert ids(client.get(PERSONS, {"q": "Al-Kuwari"})) == {str(person.pk)}
    assert ids(client.get(PERSONS, {"q": "المري"})) == {str(other.pk)}
    assert ids(client.get(PERSONS, {"q": "287 634 00001"})) == {str(person.pk)}
    assert ids(client.get(PERSONS, {"q": person.reference})) == {str(person.pk)}
    assert ids(client.get(PERSONS, {"nationality": "ph"})) == {str(other.pk)}
    error = error_of(client.get(PERSONS, {"nationality": "QQ"}), 400)
    assert list(error["fields"]) == ["nationality"]


def test_list_is_audited_with_the_persons_shown(world, person, as_user):
    as_user(world.family_manager).get(PERSONS)
    entry = AuditEntry.objects.get(action=AuditAction.READ, object_type="people.person")
    assert entry.actor == world.family_manager
    assert str(person.pk) in entry.reason
    assert "phone" not in entry.fields


def test_contact_fields_only_for_the_registering_center(world, person, as_user):
    own = as_user(world.protection_manager).get(f"{PERSONS}{person.pk}/").json()
    assert own["phone"] == "+97455551234"
    assert own["registered_by_organization"]["code"] == "center-protection"
    other = as_user(world.family_manager).get(f"{PERSONS}{person.pk}/").json()
    assert other["phone"] is None and other["address"] is None
    assert other["name_latin"] == person.name_latin
    reads = AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(person.pk))
    by_actor = {e.actor_username: set(e.fields) for e in reads}
    assert "phone" in by_actor["protection_manager"]
    assert "phone" not in by_actor["family_manager"]


def test_list_query_count_does_not_grow_with_rows(world, person, as_user,
                                                 django_assert_max_num_queries):
    client = as_user(world.family_manager)
    client.get(PERSONS)
    with django_assert_max_num_queries(8) as few:
        client.get(PERSONS)
    for i in range(6):
        register(world, given_name_latin=f"Person{i}",
                 identifiers=[{"type": "passport", "value": f"P{i}", "issuing_country": "PH"}])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(PERSONS).json()["count"] == 7


# --- Register and correct -------------------------------------------------------


def test_register_a_person_with_identifiers(world, as_user):
    body = new_person(identifiers=[{"type": "qid", "value": "290 634 00009"},
                                   {"type": "passport", "value": "p123", "issuing_country": "qa"}])
    response = as_user(world.family_manager).post(PERSONS, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    person = Person.objects.get(pk=data["id"])
    assert person.registered_by_organization == world.family
    assert {(i["type"], i["value"]) for i in data["identifiers"]} == {
        ("qid", "29063400009"), ("passport", "P123")
    }
    assert data["reference"].startswith("P-")


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"identifiers": [{"type": "qid", "value": "12345"}]}, "identifiers.0.value"),
     ({"identifiers": [{"type": "qid", "value": "28063400009"}]}, "identifiers.0.value"),
     ({"identifiers": [{"type": "passport", "value": "X1"}]}, "identifiers.0.issuing_country"),
     ({"date_of_birth": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "date_of_birth"),
     ({"date_of_birth": "1850-01-01"}, "date_of_birth"),
     ({"nationality": "QQ"}, "nationality"),
     ({"phone": "call me"}, "phone"),
     ({"languages": ["arabic"]}, "languages.0"),
     ({"sex": "other"}, "sex"),
     ({"nickname": "K"}, "nickname"),
     ({"identifiers": [{"type": "qid", "value": QID, "colour": "x"}]}, "identifiers.0.colour")],
)
def test_invalid_person_answers_400_with_field_errors_and_saves_nothing(
    world, as_user, extra, field
):
    before = Person.objects.count()
    response = as_user(world.family_manager).post(PERSONS, new_person(**extra), format="json")
    error = error_of(response, 400)
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert Person.objects.count() == before


def test_missing_name_and_nationality_are_reported(world, as_user):
    response = as_user(world.family_manager).post(PERSONS, {"sex": "male"}, format="json")
    fields = error_of(response, 400)["fields"]
    assert "nationality" in fields


def test_identifier_already_registered_answers_400(world, person, as_user):
    body = new_person(date_of_birth="1987-05-01",
                      identifiers=[{"type": "qid", "value": QID}])
    error = error_of(as_user(world.family_manager).post(PERSONS, body, format="json"), 400)
    assert "identifiers.0.value" in error["fields"]
    assert PersonIdentifier.objects.filter(value=QID).count() == 1


@pytest.mark.parametrize("username", ["consul_ph", "supervisor", "unesco_fp", "analyst"])
def test_only_registry_members_register(world, as_user, username):
    response = as_user(world.users[username]).post(PERSONS, new_person(), format="json")
    assert error_of(response, 403)["code"] == "forbidden"
    assert not Person.objects.exists()


def test_registering_center_corrects_the_record_others_may_not(world, person, as_user):
    url = f"{PERSONS}{person.pk}/"
    response = as_user(world.protection_manager).patch(
        url, {"full_name_latin": "Mohamed Al Kuwari", "phone": ""}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["full_name_latin"] == "Mohamed Al Kuwari"
    assert response.json()["phone"] == ""
    response = as_user(world.family_manager).patch(url, {"full_name_latin": "X"}, format="json")
    assert error_of(response, 403)["code"] == "forbidden"
    assert error_of(as_user(world.consul_ph).patch(url, {"sex": "male"}, format="json"),
                    404)["code"] == "not_found"
    manager = as_user(world.protection_manager)
    error = error_of(manager.patch(url, {"reference": "P-1", "colour": "x"}, format="json"), 400)
    assert set(error["fields"]) == {"reference", "colour"}
    error = error_of(manager.patch(url, {"nationality": "QQ"}, format="json"), 400)
    assert set(error["fields"]) == {"nationality"}
    person.refresh_from_db()
    assert person.full_name_latin == "Mohamed Al Kuwari"


# --- Duplicate suggestions ------------------------------------------------------


def test_latin_draft_finds_the_arabic_record_with_translated_reasons(world, other, as_user):
    # Registered in Arabic script only: a Latin-script draft can match it only across scripts.
    person = register(world, given_name_latin="", family_name_latin="")
    draft = {"given_name_latin": "Muhammad", "father_name_latin": "Abdul Rahman",
             "family_name_latin": "Alkuwari", "date_of_birth": "1987-05-01", "sex": "male",
             "nationality": "QA"}
    response = as_user(world.family_manager).post(DUPLICATES, draft, format="json",
                                                  HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["person"]["id"] for r in results] == [str(person.pk)]
    assert 0 < results[0]["score"] <= 1
    codes = {r["code"] for r in results[0]["reasons"]}
    assert codes & {"arabic_matches_latin_same_birth_year", "arabic_matches_latin"}
    assert all(r["message"] for r in results[0]["reasons"])
    arabic = as_user(world.family_manager).post(DUPLICATES, draft, format="json",
                                                HTTP_ACCEPT_LANGUAGE="ar").json()
    assert arabic["results"][0]["reasons"] != results[0]["reasons"]
    entry = AuditEntry.objects.filter(action=AuditAction.READ, object_type="people.person",
                                      actor=world.family_manager).latest("occurred_at")
    assert str(person.pk) in entry.reason


def test_typed_identifier_comes_first(world, person, other, as_user):
    draft = {"given_name_latin": "Someone Else",
             "identifiers": [{"type": "qid", "value": "287-634-00001"}]}
    results = as_user(world.family_manager).post(DUPLICATES, draft, format="json").json()[
        "results"]
    assert results[0]["person"]["id"] == str(person.pk)
    assert "same_identifier" in {r["code"] for r in results[0]["reasons"]}
    # The person as the identity view shows it, identifiers included.
    assert [i["value"] for i in results[0]["person"]["identifiers"]] == [QID]
    assert results[0]["person"]["reference"] == person.reference


def test_duplicates_refused_outside_the_registry_and_for_bad_input(world, person, as_user):
    draft = {"given_name_latin": "Mohammed"}
    response = as_user(world.consul_ph).post(DUPLICATES, draft, format="json")
    assert error_of(response, 403)["code"] == "forbidden"
    error = error_of(as_user(world.family_manager).post(
        DUPLICATES, {"given_name_latin": "M", "shoe_size": 9}, format="json"), 400)
    assert list(error["fields"]) == ["shoe_size"]
    # A half-typed date is no error while typing.
    response = as_user(world.family_manager).post(
        DUPLICATES, {"given_name_latin": "Mohammed", "date_of_birth": "1987-0"}, format="json"
    )
    assert response.status_code == 200


# --- Consents -------------------------------------------------------------------


@pytest.fixture
def consent(world, person):
    return services.consent_record(
        actor=world.protection_manager, person=person, purpose="referral",
        recipients=[world.family], data_categories=["identity", "case_summary"],
    )


def test_record_a_consent(world, person, as_user):
    body = {"person": str(person.pk), "purpose": "coordination_with_embassy",
            "recipients": [str(world.embassy_ph.pk)], "data_categories": ["identity", "contact"]}
    response = as_user(world.protection_manager).post(CONSENTS, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["recipients"][0]["code"] == "embassy-ph"
    assert data["is_active"] is True and data["has_evidence"] is False
    assert Consent.objects.get(pk=data["id"]).recorded_by == world.protection_manager


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"recipients": ["00000000-0000-0000-0000-000000000000"]}, "recipients"),
     ({"recipients": []}, "recipients"),
     ({"data_categories": ["shoe_size"]}, "data_categories.0"),
     ({"purpose": "other"}, "purpose_text"),
     ({"person": "00000000-0000-0000-0000-000000000000"}, "person"),
     ({"evidence": "scan.pdf"}, "evidence")],
)
def test_invalid_consent_answers_400(world, person, as_user, extra, field):
    body = {"person": str(person.pk), "purpose": "referral",
            "recipients": [str(world.family.pk)], "data_categories": ["identity"], **extra}
    error = error_of(as_user(world.protection_manager).post(CONSENTS, body, format="json"), 400)
    assert field in error["fields"], error
    assert not Consent.objects.exists()


def test_consents_visible_to_the_registering_center_not_to_others(world, consent, as_user):
    url = f"{CONSENTS}{consent.pk}/"
    for username in ("protection_manager", "protection_staff", "intake", "admin"):
        client = as_user(world.users[username])
        assert ids(client.get(CONSENTS)) == {str(consent.pk)}
        assert client.get(url).status_code == 200
    for username in ("family_manager", "consul_ph", "supervisor", "unesco_fp"):
        client = as_user(world.users[username])
        assert ids(client.get(CONSENTS)) == set()
        assert error_of(client.get(url), 404)["code"] == "not_found"
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(consent.pk)).exists()


def test_withdraw_a_consent(world, consent, as_user):
    url = f"{CONSENTS}{consent.pk}/withdraw/"
    error = error_of(as_user(world.family_manager).post(url, {"reason": "asked"},
                                                        format="json"), 404)
    assert error["code"] == "not_found"
    client = as_user(world.protection_manager)
    error = error_of(client.post(url, {}, format="json"), 400)
    assert list(error["fields"]) == ["reason"]
    response = client.post(url, {"reason": "The person asked"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    assert response.json()["withdrawn_at"]
    error = error_of(client.post(url, {"reason": "again"}, format="json"), 400)
    assert error["code"] == "consent_withdrawn"
