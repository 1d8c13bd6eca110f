"""Scoped reads of coordination requests and of the disclosure log. Every list starts here.

Who sees a request, and what of it (request_fields_for):
- the requesting center's staff who see the case (a restricted case: its team and the
  director, as for the case itself): everything, the thread included;
- the embassy it is addressed to (consular officers and viewers), once it is sent: the
  request's metadata, the type's minimum fields as they were sent (request_types), the
  worker's message and the thread. Never the case, its notes, the reason for care or the
  center that asked (to the embassy the request comes from the foundation). Once the basis
  is no longer in force (the consent withdrawn or expired, the person flagged *no contact
  with home country*) or the request is withdrawn, the embassy is shown the metadata and
  its own messages only: sharing stops at that moment, not at the next request;
- the foundation's liaison officers and administrators: the metadata of every sent
  request (who asked whom for what, status and due dates, overdue escalations); no person,
  no messages;
- intake officers, analysts, the ministry, partners and every other embassy: nothing (404).

The disclosure log of a person is read by the foundation's administrators (all of it: a
data-subject access request is answered from it) and by the staff of a center who see a
case of the person (the disclosures their center made).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.cases.models import Case
from tawasul.cases.selectors import cases_visible_to, center_member, sees_case_without_break_glass
from tawasul.common.access import as_member
from tawasul.coordination import request_types
from tawasul.coordination.models import (
    AWAITING_EMBASSY,
    CoordinationRequest,
    Disclosure,
    RequestEvent,
    RequestEventKind,
    RequestStatus,
)
from tawasul.organizations.models import Organization, OrganizationKind
from tawasul.people.models import Consent, Person
from tawasul.people.selectors import consents_visible_to
from tawasul.people.services import consent_allows

EMBASSY_ROLES: frozenset[str] = frozenset({Role.CONSULAR_OFFICER, Role.EMBASSY_VIEWER})
FOUNDATION_METADATA_ROLES: frozenset[str] = frozenset({Role.LIAISON_OFFICER, Role.ADMIN})
# Who in a center asks an embassy for something: not support staff.
REQUESTER_ROLES: frozenset[str] = frozenset({Role.DIRECTOR, Role.CASE_MANAGER})

METADATA_FIELDS: frozenset[str] = frozenset({
    "reference", "request_type", "urgency", "status", "from_organization", "to_organization",
    "basis", "sent_at", "due_at", "reminder_sent_at", "escalated_at", "acknowledged_at",
    "started_at", "fulfilled_at", "declined_at", "withdrawn_at",
})
# The embassy's side: its own answers, and no requesting center.
EMBASSY_METADATA_FIELDS: frozenset[str] = (
    METADATA_FIELDS - {"from_organization", "reminder_sent_at", "escalated_at"}
) | {"decline_reason", "fulfilment_note", "events"}
# What the embassy is shown while the basis is in force.
EMBASSY_SHARED_FIELDS: frozenset[str] = frozenset({"disclosed", "message", "foundation_messages"})
REQUESTER_FIELDS: frozenset[str] = METADATA_FIELDS | EMBASSY_SHARED_FIELDS | {
    "decline_reason", "fulfilment_note", "events", "person", "case", "consent",
    "legal_ground", "home_town", "requested_due_at", "withdrawal_cause", "withdrawal_reason",
    "created_by",
}
# The statuses in which the embassy is shown the person's data (not before sending, not
# after the foundation withdrew the request).
SHARING_STATUSES: frozenset[str] = frozenset(
    {*AWAITING_EMBASSY, RequestStatus.FULFILLED, RequestStatus.DECLINED}
)


def _requests() -> QuerySet[CoordinationRequest]:
    return CoordinationRequest.objects.select_related(
        "from_organization", "to_organization", "person", "case", "consent", "legal_ground",
        "created_by",
    )


def embassy_member(viewer: object) -> User | None:
    user = as_member(viewer)
    if user is None or user.kind != OrganizationKind.EMBASSY or user.role not in EMBASSY_ROLES:
        return None
    return user


def foundation_overseer(viewer: object) -> User | None:
    user = as_member(viewer)
    if (user is None or user.kind != OrganizationKind.FOUNDATION
            or user.role not in FOUNDATION_METADATA_ROLES):
        return None
    return user


def requests_visible_to(viewer: object) -> QuerySet[CoordinationRequest]:
    member = center_member(viewer)
    if member is not None:
        return _requests().filter(from_organization_id=member.organization_id,
                                  case__in=cases_visible_to(member).values("pk"))
    embassy = embassy_member(viewer)
    if embassy is not None:
        organization = embassy.organization
        assert organization is not None
        # Its own nationals only (DESIGN rule 5), and nothing before it is sent.
        return _requests().filter(to_organization_id=organization.pk, sent_at__isnull=False,
                                  person__nationality=organization.country)
    if foundation_overseer(viewer) is not None:
        return _requests().filter(sent_at__isnull=False)
    return _requests().none()


def requests_of_case(viewer: object, case: Case) -> QuerySet[CoordinationRequest]:
    """requests_visible_to(viewer).filter(case=case), with the center's condition checked
    on the one case instead of as a subquery of all the cases the member sees."""
    member = center_member(viewer)
    if member is None:
        return requests_visible_to(viewer).filter(case=case)
    if not cases_visible_to(member).filter(pk=case.pk).exists():
        return _requests().none()
    return _requests().filter(from_organization_id=member.organization_id, case=case)


def awaiting_approval_of(viewer: object) -> QuerySet[CoordinationRequest]:
    """The requests of the director's center whose legal ground waits for them."""
    member = center_member(viewer)
    if member is None or member.role != Role.DIRECTOR:
        return _requests().none()
    return requests_visible_to(member).filter(status=RequestStatus.AWAITING_APPROVAL)


