"""Fetch-and-check for referrals, and who may change what.

`access_referral(user, id)` is the one way to open a referral: outside the caller's
scope (selectors.referrals_visible_to) it answers 404 after an audited denial; inside,
the read is audited with the names of the fields the caller is shown
(selectors.referral_fields_for).
"""

from __future__ import annotations

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases.selectors import center_member
from tawasul.common.access import fetch_or_deny
from tawasul.referrals import selectors
from tawasul.referrals.models import Referral, ReferralKind

DECIDER_ROLES: frozenset[str] = frozenset({Role.DIRECTOR, Role.CASE_MANAGER})


def access_referral(user: object, referral_id: object) -> Referral:
    referral = fetch_or_deny(user, selectors.referrals_visible_to(user), referral_id)
    audit_record(action=AuditAction.READ, actor=user, obj=referral,
                 fields=selectors.referral_fields_for(user, referral))
    return referral


def can_decide(user: User, referral: Referral) -> bool:
    """Accept, decline, start and complete: the receiving center's director and case
    managers."""
    member = center_member(user)
    return (
        member is not None
        and member.role in DECIDER_ROLES
        and referral.to_organization_id == member.organization_id
    )


def can_withdraw(user: User, referral: Referral) -> bool:
    """The sender; of an assignment of an embassy referral, the intake desk (taking it
    back from the center, to route it again)."""
    return selectors.is_sender(user, referral)


def can_write_message(user: User, referral: Referral) -> bool:
    """Both sides of a referral between centers and of an assignment. On an embassy
    referral, the thread is between the referring embassy (its consular officers) and
    the foundation (its intake desk and liaison officers); the assigned center does not
    write to the embassy (a center asks an embassy through a coordination request, under
    its own consent or legal ground)."""
    if referral.kind == ReferralKind.EMBASSY_TO_FOUNDATION:
        if selectors.is_referring_embassy(user, referral):
            return user.role == Role.CONSULAR_OFFICER
        return selectors.foundation_router(user) is not None
    return selectors.is_sender(user, referral) or selectors.is_receiver(user, referral)


def can_submit_embassy_referral(user: object) -> bool:
    """An embassy's consular officers refer its nationals; its viewers only read."""
    member = selectors.embassy_member(user)
    return member is not None and member.role == Role.CONSULAR_OFFICER


def can_triage(user: object, referral: Referral) -> bool:
    """Link, register, assign, decline: the intake desk, on a referral from an embassy."""
    return (referral.kind == ReferralKind.EMBASSY_TO_FOUNDATION
            and selectors.intake_member(user) is not None)
