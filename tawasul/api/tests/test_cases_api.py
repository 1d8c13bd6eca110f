from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.utils import timezone

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import services
from tawasul.cases.case_types import load_case_types
from tawasul.cases.models import Case, CaseEvent, CaseEventKind, CaseStatus
from tawasul.cases.tests.conftest import case_type, register
from tawasul.organizations.models import Service

LIST = "/api/v1/cases/"
REASON = "Urgent safeguarding check requested by the duty officer"


def detail(case) -> str:
    return f"{LIST}{case.pk}/"


def refs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["reference"] for row in response.json()["results"]}


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


@pytest.fixture
def person(world):
    return register(world, full_name_latin="Maryam Al-Kuwari")


@pytest.fixture
def restricted(world, person):
    """A child-abuse case of the protection center, managed by protection_manager."""
    load_case_types()
    return services.case_open(
        actor=world.protection_manager, center=world.protection, person=person,
        case_type=case_type("protection", "child-abuse"), risk_level="high",
        summary="تفاصيل الحالة",
    )


@pytest.fixture
def standard(world, person, restricted):
    """A protection case the director opened as standard, managed by protection_manager."""
    return services.case_open(
        actor=world.protection_director, center=world.protection, person=person,
        case_type=case_type("protection", "child-neglect"), risk_level="low",
        is_restricted=False, assigned_manager=world.protection_manager,
    )


@pytest.fixture
def family_case(world, person, restricted):
    return services.case_open(
        actor=world.family_manager, center=world.family, person=person,
        case_type=case_type("family", "family-reconciliation"), risk_level="medium",
    )


# --- List -----------------------------------------------------------------------


def test_center_staff_list_their_centers_cases_restricted_only_for_the_team(
    world, restricted, standard, family_case, as_user
):
    assert refs(as_user(world.protection_manager).get(LIST)) == {
        restricted.reference, standard.reference
    }
    assert refs(as_user(world.protection_director).get(LIST)) == {
        restricted.reference, standard.reference
    }
    # A staff member not on the restricted case's team does not see it listed.
    assert refs(as_user(world.protection_staff).get(LIST)) == {standard.reference}
    assert refs(as_user(world.family_manager).get(LIST)) == {family_case.reference}


@pytest.mark.parametrize(
    "username", ["consul_ph", "viewer_ph", "supervisor", "unesco_fp", "admin", "intake",
                 "liaison", "analyst"],
)
def test_nobody_outside_the_centers_lists_cases(world, restricted, standard, as_user, username):
    body = as_user(world.users[username]).get(LIST).json()
    assert body["count"] == 0 and body["results"] == []


def test_list_row_shape_and_audit(world, restricted, as_user):
    row = as_user(world.protection_manager).get(LIST).json()["results"][0]
    assert row["reference"] == restricted.reference
    assert row["person"]["name_latin"] == "Maryam Al-Kuwari"
    assert row["case_type"]["code"] == "child-abuse"
    assert row["status"] == "intake" and row["risk_level"] == "high"
    assert row["is_restricted"] is True
    assert row["assigned_manager"]["username"] == "protection_manager"
    assert row["has_overdue_tasks"] is False
    assert "summary" not in row
    entry = AuditEntry.objects.filter(action=AuditAction.READ, object_type="cases.case").latest(
        "occurred_at"
    )
    assert entry.actor == world.protection_manager
    assert str(restricted.pk) in entry.reason