def overdue(qs: QuerySet[CoordinationRequest], at: dt.datetime | None = None
            ) -> QuerySet[CoordinationRequest]:
    return qs.filter(status__in=AWAITING_EMBASSY, due_at__lt=at or timezone.now())


def is_requesting_side(viewer: object, request: CoordinationRequest) -> bool:
    """Staff of the requesting center who see its case without breaking the glass."""
    member = center_member(viewer)
    return (
        member is not None
        and request.from_organization_id == member.organization_id
        and sees_case_without_break_glass(member, request.case)
    )


def is_addressed_embassy(viewer: object, request: CoordinationRequest) -> bool:
    embassy = embassy_member(viewer)
    return (
        embassy is not None
        and request.to_organization_id == embassy.organization_id
        and request.sent_at is not None
    )


def flagged_against(person: Person, embassy: Organization) -> bool:
    """The person is flagged "no contact with home country" and this is that country's
    embassy: nothing about them may reach it."""
    return (
        embassy.kind == OrganizationKind.EMBASSY
        and str(embassy.country) == str(person.nationality)
        and person.has_no_contact_flag
    )


def basis_in_force(request: CoordinationRequest, at: dt.datetime | None = None) -> bool:
    """Whether the request's basis allows sharing with the embassy at `at` (now): the
    person is not flagged against it, and its consent (still in force and, by
    consent_allows, still covering the type's categories) or its approved legal ground."""
    at = at or timezone.now()
    person, embassy = request.person, request.to_organization
    if flagged_against(person, embassy):
        return False
    if request.consent_id is not None:
        consent = request.consent
        assert consent is not None
        return consent.is_active_at(at) and consent_allows(
            person=person, recipient=embassy, purpose=request_types.PURPOSE,
            categories=request_types.categories_of(request.request_type), at=at,
        )
    ground = request.legal_ground
    return ground is not None and ground.is_approved


def is_shared_with_embassy(request: CoordinationRequest, at: dt.datetime | None = None) -> bool:
    return request.status in SHARING_STATUSES and basis_in_force(request, at)


