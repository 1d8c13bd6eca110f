from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import services
from tawasul.cases.models import Case, CaseEvent, CaseEventKind, Notification, Task
from tawasul.cases.tests.conftest import case_type, register
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.people.models import Person

pytestmark = pytest.mark.django_db

OUTSIDERS = ["family_manager", "consul_ph", "viewer_ph", "supervisor", "unesco_fp",
             "intake", "liaison", "admin"]


@pytest.fixture
def standard_protection_case(world: World, catalog: None, person: Person) -> Case:
    """A standard case of the protection center, managed by protection_manager."""
    return services.case_open(
        actor=world.protection_director, center=world.protection, person=person,
        case_type=case_type("protection", "child-abuse"), risk_level="medium",
        assigned_manager=world.protection_manager, is_restricted=False,
        summary="Standard summary",
    )


# --- Opening a case ------------------------------------------------------------------


def test_case_manager_opens_a_case_for_a_registered_person(
    client: Client, world: World, catalog: None, person: Person
) -> None:
    log_in(client, world.family_manager)
    url = reverse("cases:open", args=[person.pk])
    response = client.get(url)
    assert response.status_code == 200
    # Only the center's own domain is offered.
    offered = list(response.context["form"].fields["case_type"].queryset)
    assert offered and {t.domain for t in offered} == {"family"}
    response = client.post(url, {
        "case_type": case_type("family", "family-reconciliation").pk, "risk_level": "low",
        "assigned_manager": world.family_manager.pk, "summary": "First contact.",
    })
    case = Case.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.center == world.family and case.assigned_manager == world.family_manager


def test_opening_a_case_of_another_domain_is_refused(
    client: Client, world: World, catalog: None, person: Person
) -> None:
    log_in(client, world.family_manager)
    response = client.post(reverse("cases:open", args=[person.pk]), {
        "case_type": case_type("protection", "child-abuse").pk, "risk_level": "low",
        "summary": "Kept text",
    })
    assert response.status_code == 200
    assert "case_type" in response.context["form"].errors
    assert "Kept text" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("username", ["consul_ph", "supervisor", "intake", "unesco_fp"])
def test_only_center_staff_open_cases(
    client: Client, world: World, catalog: None, person: Person, username: str
) -> None:
    log_in(client, world.users[username])
    url = reverse("cases:open", args=[person.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"case_type": case_type("family", "family-reconciliation").pk,
                             "risk_level": "low"}).status_code == 404
    assert not Case.objects.exists()


# --- Case list -----------------------------------------------------------------------


def test_case_list_shows_own_center_cases_only(
    client: Client, world: World, standard_protection_case: Case, standard_case: Case
) -> None:
    log_in(client, world.protection_staff)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [standard_protection_case]
    log_in(client, world.family_manager)
    assert list(client.get(reverse("cases:list")).context["page_obj"]) == [standard_case]


def test_case_list_hides_restricted_cases_from_those_not_on_them(
    client: Client, world: World, restricted_case: Case
) -> None:
    log_in(client, world.protection_staff)
    assert list(client.get(reverse("cases:list")).context["page_obj"]) == []
    log_in(client, world.protection_manager)
    assert list(client.get(reverse("cases:list")).context["page_obj"]) == [restricted_case]


@pytest.mark.parametrize("username", ["consul_ph", "supervisor", "unesco_fp", "intake",
                                      "liaison", "admin", "analyst"])
def test_case_pages_are_404_outside_centers(
    client: Client, world: World, standard_protection_case: Case, username: str
) -> None:
    log_in(client, world.users[username])
    assert client.get(reverse("cases:list")).status_code == 404
    assert client.get(reverse("cases:my_tasks")).status_code == 404
    assert client.get(reverse("cases:detail", args=[standard_protection_case.pk])
                      ).status_code == 404


def test_case_list_filters_and_search(
    client: Client, world: World, catalog: None, person: Person
) -> None:
    other = register(world, given_name_ar="سارة", family_name_ar="المري",
                     given_name_latin="Sara", family_name_latin="Al-Marri",
                     identifiers=[{"type": "passport", "value": "P7654321",
                                   "issuing_country": "PH"}])
    manager = world.protection_manager
    mine = services.case_open(actor=world.protection_director, center=world.protection,
                              person=person, case_type=case_type("protection", "child-abuse"),
                              risk_level="high", is_restricted=False, assigned_manager=manager)
    theirs = services.case_open(actor=world.protection_director, center=world.protection,
                                person=other, case_type=case_type("protection", "child-neglect"),
                                risk_level="low", is_restricted=False)
    Task.objects.create(case=theirs, title="Call", due_at=timezone.now() - dt.timedelta(days=1))
    log_in(client, manager)

    def listed(**params: str) -> list[Case]:
        return list(client.get(reverse("cases:list"), params).context["page_obj"])

    assert set(listed()) == {mine, theirs}
    assert listed(q="Maryam") == [mine]            # Latin script
    assert listed(q="المري") == [theirs]           # Arabic script
    assert listed(q="p7654321") == [theirs]       # identifier, as typed
    assert listed(q=theirs.reference) == [theirs]  # reference
    assert listed(risk_level="high") == [mine]
    assert listed(case_type=str(case_type("protection", "child-neglect").pk)) == [theirs]
    assert listed(mine="on") == [mine]
    assert listed(overdue="on") == [theirs]
    assert listed(status="closed") == []
    assert set(listed(status="open")) == {mine, theirs}


