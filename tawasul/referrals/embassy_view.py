"""What an embassy sees of a referral it made (DESIGN, access rule 5). One place, read by
the embassy's pages, the API, its notifications and its webhooks.

- Always: what it submitted itself (the person as it described them, the domain, the
  urgency, its reason), its messages, and the status as an embassy should see it
  (`EmbassyStatus`: submitted, under review, accepted, in progress, closed; declined,
  with the intake desk's reason), with a timeline of those steps and the foundation's
  messages.
- Only under the person's consent (purpose "coordination with the embassy", naming the
  embassy, covering the case summary; tawasul.people.services.consent_allows, at the
  moment of showing): the center that took the person on. Each time that is shown or
  sent, the disclosure is logged (tawasul.referrals.embassy_services.log_disclosure).
- Never: the registry's matches, the registered person, the centers' reasons for handing
  a referral back, the case, its notes or its reasons, due dates, who at the foundation
  triaged it.
- A person flagged *no contact with home country* (`is_withheld`): the embassy is shown
  only that its referral was received (status "submitted", one step), its own messages
  and what it submitted; not the foundation's messages, not a decline, not the center,
  whatever any consent says (consent_allows refuses it too). The status does not change
  for the embassy from then on, and it is sent no notification, email or webhook about
  the referral. The flag decides for the referring embassy whatever nationality the
  registry gives the person: the embassy claimed them as its national.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tawasul.organizations.models import Organization
from tawasul.people.models import Consent, ConsentPurpose, DataCategory, SafetyFlag, SafetyFlagKind
from tawasul.people.services import consent_allows
from tawasul.referrals.models import (
    Referral,
    ReferralEvent,
    ReferralEventKind,
    ReferralStatus,
)


class EmbassyStatus(models.TextChoices):
    # A referral (إحالة) is feminine in Arabic: the context keeps these apart from other
    # identical English status labels.
    SUBMITTED = "submitted", pgettext_lazy("embassy referral status", "Submitted")
    UNDER_REVIEW = "under_review", pgettext_lazy("embassy referral status", "Under review")
    ACCEPTED = "accepted", pgettext_lazy("embassy referral status", "Accepted")
    IN_PROGRESS = "in_progress", pgettext_lazy("embassy referral status", "In progress")
    CLOSED = "closed", pgettext_lazy("embassy referral status", "Closed")
    DECLINED = "declined", pgettext_lazy("embassy referral status", "Declined")


S = ReferralStatus
E = EmbassyStatus
STATUS_FOR_EMBASSY: dict[str, str] = {
    S.SUBMITTED: E.SUBMITTED,
    S.UNDER_REVIEW: E.UNDER_REVIEW,
    S.ACCEPTED: E.ACCEPTED,
    S.IN_PROGRESS: E.IN_PROGRESS,
    S.COMPLETED: E.CLOSED,
    S.WITHDRAWN: E.CLOSED,
    S.DECLINED: E.DECLINED,
}
# The statuses in which a center holds the person: the center is what consent may show.
TAKEN_ON: frozenset[str] = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED})

CONSENT_PURPOSE: str = ConsentPurpose.COORDINATION_WITH_EMBASSY
CONSENT_CATEGORIES: frozenset[str] = frozenset({DataCategory.CASE_SUMMARY})

# What the embassy always sees, by the names the audit trail records.
OWN_FIELDS: frozenset[str] = frozenset({
    "reference", "kind", "domain", "urgency", "sent_at", "reason", "submitted_person",
    "created_by", "status", "events",
})
DECLINE_FIELDS: frozenset[str] = frozenset({"decline_reason"})
CONSENTED_FIELDS: frozenset[str] = frozenset({"receiving_center"})


def is_withheld(referral: Referral) -> bool:
    """The person the referral is linked to is flagged *no contact with home country*."""
    if referral.person_id is None:
        return False
    annotated = referral.__dict__.get("person_no_contact")
    if annotated is not None:  # a list row (with_withheld): no query for the person
        return bool(annotated)
    person = referral.person
    return person is not None and person.has_no_contact_flag


def with_withheld(qs: QuerySet[Referral]) -> QuerySet[Referral]:
    """Lists: is_withheld for every row in the list's one query."""
    flagged = SafetyFlag.objects.filter(
        person_id=OuterRef("person_id"), kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY,
        cleared_at__isnull=True,
    )
    return qs.annotate(person_no_contact=Exists(flagged))


def embassy_status(referral: Referral) -> str:
    if is_withheld(referral):
        return E.SUBMITTED
    return STATUS_FOR_EMBASSY[referral.status]


def embassy_status_label(referral: Referral) -> str:
    return str(EmbassyStatus(embassy_status(referral)).label)