def request_fields_for(viewer: object, request: CoordinationRequest, *,
                       sharing: bool = True) -> frozenset[str]:
    """The names of the fields of `request` that `viewer` may be shown; empty for someone
    who may not see it at all. Pages and the API show these only. `sharing=False` skips
    deciding whether the embassy is still shown the person's data (lists, which show
    metadata only), and gives the embassy its metadata."""
    if is_requesting_side(viewer, request):
        return REQUESTER_FIELDS
    if is_addressed_embassy(viewer, request):
        if sharing and is_shared_with_embassy(request):
            return EMBASSY_METADATA_FIELDS | EMBASSY_SHARED_FIELDS
        return EMBASSY_METADATA_FIELDS
    if foundation_overseer(viewer) is not None and request.sent_at is not None:
        return METADATA_FIELDS
    return frozenset()


def request_events_visible_to(viewer: object, request: CoordinationRequest
                              ) -> QuerySet[RequestEvent]:
    qs = RequestEvent.objects.select_related("author", "author_organization").prefetch_related(
        "attachments").filter(request=request)
    fields = request_fields_for(viewer, request)
    if "events" not in fields:
        return qs.none()
    if is_requesting_side(viewer, request):
        return qs
    qs = qs.filter(shared_with_embassy=True)
    if "foundation_messages" not in fields:
        qs = qs.exclude(Q(kind=RequestEventKind.MESSAGE)
                        & ~Q(author_organization_id=request.to_organization_id))
    return qs


# --- Choices on the new-request page ------------------------------------------------------


def home_embassies_of(person: Person) -> QuerySet[Organization]:
    """The embassies a request about `person` may go to: their own country's."""
    return Organization.objects.filter(kind=OrganizationKind.EMBASSY, is_active=True,
                                       country=person.nationality).order_by("name_en")


def consents_allowing(viewer: object, *, person: Person, embassy: Organization,
                      request_type: str, at: dt.datetime | None = None) -> list[Consent]:
    """The consents the viewer may see that allow this request now: purpose coordination
    with the embassy, naming it, in force, covering the type's categories. None at all
    for a person flagged against that embassy, whatever the consents say."""
    at = at or timezone.now()
    if request_type not in request_types.MINIMUM or flagged_against(person, embassy):
        return []
    needed = request_types.categories_of(request_type)
    candidates = (
        consents_visible_to(viewer)
        .filter(person=person, purpose=request_types.PURPOSE, recipients=embassy,
                granted_at__lte=at)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at))
        .order_by("-granted_at")
    )
    return [c for c in candidates if needed <= set(c.data_categories)]


# --- The disclosure log -------------------------------------------------------------------


def _disclosures() -> QuerySet[Disclosure]:
    return Disclosure.objects.select_related(
        "person", "recipient", "consent", "legal_ground", "disclosed_by",
        "disclosed_by_organization",
    )


def disclosures_visible_to(viewer: object) -> QuerySet[Disclosure]:
    user = as_member(viewer)
    if user is None:
        return _disclosures().none()
    if user.kind == OrganizationKind.FOUNDATION and user.role == Role.ADMIN:
        return _disclosures()
    member = center_member(user)
    if member is not None:
        return _disclosures().filter(
            disclosed_by_organization_id=member.organization_id,
            person__in=cases_visible_to(member).values("person"),
        )
    return _disclosures().none()


def may_see_disclosures_of(viewer: object, person: Person) -> bool:
    """The foundation's administrators, and center staff who see a case of the person."""
    user = as_member(viewer)
    if user is None:
        return False
    if user.kind == OrganizationKind.FOUNDATION and user.role == Role.ADMIN:
        return True
    member = center_member(user)
    return member is not None and cases_visible_to(member).filter(person=person).exists()


def coordination_nav_label(viewer: object) -> Promise | None:
    """The navigation entry of the requests list, for those who have one."""
    if center_member(viewer) is not None or foundation_overseer(viewer) is not None:
        return _("Embassy requests")
    if embassy_member(viewer) is not None:
        return _("Requests")
    return None
