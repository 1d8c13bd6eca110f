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
- analysts, the ministry and partners: nothing (404).

Referrals from embassies (kind embassy_to_foundation) and their assignments to centers
(foundation_to_center):
- the referring embassy (its consular officers and viewers): its own referrals, and of
  each only what tawasul.referrals.embassy_view decides (what it submitted, the status as
  an embassy sees it, its thread with the foundation; the center only under consent;
  "received" only for a person flagged no contact with home country). Another embassy:
  404;
- the intake desk (intake officers, administrators): everything of an embassy referral
  but the cases: what the embassy sent, the registry's matches, the linked person, the
  thread with the embassy and the triage record; of an assignment, what a sender sees
  (the reason, the center's reason for handing it back, the thread with the center);
- liaison officers: the metadata and the thread with the embassy (they speak for the
  foundation to the missions); not what was submitted, nor the matches;
- the assigned center: the assignment, as any receiver (never the embassy referral
  itself, nor its thread with the embassy).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.cases.selectors import cases_visible_to, center_member
from tawasul.common.access import as_member
from tawasul.organizations.models import Organization, OrganizationKind
from tawasul.people.models import Person, SafetyFlag, SafetyFlagKind
from tawasul.people.selectors import persons_visible_to
from tawasul.referrals import embassy_view
from tawasul.referrals.models import (
    TRIAGE_STATUSES,
    Referral,
    ReferralEvent,
    ReferralEventKind,
    ReferralKind,
    SubmittedPerson,
    Urgency,
)

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
    "received_case", "parent"
}
EMBASSY_ROLES: frozenset[str] = frozenset({Role.CONSULAR_OFFICER, Role.EMBASSY_VIEWER})
# An embassy referral, for the intake desk (everything but the cases) and for liaison
# officers (the metadata and the thread with the embassy).
TRIAGE_FIELDS: frozenset[str] = METADATA_FIELDS | IDENTITY_FIELDS | {
    "submitted_person", "reason", "matches", "decline_reason", "events", "created_by",
    "decided_by", "assigned_center", "assignments",
}
LIAISON_EMBASSY_FIELDS: frozenset[str] = METADATA_FIELDS | {"events"}
# An assignment to a center, for the intake desk that sent it.
ASSIGNER_FIELDS: frozenset[str] = SENDER_FIELDS - {"source_case"} | {"parent"}
EMBASSY_KIND = ReferralKind.EMBASSY_TO_FOUNDATION
ASSIGNMENT_KIND = ReferralKind.FOUNDATION_TO_CENTER


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


def intake_member(viewer: object) -> User | None:
    """The foundation's intake desk: intake officers and administrators."""
    user = foundation_router(viewer)
    if user is None or user.role not in FOUNDATION_IDENTITY_ROLES:
        return None
    return user


def embassy_member(viewer: object) -> User | None:
    """A consular officer or viewer of an embassy."""
    user = as_member(viewer)
    if user is None or user.kind != OrganizationKind.EMBASSY or user.role not in EMBASSY_ROLES:
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
    embassy = embassy_member(viewer)
    if embassy is not None:
        return _referrals().filter(kind=EMBASSY_KIND,
                                   from_organization_id=embassy.organization_id)
    if foundation_router(viewer) is not None:
        return _referrals()
    return _referrals().none()


def embassy_inbox(viewer: object) -> QuerySet[Referral]:
    """An embassy's own referrals, newest first, each with what its list shows (the
    person as submitted, whether the linked person is withheld from the embassy). The
    embassy's list page and API list start here."""
    embassy = embassy_member(viewer)
    if embassy is None:
        return Referral.objects.none()
    qs = Referral.objects.select_related("submitted_person", "from_organization").filter(
        kind=EMBASSY_KIND, from_organization_id=embassy.organization_id
    )
    return embassy_view.with_withheld(qs).order_by("-sent_at", "-id")


