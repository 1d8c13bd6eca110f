"""Fetch-and-check for coordination requests, their attachments and a person's disclosure
log, and who may do what.

`access_request(user, id)` is the one way to open a request: outside the caller's scope
(selectors.requests_visible_to) it answers 404 after an audited denial; inside, the read
is audited with the names of the fields the caller is shown.
"""

from __future__ import annotations

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases.access import can_contribute
from tawasul.cases.models import Case
from tawasul.cases.selectors import center_member
from tawasul.common.access import fetch_or_deny
from tawasul.common.errors import OutOfScope
from tawasul.coordination import selectors
from tawasul.coordination.models import CoordinationRequest, RequestAttachment, RequestStatus
from tawasul.people.access import access_person
from tawasul.people.models import Person


def access_request(user: object, request_id: object) -> CoordinationRequest:
    request = fetch_or_deny(user, selectors.requests_visible_to(user), request_id)
    audit_record(action=AuditAction.READ, actor=user, obj=request,
                 fields=selectors.request_fields_for(user, request))
    return request


def access_attachment(user: object, attachment_id: object) -> RequestAttachment:
    """An attachment of a message the user is shown (404 otherwise, audited)."""
    candidates = RequestAttachment.objects.select_related("event__request").filter(
        event__request__in=selectors.requests_visible_to(user).values("pk"))
    attachment = fetch_or_deny(user, candidates, attachment_id)
    visible = selectors.request_events_visible_to(user, attachment.event.request)
    if not visible.filter(pk=attachment.event_id).exists():
        audit_record(action=AuditAction.ACCESS_DENIED, actor=user, obj=attachment)
        raise OutOfScope()
    return attachment


def access_person_disclosures(user: object, person_id: object) -> Person:
    """The person, for the page of their disclosure log: 404 outside the registry and
    for anyone who may not see the person's case data (audited)."""
    person = access_person(user, person_id)
    if not selectors.may_see_disclosures_of(user, person):
        audit_record(action=AuditAction.ACCESS_DENIED, actor=user, obj=person,
                     reason="disclosure log")
        raise OutOfScope()
    return person


# --- Who may do what ----------------------------------------------------------------------


def can_request_for_case(user: object, case: Case) -> bool:
    """Ask an embassy about the case's person: the director and case managers who work
    on the case (breaking the glass to read a case is no ground for sharing it)."""
    member = center_member(user)
    return (
        member is not None
        and member.role in selectors.REQUESTER_ROLES
        and can_contribute(member, case)
        and not case.is_closed
    )


def can_approve(user: User, request: CoordinationRequest) -> bool:
    """The director of the requesting center decides on a legal ground; a case manager
    cannot approve their own."""
    member = center_member(user)
    return (
        member is not None
        and member.role == Role.DIRECTOR
        and request.from_organization_id == member.organization_id
        and request.status == RequestStatus.AWAITING_APPROVAL
    )


def can_answer(user: User, request: CoordinationRequest) -> bool:
    """Acknowledge, start, fulfil or decline: the embassy's consular officers (its viewers
    read only)."""
    return (
        selectors.is_addressed_embassy(user, request)
        and user.role == Role.CONSULAR_OFFICER
        and request.awaits_embassy
    )


def can_withdraw(user: User, request: CoordinationRequest) -> bool:
    return (
        request.is_open
        and selectors.is_requesting_side(user, request)
        and user.role in selectors.REQUESTER_ROLES
    )


def can_write_message(user: User, request: CoordinationRequest) -> bool:
    if not request.awaits_embassy:
        return False
    if selectors.is_requesting_side(user, request):
        return user.role in selectors.REQUESTER_ROLES
    return selectors.is_addressed_embassy(user, request) and user.role == Role.CONSULAR_OFFICER
