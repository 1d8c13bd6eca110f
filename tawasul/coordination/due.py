"""When a request to an embassy is due, by type and urgency.

The due date is when the foundation expects the embassy's answer. Unless the worker asks
for another date, it is fixed when the request is sent, from COORDINATION_DUE_HOURS in the
settings: hours by type and urgency ({"family_tracing": {"routine": 720}}); whatever it
leaves out keeps the defaults below. A reminder goes to the embassy once
COORDINATION_REMINDER_FRACTION of the window has passed; past the due date the request is
escalated to the foundation's liaison officers (tawasul.coordination.tasks).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

DAY = 24
# Routine, urgent, emergency: tracing a family takes weeks, an interpreter a few days.
DEFAULT_COORDINATION_DUE_HOURS: dict[str, dict[str, int]] = {
    "travel_document": {"routine": 14 * DAY, "urgent": 5 * DAY, "emergency": 2 * DAY},
    "family_tracing": {"routine": 30 * DAY, "urgent": 10 * DAY, "emergency": 3 * DAY},
    "return_travel": {"routine": 21 * DAY, "urgent": 7 * DAY, "emergency": 2 * DAY},
    "interpreter": {"routine": 5 * DAY, "urgent": 2 * DAY, "emergency": 12},
    "legal_assistance": {"routine": 14 * DAY, "urgent": 5 * DAY, "emergency": 1 * DAY},
    "identity_verification": {"routine": 10 * DAY, "urgent": 3 * DAY, "emergency": 1 * DAY},
    "financial_assistance": {"routine": 14 * DAY, "urgent": 5 * DAY, "emergency": 2 * DAY},
    "other": {"routine": 14 * DAY, "urgent": 5 * DAY, "emergency": 2 * DAY},
}
DEFAULT_COORDINATION_REMINDER_FRACTION = 0.75


def due_hours(request_type: str, urgency: str) -> int:
    configured = (getattr(settings, "COORDINATION_DUE_HOURS", None) or {}).get(request_type)
    if configured and urgency in configured:
        return int(configured[urgency])
    return DEFAULT_COORDINATION_DUE_HOURS[request_type][urgency]


def request_due_at(request_type: str, urgency: str, sent_at: dt.datetime) -> dt.datetime:
    return sent_at + dt.timedelta(hours=due_hours(request_type, urgency))


def request_remind_at(sent_at: dt.datetime, due_at: dt.datetime) -> dt.datetime:
    """Three quarters of the way to the due date (whoever set it)."""
    fraction = float(getattr(settings, "COORDINATION_REMINDER_FRACTION",
                             DEFAULT_COORDINATION_REMINDER_FRACTION))
    return sent_at + (due_at - sent_at) * fraction
