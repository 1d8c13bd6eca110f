"""When a referral is due, by urgency.

The due date is the date by which the receiving organization should decide (accept or
decline). It is fixed when the referral is sent, from REFERRAL_DUE_HOURS in the settings
(hours per urgency; urgencies it leaves out keep the defaults below). A reminder goes to
the receiver once REFERRAL_REMINDER_FRACTION of the window has passed and the referral is
still undecided; past the due date the referral is flagged overdue (tawasul.referrals.tasks).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

DEFAULT_REFERRAL_DUE_HOURS: dict[str, int] = {
    "emergency": 4,
    "urgent": 48,
    "routine": 240,
}
# Remind when three quarters of the window have passed: 1 h before an emergency is due,
# 12 h before an urgent one, 2.5 days before a routine one.
DEFAULT_REFERRAL_REMINDER_FRACTION = 0.75


def due_hours() -> dict[str, int]:
    configured = getattr(settings, "REFERRAL_DUE_HOURS", None) or {}
    return {**DEFAULT_REFERRAL_DUE_HOURS, **{str(k): int(v) for k, v in configured.items()}}


def referral_due_at(urgency: str, sent_at: dt.datetime) -> dt.datetime:
    return sent_at + dt.timedelta(hours=due_hours()[urgency])


def referral_remind_at(urgency: str, sent_at: dt.datetime) -> dt.datetime:
    fraction = float(
        getattr(settings, "REFERRAL_REMINDER_FRACTION", DEFAULT_REFERRAL_REMINDER_FRACTION)
    )
    return sent_at + dt.timedelta(hours=due_hours()[urgency] * fraction)


# A referral from an embassy is due at the foundation's intake desk, which should assign
# it to a center or decline it by then: emergencies within hours, urgent referrals within
# days, routine ones within weeks. REFERRAL_TRIAGE_DUE_HOURS in the settings overrides any
# of these (hours per urgency). Once assigned, the center's decision is due by
# REFERRAL_DUE_HOURS, as for any referral to a center.
DEFAULT_TRIAGE_DUE_HOURS: dict[str, int] = {
    "emergency": 4,
    "urgent": 72,
    "routine": 336,
}


def triage_due_hours() -> dict[str, int]:
    configured = getattr(settings, "REFERRAL_TRIAGE_DUE_HOURS", None) or {}
    return {**DEFAULT_TRIAGE_DUE_HOURS, **{str(k): int(v) for k, v in configured.items()}}


def triage_due_at(urgency: str, sent_at: dt.datetime) -> dt.datetime:
    return sent_at + dt.timedelta(hours=triage_due_hours()[urgency])


def triage_remind_at(urgency: str, sent_at: dt.datetime) -> dt.datetime:
    fraction = float(
        getattr(settings, "REFERRAL_REMINDER_FRACTION", DEFAULT_REFERRAL_REMINDER_FRACTION)
    )
    return sent_at + dt.timedelta(hours=triage_due_hours()[urgency] * fraction)