def test_case_list_query_count_does_not_grow_with_rows(
    client: Client, world: World, catalog: None
) -> None:
    log_in(client, world.protection_director)

    def open_cases(n: int) -> None:
        for i in range(n):
            person = register(world, given_name_ar=f"اسم{i}", given_name_latin=f"Name{i}",
                              family_name_latin="Test")
            case = services.case_open(
                actor=world.protection_director, center=world.protection, person=person,
                case_type=case_type("protection", "child-abuse"), risk_level="low",
                assigned_manager=world.protection_manager)
            Task.objects.create(case=case, title="t", due_at=timezone.now())

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("cases:list"), {"status": "open"})
            assert response.status_code == 200
        return len(queries)

    open_cases(2)
    few = count()
    open_cases(8)
    assert count() == few


# --- Case page -----------------------------------------------------------------------


def test_case_page_shows_the_timeline_to_the_team(
    client: Client, world: World, standard_protection_case: Case
) -> None:
    case = standard_protection_case
    services.case_add_note(actor=world.protection_manager, case=case, text="Home visit done.")
    log_in(client, world.protection_staff)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Home visit done." in html and "Standard summary" in html
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(case.pk),
                                     actor=world.protection_staff).exists()


def test_other_center_gets_404_on_the_case_page(
    client: Client, world: World, standard_protection_case: Case
) -> None:
    log_in(client, world.family_manager)
    for name in ("detail", "add_note", "change_status", "add_task", "record_service"):
        url = reverse(f"cases:{name}", args=[standard_protection_case.pk])
        response = client.post(url, {"text": "x"}) if name != "detail" else client.get(url)
        assert response.status_code == 404, name
    assert not CaseEvent.objects.filter(author=world.family_manager).exists()


def test_add_note_and_record_service(
    client: Client, world: World, standard_protection_case: Case
) -> None:
    case = standard_protection_case
    log_in(client, world.protection_manager)
    response = client.post(reverse("cases:add_note", args=[case.pk]),
                           {"kind": "assessment", "text": "Needs support."})
    assert response.status_code == 302
    service = world.protection.services.get()
    response = client.post(reverse("cases:record_service", args=[case.pk]),
                           {"service": service.pk, "text": "First session."})
    assert response.status_code == 302
    kinds = set(case.events.values_list("kind", flat=True))
    assert {CaseEventKind.ASSESSMENT, CaseEventKind.SERVICE_DELIVERED} <= kinds


def test_service_of_another_centers_catalog_is_refused(
    client: Client, world: World, standard_protection_case: Case
) -> None:
    log_in(client, world.protection_manager)
    foreign = world.family.services.get()
    response = client.post(reverse("cases:record_service", args=[standard_protection_case.pk]),
                           {"service": foreign.pk, "text": "Kept details"})
    assert response.status_code == 400
    assert "service" in response.context["service_form"].errors
    assert "Kept details" in response.content.decode()


def test_empty_note_shows_the_error(
    client: Client, world: World, standard_protection_case: Case
) -> None:
    log_in(client, world.protection_manager)
    response = client.post(reverse("cases:add_note", args=[standard_protection_case.pk]),
                           {"kind": "note", "text": "  "})
    assert response.status_code == 400
    assert "text" in response.context["note_form"].errors