def consent_for_embassy(referral: Referral, at: dt.datetime | None = None) -> Consent | None:
    """The consent that lets the embassy be shown which center took the person on, now;
    None when there is none (or the person may not be disclosed to it at all)."""
    person, embassy = referral.person, referral.from_organization
    if person is None or referral.status not in TAKEN_ON or referral.assigned_center_id is None:
        return None
    at = at or timezone.now()
    if not consent_allows(person=person, recipient=embassy, categories=set(CONSENT_CATEGORIES),
                          purpose=CONSENT_PURPOSE, at=at):
        return None
    candidates = (
        Consent.objects.filter(person=person, purpose=CONSENT_PURPOSE, recipients=embassy,
                               granted_at__lte=at)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at))
        .order_by("-granted_at")
    )
    return next((c for c in candidates if set(c.data_categories) >= CONSENT_CATEGORIES), None)


@dataclass(frozen=True)
class Step:
    status: str
    at: dt.datetime

    @property
    def label(self) -> str:
        return str(EmbassyStatus(self.status).label)


@dataclass(frozen=True)
class EmbassyView:
    referral: Referral
    status: str
    timeline: tuple[Step, ...]
    withheld: bool
    decline_reason: str | None
    receiving_center: Organization | None
    consent: Consent | None

    @property
    def status_label(self) -> str:
        return str(EmbassyStatus(self.status).label)

    @property
    def status_changed_at(self) -> dt.datetime:
        return self.timeline[-1].at

    @property
    def fields(self) -> frozenset[str]:
        shown = set(OWN_FIELDS)
        if self.decline_reason is not None:
            shown |= DECLINE_FIELDS
        if self.receiving_center is not None:
            shown |= CONSENTED_FIELDS
        return frozenset(shown)


def _timeline(referral: Referral) -> tuple[Step, ...]:
    steps: list[Step] = [Step(E.SUBMITTED, referral.sent_at)]
    changes = ReferralEvent.objects.filter(
        referral=referral, kind=ReferralEventKind.STATUS_CHANGE
    ).order_by("at", "created_at").values_list("to_status", "at")
    for to_status, at in changes:
        status = STATUS_FOR_EMBASSY.get(to_status)
        if status is not None and status != steps[-1].status:
            steps.append(Step(status, at))
    return tuple(steps)


def embassy_view(referral: Referral, *, at: dt.datetime | None = None) -> EmbassyView:
    """What the referring embassy is shown of `referral` now. Kept on the instance while
    the referral is unchanged (a page and its audit entry read it twice)."""
    key = (referral.status, referral.updated_at, referral.person_id,
           referral.assigned_center_id)
    cached = referral.__dict__.get("_embassy_view")
    if cached is not None and at is None and cached[0] == key:
        view: EmbassyView = cached[1]
        return view
    if is_withheld(referral):
        view = EmbassyView(referral=referral, status=E.SUBMITTED,
                           timeline=(Step(E.SUBMITTED, referral.sent_at),), withheld=True,
                           decline_reason=None, receiving_center=None, consent=None)
    else:
        consent = consent_for_embassy(referral, at)
        view = EmbassyView(
            referral=referral, status=STATUS_FOR_EMBASSY[referral.status],
            timeline=_timeline(referral), withheld=False,
            decline_reason=(referral.decline_reason
                            if referral.status == S.DECLINED else None),
            receiving_center=referral.assigned_center if consent is not None else None,
            consent=consent,
        )
    if at is None:
        referral.__dict__["_embassy_view"] = (key, view)
    return view


def forget_view(referral: Referral) -> None:
    referral.__dict__.pop("_embassy_view", None)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def webhook_payload(view: EmbassyView) -> dict[str, Any]:
    """The `referral.status_changed` payload: the fields the embassy may see, no more."""
    referral = view.referral
    center = view.receiving_center
    return {
        "referral": {
            "id": str(referral.pk),
            "reference": referral.reference,
            "status": view.status,
            "status_changed_at": _iso(view.status_changed_at),
            "domain": referral.domain,
            "urgency": referral.urgency,
            "sent_at": _iso(referral.sent_at),
            "decline_reason": view.decline_reason,
            "receiving_center": (
                {"code": center.code, "name_ar": center.name_ar, "name_en": center.name_en}
                if center is not None else None
            ),
        },
    }


DESCRIPTIONS: dict[str, Any] = {
    E.SUBMITTED: _("The foundation has received your referral."),
    E.UNDER_REVIEW: _("The foundation is reviewing the referral with its centers."),
    E.ACCEPTED: _("A center of the foundation has accepted the referral."),
    E.IN_PROGRESS: _("The center is working with the person."),
    E.CLOSED: _("The referral is closed."),
    E.DECLINED: _("The foundation declined the referral."),
}
