"""`/api/v1/coordination-requests/`: the same policy as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tawasul.api.tests.conftest import bearer, issue
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases.models import Case
from tawasul.common.testing import World
from tawasul.coordination.models import CoordinationRequest, Disclosure, RequestStatus
from tawasul.coordination.tests.conftest import CASE_SUMMARY, HOME_TOWN, MESSAGE
from tawasul.people import services as people_services
from tawasul.people.models import Consent, Person, SafetyFlagKind

pytestmark = pytest.mark.django_db

URL = "/api/v1/coordination-requests/"


def client_of(user: object) -> APIClient:
    return bearer(issue(user))


def _detail(req: CoordinationRequest, suffix: str = "") -> str:
    return f"{URL}{req.pk}/{suffix}"


def test_the_requesting_center_creates_and_reads(world: World, case: Case,
                                                 consent: Consent) -> None:
    api = client_of(world.protection_manager)
    response = api.post(URL, {"case": str(case.pk), "request_type": "family_tracing",
                              "consent": str(consent.pk), "home_town": HOME_TOWN,
                              "message": MESSAGE}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "sent" and body["to_organization"]["country"] == "PH"
    assert body["person"]["reference"] == case.person.reference
    assert body["disclosed"]["home_town"] == HOME_TOWN
    assert body["allowed_actions"] == ["withdraw", "message"]
    assert Disclosure.objects.count() == 1
    listing = api.get(URL).json()
    assert [row["reference"] for row in listing["results"]] == [body["reference"]]


def test_the_embassy_reads_the_minimum_and_answers(world: World,
                                                   request_sent: CoordinationRequest) -> None:
    api = client_of(world.consul_ph)
    body = api.get(_detail(request_sent)).json()
    assert body["disclosed"]["name_latin"] == "Liza Mendoza"
    assert body["message"] == MESSAGE
    for hidden in ("person", "case", "consent", "legal_ground", "from_organization",
                   "home_town", "created_by", "withdrawal_reason"):
        assert body[hidden] is None, hidden
    assert CASE_SUMMARY not in str(body)
    assert body["allowed_actions"] == ["acknowledge", "start", "fulfil", "decline", "message"]
    assert api.post(_detail(request_sent, "acknowledge/"), {}, format="json").status_code == 200
    response = api.post(_detail(request_sent, "messages/"),
                        {"text": "<script>x</script>"}, format="json")
    assert response.status_code == 201 and response.json()["side"] == "embassy"
    response = api.post(_detail(request_sent, "fulfil/"), {"note": "Found"}, format="json")
    assert response.json()["status"] == "fulfilled"
    thread = client_of(world.protection_manager).get(_detail(request_sent, "messages/")).json()
    assert "<script>x</script>" in [e["text"] for e in thread["results"]]
    # The embassy sees the foundation's side as the foundation, not a named worker.
    center_events = [e for e in api.get(_detail(request_sent)).json()["events"]
                     if e["side"] == "center"]
    assert center_events and all(e["author"] is None for e in center_events)


def test_a_viewer_reads_but_does_not_act(world: World,
                                         request_sent: CoordinationRequest) -> None:
    api = client_of(world.viewer_ph)
    assert api.get(_detail(request_sent)).json()["allowed_actions"] == []
    response = api.post(_detail(request_sent, "acknowledge/"), {}, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("name", ["consul_in", "family_manager", "intake", "supervisor",
                                  "analyst", "unesco_fp", "protection_staff"])
def test_outside_scope_is_404_and_lists_are_empty(world: World,
                                                  request_sent: CoordinationRequest,
                                                  name: str) -> None:
    api = client_of(world.users[name])
    assert api.get(URL).json()["results"] == []
    for url in (_detail(request_sent), _detail(request_sent, "messages/")):
        response = api.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert api.post(_detail(request_sent, "acknowledge/"), {},
                    format="json").status_code == 404


def test_liaison_reads_metadata_only(world: World, request_sent: CoordinationRequest) -> None:
    api = client_of(world.liaison)
    [row] = api.get(URL + "?status=open").json()["results"]
    assert row["person"] is None and row["from_organization"] is not None
    body = api.get(_detail(request_sent)).json()
    for hidden in ("person", "disclosed", "message", "events", "case", "home_town"):
        assert body[hidden] is None, hidden
    assert api.get(_detail(request_sent, "messages/")).json()["results"] == []
    assert api.post(URL, {}, format="json").status_code == 403
    assert AuditEntry.objects.filter(action=AuditAction.READ, actor=world.liaison).exists()


def test_overdue_filter(world: World, request_sent: CoordinationRequest) -> None:
    api = client_of(world.liaison)
    assert api.get(URL + "?overdue=true").json()["results"] == []
    CoordinationRequest.objects.filter(pk=request_sent.pk).update(
        due_at=timezone.now() - dt.timedelta(hours=1))
    [row] = api.get(URL + "?overdue=true").json()["results"]
    assert row["is_overdue"] is True


def test_bad_input_answers_400_with_the_field(world: World, case: Case, person: Person,
                                              consent: Consent) -> None:
    api = client_of(world.protection_manager)
    base = {"case": str(case.pk), "request_type": "family_tracing", "home_town": HOME_TOWN}
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    for body, code, field in [
        (base, "basis_required", "consent"),
        ({**base, "consent": str(consent.pk), "due_at": past}, "due_in_past", "due_at"),
        ({**base, "consent": str(consent.pk), "home_town": ""}, "required", "home_town"),
        ({**base, "consent": str(consent.pk), "colour": "red"}, "invalid", "colour"),
        ({**base, "request_type": "visa"}, "invalid", "request_type"),
        ({**base, "consent": str(consent.pk), "embassy": str(world.embassy_in.pk)},
         "not_home_embassy", "embassy"),
    ]:
        response = api.post(URL, body, format="json")
        assert response.status_code == 400, body
        error = response.json()["error"]
        assert error["code"] == code and field in error["fields"], (body, error)
    people_services.safety_flag_set(actor=world.protection_manager, person=person,
                                    kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY)
    response = api.post(URL, {**base, "consent": str(consent.pk)}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_contact"
    assert not CoordinationRequest.objects.exists()


def test_the_director_approves_a_legal_ground(world: World, case: Case) -> None:
    manager = client_of(world.protection_manager)
    response = manager.post(URL, {"case": str(case.pk), "request_type": "travel_document",
                                  "legal_ground": "Court order 3/2026"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "awaiting_approval"
    request = CoordinationRequest.objects.get()
    assert manager.post(_detail(request, "approve/"), {}, format="json").status_code == 403
    response = client_of(world.protection_director).post(_detail(request, "approve/"), {},
                                                         format="json")
    assert response.status_code == 200
    assert response.json()["status"] == RequestStatus.SENT
    assert response.json()["legal_ground"]["status"] == "approved"


def test_withdrawing_hides_the_data_from_the_embassy(world: World,
                                                     request_sent: CoordinationRequest) -> None:
    response = client_of(world.protection_manager).post(
        _detail(request_sent, "withdraw/"), {"reason": "Private reason"}, format="json")
    assert response.status_code == 200
    body = client_of(world.consul_ph).get(_detail(request_sent)).json()
    assert body["status"] == "withdrawn"
    assert body["disclosed"] is None and body["withdrawal_reason"] is None
    assert "Private reason" not in str(body)