def test_only_allowed_transitions_are_offered_and_others_refused(
    client: Client, world: World, standard_protection_case: Case
) -> None:
    case = standard_protection_case
    log_in(client, world.protection_manager)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    offered = [v for v, _ in response.context["status_form"].fields["to_status"].widget.choices]
    assert offered == ["assessment", "closed"]
    response = client.post(reverse("cases:change_status", args=[case.pk]),
                           {"to_status": "review", "note": "Kept note"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "to_status" in response.context["status_form"].errors
    assert "Kept note" in html
    case.refresh_from_db()
    assert case.status == "intake"
    response = client.post(reverse("cases:change_status", args=[case.pk]),
                           {"to_status": "assessment"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "assessment"


def test_closing_needs_a_reason(
    client: Client, world: World, standard_protection_case: Case
) -> None:
    log_in(client, world.protection_manager)
    url = reverse("cases:change_status", args=[standard_protection_case.pk])
    response = client.post(url, {"to_status": "closed"})
    assert "closure_reason" in response.context["status_form"].errors
    assert client.post(url, {"to_status": "closed", "closure_reason": "goals_met"}
                       ).status_code == 302


def test_staff_may_not_change_the_status(
    client: Client, world: World, standard_protection_case: Case
) -> None:
    log_in(client, world.protection_staff)
    response = client.get(reverse("cases:detail", args=[standard_protection_case.pk]))
    assert "status_form" not in response.context
    response = client.post(reverse("cases:change_status", args=[standard_protection_case.pk]),
                           {"to_status": "assessment"})
    assert response.status_code == 403


def test_tasks_add_and_complete(
    client: Client, world: World, standard_protection_case: Case
) -> None:
    case = standard_protection_case
    log_in(client, world.protection_manager)
    due = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("cases:add_task", args=[case.pk]), {
        "title": "Visit school", "due_at": due, "assigned_to": world.protection_staff.pk})
    assert response.status_code == 302
    task = Task.objects.get(case=case)
    log_in(client, world.protection_staff)
    response = client.get(reverse("cases:my_tasks"))
    assert response.status_code == 200
    assert response.context["open_tasks"] == [task]
    response = client.post(reverse("cases:task_complete", args=[task.pk]),
                           {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("cases:my_tasks")
    task.refresh_from_db()
    assert task.done_by == world.protection_staff


def test_my_tasks_lists_only_mine_and_flags_overdue(
    client: Client, world: World, standard_protection_case: Case
) -> None:
    late = Task.objects.create(case=standard_protection_case, title="Late report",
                               due_at=timezone.now() - dt.timedelta(hours=3),
                               assigned_to=world.protection_manager)
    Task.objects.create(case=standard_protection_case, title="Someone else's",
                        due_at=timezone.now(), assigned_to=world.protection_staff)
    log_in(client, world.protection_manager)
    response = client.get(reverse("cases:my_tasks"))
    assert response.context["open_tasks"] == [late]
    assert "table-danger" in response.content.decode()


def test_other_center_cannot_complete_a_task(
    client: Client, world: World, standard_protection_case: Case
) -> None:
    task = Task.objects.create(case=standard_protection_case, title="t", due_at=timezone.now())
    log_in(client, world.family_manager)
    assert client.post(reverse("cases:task_complete", args=[task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


# --- Breaking the glass --------------------------------------------------------------


def test_restricted_case_asks_for_a_reason_then_shows_the_case(
    client: Client, world: World, restricted_case: Case
) -> None:
    url = reverse("cases:detail", args=[restricted_case.pk])
    log_in(client, world.protection_staff)
    response = client.get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert 'name="reason"' in html and "تفاصيل الحالة" not in html
    assert reverse("cases:break_glass", args=[restricted_case.pk]) in html

    glass = reverse("cases:break_glass", args=[restricted_case.pk])
    response = client.post(glass, {"reason": "short"})
    assert response.status_code == 403
    assert "تفاصيل الحالة" not in response.content.decode()
    assert 'short</textarea>' in response.content.decode()
    assert not Notification.objects.filter(kind="break_glass").exists()

    response = client.post(glass, {"reason": "Urgent call from the school about the child"})
    assert response.status_code == 200
    assert "تفاصيل الحالة" in response.content.decode()
    assert AuditEntry.objects.filter(
        action=AuditAction.READ, object_id=str(restricted_case.pk),
        actor=world.protection_staff, reason__startswith="break the glass",
    ).exists()
    notification = Notification.objects.get(kind="break_glass")
    assert notification.recipient == world.protection_director
    assert CaseEvent.objects.filter(case=restricted_case, kind="break_glass").exists()
    # Per request: the next visit asks again.
    assert client.get(url).status_code == 403


def test_break_glass_view_is_read_only(
    client: Client, world: World, restricted_case: Case
) -> None:
    log_in(client, world.protection_staff)
    response = client.post(reverse("cases:break_glass", args=[restricted_case.pk]),
                           {"reason": "Urgent call from the school about the child"})
    assert "note_form" not in response.context and "status_form" not in response.context
    response = client.post(reverse("cases:add_note", args=[restricted_case.pk]),
                           {"kind": "note", "text": "x"})
    assert response.status_code == 403


def test_break_glass_is_404_for_other_centers(
    client: Client, world: World, restricted_case: Case
) -> None:
    log_in(client, world.family_director)
    response = client.post(reverse("cases:break_glass", args=[restricted_case.pk]),
                           {"reason": "Urgent call from the school about the child"})
    assert response.status_code == 404
    assert not Notification.objects.filter(kind="break_glass").exists()


# --- Center home page ----------------------------------------------------------------


def test_center_home_lists_my_open_cases_and_tasks(
    client: Client, world: World, standard_protection_case: Case, standard_case: Case
) -> None:
    Task.objects.create(case=standard_protection_case, title="Call the school",
                        due_at=timezone.now() - dt.timedelta(hours=1),
                        assigned_to=world.protection_manager)
    log_in(client, world.protection_manager)
    response = client.get(reverse("home"))
    assert response.context["my_cases"] == [standard_protection_case]
    html = response.content.decode()
    assert "Call the school" in html
    assert standard_case.reference not in html  # another center's case
    log_in(client, world.protection_staff)
    response = client.get(reverse("home"))
    assert response.context["my_cases"] == [] and response.context["my_tasks"] == []
