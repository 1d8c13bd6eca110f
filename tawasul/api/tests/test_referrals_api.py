"""The referrals API, from every side: the sending center, the receiving center, a third
center, the foundation, the ministry, embassies, partners, and no token at all."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import services as case_services
from tawasul.cases import workflow
from tawasul.cases.case_types import load_case_types
from tawasul.cases.models import Case, Notification
from tawasul.common.testing import make_org, make_user
from tawasul.organizations.models import CenterDomain, OrganizationKind
from tawasul.people import services as people_services
from tawasul.referrals.models import Referral, ReferralEvent, ReferralStatus
from tawasul.referrals.tests.conftest import REASON, SUMMARY, case_type, give_consent, send

LIST = "/api/v1/referrals/"
NOBODY = ["supervisor", "analyst", "consul_ph", "viewer_ph", "consul_in", "unesco_fp"]


def detail(referral: Referral) -> str:
    return f"{LIST}{referral.pk}/"


def refs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["reference"] for row in response.json()["results"]}


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


@pytest.fixture
def person(world):
    return people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        given_name_ar="مريم", family_name_ar="الكواري", given_name_latin="Maryam",
        family_name_latin="Al-Kuwari", date_of_birth=dt.date(2012, 3, 4), sex="female",
        nationality="QA",
    )


@pytest.fixture
def restricted(world, person):
    """A child-abuse case of the protection center, managed by protection_manager; the
    center's staff member is not on its team."""
    load_case_types()
    return case_services.case_open(
        actor=world.protection_manager, center=world.protection, person=person,
        case_type=case_type("protection", "child-abuse"), risk_level="high",
    )


@pytest.fixture
def referral(world, restricted, person):
    """The restricted case referred to the family center, with a consented summary."""
    give_consent(world, person)
    return send(world, restricted, summary=SUMMARY)


@pytest.fixture
def youth_manager(world):
    """A case manager of a third center, party to nothing."""
    youth = make_org(OrganizationKind.CENTER, "center-youth", domain=CenterDomain.YOUTH)
    return make_user("youth_manager", youth, Role.CASE_MANAGER)


def accept(client, referral, **extra):
    return client.post(f"{detail(referral)}accept/",
                       {"case_type": "family-reconciliation", **extra}, format="json")


# --- Who sees what ------------------------------------------------------------------


def test_both_centers_list_the_referral_each_in_its_own_box(world, referral, as_user):
    for name in ("family_manager", "family_director"):
        client = as_user(world.users[name])
        assert refs(client.get(LIST)) == {referral.reference}
        assert refs(client.get(LIST, {"direction": "inbox"})) == {referral.reference}
        assert refs(client.get(LIST, {"direction": "outbox"})) == set()
        assert client.get(LIST).json()["results"][0]["direction"] == "inbox"
    for name in ("protection_manager", "protection_director"):
        client = as_user(world.users[name])
        assert refs(client.get(LIST, {"direction": "outbox"})) == {referral.reference}
        assert refs(client.get(LIST, {"direction": "inbox"})) == set()
        assert client.get(LIST).json()["results"][0]["direction"] == "outbox"


def test_sending_staff_off_a_restricted_case_neither_list_nor_open_its_referral(
    world, referral, as_user
):
    client = as_user(world.protection_staff)
    assert refs(client.get(LIST)) == set()
    assert error_of(client.get(detail(referral)), 404)["code"] == "not_found"


def test_a_third_center_sees_nothing_and_cannot_act(world, referral, youth_manager, as_user):
    client = as_user(youth_manager)
    assert refs(client.get(LIST)) == set()
    assert error_of(client.get(detail(referral)), 404)["code"] == "not_found"
    for path, body in [("accept/", {"case_type": "family-reconciliation"}),
                       ("decline/", {"reason": "x"}), ("withdraw/", {"reason": "x"}),
                       ("start/", {}), ("complete/", {}), ("messages/", {"text": "x"})]:
        response = client.post(f"{detail(referral)}{path}", body, format="json")
        assert error_of(response, 404)["code"] == "not_found", path
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert not ReferralEvent.objects.filter(referral=referral, kind="message").exists()


