"""The demo world's referrals from embassies, in every state the intake desk and the
embassies see: new in the intake desk's queue (one with a registry match, one overdue
emergency), assigned to a center that has not decided yet, accepted by a center that
opened its case (with messages between the embassy and the foundation), declined with a
reason the embassy reads, and one about a person the protection center flagged *no
contact with home country*, which the embassy sees only as received.

`seed_embassy_referrals` writes them through the services (audited, with their events,
notifications and emails, by the demo users embassy.ph, embassy.in, embassy.np, intake,
protection.manager and family.manager) and is idempotent: a demo referral is found again
by its embassy and the English name it was sent with, so a second run writes nothing.
Run after the demo persons (tawasul.people.demo_people), whose Rosalie and Jocelyn the
registry matches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from tawasul.accounts.models import User
from tawasul.cases.models import CaseType
from tawasul.organizations.models import Organization
from tawasul.people.models import Person
from tawasul.referrals import embassy_services, services
from tawasul.referrals.models import Referral, ReferralEvent, SubmittedPerson, Urgency
from tawasul.referrals.selectors import registry_matches

NEW, ASSIGNED, ACCEPTED, DECLINED, FLAGGED = "new", "assigned", "accepted", "declined", "flagged"


@dataclass(frozen=True)
class DemoEmbassyReferral:
    embassy_user: str
    person: dict[str, Any]
    domain: str
    urgency: str
    reason: str
    state: str
    center: str = ""  # the center it is assigned to
    case_type: str = ""  # the case the center opens on accepting
    why: str = ""  # the intake desk's reason for declining
    messages: tuple[tuple[str, str], ...] = ()  # (username, text)
    sent_hours_ago: int = 0


DEMO: tuple[DemoEmbassyReferral, ...] = (
    DemoEmbassyReferral(
        "embassy.ph",
        {"name_ar": "جوسلين رييس", "name_en": "Jocelyn Reyes", "sex": "female",
         "date_of_birth": "1984-06-06", "nationality": "PH", "passport_number": "P1234567B"},
        "family", Urgency.URGENT,
        "Her husband stopped paying the rent and the children's school fees; she asks for "
        "family counselling and help with the school.", NEW, sent_hours_ago=20,
    ),
    DemoEmbassyReferral(
        "embassy.np",
        {"name_ar": "ساريتا ماغار", "name_en": "Sarita Magar", "sex": "female",
         "date_of_birth": "2001-08-14", "nationality": "NP", "phone": "+97470555012"},
        "protection", Urgency.EMERGENCY,
        "Called the embassy's hotline at night: locked in by her employer's agency, no food "
        "since yesterday. The police were informed.", NEW, sent_hours_ago=6,
    ),
    DemoEmbassyReferral(
        "embassy.ph",
        {"name_ar": "ليزا مندوزا", "name_en": "Liza Mendoza", "sex": "female",
         "date_of_birth": "1991-03-22", "nationality": "PH", "passport_number": "P5544332C",
         "phone": "+97455123987"},
        "protection", Urgency.URGENT,
        "Left her employer's house after being hit; she stays with a friend for now and "
        "asks for a safe place.", ASSIGNED, center="center-protection", sent_hours_ago=30,
    ),
    DemoEmbassyReferral(
        "embassy.in",
        {"name_ar": "لاكشمي ناير", "name_en": "Lakshmi Nair", "sex": "female",
         "date_of_birth": "1987-11-02", "nationality": "IN", "passport_number": "Z9876543"},
        "family", Urgency.ROUTINE,
        "Separated from her husband; asks for counselling about custody of their two "
        "children.", ACCEPTED, center="center-family", case_type="custody-counselling",
        messages=(("embassy.in", "She prefers to be called in Malayalam or English, in the "
                                 "mornings."),
                  ("intake", "Thank you; the center will contact her this week.")),
        sent_hours_ago=120,
    ),
    DemoEmbassyReferral(
        "embassy.in",
        {"name_ar": "أرجون ريدي", "name_en": "Arjun Reddy", "sex": "male",
         "date_of_birth": "1979-01-15", "nationality": "IN"},
        "elderly", Urgency.ROUTINE,
        "Asks for help paying for his father's flight home.", DECLINED,
        why="The foundation's centers do not pay for travel; the embassy's welfare fund or "
            "the employer are the ones to ask. We will gladly help if his father needs care "
            "while he is here.",
        sent_hours_ago=200,
    ),
    DemoEmbassyReferral(
        "embassy.ph",
        {"name_ar": "روزالي ديلا كروز", "name_en": "Rosalie Dela Cruz", "sex": "female",
         "date_of_birth": "1994-02-17", "nationality": "PH", "passport_number": "P4817265A"},
        "protection", Urgency.URGENT,
        "Her family asked the embassy to find her: she has not called home for two months.",
        FLAGGED,
        why="The person is known to the foundation; nothing can be shared with the embassy.",
        sent_hours_ago=48,
    ),
)


@dataclass
class SeededEmbassyReferrals:
    referrals: list[Referral] = field(default_factory=list)
    created: int = 0

    @property
    def summary(self) -> str:
        return (f"Demo referrals from embassies: {len(self.referrals)} "
                f"({self.created} new).")


def _users() -> dict[str, User]:
    names = {"embassy.ph", "embassy.in", "embassy.np", "intake", "protection.manager",
             "family.manager"}
    return {u.username: u for u in User.objects.filter(username__in=names)
            .select_related("organization")}


def _sent_earlier(referral: Referral, hours: int) -> None:
    """Move a new referral back in time, as if it had arrived `hours` ago."""
    delta = dt.timedelta(hours=hours)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=models.F("sent_at") - delta, due_at=models.F("due_at") - delta,
        remind_at=models.F("remind_at") - delta,
    )
    ReferralEvent.objects.filter(referral=referral).update(at=models.F("at") - delta)
    referral.refresh_from_db()


def _linked(spec: DemoEmbassyReferral, referral: Referral, intake: User) -> Referral:
    """Link to the registry's match if there is one, else register the person."""
    matches = registry_matches(intake, referral)
    if matches:
        return embassy_services.referral_link_person(actor=intake, referral=referral,
                                                     person=matches[0].person)
    return embassy_services.referral_register_person(actor=intake, referral=referral)


