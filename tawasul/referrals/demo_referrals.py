"""The demo world's referrals between centers: from and to different centers, in every
state the inbox and outbox show: submitted and waiting in the protection center's inbox,
accepted with the case the receiver opened, in progress, completed, declined with a
reason, withdrawn with a reason, and one overdue. Summaries go only where the person's
demo consent (tawasul.people.demo_people.CONSENTS) allows them; the others carry the
reason and the person's identity only.

`seed_referrals` writes them through the referral services (audited, with their
timeline, notifications and emails, by the centers' demo users) and is idempotent: a
demo referral is found again by its source case and receiving center, which no two demo
referrals share, so a second run sends nothing and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import models

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases.models import Case, CaseType
from tawasul.organizations.models import Organization
from tawasul.referrals import services
from tawasul.referrals.models import Referral, ReferralEvent, ReferralStatus, Urgency
from tawasul.referrals.tasks import flag_overdue_referrals

S = ReferralStatus
SENDER, RECEIVER = "sender", "receiver"
P, F, Y = "center-protection", "center-family", "center-youth"
DI, E, B = "center-disability", "center-elderly", "center-behavioral"


@dataclass(frozen=True)
class DemoReferral:
    person: str  # a key of demo_people.DEMO_PERSONS, with a demo case at `sender`
    sender: str
    receiver: str
    urgency: str
    reason: str
    summary: str = ""  # only where the person's demo consent covers it
    status: str = S.SUBMITTED  # where it ends
    case_type: str = ""  # the receiver's case type, for an accepted referral
    why: str = ""  # the reason for declining or withdrawing, or the closing note
    messages: tuple[tuple[str, str], ...] = ()  # (SENDER or RECEIVER, text)
    sent_hours_ago: int = 0  # to leave one past its due date


DEMO_REFERRALS: tuple[DemoReferral, ...] = (
    DemoReferral(
        "dilani", F, P, Urgency.URGENT,
        "During a counselling session she said her sister's husband threatens her and "
        "keeps her passport. She asks for a safe place to stay.",
        messages=((SENDER, "She can be reached through our center until Thursday; she "
                           "does not want her sister's family to be called."),),
    ),
    DemoReferral(
        "noora", P, F, Urgency.ROUTINE,
        "The mother asks for help to rebuild family routines after the school's report.",
        summary="Assessment ongoing at our center; the mother cooperates. The family needs "
                "parenting support and mediation with the father.",
        status=S.ACCEPTED, case_type="family-reconciliation",
        messages=((RECEIVER, "تم تحديد أول جلسة أسرية يوم الأحد القادم."),
                  (SENDER, "شكرًا، سنبلغ الأم بالموعد.")),
    ),
    DemoReferral(
        "grace", P, F, Urgency.URGENT,
        "She asks for couple counselling with her husband.",
        summary="Violence by the spouse; a safety plan is in place and shelter is being "
                "arranged.",
        status=S.DECLINED,
        why="We do not offer couple counselling while violence continues: the safety plan "
            "comes first. Refer her again once she is safe and still wishes it.",
    ),
    DemoReferral(
        "sara", B, F, Urgency.URGENT,
        "Both parents need family therapy alongside her treatment; conflict at home feeds "
        "the gaming.",
        summary="Gaming up to 12 hours a day; school results falling; treatment plan "
                "agreed with her and her father.",
        sent_hours_ago=60,  # urgent referrals are due within 48 hours
    ),
    DemoReferral(
        "osman", E, DI, Urgency.ROUTINE,
        "After his fall he needs a walker and grab bars at home.",
        status=S.IN_PROGRESS, case_type="assistive-devices",
        messages=((RECEIVER, "Home assessment visit booked for next week."),),
    ),
    DemoReferral(
        "rafiq", DI, Y, Urgency.ROUTINE,
        "Fitted with his prosthesis; he wants skills training to go back to work.",
        status=S.COMPLETED, case_type="employment-readiness",
        why="Enrolled in the skills-training course; he attends every week.",
    ),
    DemoReferral(
        "omar", Y, F, Urgency.ROUTINE,
        "Family counselling for the tension between Omar and his father over school.",
        status=S.WITHDRAWN,
        why="The father found him a place in a vocational school; the family no longer "
            "needs counselling.",
    ),
)


@dataclass
class SeededReferrals:
    referrals: list[Referral] = field(default_factory=list)
    created: int = 0


def _send_earlier(referral: Referral, hours: int) -> None:
    """Move a demo referral's clock back, as if sent `hours` ago (the referral jobs then
    see it as they would have). Recorded like any change, by the seeding command."""
    delta = dt.timedelta(hours=hours)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=referral.sent_at - delta, due_at=referral.due_at - delta,
        remind_at=referral.remind_at - delta,
    )
    ReferralEvent.objects.filter(referral=referral).update(at=models.F("at") - delta)
    audit_record(action=AuditAction.UPDATE, obj=referral, actor_username="system:seed_demo",
                 fields=["sent_at", "due_at", "remind_at"],
                 reason=f"demo: sent {hours} hours earlier")


def _carry_out(spec: DemoReferral, referral: Referral, *, sender: User,
               receiver: User) -> Referral:
    """Take a just-sent referral to where the demo wants it, and write its messages."""
    for side, text in spec.messages:
        services.referral_message_add(actor=sender if side == SENDER else receiver,
                                      referral=referral, text=text)
    if spec.status == S.DECLINED:
        return services.referral_decline(actor=receiver, referral=referral, reason=spec.why)
    if spec.status == S.WITHDRAWN:
        return services.referral_withdraw(actor=sender, referral=referral, reason=spec.why)
    if spec.status in (S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED):
        case_type = CaseType.objects.get(domain=referral.to_organization.domain,
                                         code=spec.case_type)
        referral = services.referral_accept(actor=receiver, referral=referral,
                                            case_type=case_type)
    if spec.status == S.IN_PROGRESS:
        referral = services.referral_start(actor=receiver, referral=referral)
    if spec.status == S.COMPLETED:
        referral = services.referral_complete(actor=receiver, referral=referral, note=spec.why)
    return referral


def seed_referrals(*, cases: Mapping[tuple[str, str], Case],
                   managers: Mapping[str, User]) -> SeededReferrals:
    """Send what is missing of the demo referrals. `cases` maps (person key, center code)
    to the demo case (tawasul.cases.demo_cases.seed_cases); `managers` maps a center's
    code to the demo user who manages its cases and decides on its referrals."""
    seeded = SeededReferrals()
    aged = False
    for spec in DEMO_REFERRALS:
        case = cases[(spec.person, spec.sender)]
        to_center = Organization.objects.get(code=spec.receiver)
        existing = Referral.objects.filter(source_case=case, to_organization=to_center).first()
        if existing is not None:
            seeded.referrals.append(existing)
            continue
        sender, receiver = managers[spec.sender], managers[spec.receiver]
        referral = services.referral_send(actor=sender, case=case, to_center=to_center,
                                          urgency=spec.urgency, reason=spec.reason,
                                          summary=spec.summary)
        if spec.sent_hours_ago:
            _send_earlier(referral, spec.sent_hours_ago)
            referral.refresh_from_db()
            aged = True
        seeded.referrals.append(_carry_out(spec, referral, sender=sender, receiver=receiver))
        seeded.created += 1
    if aged:
        # What the scheduler's job would do within minutes: flag it overdue, once.
        flag_overdue_referrals.call()
    return seeded