@pytest.mark.parametrize("username", NOBODY)
def test_ministry_analysts_embassies_and_partners_see_no_referral(
    world, referral, as_user, username
):
    client = as_user(world.users[username])
    body = client.get(LIST).json()
    assert body["count"] == 0 and body["results"] == []
    assert error_of(client.get(detail(referral)), 404)["code"] == "not_found"
    response = client.post(f"{detail(referral)}messages/", {"text": "x"}, format="json")
    assert error_of(response, 404)["code"] == "not_found"


@pytest.mark.parametrize(("username", "sees_person"),
                         [("intake", True), ("admin", True), ("liaison", False)])
def test_the_foundation_reads_metadata_only(world, referral, as_user, username, sees_person):
    client = as_user(world.users[username])
    [row] = client.get(LIST).json()["results"]
    assert row["reference"] == referral.reference and row["status"] == "submitted"
    assert row["direction"] is None
    assert (row["person"] is not None) is sees_person
    body = client.get(detail(referral)).json()
    for name in ("reason", "summary", "decline_reason", "withdrawn_reason", "created_by",
                 "decided_by", "source_case", "received_case", "events"):
        assert body[name] is None, name
    assert body["allowed_actions"] == []
    assert body["to_organization"]["code"] == "center-family"
    entry = AuditEntry.objects.get(action=AuditAction.READ, actor=world.users[username],
                                   object_id=str(referral.pk))
    assert "reason" not in entry.fields and ("person" in entry.fields) is sees_person
    # Seeing the referral gives no right to act on it.
    response = client.post(f"{detail(referral)}decline/", {"reason": "x"}, format="json")
    assert error_of(response, 403)["code"] == "forbidden"
    response = client.post(f"{detail(referral)}messages/", {"text": "x"}, format="json")
    assert error_of(response, 403)["code"] == "forbidden"