def test_filters(world, restricted, standard, as_user):
    client = as_user(world.protection_manager)
    services.task_create(actor=world.protection_manager, case=standard, title="Visit",
                         due_at=timezone.now() - dt.timedelta(days=1))
    assert refs(client.get(LIST, {"risk_level": "high"})) == {restricted.reference}
    assert refs(client.get(LIST, {"case_type": "child-neglect"})) == {standard.reference}
    assert refs(client.get(LIST, {"status": "intake"})) == {restricted.reference,
                                                            standard.reference}
    assert refs(client.get(LIST, {"status": "closed"})) == set()
    assert refs(client.get(LIST, {"overdue": "true"})) == {standard.reference}
    assert refs(client.get(LIST, {"overdue": "false"})) == {restricted.reference}
    assert refs(client.get(LIST, {"q": restricted.reference})) == {restricted.reference}
    assert refs(client.get(LIST, {"q": "kuwari"})) == {restricted.reference, standard.reference}
    assert refs(client.get(LIST, {"q": "الكواري"})) == {restricted.reference, standard.reference}
    assert refs(client.get(LIST, {"q": "nobody"})) == set()
    director = as_user(world.protection_director)
    assert refs(director.get(LIST, {"assigned": "me"})) == set()
    assert refs(client.get(LIST, {"assigned": "me"})) == {restricted.reference,
                                                          standard.reference}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"status": "open"}, "status"), ({"risk_level": "extreme"}, "risk_level"),
     ({"assigned": "you"}, "assigned"), ({"overdue": "maybe"}, "overdue"),
     ({"case_type": "no spaces"}, "case_type"), ({"q": "x" * 101}, "q")],
)
def test_invalid_filters_answer_400_naming_the_parameter(world, as_user, params, field):
    error = error_of(as_user(world.protection_manager).get(LIST, params), 400)
    assert list(error["fields"]) == [field]


def test_list_query_count_does_not_grow_with_rows(
    world, restricted, person, as_user, django_assert_max_num_queries
):
    client = as_user(world.protection_manager)
    client.get(LIST)  # first use writes the token's last use
    with django_assert_max_num_queries(8) as few:
        assert client.get(LIST).json()["count"] == 1
    for _ in range(8):
        case = services.case_open(
            actor=world.protection_manager, center=world.protection, person=person,
            case_type=case_type("protection", "child-abuse"), risk_level="low",
        )
        services.case_add_note(actor=world.protection_manager, case=case, text="n")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).json()["count"] == 9


# --- Detail and break the glass -------------------------------------------------


def test_case_manager_reads_the_case_audited(world, restricted, as_user):
    body = as_user(world.protection_manager).get(detail(restricted)).json()
    assert body["summary"] == "تفاصيل الحالة"
    assert body["allowed_transitions"] == ["assessment", "closed"]
    assert body["last_event_at"] is None
    entry = AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(restricted.pk))
    assert entry.get().actor == world.protection_manager


@pytest.mark.parametrize("username", ["family_manager", "family_director", "consul_ph",
                                      "supervisor", "unesco_fp", "admin", "intake"])
def test_case_outside_scope_answers_404_even_with_a_reason(world, restricted, as_user, username):
    client = as_user(world.users[username])
    assert error_of(client.get(detail(restricted)), 404)["code"] == "not_found"
    response = client.get(detail(restricted), HTTP_X_ACCESS_REASON=REASON)
    assert error_of(response, 404)["code"] == "not_found"
    assert error_of(client.get(f"{detail(restricted)}events/"), 404)["code"] == "not_found"


def test_restricted_case_needs_a_reason_then_opens_audited(world, restricted, as_user):
    client = as_user(world.protection_staff)
    error = error_of(client.get(detail(restricted)), 403)
    assert error["code"] == "break_glass_required"
    assert error["message"]
    short = client.get(detail(restricted), HTTP_X_ACCESS_REASON="because")
    assert error_of(short, 403)["code"] == "break_glass_required"
    assert not CaseEvent.objects.filter(kind=CaseEventKind.BREAK_GLASS).exists()

    response = client.get(detail(restricted), HTTP_X_ACCESS_REASON=REASON)
    assert response.status_code == 200, response.content
    assert response.json()["summary"] == "تفاصيل الحالة"
    read = AuditEntry.objects.get(action=AuditAction.READ, actor=world.protection_staff,
                                  object_id=str(restricted.pk))
    assert REASON in read.reason
    assert CaseEvent.objects.filter(case=restricted, kind=CaseEventKind.BREAK_GLASS).exists()
    # The grant was for that request: the next one asks again.
    assert error_of(client.get(detail(restricted)), 403)["code"] == "break_glass_required"


