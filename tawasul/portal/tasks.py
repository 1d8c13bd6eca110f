"""The daily digest: one email a day with the user's unread notifications, for the users
who asked for it on their account page (`DigestPreference`).

`send_daily_digests` runs every hour (registered with the scheduler by
`register_periodic_jobs`, which the app calls at start-up) and does nothing before
DAILY_DIGEST_HOUR, local time. It picks the users who want the digest, have not had one
today, and have an unread notification that no digest carried yet; it claims each of
them by a conditional update (today's date and the moment the digest covers up to) and
queues `send_digest` after the commit. A second run the same day, a retry or a second
worker claims nobody twice; `send_digest` sends at most one email per user and day
(tawasul.jobs.idempotency.run_once). A user with nothing new unread gets nothing.

The email is rendered in the recipient's language (tawasul.common.email), each
notification's text made from its kind and parameters in that language
(tawasul.cases.models.Notification.text). A notification whose parameters hold what a
user typed (the reason given for breaking the glass) shows only its kind: such text stays
in the app, as it does in the immediate emails.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import task

from tawasul.accounts.models import User
from tawasul.cases.models import Notification
from tawasul.common.email import send_templated_email
from tawasul.jobs.auditing import audit_task
from tawasul.jobs.idempotency import run_once
from tawasul.jobs.queue import enqueue_on_commit
from tawasul.jobs.retry import PermanentFailure, retryable
from tawasul.jobs.schedule import PeriodicJob, jobs, register
from tawasul.portal.models import DigestPreference

INTERVAL = dt.timedelta(hours=1)
PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob("portal.daily_digest", INTERVAL, "tawasul.portal.tasks.send_daily_digests"),
)
# One run's share; the next run takes the rest.
BATCH = 1000
# The digest lists at most this many notifications, newest first, and counts the rest.
MAX_ITEMS = 50
# Parameters holding what a user typed: the notification shows only its kind by email.
TYPED_PARAMS: frozenset[str] = frozenset({"reason"})
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def register_periodic_jobs() -> None:
    known = {job.name for job in jobs()}
    for job in PERIODIC_JOBS:
        if job.name not in known:
            register(job)


def digest_hour() -> int:
    return int(settings.DAILY_DIGEST_HOUR)


def _unread_not_yet_in_a_digest(until: dt.datetime) -> Exists:
    return Exists(Notification.objects.filter(
        recipient=OuterRef("user_id"), read_at__isnull=True, created_at__lte=until,
        created_at__gt=Coalesce(OuterRef("covered_until"), Value(_EPOCH),
                                output_field=DateTimeField()),
    ))


def _not_sent_today(today: dt.date) -> Q:
    return Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=today)


@task()
def send_daily_digests() -> int:
    """Claim today's digest of each user who is due one and queue it; returns how many."""
    now = timezone.now()
    if timezone.localtime(now).hour < digest_hour():
        return 0
    today = timezone.localdate(now)
    due = (
        DigestPreference.objects.filter(daily_digest=True, user__is_active=True)
        .exclude(user__email="")
        .filter(_not_sent_today(today))
        .filter(_unread_not_yet_in_a_digest(now))
    )
    claimed = 0
    for pk in list(due.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            preference = (DigestPreference.objects.select_for_update()
                          .filter(_not_sent_today(today), pk=pk, daily_digest=True).first())
            if preference is None:
                continue
            covered_from = preference.covered_until
            preference.last_sent_on = today
            preference.covered_until = now
            preference.save(update_fields=["last_sent_on", "covered_until", "updated_at"])
            enqueue_on_commit(
                send_digest, str(preference.user_id),
                covered_from.isoformat() if covered_from else "", now.isoformat(),
                today.isoformat(),
            )
            claimed += 1
    if claimed:
        audit_task("send_daily_digests", object_type=DigestPreference._meta.label_lower,
                   fields=["last_sent_on", "covered_until"], reason=f"{claimed} digests queued")
    return claimed


@dataclass(frozen=True)
class DigestLine:
    notification: Notification

    @property
    def text(self) -> str:
        """In the active language (the email is rendered in the recipient's)."""
        if TYPED_PARAMS & set(self.notification.params or {}):
            return str(self.notification.get_kind_display())
        return self.notification.text

    @property
    def created_at(self) -> dt.datetime:
        return self.notification.created_at


def digest_lines(user: User, *, after: dt.datetime | None, until: dt.datetime
                 ) -> tuple[list[DigestLine], int]:
    """The unread notifications of the user created in (after, until], newest first, at
    most MAX_ITEMS of them, and how many there are in all."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True,
                                     created_at__lte=until)
    if after is not None:
        qs = qs.filter(created_at__gt=after)
    total = qs.count()
    return [DigestLine(n) for n in qs.order_by("-created_at")[:MAX_ITEMS]], total


@retryable(backoff_seconds=60)
@task()
def send_digest(user_id: str, after: str, until: str, day: str) -> bool:
    """Send the user's digest of `day`, once; False when there is nothing to send."""
    until_at = parse_datetime(until)
    if until_at is None:
        raise PermanentFailure(f"bad time {until!r}")
    after_at = parse_datetime(after) if after else None
    user = User.objects.select_related("organization").filter(pk=user_id).first()
    if user is None or not user.is_active or not user.email:
        return False
    if not DigestPreference.objects.filter(user=user, daily_digest=True).exists():
        return False  # turned off since it was claimed
    lines, total = digest_lines(user, after=after_at, until=until_at)
    if not lines:
        return False  # read in the meantime

    def send() -> None:
        send_templated_email(
            to=user.email, template="digest", language=user.preferred_language,
            context={"recipient": user, "lines": lines, "total": total,
                     "more": total - len(lines), "day": dt.date.fromisoformat(day)},
        )

    sent = run_once(f"digest:{user.pk}:{day}", send)
    if sent:
        audit_task("send_digest", object_type=User._meta.label_lower, object_id=str(user.pk),
                   reason=f"daily digest of {total} notifications sent")
    return sent
