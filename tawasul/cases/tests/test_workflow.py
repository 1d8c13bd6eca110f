"""The status workflow: allowed and refused transitions, closing and reopening."""

from __future__ import annotations

import pytest

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases.models import Case, CaseEvent, CaseEventKind, CaseStatus
from tawasul.cases.workflow import TRANSITIONS, case_change_status
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.testing import World

pytestmark = pytest.mark.django_db


def move(world: World, case: Case, *steps: str) -> Case:
    for step in steps:
        case = case_change_status(actor=world.family_manager, case=case, to_status=step,
                                  closure_reason="goals_met" if step == "closed" else "")
    return case


def test_the_whole_path_and_its_timeline(world: World, standard_case: Case) -> None:
    case = move(world, standard_case, "assessment", "plan", "services", "review", "services",
                "review", "closed")
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    assert case.closure_reason == "goals_met"
    events = CaseEvent.objects.filter(case=case, kind=CaseEventKind.STATUS_CHANGE)
    assert events.count() == 7
    last = events.order_by("-created_at").first()
    assert last is not None and (last.from_status, last.to_status) == ("review", "closed")
    updates = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(case.pk))
    assert updates.count() == 7
    assert all("status" in u.fields for u in updates)


@pytest.mark.parametrize(("path", "refused"), [
    ((), "plan"),                      # intake cannot skip assessment
    ((), "review"),
    (("assessment",), "services"),     # no services without a plan
    (("assessment", "plan"), "review"),
    (("assessment", "closed"), "plan"),  # a closed case reopens to assessment only
    ((), "intake"),                    # nor stays where it is
])
def test_disallowed_transitions_are_refused_naming_both_statuses(
    world: World, standard_case: Case, path: tuple[str, ...], refused: str
) -> None:
    case = move(world, standard_case, *path)
    before = case.status
    with pytest.raises(DomainError) as error:
        case_change_status(actor=world.family_manager, case=case, to_status=refused)
    assert error.value.code == "transition_not_allowed"
    message = str(error.value.message)
    assert str(CaseStatus(before).label) in message
    assert str(CaseStatus(refused).label) in message
    assert Case.objects.get(pk=case.pk).status == before


def test_every_status_has_a_way_on() -> None:
    assert set(TRANSITIONS) == set(CaseStatus.values)
    assert all(TRANSITIONS[s] for s in CaseStatus.values)


def test_closing_needs_a_reason_and_reopening_clears_it(
    world: World, standard_case: Case
) -> None:
    with pytest.raises(DomainError) as error:
        case_change_status(actor=world.family_manager, case=standard_case, to_status="closed")
    assert error.value.code == "closure_reason_required"
    with pytest.raises(DomainError):
        case_change_status(actor=world.family_manager, case=standard_case,
                           to_status="closed", closure_reason="other")  # needs a note
    closed = case_change_status(actor=world.family_manager, case=standard_case,
                                to_status="closed", closure_reason="other",
                                note="Family moved to another city")
    assert closed.closure_reason == "other"
    reopened = case_change_status(actor=world.family_manager, case=closed,
                                  to_status="assessment", note="New report")
    assert reopened.status == "assessment"
    assert (reopened.closed_at, reopened.closure_reason) == (None, "")


def test_who_may_change_the_status(world: World, standard_case: Case) -> None:
    from tawasul.common.testing import make_user

    staff = make_user("family_staff", world.family, "staff")
    with pytest.raises(PermissionDenied):  # sees the case, does not manage it
        case_change_status(actor=staff, case=standard_case, to_status="assessment")
    with pytest.raises(PermissionDenied):  # another center
        case_change_status(actor=world.protection_director, case=standard_case,
                           to_status="assessment")
    case = case_change_status(actor=world.family_director, case=standard_case,
                              to_status="assessment")
    assert case.status == "assessment"
