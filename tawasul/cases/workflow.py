"""The status workflow of a case: the allowed transitions as data, and the one service
that moves a case along them.

    intake → assessment → plan → services → review → closed
    plan → assessment         (the plan needs a new assessment)
    review → services | plan  (more services, or a revised plan)
    any open status → closed  (with a coded closure reason)
    closed → assessment       (reopen: the situation is assessed again)
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases import access
from tawasul.cases.models import Case, CaseEvent, CaseEventKind, CaseStatus, ClosureReason
from tawasul.common.access import require
from tawasul.common.errors import DomainError
from tawasul.common.text import clean_text

S = CaseStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.INTAKE: frozenset({S.ASSESSMENT, S.CLOSED}),
    S.ASSESSMENT: frozenset({S.PLAN, S.CLOSED}),
    S.PLAN: frozenset({S.SERVICES, S.ASSESSMENT, S.CLOSED}),
    S.SERVICES: frozenset({S.REVIEW, S.CLOSED}),
    S.REVIEW: frozenset({S.SERVICES, S.PLAN, S.CLOSED}),
    S.CLOSED: frozenset({S.ASSESSMENT}),
}


def allowed_transitions(status: str) -> list[str]:
    """In workflow order, for the buttons of the case page."""
    allowed = TRANSITIONS.get(status, frozenset())
    return [s for s in CaseStatus.values if s in allowed]


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def case_change_status(
    *, actor: User, case: Case, to_status: str, note: str = "", closure_reason: str = ""
) -> Case:
    """Move the case to `to_status`, recording a status_change event and its audit entry.
    Closing requires `closure_reason` (a ClosureReason); reopening clears it on the case
    (the closing event keeps it on the timeline)."""
    require(access.can_manage_case(actor, case), actor, case, "change the status of this case")
    if to_status not in CaseStatus.values:
        raise DomainError("invalid", _("Choose a status."), field="to_status")
    note = clean_text(note or "", multiline=True)
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        from_status = current.status
        if not is_allowed(from_status, to_status):
            raise DomainError(
                "transition_not_allowed",
                _("A case cannot move from “%(from)s” to “%(to)s”.") % {
                    "from": CaseStatus(from_status).label, "to": CaseStatus(to_status).label,
                },
                field="to_status",
            )
        changed = ["status"]
        if to_status == CaseStatus.CLOSED:
            if closure_reason not in ClosureReason.values:
                raise DomainError(
                    "closure_reason_required", _("Choose why the case is closed."),
                    field="closure_reason",
                )
            if closure_reason == ClosureReason.OTHER and not note:
                raise DomainError(
                    "closure_note_required",
                    _("Explain in the note why the case is closed."), field="note",
                )
            current.closed_at = timezone.now()
            current.closure_reason = closure_reason
            changed += ["closed_at", "closure_reason"]
        elif from_status == CaseStatus.CLOSED:
            current.closed_at = None
            current.closure_reason = ""
            changed += ["closed_at", "closure_reason"]
        current.status = to_status
        current.save(update_fields=[*changed, "updated_at"])
        event = CaseEvent.objects.create(
            case=current, kind=CaseEventKind.STATUS_CHANGE, author=actor,
            from_status=from_status, to_status=to_status,
            text=_join(closure_reason and str(ClosureReason(closure_reason).label), note),
        )
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=current, fields=changed,
                     reason=f"status {from_status} -> {to_status}")
        audit_record(action=AuditAction.CREATE, actor=actor, obj=event,
                     fields=["kind", "from_status", "to_status", "text"])
    return current


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)
