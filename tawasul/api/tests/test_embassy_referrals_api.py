"""Referrals from embassies in the API, from every side: DESIGN's contract
(POST /api/v1/referrals/ by an embassy), bad input of every kind (400 naming the field,
never 500), the embassy's view of its own referrals, the intake desk's queue and
actions, messages, and everyone who may not."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases.case_types import load_case_types
from tawasul.people import services as people_services
from tawasul.people.models import Person, SafetyFlagKind
from tawasul.referrals.models import Referral, ReferralKind, ReferralStatus, SubmittedPerson
from tawasul.referrals.tests.conftest import (
    EMBASSY_REASON,
    accept_assignment,
    assign_to_protection,
    case_type,
    register_maria,
    submit,
)

pytestmark = pytest.mark.django_db
LIST = "/api/v1/referrals/"
QUEUE = "/api/v1/referrals/intake-queue/"
PERSON: dict[str, object] = {
    "name_ar": "ماريا سانتوس", "name_en": "Maria Santos", "sex": "female",
    "date_of_birth": "1994-02-11", "nationality": "PH", "passport_number": "P7654321A",
    "phone": "+63 917 555 0101",
}
BODY: dict[str, object] = {
    "person": PERSON, "domain": "protection", "urgency": "urgent", "reason": EMBASSY_REASON,
}
EMBASSY_KEYS = {"id", "reference", "status", "domain", "urgency", "sent_at", "person",
                "reason", "decline_reason", "receiving_center", "timeline", "messages",
                "allowed_actions"}


def detail(referral: Referral | str) -> str:
    return f"{LIST}{getattr(referral, 'pk', referral)}/"


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


def with_person(**change: object) -> dict:
    return {**BODY, "person": {**PERSON, **change}}


@pytest.fixture(autouse=True)
def _catalog(world) -> None:
    """The case types the centers accept with."""
    load_case_types()


@pytest.fixture
def maria(world) -> Person:
    return register_maria(world)


def test_the_contract_an_embassy_refers_a_national(world, as_user) -> None:
    response = as_user(world.consul_ph).post(LIST, BODY, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    referral = Referral.objects.get()
    assert body["id"] == str(referral.pk)
    assert re.fullmatch(rf"TW-{timezone.localdate().year}-\d{{6}}", body["reference"])
    assert body["status"] == "submitted"
    assert set(body) == EMBASSY_KEYS
    assert body["person"]["name_en"] == "Maria Santos" and body["person"]["nationality"] == "PH"
    assert body["allowed_actions"] == ["message"]
    assert referral.kind == ReferralKind.EMBASSY_TO_FOUNDATION and referral.person is None


def test_another_countrys_national_is_refused_on_its_field(world, as_user) -> None:
    error = error_of(as_user(world.consul_ph).post(LIST, with_person(nationality="IN"),
                                                   format="json", HTTP_ACCEPT_LANGUAGE="en"),
                     400)
    assert list(error["fields"]) == ["person.nationality"]
    assert "Philippines" in error["fields"]["person.nationality"][0]
    assert not Referral.objects.exists()


# A date of birth in the future however long the run: computed when the module is read,
# a day ahead would be today for the tests that run after midnight in Qatar.
NEXT_WEEK = (timezone.localdate() + dt.timedelta(days=7)).isoformat()


@pytest.mark.parametrize(("body", "fields"), [
    (with_person(date_of_birth=NEXT_WEEK), {"person.date_of_birth"}),
    (with_person(date_of_birth="31/12/1990"), {"person.date_of_birth"}),
    (with_person(date_of_birth=19900101), {"person.date_of_birth"}),
    (with_person(sex="unknown"), {"person.sex"}),
    (with_person(name_ar="", name_en=""), {"person.name_ar"}),
    (with_person(name_en="x" * 301), {"person.name_en"}),
    (with_person(nationality="Philippines"), {"person.nationality"}),
    (with_person(nationality="XY"), {"person.nationality"}),
    (with_person(phone="ring ring"), {"person.phone"}),
    (with_person(passport_number="P<b>1</b>"), {"person.passport_number"}),
    (with_person(favourite_colour="blue"), {"person.favourite_colour"}),
    ({**BODY, "person": "Maria Santos"}, {"person"}),
    ({**BODY, "person": ["Maria"]}, {"person"}),
    ({**BODY, "person": {"name": {"first": "Maria"}}}, {"person.name"}),
    ({**BODY, "person": {}}, {"person.sex", "person.date_of_birth", "person.nationality"}),
    ({**BODY, "domain": "astrology"}, {"domain"}),
    ({**BODY, "urgency": "asap"}, {"urgency"}),
    ({**BODY, "reason": "x" * 20001}, {"reason"}),
    ({**BODY, "reason": "   "}, {"reason"}),
    ({**BODY, "reason": None}, {"reason"}),
    ({**BODY, "case": "not-a-case"}, {"case"}),
    ({k: v for k, v in BODY.items() if k != "person"}, {"person"}),
    ({}, {"person", "domain", "urgency", "reason"}),
])
def test_bad_input_answers_400_naming_the_field(world, as_user, body, fields) -> None:
    error = error_of(as_user(world.consul_ph).post(LIST, body, format="json"), 400)
    assert set(error["fields"]) == fields, error
    assert not Referral.objects.exists() and not SubmittedPerson.objects.exists()


@pytest.mark.parametrize("raw", ['{"person": ', "[1, 2, 3]", '"just a string"', "null"])
def test_malformed_bodies_answer_400(world, as_user, raw) -> None:
    response = as_user(world.consul_ph).post(LIST, raw, content_type="application/json")
    assert response.status_code == 400, response.content
    assert not Referral.objects.exists()


@pytest.mark.parametrize("username", ["viewer_ph", "intake", "liaison", "supervisor",
                                      "unesco_fp"])
def test_viewers_and_others_may_not_send_403(world, as_user, username) -> None:
    error = error_of(as_user(world.users[username]).post(LIST, BODY, format="json"), 403)
    assert error["code"] == "forbidden"
    assert not Referral.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     actor=world.users[username]).exists()


def test_the_embassy_lists_and_reads_its_own_referrals_only(world, as_user) -> None:
    mine = submit(world)
    theirs = submit(world, actor=world.consul_in, person={
        "name_en": "Asha Kumari", "sex": "female", "date_of_birth": "1990-01-01",
        "nationality": "IN"})
    for username in ("consul_ph", "viewer_ph"):
        client = as_user(world.users[username])
        rows = client.get(LIST).json()["results"]
        assert [r["reference"] for r in rows] == [mine.reference]
        assert set(rows[0]) == {"id", "reference", "status", "domain", "urgency", "sent_at",
                                "person"}
        assert client.get(detail(mine)).status_code == 200
        error_of(client.get(detail(theirs)), 404)
    error_of(as_user(world.consul_in).get(detail(mine)), 404)
    assert as_user(world.consul_in).get(LIST).json()["results"][0]["reference"] == (
        theirs.reference)


def test_embassies_filter_by_what_they_sent_only(world, as_user) -> None:
    submit(world)
    client = as_user(world.consul_ph)
    assert len(client.get(LIST, {"urgency": "urgent"}).json()["results"]) == 1
    assert client.get(LIST, {"urgency": "routine"}).json()["results"] == []
    for name, value in (("status", "accepted"), ("overdue", "true"), ("kind", "center_to_center")):
        error = error_of(client.get(LIST, {name: value}), 400)
        assert list(error["fields"]) == [name]


def test_the_embassy_never_reads_the_matches_the_person_or_the_case(
        world, as_user, maria: Person) -> None:
    referral = submit(world)
    assignment = assign_to_protection(world, referral, maria)
    accept_assignment(world, assignment)
    assignment.refresh_from_db()
    assert assignment.received_case is not None
    body = as_user(world.consul_ph).get(detail(referral)).json()
    assert set(body) == EMBASSY_KEYS
    assert body["status"] == "accepted" and body["receiving_center"] is None
    assert [step["status"] for step in body["timeline"]] == [
        "submitted", "under_review", "accepted"]
    text = json.dumps(body, ensure_ascii=False)
    for secret in (maria.reference, str(maria.pk), assignment.reference,
                   assignment.received_case.reference, "Please see her today",
                   world.protection.name_en):
        assert secret not in text
    error_of(as_user(world.consul_ph).get(detail(assignment)), 404)


def test_a_flagged_person_is_only_submitted_for_the_embassy(world, as_user, maria) -> None:
    referral = submit(world)
    assignment = assign_to_protection(world, referral, maria)
    accept_assignment(world, assignment)
    people_services.safety_flag_set(actor=world.protection_manager, person=maria,
                                    kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY)
    client = as_user(world.consul_ph)
    body = client.get(detail(referral)).json()
    assert body["status"] == "submitted" and len(body["timeline"]) == 1
    assert client.get(LIST).json()["results"][0]["status"] == "submitted"
    error = error_of(as_user(world.intake).post(f"{detail(referral)}messages/",
                                                {"text": "News?"}, format="json"), 400)
    assert error["code"] == "no_contact"
    assert client.post(f"{detail(referral)}messages/", {"text": "Any news?"},
                       format="json").status_code == 201


def test_messages_between_the_embassy_and_the_foundation(world, as_user) -> None:
    referral = submit(world)
    url = f"{detail(referral)}messages/"
    assert as_user(world.consul_ph).post(url, {"text": "<b>Call</b> us"},
                                         format="json").status_code == 201
    assert as_user(world.liaison).post(url, {"text": "We will."},
                                       format="json").status_code == 201
    assert error_of(as_user(world.viewer_ph).post(url, {"text": "x"}, format="json"),
                    403)["code"] == "forbidden"
    error_of(as_user(world.consul_in).post(url, {"text": "x"}, format="json"), 404)
    error_of(as_user(world.protection_manager).post(url, {"text": "x"}, format="json"), 404)
    messages = as_user(world.viewer_ph).get(detail(referral)).json()["messages"]
    assert [(m["text"], m["from_embassy"]) for m in messages] == [
        ("<b>Call</b> us", True), ("We will.", False)]


def test_the_intake_desk_reads_the_queue_and_the_matches(world, as_user, maria) -> None:
    urgent = submit(world)
    emergency = submit(world, urgency="emergency", person={
        "name_en": "Jose Reyes", "sex": "male", "date_of_birth": "1985-03-03",
        "nationality": "PH"})
    client = as_user(world.intake)
    rows = client.get(QUEUE).json()["results"]
    assert [r["reference"] for r in rows] == [emergency.reference, urgent.reference]
    body = client.get(detail(urgent)).json()
    assert body["submitted_person"]["passport_number"] == "P7654321A"
    assert body["matches"][0]["person"]["reference"] == maria.reference
    assert body["matches"][0]["same_passport"] is True
    assert body["person"] is None and body["reason"] == EMBASSY_REASON
    assert set(body["allowed_actions"]) == {"link-person", "register-person", "decline",
                                            "message"}
    liaison = as_user(world.liaison).get(detail(urgent)).json()
    assert liaison["matches"] is None and liaison["submitted_person"] is None
    assert liaison["reason"] is None
    for username in ("liaison", "protection_manager", "consul_ph", "supervisor"):
        assert as_user(world.users[username]).get(QUEUE).json()["results"] == []


def test_the_intake_desk_links_assigns_and_the_center_accepts(world, as_user, maria) -> None:
    referral = submit(world)
    intake = as_user(world.intake)
    error = error_of(intake.post(f"{detail(referral)}assign/",
                                 {"center": str(world.protection.pk)}, format="json"), 400)
    assert error["code"] == "person_required"
    error = error_of(intake.post(f"{detail(referral)}link-person/",
                                 {"person": "not-a-uuid"}, format="json"), 400)
    assert list(error["fields"]) == ["person"]
    body = intake.post(f"{detail(referral)}link-person/", {"person": str(maria.pk)},
                       format="json").json()
    assert body["person"]["reference"] == maria.reference
    body = intake.post(f"{detail(referral)}assign/", {"domain": "protection",
                                                      "note": "Today please"},
                       format="json").json()
    assert body["assigned_center"]["code"] == world.protection.code
    [assignment] = body["assignments"]
    center = as_user(world.protection_manager)
    accepted = center.post(f"{LIST}{assignment['id']}/accept/",
                           {"case_type": "domestic-violence"}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["parent"]["from_organization"]["code"] == world.embassy_ph.code
    assert intake.get(detail(referral)).json()["status"] == ReferralStatus.ACCEPTED
    assert as_user(world.consul_ph).get(detail(referral)).json()["status"] == "accepted"
    # The intake desk reads the assignment as its sender, never the case it opened.
    sent = intake.get(f"{LIST}{assignment['id']}/").json()
    assert sent["received_case"] is None and sent["reason"] == EMBASSY_REASON


def test_the_intake_desk_registers_and_declines(world, as_user) -> None:
    referral = submit(world)
    intake = as_user(world.intake)
    body = intake.post(f"{detail(referral)}register-person/", {}, format="json").json()
    assert body["person"]["name_latin"] == "Maria Santos"
    assert Person.objects.get(pk=body["person"]["id"]).registered_by_organization == (
        world.foundation)
    error = error_of(intake.post(f"{detail(referral)}decline/", {}, format="json"), 400)
    assert list(error["fields"]) == ["reason"]
    body = intake.post(f"{detail(referral)}decline/", {"reason": "Not a service we offer"},
                       format="json").json()
    assert body["status"] == "declined"
    embassy = as_user(world.consul_ph).get(detail(referral)).json()
    assert (embassy["status"], embassy["decline_reason"]) == ("declined",
                                                              "Not a service we offer")


# Who sees the referral but may not triage it: 403; who does not see it: 404.
@pytest.mark.parametrize(("username", "status"), [
    ("liaison", 403), ("consul_ph", 403), ("viewer_ph", 403), ("protection_director", 404),
    ("consul_in", 404), ("supervisor", 404),
])
def test_others_may_not_triage(world, as_user, username, status, maria) -> None:
    referral = submit(world)
    client = as_user(world.users[username])
    for action, body in (("link-person", {"person": str(maria.pk)}),
                         ("register-person", {}),
                         ("assign", {"domain": "protection"}),
                         ("decline", {"reason": "x"})):
        response = client.post(f"{detail(referral)}{action}/", body, format="json")
        assert response.status_code == status, (action, response.content)
    referral.refresh_from_db()
    assert referral.person is None and referral.status == ReferralStatus.SUBMITTED


def test_the_ministry_sees_no_referral(world, as_user, maria) -> None:
    referral = submit(world)
    assignment = assign_to_protection(world, referral, maria)
    client = as_user(world.supervisor)
    assert client.get(LIST).json()["results"] == []
    for target in (referral, assignment):
        error_of(client.get(detail(target)), 404)


def test_the_schema_documents_the_embassy_route(world) -> None:
    from django.test import Client

    schema = Client().get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "get" in paths[QUEUE]
    for action in ("link-person", "register-person", "assign"):
        assert "post" in paths[f"/api/v1/referrals/{{id}}/{action}/"], action
    components = schema["components"]["schemas"]
    assert set(components["EmbassyReferralCreateRequest"]["required"]) == {
        "person", "domain", "urgency", "reason"}
    assert components["EmbassyReferralStatusEnum"]["enum"] == [
        "submitted", "under_review", "accepted", "in_progress", "closed", "declined"]


def test_accepting_needs_a_case_type_of_the_center(world, as_user, maria) -> None:
    referral = submit(world)
    assignment = assign_to_protection(world, referral, maria)
    assert case_type("protection", "domestic-violence")
    error = error_of(as_user(world.protection_manager).post(
        f"{detail(assignment)}accept/", {"case_type": "marital-dispute"}, format="json"), 400)
    assert list(error["fields"]) == ["case_type"]
