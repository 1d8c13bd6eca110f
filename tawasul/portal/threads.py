"""Unread messages in the threads a user takes part in: a coordination request's (the
embassy and the requesting centre) and a referral's (the two centres; an embassy and the
foundation on a referral the embassy made).

A message is unread for a user when it comes from the other side (another organization
than the user's) and is newer than both the user's read marker on that thread
(`ThreadReadMarker`, set when they open the thread from the portal or mark it read) and
their own last message there (whoever answers has read what came before).

Which messages a user is shown at all is decided by the thread's own app, never here:
candidates are found with one aggregate query per kind of thread over the app's scoped
selector, and each candidate's unread messages are then counted through the app's
`*_events_visible_to` (an embassy is not shown the foundation's messages once the
request's consent no longer holds, and so is not told they exist). That second step
costs a few queries per thread with unread messages, so at most MAX_THREADS threads are
looked at; beyond that the page says "more".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max, Model, OuterRef, Q, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.cases.selectors import center_member
from tawasul.common.access import as_member
from tawasul.coordination.models import CoordinationRequest, RequestEventKind
from tawasul.coordination.selectors import (
    embassy_member,
    request_events_visible_to,
    requests_visible_to,
)
from tawasul.portal.models import ThreadReadMarker
from tawasul.referrals.models import Referral, ReferralEventKind
from tawasul.referrals.selectors import embassy_member as referral_embassy_member
from tawasul.referrals.selectors import referral_events_visible_to, referrals_visible_to

MAX_THREADS = 20


@dataclass(frozen=True)
class ThreadKind:
    key: str  # in URLs
    model: type[Model]
    label: str | Promise
    takes_part: Callable[[object], User | None]
    visible_to: Callable[[object], QuerySet[Any]]
    events_of: Callable[[object, Any], QuerySet[Any]]
    message_kind: str
    # Q on an event: written by someone of the user's organization.
    own_side: Callable[[User], Q]
    url_name: str

    @property
    def object_type(self) -> str:
        return self.model._meta.label_lower


def _in_a_coordination_thread(viewer: object) -> User | None:
    return embassy_member(viewer) or center_member(viewer)


def _in_a_referral_thread(viewer: object) -> User | None:
    """Centres (their referrals to each other and their assignments) and embassies (the
    referrals they made, with the foundation)."""
    return referral_embassy_member(viewer) or center_member(viewer)


THREAD_KINDS: tuple[ThreadKind, ...] = (
    ThreadKind(
        key="request", model=CoordinationRequest, label=_("Request"),
        takes_part=_in_a_coordination_thread, visible_to=requests_visible_to,
        events_of=request_events_visible_to, message_kind=RequestEventKind.MESSAGE,
        own_side=lambda user: Q(author_organization_id=user.organization_id),
        url_name="coordination:detail",
    ),
    ThreadKind(
        key="referral", model=Referral, label=_("Referral"),
        takes_part=_in_a_referral_thread, visible_to=referrals_visible_to,
        events_of=referral_events_visible_to, message_kind=ReferralEventKind.MESSAGE,
        own_side=lambda user: Q(author__organization_id=user.organization_id),
        url_name="referrals:detail",
    ),
)
KINDS: dict[str, ThreadKind] = {kind.key: kind for kind in THREAD_KINDS}


@dataclass(frozen=True)
class UnreadThread:
    kind: ThreadKind
    thread: Any
    unread: int
    last_message_at: dt.datetime


@dataclass(frozen=True)
class Unread:
    threads: list[UnreadThread]
    # More threads had unread messages than were looked at.
    more: bool

    @property
    def messages(self) -> int:
        return sum(t.unread for t in self.threads)


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition on `events__<field>` instead of `<field>`."""
    children: list[Any] = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_prefixed(child, prefix))
        else:
            assert isinstance(child, tuple)
            children.append((f"{prefix}{child[0]}", child[1]))
    return Q(*children, _connector=q.connector, _negated=q.negated)


def _candidates(user: User, kind: ThreadKind) -> QuerySet[Any]:
    messages = Q(events__kind=kind.message_kind)
    own_side = _prefixed(kind.own_side(user), "events__")
    marker = ThreadReadMarker.objects.filter(
        user=user, object_type=kind.object_type, object_id=OuterRef("pk"))
    return (
        kind.visible_to(user)
        .annotate(
            last_other=Max("events__at", filter=messages & ~own_side),
            own_last=Max("events__at", filter=messages & Q(events__author=user)),
            read_up_to=Subquery(marker.values("read_at")[:1]),
        )
        .filter(last_other__isnull=False)
        .filter(Q(read_up_to__isnull=True) | Q(last_other__gt=F("read_up_to")))
        .filter(Q(own_last__isnull=True) | Q(last_other__gt=F("own_last")))
        .order_by("-last_other")
    )


def unread_of(viewer: object) -> Unread:
    """The threads with messages the user has not read, newest first."""
    user = as_member(viewer)
    if user is None:
        return Unread([], more=False)
    threads: list[UnreadThread] = []
    more = False
    for kind in THREAD_KINDS:
        if kind.takes_part(user) is None:
            continue
        candidates = list(_candidates(user, kind)[:MAX_THREADS + 1])
        more = more or len(candidates) > MAX_THREADS
        for thread in candidates[:MAX_THREADS]:
            events = (kind.events_of(user, thread).filter(kind=kind.message_kind)
                      .exclude(kind.own_side(user)))
            after = max((t for t in (thread.read_up_to, thread.own_last) if t is not None),
                        default=None)
            if after is not None:
                events = events.filter(at__gt=after)
            shown = events.order_by().aggregate(count=Count("pk"), last=Max("at"))
            if shown["count"]:
                threads.append(UnreadThread(kind, thread, shown["count"], shown["last"]))
    threads.sort(key=lambda t: t.last_message_at, reverse=True)
    return Unread(threads[:MAX_THREADS], more=more or len(threads) > MAX_THREADS)