URGENCY_ORDER = Case(
    When(urgency=Urgency.EMERGENCY, then=Value(0)),
    When(urgency=Urgency.URGENT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def intake_queue(viewer: object) -> QuerySet[Referral]:
    """The intake desk's queue: embassy referrals that no center holds and that are not
    decided (new ones, those a center handed back, those whose assignment was taken
    back), most urgent first, then oldest first. The queue page and API start here."""
    if intake_member(viewer) is None:
        return Referral.objects.none()
    return (
        Referral.objects.select_related("submitted_person", "from_organization", "person")
        .filter(kind=EMBASSY_KIND, status__in=TRIAGE_STATUSES, assigned_center__isnull=True)
        .annotate(urgency_order=URGENCY_ORDER)
        .order_by("urgency_order", "sent_at", "id")
    )


def embassy_referrals_for_intake(viewer: object) -> QuerySet[Referral]:
    """Every embassy referral, newest first, for the intake desk and liaison officers."""
    if foundation_router(viewer) is None:
        return Referral.objects.none()
    return Referral.objects.select_related(
        "submitted_person", "from_organization", "person", "assigned_center"
    ).filter(kind=EMBASSY_KIND).order_by("-sent_at", "-id")


def is_referring_embassy(viewer: object, referral: Referral) -> bool:
    embassy = embassy_member(viewer)
    return (embassy is not None and referral.kind == EMBASSY_KIND
            and referral.from_organization_id == embassy.organization_id)


def referrals_of_case(viewer: object, case: Any) -> QuerySet[Referral]:
    """The referrals sent from or received into `case` that the viewer sees: the same rows
    as referrals_visible_to(viewer) filtered on the case, with the source case's visibility
    checked on the one case instead of as a subquery of all the cases the member sees."""
    on_case = Q(source_case=case) | Q(received_case=case)
    member = center_member(viewer)
    if member is None:
        return referrals_visible_to(viewer).filter(on_case)
    if not cases_visible_to(member).filter(pk=case.pk).exists():
        # Another center's case (a break of the glass, say): the general rule.
        return referrals_visible_to(viewer).filter(on_case)
    # A case of the member's own center that they see: received into it, or sent from it.
    # Written as an OR of terms that each name one of the case's columns, so that each
    # term is read from that column's index (referral_received_case for the received one).
    org = member.organization_id
    return _referrals().filter(
        Q(source_case=case, from_organization_id=org)
        | Q(source_case=case, to_organization_id=org)
        | Q(received_case=case, to_organization_id=org)
    )


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

    if referral.kind == ASSIGNMENT_KIND:
        # An assignment of an embassy referral: the intake desk sent it.
        return intake_member(viewer) is not None
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
    if referral.kind == EMBASSY_KIND:
        if is_referring_embassy(viewer, referral):
            return embassy_view.embassy_view(referral).fields
        router = foundation_router(viewer)
        if router is None:
            return frozenset()
        if router.role in FOUNDATION_IDENTITY_ROLES:
            return TRIAGE_FIELDS
        return LIAISON_EMBASSY_FIELDS
    if is_receiver(viewer, referral):
        # The summary was shared under a consent; once it is withdrawn or expired the
        # receiver stops being shown it (the sender still sees what it wrote).
        consent = referral.consent
        if consent is not None and not consent.is_active_at(timezone.now()):
            return RECEIVER_FIELDS - {"summary"}
        return RECEIVER_FIELDS
    if is_sender(viewer, referral):
        return ASSIGNER_FIELDS if referral.kind == ASSIGNMENT_KIND else SENDER_FIELDS
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
    """The referral's thread as `viewer` may read it. Of an embassy referral: the intake
    desk reads all of it; liaison officers the status changes and the messages with the
    embassy; the embassy the messages only (its status timeline is embassy_view's), and,
    while the person is withheld from it, only its own."""
    qs = ReferralEvent.objects.select_related("author", "author__organization").prefetch_related(
        "attachments").filter(referral=referral)
    if "events" not in referral_fields_for(viewer, referral):
        return qs.none()
    if referral.kind != EMBASSY_KIND or intake_member(viewer) is not None:
        return qs
    if is_referring_embassy(viewer, referral):
        messages = qs.filter(kind=ReferralEventKind.MESSAGE)
        if embassy_view.is_withheld(referral):
            messages = messages.filter(author__organization_id=referral.from_organization_id)
        return messages
    return qs.exclude(kind=ReferralEventKind.TRIAGE)


@dataclass(frozen=True)
class RegistryMatch:
    """A registered person the embassy's description may be, as the intake desk sees it."""

    person: Person
    score: float
    reasons: tuple[str, ...]
    same_passport: bool

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def registry_matches(viewer: object, referral: Referral) -> list[RegistryMatch]:
    """The matches found on arrival, for the intake desk only, read through the registry's
    own selector (a person merged since stands for the record it was merged into)."""
    from tawasul.referrals.matching import reason_messages

    if "matches" not in referral_fields_for(viewer, referral):
        return []
    submitted = SubmittedPerson.objects.filter(referral=referral).first()
    if submitted is None or not submitted.matches:
        return []
    stored = [m for m in submitted.matches if isinstance(m, dict) and m.get("person")]
    visible = persons_visible_to(viewer)
    found = {str(p.pk): p for p in visible.filter(pk__in=[m["person"] for m in stored])
             .select_related("merged_into")}
    survivors = {str(p.merged_into_id) for p in found.values() if p.merged_into_id}
    if survivors:
        found.update({str(p.pk): p for p in visible.filter(pk__in=survivors)})
    flagged = set(SafetyFlag.objects.filter(
        person_id__in=list(found), kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY,
        cleared_at__isnull=True).values_list("person_id", flat=True))
    matches: list[RegistryMatch] = []
    shown: set[str] = set()
    for match in stored:
        person = found.get(str(match["person"]))
        while person is not None and person.merged_into_id:
            person = found.get(str(person.merged_into_id))
        if person is None or str(person.pk) in shown:
            continue
        shown.add(str(person.pk))
        person.__dict__["no_contact_flag"] = person.pk in flagged
        matches.append(RegistryMatch(person=person, score=float(match.get("score") or 0),
                                     reasons=tuple(reason_messages(match)),
                                     same_passport=bool(match.get("same_passport"))))
    return matches


def referrals_nav_item(viewer: object) -> tuple[Promise, str] | None:
    """The navigation entry of referrals from embassies: the embassy's own referrals, or
    the foundation's intake desk (centers have theirs: the referral boxes)."""
    if embassy_member(viewer) is not None:
        return _("Our referrals"), "referrals:embassy_list"
    if foundation_router(viewer) is not None:
        return _("Intake desk"), "referrals:intake_desk"
    return None
