"""The access policy for cases (DESIGN rules 1-3, 7, 8), every rule from both sides."""

from __future__ import annotations

import pytest
from django.core import mail
from django.http import Http404

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import access, selectors, services
from tawasul.cases.access import BreakGlassRequired
from tawasul.cases.models import Case, CaseEvent, CaseEventKind, Notification, NotificationKind
from tawasul.common.errors import PermissionDenied
from tawasul.common.testing import World, make_user
from tawasul.jobs.tests.helpers import run_ready

pytestmark = pytest.mark.django_db

OUTSIDE_ANY_CENTER = ("admin", "liaison", "intake", "analyst", "supervisor", "consul_ph",
                      "viewer_ph", "consul_in", "unesco_fp")
REASON = "Urgent call from the police about this child tonight"


def reads(user: User, case: Case) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.READ, actor=user,
                                          object_id=str(case.pk)))


# --- standard cases: the center's staff, nobody else --------------------------------


@pytest.mark.parametrize("name", ["family_manager", "family_director"])
def test_own_center_staff_see_a_standard_case(
    world: World, standard_case: Case, name: str
) -> None:
    user = world.users[name]
    assert list(selectors.cases_visible_to(user)) == [standard_case]
    assert access.access_case(user, standard_case.pk) == standard_case
    [entry] = reads(user, standard_case)
    assert "summary" in entry.fields and entry.reason == ""


def test_other_staff_of_the_center_see_a_standard_case(
    world: World, standard_case: Case
) -> None:
    staff = make_user("family_staff", world.family, "staff")
    assert access.access_case(staff, standard_case.pk) == standard_case


@pytest.mark.parametrize("name", ["protection_manager", "protection_director",
                                  "protection_staff"])
def test_another_center_gets_404_and_the_denial_is_audited(
    world: World, standard_case: Case, name: str
) -> None:
    user = world.users[name]
    assert not selectors.cases_visible_to(user).exists()
    with pytest.raises(Http404):
        access.access_case(user, standard_case.pk)
    with pytest.raises(Http404):  # a reason opens nothing outside one's own center
        access.access_case(user, standard_case.pk, reason=REASON)
    denials = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user)
    assert {d.object_id for d in denials} == {str(standard_case.pk)}
    assert not reads(user, standard_case)
    assert not CaseEvent.objects.filter(kind=CaseEventKind.BREAK_GLASS).exists()


@pytest.mark.parametrize("name", OUTSIDE_ANY_CENTER)
def test_foundation_ministry_embassies_and_partners_see_no_case(
    world: World, standard_case: Case, restricted_case: Case, name: str
) -> None:
    user = world.users[name]
    assert not selectors.cases_visible_to(user).exists()
    assert not selectors.tasks_visible_to(user).exists()
    for case in (standard_case, restricted_case):
        assert not selectors.case_events_visible_to(user, case).exists()
        with pytest.raises(Http404):
            access.access_case(user, case.pk, reason=REASON)
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user).count() == 2