def _carry_out(spec: DemoEmbassyReferral, referral: Referral, users: dict[str, User]) -> None:
    intake = users["intake"]
    for username, text in spec.messages[:1]:
        embassy_services.embassy_message_add(actor=users[username], referral=referral,
                                             text=text)
    if spec.state in (ASSIGNED, ACCEPTED):
        _linked(spec, referral, intake)
        center = Organization.objects.get(code=spec.center)
        assignment = embassy_services.referral_assign(
            actor=intake, referral=referral, center=center,
            note="Referred by the embassy; please call her before the end of the week.")
        if spec.state == ACCEPTED:
            manager = users["family.manager" if spec.center == "center-family"
                            else "protection.manager"]
            services.referral_accept(
                actor=manager, referral=assignment,
                case_type=CaseType.objects.get(domain=center.domain, code=spec.case_type))
    elif spec.state == DECLINED:
        embassy_services.referral_intake_decline(actor=intake, referral=referral,
                                                 reason=spec.why)
    elif spec.state == FLAGGED:
        # Rosalie of the demo registry, flagged by the protection center: linked, then
        # declined by the intake desk; the embassy sees only that it was received.
        _linked(spec, referral, intake)
        embassy_services.referral_intake_decline(actor=intake, referral=referral,
                                                 reason=spec.why)
    for username, text in spec.messages[1:]:
        embassy_services.embassy_message_add(actor=users[username], referral=referral,
                                             text=text)


def _existing(spec: DemoEmbassyReferral, embassy: Organization) -> Referral | None:
    submitted = SubmittedPerson.objects.filter(
        referral__from_organization=embassy, name_en=spec.person["name_en"]
    ).select_related("referral").first()
    return submitted.referral if submitted is not None else None


def seed_embassy_referrals() -> SeededEmbassyReferrals:
    """Send and triage what is missing of the demo referrals from embassies."""
    users = _users()
    seeded = SeededEmbassyReferrals()
    for spec in DEMO:
        consul = users[spec.embassy_user]
        assert consul.organization is not None
        existing = _existing(spec, consul.organization)
        if existing is not None:
            seeded.referrals.append(existing)
            continue
        referral = embassy_services.embassy_referral_submit(
            actor=consul, person=spec.person, domain=spec.domain, urgency=spec.urgency,
            reason=spec.reason)
        if spec.sent_hours_ago:
            _sent_earlier(referral, spec.sent_hours_ago)
        _carry_out(spec, referral, users)
        referral.refresh_from_db()
        seeded.referrals.append(referral)
        seeded.created += 1
    return seeded


def flagged_person() -> Person | None:
    """The demo person whose embassy referral the embassy sees only as received."""
    spec = next(s for s in DEMO if s.state == FLAGGED)
    submitted = SubmittedPerson.objects.filter(name_en=spec.person["name_en"]).select_related(
        "referral__person").first()
    return submitted.referral.person if submitted is not None else None
