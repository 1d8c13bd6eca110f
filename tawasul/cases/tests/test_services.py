"""Opening cases, the timeline, teams and assignment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import services
from tawasul.cases.case_types import DEFAULT_CASE_TYPES, load_case_types
from tawasul.cases.models import Case, CaseEventKind, CaseType, Notification
from tawasul.cases.tests.conftest import case_type
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.testing import World
from tawasul.organizations.models import Service
from tawasul.people.models import Person

pytestmark = pytest.mark.django_db


def test_case_types_load_once_and_keep_admin_changes(world: World) -> None:
    assert load_case_types() == len(DEFAULT_CASE_TYPES)
    CaseType.objects.filter(code="mentoring").update(name_en="Youth mentoring")
    assert load_case_types() == 0
    assert CaseType.objects.get(code="mentoring").name_en == "Youth mentoring"
    for domain in ("protection", "behavioral"):
        types = CaseType.objects.filter(domain=domain)
        assert types.exists() and all(t.default_sensitivity == "restricted" for t in types)
    assert case_type("family", "marital-dispute").default_sensitivity == "standard"


def test_open_a_case(world: World, restricted_case: Case, standard_case: Case) -> None:
    year = timezone.localdate().year
    assert restricted_case.reference == f"C-{year}-000001"
    assert standard_case.reference == f"C-{year}-000002"
    assert restricted_case.is_restricted and not standard_case.is_restricted
    assert restricted_case.assigned_manager == world.protection_manager
    assert restricted_case.status == "intake"
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(standard_case.pk))
    assert "summary" in entry.fields and "Family details" not in entry.reason


def test_case_type_of_another_domain_is_refused(
    world: World, catalog: None, person: Person
) -> None:
    with pytest.raises(DomainError) as error:
        services.case_open(actor=world.family_manager, center=world.family, person=person,
                           case_type=case_type("protection", "child-abuse"), risk_level="low")
    assert error.value.code == "case_type_domain_mismatch"
    assert not Case.objects.exists()


@pytest.mark.parametrize("name", ["protection_manager", "intake", "admin", "consul_ph"])
def test_only_the_centers_staff_open_its_cases(
    world: World, catalog: None, person: Person, name: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.case_open(actor=world.users[name], center=world.family, person=person,
                           case_type=case_type("family", "marital-dispute"), risk_level="low")


def test_a_restricted_type_opens_standard_only_by_the_director(
    world: World, catalog: None, person: Person
) -> None:
    kind = case_type("protection", "trafficking")
    with pytest.raises(DomainError):
        services.case_open(actor=world.protection_manager, center=world.protection,
                           person=person, case_type=kind, risk_level="low", is_restricted=False)
    case = services.case_open(actor=world.protection_director, center=world.protection,
                              person=person, case_type=kind, risk_level="low",
                              is_restricted=False)
    assert not case.is_restricted


def test_the_manager_must_work_in_the_center(
    world: World, catalog: None, person: Person
) -> None:
    with pytest.raises(DomainError) as error:
        services.case_open(actor=world.family_director, center=world.family, person=person,
                           case_type=case_type("family", "marital-dispute"), risk_level="low",
                           assigned_manager=world.protection_manager)
    assert error.value.code == "invalid_manager"


def test_service_delivered_from_own_catalog_only(world: World, standard_case: Case) -> None:
    own = Service.objects.get(center=world.family)
    event = services.case_record_service(actor=world.family_manager, case=standard_case,
                                         service=own, text="First session")
    assert (event.kind, event.service) == (CaseEventKind.SERVICE_DELIVERED, own)
    other = Service.objects.get(center=world.protection)
    with pytest.raises(DomainError) as error:
        services.case_record_service(actor=world.family_manager, case=standard_case,
                                     service=other)
    assert error.value.code == "service_not_in_catalog"


def test_notes_by_who_sees_the_case_only(world: World, standard_case: Case) -> None:
    note = services.case_add_note(actor=world.family_manager, case=standard_case,
                                  text="Spoke with both parents", kind="assessment")
    assert note.kind == "assessment"
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(note.pk))
    assert "text" in entry.fields and "parents" not in entry.reason
    with pytest.raises(PermissionDenied):
        services.case_add_note(actor=world.protection_manager, case=standard_case, text="x")
    with pytest.raises(DomainError):
        services.case_add_note(actor=world.family_manager, case=standard_case, text="  ")
    with pytest.raises(DomainError):
        services.case_add_note(actor=world.family_manager, case=standard_case, text="x",
                               occurred_at=timezone.now() + dt.timedelta(days=1))


def test_assign_by_director_or_manager_notifies_the_new_manager(
    world: World, restricted_case: Case
) -> None:
    from tawasul.common.testing import make_user

    other = make_user("protection_manager2", world.protection, "case_manager")
    with pytest.raises(PermissionDenied):
        services.case_assign(actor=world.protection_staff, case=restricted_case, manager=other)
    case = services.case_assign(actor=world.protection_director, case=restricted_case,
                                manager=other)
    assert case.assigned_manager == other
    assert Notification.objects.get(recipient=other).kind == "case_assigned"
    with pytest.raises(DomainError):
        services.case_assign(actor=other, case=case, manager=world.protection_staff)


def test_team_members_come_from_the_center(world: World, restricted_case: Case) -> None:
    with pytest.raises(DomainError) as error:
        services.case_team_add(actor=world.protection_manager, case=restricted_case,
                               user=world.family_manager)
    assert error.value.code == "invalid_member"
    with pytest.raises(PermissionDenied):
        services.case_team_add(actor=world.protection_staff, case=restricted_case,
                               user=world.protection_staff)


def test_complete_a_task(world: World, standard_case: Case) -> None:
    task = services.task_create(actor=world.family_manager, case=standard_case,
                                title="Call the school", due_at=timezone.now(),
                                assigned_to=world.family_manager)
    with pytest.raises(PermissionDenied):
        services.task_complete(actor=world.protection_manager, task=task)
    done = services.task_complete(actor=world.family_manager, task=task)
    assert done.done_at is not None and done.done_by == world.family_manager
    with pytest.raises(DomainError) as error:
        services.task_complete(actor=world.family_manager, task=done)
    assert error.value.code == "task_already_done"


def test_case_types_are_managed_by_admins_only(world: World) -> None:
    kind = CaseType(domain="youth", code="gaming", name_ar="ألعاب", name_en="Gaming")
    with pytest.raises(PermissionDenied):
        services.case_type_save(actor=world.family_director, case_type=kind)
    saved = services.case_type_save(actor=world.admin, case_type=kind)
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(saved.pk)).exists()
