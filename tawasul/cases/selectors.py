"""Scoped reads of cases, their timelines, tasks and notifications. Every list starts here.

Who sees a case (DESIGN, access rules 1-3):
- the staff of the case's center (director, case managers, staff) see its standard cases;
- a restricted case only its assigned manager, its team members and the center director;
- nobody outside the center: not other centers, not the foundation (intake, liaison,
  administrators, analysts), not the ministry (it sees aggregates, built elsewhere), not
  embassies or partners. What they may learn of a case arrives through referrals.

Anyone else in the center may break the glass on a restricted case (tawasul.cases.access);
that grant is not stored and therefore never widens these selectors.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.cases.models import Case, CaseEvent, CaseTeamMember, Notification, Task
from tawasul.common.access import as_member
from tawasul.organizations.models import OrganizationKind

CENTER_ROLES: frozenset[str] = frozenset({Role.DIRECTOR, Role.CASE_MANAGER, Role.STAFF})
# Set by tawasul.cases.access.access_case on the case it returns: the grant of one
# request, including a break-the-glass grant, which is never stored anywhere else.
GRANT_ATTR = "_access_granted_to"


def center_member(viewer: object) -> User | None:
    """The user if they work in a center (the only people who see cases), else None."""
    user = as_member(viewer)
    if user is None or user.role not in CENTER_ROLES or user.kind != OrganizationKind.CENTER:
        return None
    return user


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("center", "person", "case_type", "assigned_manager")


def _on_team(user: User) -> Exists:
    return Exists(CaseTeamMember.objects.filter(case=OuterRef("pk"), user=user))


def cases_visible_to(viewer: object) -> QuerySet[Case]:
    user = center_member(viewer)
    if user is None:
        return _cases().none()
    qs = _cases().filter(center_id=user.organization_id)
    if user.role == Role.DIRECTOR:
        return qs
    return qs.filter(Q(is_restricted=False) | Q(assigned_manager=user) | _on_team(user))


def center_cases_of(viewer: object) -> QuerySet[Case]:
    """Every case of the viewer's own center, restricted ones included: where access_case
    looks before deciding between "visible", "break the glass" and 404. Not for lists."""
    user = center_member(viewer)
    if user is None:
        return _cases().none()
    return _cases().filter(center_id=user.organization_id)


def sees_case_without_break_glass(viewer: object, case: Case) -> bool:
    user = center_member(viewer)
    if user is None or case.center_id != user.organization_id:
        return False
    if user.role == Role.DIRECTOR or not case.is_restricted:
        return True
    if case.assigned_manager_id == user.pk:
        return True
    return CaseTeamMember.objects.filter(case=case, user=user).exists()


def has_access_grant(viewer: object, case: Case) -> bool:
    """True for the case object that access_case returned to this viewer (this request)."""
    user = as_member(viewer)
    return user is not None and getattr(case, GRANT_ATTR, None) == user.pk


def case_events_visible_to(viewer: object, case: Case) -> QuerySet[CaseEvent]:
    qs = CaseEvent.objects.select_related("author", "service").filter(case=case)
    if has_access_grant(viewer, case) or sees_case_without_break_glass(viewer, case):
        return qs
    return qs.none()


def tasks_visible_to(viewer: object) -> QuerySet[Task]:
    """Tasks of the cases the viewer sees, and the tasks assigned to the viewer."""
    qs = Task.objects.select_related("case", "case__center", "assigned_to")
    user = center_member(viewer)
    if user is None:
        return qs.none()
    return qs.filter(Q(case__in=cases_visible_to(user).values("pk")) | Q(assigned_to=user))


def with_overdue_flags(cases: Iterable[Case]) -> list[Case]:
    """The cases of one list page, each with `has_overdue_task` set, in one query on the
    page's rows. (As an EXISTS annotation of the list query, PostgreSQL plans it as a
    hashed subplan reading every open task of the registry on each page.)"""
    page = list(cases)
    overdue = set(Task.objects.filter(
        case__in=[case.pk for case in page], done_at__isnull=True, due_at__lt=timezone.now(),
    ).values_list("case_id", flat=True))
    for case in page:
        case.has_overdue_task = case.pk in overdue  # type: ignore[attr-defined]
    return page


def case_team_of(case: Case) -> QuerySet[CaseTeamMember]:
    return CaseTeamMember.objects.select_related("user").filter(case=case)


def notifications_of(viewer: object) -> QuerySet[Notification]:
    user = as_member(viewer)
    if user is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)
