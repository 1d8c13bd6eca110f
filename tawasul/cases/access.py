"""Fetch-and-check for cases, and who may change what.

`access_case(user, case_id, reason=...)` is the one way to open a case:
- outside the caller's scope (another center, the foundation, the ministry, embassies,
  partners): OutOfScope (404) after an audited denial;
- a case the caller sees (selectors.cases_visible_to): returned, the read audited;
- a restricted case of the caller's own center that they are not on: BreakGlassRequired,
  unless a reason of at least BREAK_GLASS_REASON_MIN_LENGTH characters is given; then the
  access is allowed, audited with the reason, written on the case's timeline, and the
  center's director notified (services.case_break_glass).

A break-the-glass grant lasts for the request that asked for it: nothing is stored that
would let the same user in again without a new reason. The case object returned carries
the grant (selectors.GRANT_ATTR), so the same request may list its timeline with
selectors.case_events_visible_to; a later request must give a reason again.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases import selectors
from tawasul.cases.models import Case, Task
from tawasul.common.access import fetch_or_deny
from tawasul.common.errors import PermissionDenied
from tawasul.common.text import clean_text

BREAK_GLASS_REASON_MIN_LENGTH = 10
BREAK_GLASS_REASON_MAX_LENGTH = 1000

# What opening a case shows: the names recorded with every audited read.
CASE_READ_FIELDS: tuple[str, ...] = (
    "reference", "center", "person", "case_type", "status", "risk_level", "is_restricted",
    "assigned_manager", "team", "opened_at", "closed_at", "closure_reason", "summary",
    "events", "tasks", "documents",
)


class BreakGlassRequired(PermissionDenied):
    """A restricted case of the caller's own center: they may open it only by stating why.
    Pages answer with the form that asks for the reason; the API with 403 and this code."""

    def __init__(self, message: object = None) -> None:
        super().__init__(
            "break_glass_required",
            message or _(  # type: ignore[arg-type]
                "This case is restricted. To open it, state why you need to "
                "(at least %(count)s characters); the director will be notified."
            ) % {"count": BREAK_GLASS_REASON_MIN_LENGTH},
            field="reason",
        )


def _grant(user: User, case: Case) -> Case:
    setattr(case, selectors.GRANT_ATTR, user.pk)
    return case


def access_case(user: object, case_id: object, *, reason: str | None = None) -> Case:
    case = fetch_or_deny(user, selectors.center_cases_of(user), case_id)
    member = selectors.center_member(user)
    assert member is not None  # center_cases_of is empty for anyone else
    if selectors.sees_case_without_break_glass(member, case):
        audit_record(action=AuditAction.READ, actor=member, obj=case, fields=CASE_READ_FIELDS)
        return _grant(member, case)
    stated = clean_text(reason or "", multiline=True)[:BREAK_GLASS_REASON_MAX_LENGTH]
    if len(stated) < BREAK_GLASS_REASON_MIN_LENGTH:
        audit_record(
            action=AuditAction.ACCESS_DENIED, actor=member, obj=case,
            reason="restricted case: break the glass required"
            + (" (reason too short)" if stated else ""),
        )
        raise BreakGlassRequired()
    from tawasul.cases.services import case_break_glass

    case_break_glass(actor=member, case=case, reason=stated)
    return _grant(member, case)


def access_task(user: object, task_id: object) -> Task:
    return fetch_or_deny(user, selectors.tasks_visible_to(user), task_id)


# --- Who may change what ------------------------------------------------------------
# Writes need the case to be seen normally: breaking the glass is for reading.


def can_contribute(user: User, case: Case) -> bool:
    """Add notes, assessments, services delivered and tasks."""
    return selectors.sees_case_without_break_glass(user, case)


def can_manage_case(user: User, case: Case) -> bool:
    """Change status, details, manager and team: the director, the assigned manager, or
    any case manager of the center while nobody is assigned (someone must pick it up)."""
    if not selectors.sees_case_without_break_glass(user, case):
        return False
    if user.role == Role.DIRECTOR or case.assigned_manager_id == user.pk:
        return True
    return case.assigned_manager_id is None and user.role == Role.CASE_MANAGER


def can_lift_restriction(user: User, case: Case) -> bool:
    return user.role == Role.DIRECTOR and case.center_id == user.organization_id


def can_complete_task(user: User, task: Task) -> bool:
    return task.assigned_to_id == user.pk or can_contribute(user, task.case)
