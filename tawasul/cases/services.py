"""Every write to cases, their teams, timelines and tasks (status changes: workflow.py).

Each function checks that the actor may do it, normalizes text, validates, and saves
with its audit entry in one transaction. Audit entries name the fields touched, never
their values. Notifications and emails go out after commit.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases import access, selectors
from tawasul.cases.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseReferenceCounter,
    CaseTeamMember,
    CaseType,
    Notification,
    NotificationKind,
    RiskLevel,
    Sensitivity,
    Task,
)
from tawasul.cases.name_keys import add_case_name_keys
from tawasul.common.access import require
from tawasul.common.email import queue_templated_email
from tawasul.common.errors import DomainError
from tawasul.common.references import clean_long_text, next_reference
from tawasul.common.text import clean_text
from tawasul.organizations.models import Organization, OrganizationKind, Service
from tawasul.people.models import Person
from tawasul.people.selectors import persons_visible_to
from tawasul.people.services import require_live

MANAGER_ROLES: frozenset[str] = frozenset({Role.DIRECTOR, Role.CASE_MANAGER})


def _next_reference(year: int) -> str:
    return next_reference(CaseReferenceCounter, "C", year)


def _text(value: str, *, field: str, required: bool = False) -> str:
    return clean_long_text(value, field=field, required=required)


def _risk(value: str) -> str:
    if value not in RiskLevel.values:
        raise DomainError("invalid", _("Choose the risk level."), field="risk_level")
    return value


def _is_center_staff(user: User | None, center: Organization,
                     roles: frozenset[str] = selectors.CENTER_ROLES) -> bool:
    return bool(
        user is not None and user.is_active and user.organization_id == center.pk
        and user.role in roles
    )


def _require_manager_of(user: User | None, center: Organization) -> None:
    if not _is_center_staff(user, center, MANAGER_ROLES):
        raise DomainError(
            "invalid_manager",
            _("Choose a case manager or the director of this center."),
            field="assigned_manager",
        )


def _notify(*, recipient: User, kind: str, case: Case, params: dict[str, str]) -> Notification:
    return Notification.objects.create(
        recipient=recipient, kind=kind, params={"case": case.reference, **params},
        object_type=Case._meta.label_lower, object_id=str(case.pk),
    )


# --- Cases ---------------------------------------------------------------------------


def case_open(
    *,
    actor: User,
    center: Organization,
    person: Person,
    case_type: CaseType,
    risk_level: str,
    summary: str = "",
    assigned_manager: User | None = None,
    is_restricted: bool | None = None,
) -> Case:
    """Open a case of `center` for a registered person. Restricted by the case type's
    default unless `is_restricted` says so; only a director may open a case of a
    restricted type as standard. The opener joins the team unless they manage the case or
    direct the center, so that they still see a restricted case they opened."""
    case = Case(center=center, person=person, case_type=case_type, opened_by=actor)
    require(center.kind == OrganizationKind.CENTER and _is_center_staff(actor, center),
            actor, center, "open cases in this center")
    require_live(person)
    if not case_type.is_active or case_type.domain != center.domain:
        raise DomainError(
            "case_type_domain_mismatch",
            _("Choose a case type of this center's domain."), field="case_type",
        )
    if not persons_visible_to(actor).filter(pk=person.pk, is_active=True).exists():
        raise DomainError("invalid", _("Choose a registered person."), field="person")
    restricted_by_type = case_type.default_sensitivity == Sensitivity.RESTRICTED
    restricted = restricted_by_type if is_restricted is None else bool(is_restricted)
    if restricted_by_type and not restricted and actor.role != Role.DIRECTOR:
        raise DomainError(
            "restriction_required",
            _("Cases of this type are restricted; only the director may open one as "
              "standard."), field="is_restricted",
        )
    if assigned_manager is None and actor.role == Role.CASE_MANAGER:
        assigned_manager = actor
    if assigned_manager is not None:
        _require_manager_of(assigned_manager, center)
    case.risk_level = _risk(risk_level)
    case.summary = _text(summary, field="summary")
    case.is_restricted = restricted
    case.assigned_manager = assigned_manager
    with transaction.atomic():
        case.reference = _next_reference(timezone.localdate().year)
        case.save()
        add_case_name_keys(case)
        audit_record(
            action=AuditAction.CREATE, actor=actor, obj=case,
            fields=["center", "person", "case_type", "status", "risk_level", "summary",
                    "is_restricted", "assigned_manager", "opened_at"],
        )
        if actor.pk != getattr(assigned_manager, "pk", None) and actor.role != Role.DIRECTOR:
            _team_add(actor=actor, case=case, user=actor)
        if assigned_manager is not None and assigned_manager.pk != actor.pk:
            _notify(recipient=assigned_manager, kind=NotificationKind.CASE_ASSIGNED,
                    case=case, params={})
    return case


def case_update(
    *,
    actor: User,
    case: Case,
    risk_level: str | None = None,
    summary: str | None = None,
    is_restricted: bool | None = None,
) -> Case:
    """Change the details of a case; None leaves a field as it is. Anyone who manages the
    case may restrict it; only the director lifts a restriction."""
    require(access.can_manage_case(actor, case), actor, case, "change this case")
    data: dict[str, object] = {}
    if risk_level is not None:
        data["risk_level"] = _risk(risk_level)
    if summary is not None:
        data["summary"] = _text(summary, field="summary")
    if is_restricted is not None:
        data["is_restricted"] = bool(is_restricted)
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        changed = [name for name, value in data.items() if getattr(current, name) != value]
        if not changed:
            return current
        if "is_restricted" in changed and not data["is_restricted"]:
            require(access.can_lift_restriction(actor, current), actor, current,
                    "lift the restriction of this case")
        for name in changed:
            setattr(current, name, data[name])
        current.save(update_fields=[*changed, "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=current, fields=changed)
    return current


def case_assign(*, actor: User, case: Case, manager: User) -> Case:
    """Hand the case to another case manager (or the director) of its center."""
    require(access.can_manage_case(actor, case), actor, case, "assign this case")
    _require_manager_of(manager, case.center)
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if current.assigned_manager_id == manager.pk:
            return current
        current.assigned_manager = manager
        current.save(update_fields=["assigned_manager", "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=current,
                     fields=["assigned_manager"])
        if manager.pk != actor.pk:
            _notify(recipient=manager, kind=NotificationKind.CASE_ASSIGNED, case=current,
                    params={})
    return current


def _team_add(*, actor: User, case: Case, user: User) -> CaseTeamMember:
    if not _is_center_staff(user, case.center):
        raise DomainError("invalid_member", _("Choose a member of this center's staff."),
                          field="user")
    if CaseTeamMember.objects.filter(case=case, user=user).exists():
        raise DomainError("already_on_team", _("This person is already on the team."),
                          field="user")
    member = CaseTeamMember.objects.create(case=case, user=user, added_by=actor)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=member, fields=["case", "user"])
    return member


def case_team_add(*, actor: User, case: Case, user: User) -> CaseTeamMember:
    require(access.can_manage_case(actor, case), actor, case, "change the team of this case")
    with transaction.atomic():
        return _team_add(actor=actor, case=case, user=user)


def case_team_remove(*, actor: User, member: CaseTeamMember) -> None:
    case = member.case
    require(access.can_manage_case(actor, case), actor, case, "change the team of this case")
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, actor=actor, obj=member,
                     fields=["case", "user"])
        member.delete()


# --- Timeline ------------------------------------------------------------------------


def _occurred(value: dt.datetime | None) -> dt.datetime:
    now = timezone.now()
    if value is None:
        return now
    if value > now + dt.timedelta(minutes=5):
        raise DomainError("in_future", _("This cannot be in the future."), field="occurred_at")
    return value


def _event(*, actor: User, case: Case, **fields: object) -> CaseEvent:
    with transaction.atomic():
        event = CaseEvent.objects.create(case=case, author=actor, **fields)
        audit_record(action=AuditAction.CREATE, actor=actor, obj=event,
                     fields=["case", *fields])
    return event


def case_add_note(
    *,
    actor: User,
    case: Case,
    text: str,
    kind: str = CaseEventKind.NOTE,
    occurred_at: dt.datetime | None = None,
) -> CaseEvent:
    """A note or an assessment on the timeline."""
    require(access.can_contribute(actor, case), actor, case, "write on this case")
    if kind not in (CaseEventKind.NOTE, CaseEventKind.ASSESSMENT):
        raise DomainError("invalid", _("Choose a note or an assessment."), field="kind")
    return _event(actor=actor, case=case, kind=kind, text=_text(text, field="text",
                  required=True), occurred_at=_occurred(occurred_at))


def case_record_service(
    *,
    actor: User,
    case: Case,
    service: Service,
    text: str = "",
    occurred_at: dt.datetime | None = None,
) -> CaseEvent:
    """A service delivered, from the case's center's own catalog."""
    require(access.can_contribute(actor, case), actor, case, "write on this case")
    if service.center_id != case.center_id or not service.is_active:
        raise DomainError(
            "service_not_in_catalog", _("Choose a service from this center's catalog."),
            field="service",
        )
    return _event(actor=actor, case=case, kind=CaseEventKind.SERVICE_DELIVERED,
                  service=service, text=_text(text, field="text"),
                  occurred_at=_occurred(occurred_at))


def case_break_glass(*, actor: User, case: Case, reason: str) -> CaseEvent:
    """Record an emergency access (called by access.access_case, which has checked that
    the case is a restricted one of the actor's own center): the audited read with the
    reason, the timeline entry, and the director told in the app and by email. The email
    names the case and the person who opened it, not the reason: the reason may hold
    case details, and mail leaves the system; the in-app notification carries it."""
    with transaction.atomic():
        event = CaseEvent.objects.create(
            case=case, author=actor, kind=CaseEventKind.BREAK_GLASS, text=reason
        )
        audit_record(action=AuditAction.READ, actor=actor, obj=case,
                     fields=access.CASE_READ_FIELDS, reason=f"break the glass: {reason}")
        audit_record(action=AuditAction.CREATE, actor=actor, obj=event,
                     fields=["case", "kind", "text"])
        directors = User.objects.filter(
            organization_id=case.center_id, role=Role.DIRECTOR, is_active=True
        )
        for director in directors:
            _notify(recipient=director, kind=NotificationKind.BREAK_GLASS, case=case,
                    params={"actor": actor.display_name, "reason": reason})
            queue_templated_email(
                user=director, template="case_break_glass",
                context={"case_reference": case.reference, "actor_name": actor.display_name,
                         "accessed_at": event.occurred_at},
                key=f"case_break_glass:{event.pk}:{director.pk}",
            )
    return event


# --- Tasks ---------------------------------------------------------------------------


def task_create(
    *,
    actor: User,
    case: Case,
    title: str,
    due_at: dt.datetime,
    assigned_to: User | None = None,
) -> Task:
    """A task on the case, for someone who sees the case (a task must not point a user at
    a restricted case they cannot open)."""
    require(access.can_contribute(actor, case), actor, case, "write on this case")
    title = clean_text(title or "")
    if not title:
        raise DomainError("required", _("This field is required."), field="title")
    if len(title) > Task._meta.get_field("title").max_length:  # type: ignore[operator]
        raise DomainError("too_long", _("The title is too long."), field="title")
    if assigned_to is not None and not selectors.sees_case_without_break_glass(
        assigned_to, case
    ):
        raise DomainError(
            "assignee_cannot_see_case",
            _("Assign the task to someone who works on this case."), field="assigned_to",
        )
    with transaction.atomic():
        task = Task.objects.create(case=case, title=title, due_at=due_at,
                                   assigned_to=assigned_to, created_by=actor)
        audit_record(action=AuditAction.CREATE, actor=actor, obj=task,
                     fields=["case", "title", "due_at", "assigned_to"])
    return task


def task_complete(*, actor: User, task: Task) -> Task:
    require(access.can_complete_task(actor, task), actor, task, "complete this task")
    with transaction.atomic():
        current = Task.objects.select_for_update().get(pk=task.pk)
        if current.done_at is not None:
            raise DomainError("task_already_done", _("This task is already done."))
        current.done_at = timezone.now()
        current.done_by = actor
        current.save(update_fields=["done_at", "done_by", "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=current,
                     fields=["done_at", "done_by"])
    return current


# --- Case types (the admin's catalog) -------------------------------------------------

CASE_TYPE_FIELDS: tuple[str, ...] = (
    "domain", "code", "name_ar", "name_en", "default_sensitivity", "is_active"
)


def _require_catalog_admin(actor: User, obj: CaseType) -> None:
    require(actor.role == Role.ADMIN and bool(actor.organization_id), actor, obj,
            "manage case types")


def case_type_save(*, actor: User, case_type: CaseType) -> CaseType:
    """Create or change a catalog entry (the admin's form has set its fields). The domain
    of a type in use does not change: its cases belong to centers of that domain."""
    _require_catalog_admin(actor, case_type)
    for name in ("code", "name_ar", "name_en"):
        setattr(case_type, name, clean_text(getattr(case_type, name) or ""))
    with transaction.atomic():
        if case_type._state.adding:
            case_type.full_clean()
            case_type.save()
            audit_record(action=AuditAction.CREATE, actor=actor, obj=case_type,
                         fields=CASE_TYPE_FIELDS)
            return case_type
        current = CaseType.objects.select_for_update().get(pk=case_type.pk)
        changed = [n for n in CASE_TYPE_FIELDS if getattr(current, n) != getattr(case_type, n)]
        if not changed:
            return current
        if "domain" in changed and current.cases.exists():
            raise DomainError("case_type_in_use",
                              _("Cases use this type: its domain cannot change."),
                              field="domain")
        case_type.full_clean()
        case_type.save(update_fields=[*changed, "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=case_type, fields=changed)
    return case_type


# --- Notifications -------------------------------------------------------------------


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """The recipient's own bookkeeping; audited like every write (that a director saw a
    break-the-glass notice may matter later). Marking a read notification does nothing."""
    if notification.recipient_id != actor.pk:
        raise DomainError("forbidden", _("You do not have permission to do this."))
    if notification.read_at is None:
        with transaction.atomic():
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at", "updated_at"])
            audit_record(action=AuditAction.UPDATE, actor=actor, obj=notification,
                         fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    """Every unread notification of the actor, in one statement and one audit entry (with
    how many); returns that number."""
    now = timezone.now()
    with transaction.atomic():
        count = selectors.notifications_of(actor).filter(read_at__isnull=True).update(
            read_at=now, updated_at=now)
        if count:
            audit_record(action=AuditAction.UPDATE, actor=actor,
                         object_type=Notification._meta.label_lower, fields=["read_at"],
                         reason=f"all marked read: {count}")
    return count