def test_without_a_token_everything_answers_401(referral):
    client = Client()
    assert client.get(LIST).status_code == 401
    assert client.get(detail(referral)).status_code == 401
    assert client.post(LIST, {}, content_type="application/json").status_code == 401
    response = client.post(f"{detail(referral)}decline/", {"reason": "x"},
                           content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


# --- List ---------------------------------------------------------------------------


def test_list_row_shape_and_audit(world, referral, as_user):
    [row] = as_user(world.family_manager).get(LIST).json()["results"]
    assert row["id"] == str(referral.pk)
    assert row["person"]["name_latin"] == "Maryam Al-Kuwari"
    assert row["from_organization"]["code"] == "center-protection"
    assert (row["kind"], row["urgency"], row["domain"]) == ("center_to_center", "routine",
                                                            "family")
    assert row["is_overdue"] is False
    assert "reason" not in row and "summary" not in row
    entry = AuditEntry.objects.filter(action=AuditAction.READ,
                                      object_type="referrals.referral").latest("occurred_at")
    assert entry.actor == world.family_manager
    assert str(referral.pk) in entry.reason and "person" in entry.fields


def test_filters(world, referral, as_user):
    client = as_user(world.family_manager)
    assert refs(client.get(LIST, {"status": "submitted"})) == {referral.reference}
    assert refs(client.get(LIST, {"status": "open"})) == {referral.reference}
    assert refs(client.get(LIST, {"status": "accepted"})) == set()
    assert refs(client.get(LIST, {"urgency": "routine"})) == {referral.reference}
    assert refs(client.get(LIST, {"urgency": "emergency"})) == set()
    assert refs(client.get(LIST, {"kind": "center_to_center"})) == {referral.reference}
    assert refs(client.get(LIST, {"overdue": "true"})) == set()
    assert refs(client.get(LIST, {"overdue": "false"})) == {referral.reference}
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    assert refs(client.get(LIST, {"overdue": "true"})) == {referral.reference}
    assert refs(client.get(LIST, {"overdue": "false"})) == set()
    assert client.get(LIST).json()["results"][0]["is_overdue"] is True
    assert refs(client.get(LIST, {"status": ""})) == {referral.reference}  # empty: no filter


@pytest.mark.parametrize(
    ("params", "field"),
    [({"direction": "sideways"}, "direction"), ({"status": "lost"}, "status"),
     ({"urgency": "whenever"}, "urgency"), ({"overdue": "maybe"}, "overdue"),
     ({"kind": "embassy"}, "kind"), ({"page": "0"}, "page"), ({"page_size": "-1"}, "page_size")],
)
def test_invalid_filters_answer_400_naming_the_parameter(world, as_user, params, field):
    error = error_of(as_user(world.family_manager).get(LIST, params), 400)
    assert list(error["fields"]) == [field]


def test_pagination(world, referral, restricted, as_user):
    # The first referral withdrawn, the person may be referred to the family center again.
    Referral.objects.filter(pk=referral.pk).update(
        status=ReferralStatus.WITHDRAWN, withdrawn_reason="x", withdrawn_at=timezone.now())
    second = send(world, restricted, urgency="urgent")
    client = as_user(world.family_manager)
    first_page = client.get(LIST, {"page_size": 1}).json()
    assert first_page["count"] == 2 and len(first_page["results"]) == 1
    assert first_page["next"] and first_page["previous"] is None
    second_page = client.get(LIST, {"page_size": 1, "page": 2}).json()
    assert {first_page["results"][0]["reference"], second_page["results"][0]["reference"]} == {
        referral.reference, second.reference}
    assert error_of(client.get(LIST, {"page_size": 1, "page": 3}), 404)["code"] == "invalid_page"


def test_list_query_count_does_not_grow_with_rows(
    world, referral, restricted, as_user, django_assert_max_num_queries
):
    # A team member who does not manage the restricted case: the costliest sender to
    # recognise.
    case_services.case_team_add(actor=world.protection_manager, case=restricted,
                                user=world.protection_staff)
    for client in (as_user(world.family_manager), as_user(world.protection_manager),
                   as_user(world.protection_staff), as_user(world.intake)):
        client.get(LIST)  # first use writes the token's last use
        with django_assert_max_num_queries(12) as few:
            assert client.get(LIST).json()["count"] == 1
        allowed = len(few.captured_queries)
        for _ in range(5):
            Referral.objects.filter(status=ReferralStatus.SUBMITTED).update(
                status=ReferralStatus.WITHDRAWN, withdrawn_reason="x")
            send(world, restricted)
        with django_assert_max_num_queries(allowed):
            client.get(LIST)
        Referral.objects.exclude(pk=referral.pk).delete()


# --- One referral -------------------------------------------------------------------


def test_the_receiver_reads_it_all_with_the_thread_audited(world, referral, as_user):
    as_user(world.protection_manager).post(f"{detail(referral)}messages/",
                                           {"text": "سؤال عن الموعد"}, format="json")
    body = as_user(world.family_manager).get(detail(referral)).json()
    assert (body["reason"], body["summary"]) == (REASON, SUMMARY)
    assert body["created_by"]["username"] == "protection_manager"
    assert body["source_case"] is None  # the sender's case stays with the sender
    assert body["received_case"] is None
    assert [(e["kind"], e["to_status"]) for e in body["events"]] == [
        ("status_change", "submitted"), ("message", "")]
    assert body["events"][1]["text"] == "سؤال عن الموعد"
    assert body["allowed_actions"] == ["accept", "decline", "message"]
    entry = AuditEntry.objects.get(action=AuditAction.READ, actor=world.family_manager,
                                   object_id=str(referral.pk))
    assert {"reason", "summary", "events"} <= set(entry.fields)


def test_the_sender_reads_its_case_link_and_may_withdraw(world, referral, restricted, as_user):
    body = as_user(world.protection_manager).get(detail(referral)).json()
    assert body["source_case"] == {"id": str(restricted.pk), "reference": restricted.reference}
    assert body["summary"] == SUMMARY
    assert body["allowed_actions"] == ["withdraw", "message"]


def test_a_withdrawn_consent_hides_the_summary_from_the_receiver(world, referral, as_user):
    people_services.consent_withdraw(actor=world.protection_manager, consent=referral.consent,
                                     reason="The mother asked to stop sharing")
    assert as_user(world.family_manager).get(detail(referral)).json()["summary"] is None
    assert as_user(world.protection_manager).get(detail(referral)).json()["summary"] == SUMMARY


@pytest.mark.parametrize("bad", ["not-a-uuid", str(uuid.uuid4())])
def test_unknown_ids_answer_404(world, as_user, bad):
    assert error_of(as_user(world.family_manager).get(f"{LIST}{bad}/"), 404)["code"] == "not_found"


# --- Sending ------------------------------------------------------------------------


def _body(restricted, world, **extra):
    return {"case": str(restricted.pk), "to_center": str(world.family.pk), "urgency": "urgent",
            "reason": REASON, **extra}


def test_a_case_manager_refers_a_case(world, restricted, as_user):
    response = as_user(world.protection_manager).post(LIST, _body(restricted, world),
                                                      format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    referral = Referral.objects.get(pk=body["id"])
    assert (body["reference"], body["status"]) == (referral.reference, "submitted")
    assert referral.source_case == restricted and referral.to_organization == world.family
    assert body["summary"] == "" and referral.consent is None
    assert AuditEntry.objects.filter(action=AuditAction.CREATE,
                                     object_id=str(referral.pk)).exists()
    assert Notification.objects.filter(recipient=world.family_director,
                                       kind="referral_received").exists()


def test_the_receiving_center_may_be_named_by_its_domain(world, restricted, as_user):
    body = _body(restricted, world, domain="family")
    del body["to_center"]
    response = as_user(world.protection_manager).post(LIST, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["to_organization"]["code"] == "center-family"


def test_a_summary_goes_only_under_consent(world, restricted, person, as_user):
    client = as_user(world.protection_manager)
    error = error_of(client.post(LIST, _body(restricted, world, summary=SUMMARY),
                                 format="json"), 400)
    assert error["code"] == "consent_required" and list(error["fields"]) == ["summary"]
    # A consent to another recipient does not do, named or not.
    elsewhere = give_consent(world, person, recipient=world.protection)
    error = error_of(client.post(LIST, _body(restricted, world, summary=SUMMARY),
                                 format="json"), 400)
    assert error["code"] == "consent_required"
    consent = give_consent(world, person)
    error = error_of(client.post(LIST, _body(restricted, world, summary=SUMMARY,
                                             consent=str(elsewhere.pk)), format="json"), 400)
    assert error["code"] == "consent_not_covering" and list(error["fields"]) == ["consent"]
    error = error_of(client.post(LIST, _body(restricted, world, consent=str(consent.pk)),
                                 format="json"), 400)
    assert error["code"] == "consent_without_summary"
    assert not Referral.objects.exists()
    response = client.post(LIST, _body(restricted, world, summary=SUMMARY,
                                       consent=str(consent.pk)), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["summary"] == SUMMARY
    assert Referral.objects.get().consent == consent


def test_a_referral_to_ones_own_center_is_refused_in_the_requests_language(
    world, restricted, as_user
):
    client = as_user(world.protection_manager)
    response = client.post(LIST, _body(restricted, world, to_center=str(world.protection.pk)),
                           format="json", HTTP_ACCEPT_LANGUAGE="ar")
    error = error_of(response, 400)
    assert error["code"] == "same_center"
    assert error["fields"] == {"to_center": ["لا يمكن إحالة الحالة إلى مركزها نفسه."]}
    body = _body(restricted, world, domain="protection")
    del body["to_center"]
    error = error_of(client.post(LIST, body, format="json", HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert error["fields"] == {"domain": ["A case cannot be referred to its own center."]}
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [({"case": str(uuid.uuid4())}, "case"),
     ({"case": "nope"}, "case"),
     ({"reason": None}, "reason"),
     ({"reason": "   "}, "reason"),
     ({"urgency": "whenever"}, "urgency"),
     ({"urgency": None}, "urgency"),
     ({"to_center": None}, "to_center"),
     ({"to_center": str(uuid.uuid4())}, "to_center"),
     ({"domain": "elderly"}, "domain"),
     ({"consent": str(uuid.uuid4())}, "consent"),
     ({"status": "accepted"}, "status")],
)
def test_bad_input_answers_400_naming_the_field(world, restricted, as_user, change, field):
    body = _body(restricted, world)
    for name, value in change.items():
        if value is None:
            body.pop(name)
        else:
            body[name] = value
    error = error_of(as_user(world.protection_manager).post(LIST, body, format="json"), 400)
    assert list(error["fields"]) == [field]
    assert not Referral.objects.exists()


def test_only_cases_one_works_on_and_open_ones_are_referred(
    world, restricted, person, as_user
):
    # The family center's case is not the protection center's to refer.
    family_case = case_services.case_open(
        actor=world.family_manager, center=world.family, person=person,
        case_type=case_type("family", "family-reconciliation"), risk_level="low",
    )
    error = error_of(as_user(world.protection_manager).post(
        LIST, _body(family_case, world, to_center=str(world.protection.pk)), format="json"), 400)
    assert list(error["fields"]) == ["case"]
    # Staff off the restricted case's team do not see it, so cannot refer it.
    error = error_of(as_user(world.protection_staff).post(LIST, _body(restricted, world),
                                                          format="json"), 400)
    assert list(error["fields"]) == ["case"]
    workflow.case_change_status(actor=world.protection_manager, case=restricted,
                                to_status="closed", closure_reason="goals_met")
    error = error_of(as_user(world.protection_manager).post(LIST, _body(restricted, world),
                                                            format="json"), 400)
    assert error["code"] == "case_closed" and list(error["fields"]) == ["case"]
    assert not Referral.objects.exists()


def test_a_second_open_referral_to_the_same_center_is_refused(world, referral, restricted,
                                                              as_user):
    error = error_of(as_user(world.protection_manager).post(LIST, _body(restricted, world),
                                                            format="json"), 400)
    assert error["code"] == "duplicate_referral" and list(error["fields"]) == ["to_center"]


EMBASSY_BODY = {
    "person": {"name_en": "Maria Cruz", "sex": "female", "date_of_birth": "1990-01-01",
               "nationality": "PH"},
    "domain": "protection", "urgency": "urgent", "reason": "Shelter needed",
}


# Consular officers send referrals of their nationals to the foundation:
# test_embassy_referrals_api.py.
@pytest.mark.parametrize("username", ["viewer_ph", "intake", "admin", "liaison",
                                      "supervisor", "analyst", "unesco_fp"])
def test_only_center_staff_send_referrals(world, restricted, as_user, username):
    client = as_user(world.users[username])
    for body in (EMBASSY_BODY, _body(restricted, world)):
        error = error_of(client.post(LIST, body, format="json"), 403)
        assert error["code"] == "forbidden" and error["message"]
    assert not Referral.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     actor=world.users[username],
                                     object_type="referrals.referral").exists()


# --- The receiver's decision, progress, withdrawal and messages ----------------------


def test_the_receiver_accepts_opening_a_linked_case(world, referral, person, as_user):
    assert error_of(accept(as_user(world.protection_manager), referral), 403)["code"] == (
        "forbidden")
    client = as_user(world.family_manager)
    error = error_of(accept(client, referral, case_type="child-abuse"), 400)
    assert list(error["fields"]) == ["case_type"]
    error = error_of(accept(client, referral,
                            assigned_manager=str(world.protection_manager.pk)), 400)
    assert list(error["fields"]) == ["assigned_manager"]
    error = error_of(accept(client, referral, risk_level="extreme"), 400)
    assert list(error["fields"]) == ["risk_level"]
    assert not Case.objects.filter(center=world.family).exists()

    response = accept(client, referral)
    assert response.status_code == 200, response.content
    body = response.json()
    case = Case.objects.get(center=world.family, person=person)
    assert body["status"] == "accepted"
    assert body["received_case"] == {"id": str(case.pk), "reference": case.reference}
    assert body["decided_by"]["username"] == "family_manager"
    assert body["allowed_actions"] == ["start", "complete", "message"]
    assert case.assigned_manager == world.family_manager and case.risk_level == "low"
    # A decided referral cannot be decided again.
    error = error_of(accept(client, referral), 400)
    assert error["code"] == "transition_not_allowed"
    error = error_of(client.post(f"{detail(referral)}decline/", {"reason": "late"},
                                 format="json"), 400)
    assert error["code"] == "transition_not_allowed"
    assert Case.objects.filter(center=world.family).count() == 1


def test_declining_needs_a_reason_the_sender_then_reads(world, referral, as_user):
    client = as_user(world.family_manager)
    url = f"{detail(referral)}decline/"
    assert list(error_of(client.post(url, {}, format="json"), 400)["fields"]) == ["reason"]
    assert list(error_of(client.post(url, {"reason": " \n "}, format="json"),
                         400)["fields"]) == ["reason"]
    error = error_of(as_user(world.protection_manager).post(url, {"reason": "no"},
                                                            format="json"), 403)
    assert error["code"] == "forbidden"
    response = client.post(url, {"reason": "No capacity this month"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "declined"
    sender = as_user(world.protection_manager).get(detail(referral)).json()
    assert sender["decline_reason"] == "No capacity this month"
    assert sender["allowed_actions"] == ["message"]
    assert Notification.objects.filter(recipient=world.protection_manager,
                                       kind="referral_declined").exists()


def test_only_the_sender_withdraws_and_only_while_submitted(world, referral, as_user):
    url = f"{detail(referral)}withdraw/"
    error = error_of(as_user(world.family_manager).post(url, {"reason": "x"}, format="json"), 403)
    assert error["code"] == "forbidden"
    client = as_user(world.protection_manager)
    assert list(error_of(client.post(url, {}, format="json"), 400)["fields"]) == ["reason"]
    response = client.post(url, {"reason": "The family moved abroad"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    assert response.json()["withdrawn_reason"] == "The family moved abroad"
    assert error_of(client.post(url, {"reason": "again"}, format="json"), 400)["code"] == (
        "transition_not_allowed")
    error = error_of(accept(as_user(world.family_manager), referral), 400)
    assert error["code"] == "transition_not_allowed"


def test_start_and_complete_after_accepting(world, referral, as_user):
    client = as_user(world.family_manager)
    start, complete = f"{detail(referral)}start/", f"{detail(referral)}complete/"
    assert error_of(client.post(start, {}, format="json"), 400)["code"] == (
        "transition_not_allowed")
    assert error_of(client.post(complete, {}, format="json"), 400)["code"] == (
        "transition_not_allowed")
    accept(client, referral)
    assert error_of(as_user(world.protection_manager).post(start, {}, format="json"),
                    403)["code"] == "forbidden"
    assert list(error_of(client.post(start, {"note": "x"}, format="json"),
                         400)["fields"]) == ["note"]
    assert client.post(start, {}, format="json").json()["status"] == "in_progress"
    response = client.post(complete, {"note": "Sessions finished"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "completed"
    assert response.json()["events"][-1]["text"] == "Sessions finished"
    assert error_of(client.post(complete, {}, format="json"), 400)["code"] == (
        "transition_not_allowed")


def test_both_sides_write_messages(world, referral, as_user):
    url = f"{detail(referral)}messages/"
    response = as_user(world.family_manager).post(url, {"text": "Can she come on Sunday?"},
                                                  format="json")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "message"
    assert response.json()["author"]["username"] == "family_manager"
    assert Notification.objects.filter(recipient=world.protection_manager,
                                       kind="referral_message").exists()
    response = as_user(world.protection_manager).post(url, {"text": "Yes"}, format="json")
    assert response.status_code == 201, response.content
    error = error_of(as_user(world.protection_manager).post(url, {"text": ""}, format="json"),
                     400)
    assert list(error["fields"]) == ["text"]
    error = error_of(as_user(world.protection_manager).post(url, {"text": "x", "to": "y"},
                                                            format="json"), 400)
    assert list(error["fields"]) == ["to"]
    assert ReferralEvent.objects.filter(referral=referral, kind="message").count() == 2


def test_schema_documents_the_referral_endpoints(db):
    schema = Client().get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert set(paths[LIST]) >= {"get", "post"}
    assert set(paths["/api/v1/referrals/{id}/"]) >= {"get"}
    for name in ("accept", "decline", "withdraw", "start", "complete", "messages"):
        assert "post" in paths[f"/api/v1/referrals/{{id}}/{name}/"], name
    listing = paths[LIST]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "direction", "status", "urgency", "overdue", "kind", "page", "page_size"}
    # Centers and embassies: one list, one create, each in its own shape.
    assert "results" in schema["components"]["schemas"]["PaginatedReferralListItemList"][
        "required"]
    create = paths[LIST]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert create["$ref"].endswith("/ReferralCreateRequest")
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in schema["components"]["schemas"][
        "ReferralCreateRequest"]["oneOf"]} == {"CenterReferralCreateRequest",
                                               "EmbassyReferralCreateRequest"}
    assert "403" in paths[LIST]["post"]["responses"]
    enums = schema["components"]["schemas"]
    assert enums["ReferralStatusEnum"]["enum"] == list(ReferralStatus.values)