def test_break_the_glass_reason_may_be_arabic_percent_encoded(world, restricted, as_user):
    reason = "فحص عاجل بطلب من المناوب"
    response = as_user(world.protection_staff).get(
        f"{detail(restricted)}events/", HTTP_X_ACCESS_REASON=quote(reason)
    )
    assert response.status_code == 200, response.content
    kinds = [row["kind"] for row in response.json()["results"]]
    assert "break_glass" in kinds
    event = CaseEvent.objects.get(case=restricted, kind=CaseEventKind.BREAK_GLASS)
    assert event.text == reason


def test_break_the_glass_does_not_open_writes(world, restricted, as_user):
    client = as_user(world.protection_staff)
    response = client.patch(detail(restricted), {"risk_level": "low"}, format="json",
                            HTTP_X_ACCESS_REASON=REASON)
    assert error_of(response, 403)["code"] == "break_glass_required"
    response = client.post(f"{detail(restricted)}events/", {"kind": "note", "text": "x"},
                           format="json", HTTP_X_ACCESS_REASON=REASON)
    assert error_of(response, 403)["code"] == "break_glass_required"
    restricted.refresh_from_db()
    assert restricted.risk_level == "high"


# --- Create ---------------------------------------------------------------------


def test_case_manager_opens_a_case(world, person, as_user):
    load_case_types()
    response = as_user(world.protection_manager).post(
        LIST, {"person": str(person.pk), "case_type": "domestic-violence", "risk_level": "medium",
               "summary": "Line one\nline two"}, format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert case.center == world.protection
    assert body["is_restricted"] is True
    assert body["assigned_manager"]["username"] == "protection_manager"
    assert body["summary"] == "Line one\nline two"
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(case.pk)).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"case_type": "marital-dispute"}, "case_type"),  # another domain's type
     ({"person": "00000000-0000-0000-0000-000000000000"}, "person"),
     ({"risk_level": "extreme"}, "risk_level"),
     ({"nickname": "x"}, "nickname")],
)
def test_invalid_case_answers_400_naming_the_field(world, person, as_user, body, field):
    load_case_types()
    data = {"person": str(person.pk), "case_type": "child-abuse", "risk_level": "low", **body}
    error = error_of(as_user(world.protection_manager).post(LIST, data, format="json"), 400)
    assert field in error["fields"]
    assert not Case.objects.exists()


def test_manager_of_another_center_cannot_be_assigned(world, person, as_user):
    load_case_types()
    data = {"person": str(person.pk), "case_type": "child-abuse", "risk_level": "low",
            "assigned_manager": str(world.family_manager.pk)}
    error = error_of(as_user(world.protection_manager).post(LIST, data, format="json"), 400)
    assert list(error["fields"]) == ["assigned_manager"]


@pytest.mark.parametrize("username", ["consul_ph", "supervisor", "intake", "unesco_fp"])
def test_only_center_staff_open_cases(world, person, as_user, username):
    load_case_types()
    data = {"person": str(person.pk), "case_type": "child-abuse", "risk_level": "low"}
    error = error_of(as_user(world.users[username]).post(LIST, data, format="json"), 403)
    assert error["code"] == "forbidden"
    assert not Case.objects.exists()


# --- Change ---------------------------------------------------------------------


def test_patch_changes_details_and_manager_through_the_services(world, standard, as_user):
    second = world.protection_director
    response = as_user(world.protection_manager).patch(
        detail(standard), {"risk_level": "critical", "summary": "new",
                           "assigned_manager": str(second.pk)}, format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["risk_level"], body["summary"]) == ("critical", "new")
    assert body["assigned_manager"]["username"] == "protection_director"
    updates = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(standard.pk))
    assert {f for e in updates for f in e.fields} >= {"risk_level", "summary",
                                                      "assigned_manager"}


