"""Background tasks of referrals (scheduled in tawasul/jobs/schedule.py, every 15 min).

Both concern undecided referrals (status submitted): a reminder to the receiving center's
director (for a referral from an embassy, to the intake officers) once the reminder time
has passed, and an overdue flag once the due date has.
Each referral is claimed by a conditional update before anyone is told, so a second run,
a retry or two workers tell nobody twice.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from tawasul.accounts.models import User
from tawasul.cases.models import NotificationKind
from tawasul.jobs.auditing import audit_task
from tawasul.referrals.models import Referral, ReferralKind, ReferralStatus
from tawasul.referrals.services import notify, receiving_directors

EMBASSY = ReferralKind.EMBASSY_TO_FOUNDATION

# One run's share; the next run takes the rest.
BATCH = 1000


def _claim_each(candidates: QuerySet[Referral], field: str, now: dt.datetime,
                kind: str, template: str, extra: dict[str, object]) -> int:
    done = 0
    for pk in list(candidates.order_by("due_at").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            claimed = Referral.objects.filter(
                pk=pk, status=ReferralStatus.SUBMITTED, **{f"{field}__isnull": True}
            ).update(**{field: now})
            if not claimed:
                continue
            referral = Referral.objects.select_related(
                "from_organization", "to_organization").get(pk=pk)
            notify(recipients=due_recipients(referral), referral=referral, kind=kind,
                   template=template, key=f"{template}:{kind}:{referral.pk}",
                   extra={**extra, "to_foundation": referral.kind == EMBASSY})
            done += 1
    return done


def due_recipients(referral: Referral) -> list[User]:
    """The receiving center's director; for a referral from an embassy, the intake
    desk's officers (it is due at the foundation)."""
    if referral.kind == EMBASSY:
        from tawasul.referrals.embassy_services import intake_officers

        return intake_officers()
    return receiving_directors(referral)


@task()
def flag_overdue_referrals() -> int:
    """Flag undecided referrals past their due date, once each, and tell the receiving
    director."""
    now = timezone.now()
    candidates = Referral.objects.filter(
        status=ReferralStatus.SUBMITTED, overdue_flagged_at__isnull=True, due_at__lte=now
    )
    flagged = _claim_each(candidates, "overdue_flagged_at", now,
                          NotificationKind.REFERRAL_OVERDUE, "referral_due",
                          {"is_overdue": True})
    if flagged:
        audit_task("flag_overdue_referrals", object_type=Referral._meta.label_lower,
                   fields=["overdue_flagged_at"], reason=f"{flagged} referrals flagged overdue")
    return flagged


@task()
def send_referral_reminders() -> int:
    """Remind the receiving director of an undecided referral whose reminder time has
    passed and which is not yet overdue (the overdue flag says more), once each."""
    now = timezone.now()
    candidates = Referral.objects.filter(
        status=ReferralStatus.SUBMITTED, reminder_sent_at__isnull=True, remind_at__lte=now,
        due_at__gt=now,
    )
    reminded = _claim_each(candidates, "reminder_sent_at", now,
                           NotificationKind.REFERRAL_DUE_SOON, "referral_due",
                           {"is_overdue": False})
    if reminded:
        audit_task("send_referral_reminders", object_type=Referral._meta.label_lower,
                   fields=["reminder_sent_at"], reason=f"reminders for {reminded} referrals")
    return reminded