def test_malformed_and_unknown_ids_answer_404(world: World, standard_case: Case) -> None:
    for bad in ("nope", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(Http404):
            access.access_case(world.family_manager, bad)


# --- restricted cases: team and director; the rest of the center breaks the glass ---


@pytest.mark.parametrize("name", ["protection_manager", "protection_director"])
def test_assigned_manager_and_director_see_a_restricted_case(
    world: World, restricted_case: Case, name: str
) -> None:
    user = world.users[name]
    assert restricted_case.is_restricted
    assert selectors.cases_visible_to(user).filter(pk=restricted_case.pk).exists()
    assert access.access_case(user, restricted_case.pk) == restricted_case
    assert len(reads(user, restricted_case)) == 1


def test_team_member_sees_a_restricted_case_and_stops_when_removed(
    world: World, restricted_case: Case
) -> None:
    staff = world.protection_staff
    assert not selectors.cases_visible_to(staff).exists()
    member = services.case_team_add(actor=world.protection_manager, case=restricted_case,
                                    user=staff)
    assert selectors.cases_visible_to(staff).get() == restricted_case
    assert access.access_case(staff, restricted_case.pk) == restricted_case
    services.case_team_remove(actor=world.protection_manager, member=member)
    with pytest.raises(BreakGlassRequired):
        access.access_case(staff, restricted_case.pk)


@pytest.mark.parametrize("reason", [None, "", "   ", "because"])
def test_other_staff_of_the_center_must_break_the_glass(
    world: World, restricted_case: Case, reason: str | None
) -> None:
    staff = world.protection_staff
    assert not selectors.cases_visible_to(staff).exists()
    assert not selectors.case_events_visible_to(staff, restricted_case).exists()
    with pytest.raises(BreakGlassRequired) as raised:
        access.access_case(staff, restricted_case.pk, reason=reason)
    assert raised.value.code == "break_glass_required"
    assert isinstance(raised.value, PermissionDenied)
    denial = AuditEntry.objects.get(action=AuditAction.ACCESS_DENIED, actor=staff)
    assert denial.object_id == str(restricted_case.pk)
    assert not reads(staff, restricted_case)
    assert not Notification.objects.exists()


def test_breaking_the_glass_is_allowed_recorded_and_the_director_told(
    world: World, restricted_case: Case, django_capture_on_commit_callbacks: object
) -> None:
    staff = world.protection_staff
    world.protection_director.email = "director@example.org"
    world.protection_director.save()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        case = access.access_case(staff, restricted_case.pk, reason=REASON)
    assert case == restricted_case

    [entry] = reads(staff, restricted_case)
    assert REASON in entry.reason and "summary" in entry.fields
    event = CaseEvent.objects.get(case=restricted_case, kind=CaseEventKind.BREAK_GLASS)
    assert (event.author, event.text) == (staff, REASON)
    note = Notification.objects.get()
    assert (note.recipient, note.kind) == (world.protection_director,
                                          NotificationKind.BREAK_GLASS)
    assert note.object_id == str(restricted_case.pk) and REASON in note.text

    run_ready()
    [message] = mail.outbox
    assert message.to == ["director@example.org"]
    assert restricted_case.reference in message.subject
    assert REASON not in message.body  # the reason stays inside the system

    # The grant holds for this request's case object (its timeline) ...
    assert selectors.case_events_visible_to(staff, case).exists()
    # ... and nothing is stored: lists stay closed and the next request asks again.
    assert not selectors.cases_visible_to(staff).exists()
    fresh = Case.objects.get(pk=restricted_case.pk)
    assert not selectors.case_events_visible_to(staff, fresh).exists()
    with pytest.raises(BreakGlassRequired):
        access.access_case(staff, restricted_case.pk)
    # Another user cannot borrow the grant.
    assert not selectors.case_events_visible_to(world.family_manager, case).exists()


def test_breaking_the_glass_gives_no_right_to_write(
    world: World, restricted_case: Case
) -> None:
    staff = world.protection_staff
    case = access.access_case(staff, restricted_case.pk, reason=REASON)
    with pytest.raises(PermissionDenied):
        services.case_add_note(actor=staff, case=case, text="a note")


def test_restricted_case_opened_by_staff_stays_visible_to_them(
    world: World, catalog: None, person: object
) -> None:
    from tawasul.cases.tests.conftest import case_type

    case = services.case_open(
        actor=world.protection_staff, center=world.protection, person=person,  # type: ignore[arg-type]
        case_type=case_type("protection", "domestic-violence"), risk_level="medium",
    )
    assert case.is_restricted and case.assigned_manager is None
    assert selectors.cases_visible_to(world.protection_staff).get() == case
    assert not selectors.cases_visible_to(world.protection_manager).exists()


def test_a_standard_case_flagged_by_hand_becomes_restricted(
    world: World, standard_case: Case
) -> None:
    staff = make_user("family_staff", world.family, "staff")
    assert access.access_case(staff, standard_case.pk)
    services.case_update(actor=world.family_manager, case=standard_case, is_restricted=True)
    with pytest.raises(BreakGlassRequired):
        access.access_case(staff, standard_case.pk)
    # Only the director lifts it.
    with pytest.raises(PermissionDenied):
        services.case_update(actor=world.family_manager, case=standard_case,
                             is_restricted=False)
    services.case_update(actor=world.family_director, case=standard_case, is_restricted=False)
    assert access.access_case(staff, standard_case.pk)


# --- tasks ---------------------------------------------------------------------------


def test_tasks_visible_with_their_case_and_to_their_assignee(
    world: World, restricted_case: Case, standard_case: Case
) -> None:
    import datetime as dt

    from django.utils import timezone

    due = timezone.now() + dt.timedelta(days=2)
    mine = services.task_create(actor=world.protection_manager, case=restricted_case,
                                title="Home visit", due_at=due,
                                assigned_to=world.protection_manager)
    assert list(selectors.tasks_visible_to(world.protection_manager)) == [mine]
    assert list(selectors.tasks_visible_to(world.protection_director)) == [mine]
    assert not selectors.tasks_visible_to(world.protection_staff).exists()
    assert not selectors.tasks_visible_to(world.family_manager).filter(pk=mine.pk).exists()
    with pytest.raises(Http404):
        access.access_task(world.family_manager, mine.pk)
    # A task cannot point someone at a restricted case they cannot open.
    from tawasul.common.errors import DomainError

    with pytest.raises(DomainError) as refused:
        services.task_create(actor=world.protection_manager, case=restricted_case,
                             title="Call school", due_at=due, assigned_to=world.protection_staff)
    assert refused.value.code == "assignee_cannot_see_case"


# --- query counts --------------------------------------------------------------------


def test_listing_cases_does_not_grow_with_rows(
    world: World, catalog: None, django_assert_max_num_queries: object
) -> None:
    from tawasul.cases.tests.conftest import case_type, register

    def listing() -> list[str]:
        rows = selectors.cases_visible_to(world.protection_staff)
        return [f"{c.reference} {c.person.display_name} {c.case_type.name} {c.center.name} "
                f"{c.assigned_manager}" for c in rows]

    def open_cases(n: int) -> None:
        # Standard cases the staff see, and restricted ones they do not, in each batch.
        for i in range(n):
            person = register(world, given_name_latin=f"Person{i}")
            services.case_open(
                actor=world.protection_director, center=world.protection, person=person,
                case_type=case_type("protection", "child-abuse"), risk_level="low",
                is_restricted=bool(i % 2), assigned_manager=world.protection_manager,
            )

    open_cases(2)
    with django_assert_max_num_queries(1):  # type: ignore[operator]
        few = listing()
    open_cases(10)
    with django_assert_max_num_queries(1):  # type: ignore[operator]
        many = listing()
    assert 0 < len(few) < len(many)
