"""Scoped reads of referrals. Every list of referrals starts here.

Who sees a referral, and what of it (referral_fields_for):
- the receiving center's staff: their inbox; everything addressed to them, summary
  included, even when the source case is restricted at the sender;
- the sending center's staff who can see the source case (a restricted case: its team
  and the director): their outbox, with what they wrote; the rest of the sending center
  does not learn of the referral of a restricted case;
- the foundation's intake officers and administrators: every referral's coordination
  metadata and the person's identity (they route referrals and keep the registry);
  liaison officers: the metadata only. None of them reads the reason, the summary, the
  reasons for declining or withdrawing, or the messages (DESIGN rule 3);
- analysts, the ministry, embassies and partners: nothing (404).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.cases.selectors import cases_visible_to, center_member
from tawasul.common.access import as_member
from tawasul.organizations.models import Organization, OrganizationKind
from tawasul.referrals.models import Referral, ReferralEvent

FOUNDATION_IDENTITY_ROLES: frozenset[str] = frozenset({Role.INTAKE_OFFICER, Role.ADMIN})
FOUNDATION_METADATA_ROLES: frozenset[str] = frozenset(
    {Role.INTAKE_OFFICER, Role.ADMIN, Role.LIAISON_OFFICER}
)

METADATA_FIELDS: frozenset[str] = frozenset({
    "reference", "kind", "from_organization", "to_organization", "domain", "urgency",
    "status", "sent_at", "due_at", "overdue_flagged_at", "decided_at", "withdrawn_at",
    "completed_at",
})
IDENTITY_FIELDS: frozenset[str] = frozenset({"person"})
CONTENT_FIELDS: frozenset[str] = frozenset({
    "reason", "summary", "decline_reason", "withdrawn_reason", "events", "created_by",
    "decided_by",
})
SENDER_FIELDS: frozenset[str] = METADATA_FIELDS | IDENTITY_FIELDS | CONTENT_FIELDS | {
    "source_case"
}
RECEIVER_FIELDS: frozenset[str] = METADATA_FIELDS | IDENTITY_FIELDS | CONTENT_FIELDS | {
    "received_case"
}


def _referrals() -> QuerySet[Referral]:
    return Referral.objects.select_related(
        "from_organization", "to_organization", "person", "source_case", "received_case",
        "consent",
    )


def foundation_router(viewer: object) -> User | None:
    user = as_member(viewer)
    if (user is None or user.kind != OrganizationKind.FOUNDATION
            or user.role not in FOUNDATION_METADATA_ROLES):
        return None
    return user


def referrals_visible_to(viewer: object) -> QuerySet[Referral]:
    member = center_member(viewer)
    if member is not None:
        return _referrals().filter(
            Q(to_organization_id=member.organization_id)
            | Q(from_organization_id=member.organization_id,
                source_case__in=cases_visible_to(member).values("pk"))
        )
    if foundation_router(viewer) is not None:
        return _referrals()
    return _referrals().none()


def inbox_of(viewer: object) -> QuerySet[Referral]:
    member = center_member(viewer)
    if member is None:
        return _referrals().none()
    return referrals_visible_to(member).filter(to_organization_id=member.organization_id)


def outbox_of(viewer: object) -> QuerySet[Referral]:
    member = center_member(viewer)
    if member is None:
        return _referrals().none()
    return referrals_visible_to(member).filter(from_organization_id=member.organization_id)


def is_receiver(viewer: object, referral: Referral) -> bool:
    member = center_member(viewer)
    return member is not None and referral.to_organization_id == member.organization_id


def is_sender(viewer: object, referral: Referral) -> bool:
    """Staff of the sending center who see the source case without breaking the glass."""
    from tawasul.cases.selectors import sees_case_without_break_glass

    member = center_member(viewer)
    return (
        member is not None
        and referral.from_organization_id == member.organization_id
        and referral.source_case is not None
        and sees_case_without_break_glass(member, referral.source_case)
    )


def referral_fields_for(viewer: object, referral: Referral) -> frozenset[str]:
    """The names of the fields of `referral` that `viewer` may be shown; empty for
    someone who may not see it at all. Pages, the API and exports show these only."""
    if is_receiver(viewer, referral):
        # The summary was shared under a consent; once it is withdrawn or expired the
        # receiver stops being shown it (the sender still sees what it wrote).
        consent = referral.consent
        if consent is not None and not consent.is_active_at(timezone.now()):
            return RECEIVER_FIELDS - {"summary"}
        return RECEIVER_FIELDS
    if is_sender(viewer, referral):
        return SENDER_FIELDS
    router = foundation_router(viewer)
    if router is not None:
        if router.role in FOUNDATION_IDENTITY_ROLES:
            return METADATA_FIELDS | IDENTITY_FIELDS
        return METADATA_FIELDS
    return frozenset()


def referral_recipients_for(viewer: object) -> QuerySet[Organization]:
    """The centers a center's staff member may refer to: every active center but their
    own (for the choice on the referral form)."""
    member = center_member(viewer)
    if member is None:
        return Organization.objects.none()
    centers = Organization.objects.filter(kind=OrganizationKind.CENTER, is_active=True)
    return centers.exclude(pk=member.organization.pk)  # type: ignore[union-attr]


def referral_events_visible_to(viewer: object, referral: Referral) -> QuerySet[ReferralEvent]:
    qs = ReferralEvent.objects.select_related("author").filter(referral=referral)
    if "events" in referral_fields_for(viewer, referral):
        return qs
    return qs.none()