def test_patch_by_someone_who_does_not_manage_the_case_is_refused(world, standard, as_user):
    response = as_user(world.protection_staff).patch(detail(standard), {"risk_level": "low"},
                                                     format="json")
    assert error_of(response, 403)["code"] == "forbidden"
    response = as_user(world.family_manager).patch(detail(standard), {"risk_level": "low"},
                                                   format="json")
    assert error_of(response, 404)["code"] == "not_found"


def test_patch_rejects_unknown_and_read_only_fields(world, standard, as_user):
    response = as_user(world.protection_manager).patch(
        detail(standard), {"status": "closed", "colour": "red"}, format="json"
    )
    assert set(error_of(response, 400)["fields"]) == {"status", "colour"}


def test_status_transitions(world, restricted, as_user):
    client = as_user(world.protection_manager)
    url = f"{detail(restricted)}status/"
    error = error_of(client.post(url, {"to_status": "review"}, format="json"), 400)
    assert error["code"] == "transition_not_allowed"
    assert "to_status" in error["fields"]
    response = client.post(url, {"to_status": "assessment", "note": "start"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "assessment"
    error = error_of(client.post(url, {"to_status": "closed"}, format="json"), 400)
    assert error["code"] == "closure_reason_required"
    response = client.post(url, {"to_status": "closed", "closure_reason": "goals_met"},
                           format="json")
    assert response.json()["status"] == "closed"
    restricted.refresh_from_db()
    assert restricted.status == CaseStatus.CLOSED
    error = error_of(client.post(url, {"to_status": "sleeping"}, format="json"), 400)
    assert list(error["fields"]) == ["to_status"]


def test_events_add_and_list(world, restricted, as_user):
    client = as_user(world.protection_manager)
    url = f"{detail(restricted)}events/"
    response = client.post(url, {"kind": "note", "text": "Home visit done"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["author"]["username"] == "protection_manager"
    own = Service.objects.get(center=world.protection)
    response = client.post(url, {"kind": "service_delivered", "service": str(own.pk)},
                           format="json")
    assert response.status_code == 201, response.content
    other = Service.objects.get(center=world.family)
    error = error_of(client.post(url, {"kind": "service_delivered", "service": str(other.pk)},
                                 format="json"), 400)
    assert error["code"] == "service_not_in_catalog"
    error = error_of(client.post(url, {"kind": "status_change"}, format="json"), 400)
    assert "kind" in error["fields"]
    error = error_of(client.post(url, {"kind": "note", "text": ""}, format="json"), 400)
    assert "text" in error["fields"]
    body = client.get(url).json()
    assert [row["kind"] for row in body["results"]] == ["service_delivered", "note"]
    assert body["results"][0]["service"]["code"] == "counselling"
    assert client.get(detail(restricted)).json()["last_event_at"] is not None


def test_events_of_a_case_of_another_center_are_not_written(world, restricted, as_user):
    response = as_user(world.family_manager).post(
        f"{detail(restricted)}events/", {"kind": "note", "text": "x"}, format="json"
    )
    assert error_of(response, 404)["code"] == "not_found"
    assert not CaseEvent.objects.filter(case=restricted).exists()


def test_schema_documents_the_endpoints_and_the_reason_header(db):
    from django.test import Client

    schema = Client().get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in ("/api/v1/cases/", "/api/v1/cases/{id}/", "/api/v1/cases/{id}/status/",
                 "/api/v1/cases/{id}/events/", "/api/v1/cases/export/", "/api/v1/persons/",
                 "/api/v1/persons/{id}/", "/api/v1/persons/duplicates/", "/api/v1/consents/",
                 "/api/v1/consents/{id}/", "/api/v1/consents/{id}/withdraw/"):
        assert path in paths, path
    retrieve = paths["/api/v1/cases/{id}/"]["get"]
    header = next(p for p in retrieve["parameters"] if p["in"] == "header")
    assert header["name"] == "X-Access-Reason"
    assert "403" in retrieve["responses"]
    assert set(paths["/api/v1/cases/{id}/events/"]) >= {"get", "post"}
    export = paths["/api/v1/cases/export/"]["get"]["responses"]["200"]["content"]
    assert set(export) == {"text/csv",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
