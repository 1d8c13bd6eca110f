"""The signed-in user's in-app notifications: the list (newest first, all or unread),
opening what one is about, and marking one or all as read.

A user only ever reaches their own notifications: the list starts from
selectors.notifications_of, and one notification is fetched through fetch_or_deny on it,
so another user's id answers 404 (the attempt audited). The text is made when shown, in
the reader's language, from the kind and the parameters (Notification.text). A link to
what a notification is about is offered only while the reader may open it: the ids on
the page are checked against the same scoped selectors as the lists, one query per kind
of object, so the page's query count does not grow with its rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from tawasul.accounts.models import User
from tawasul.cases import selectors, services
from tawasul.cases.models import Case, Notification
from tawasul.common.access import as_member, fetch_or_deny
from tawasul.home.decorators import member_required
from tawasul.referrals.models import Referral
from tawasul.referrals.selectors import referrals_visible_to

PAGE_SIZE = 25
SHOW_UNREAD = "unread"


@dataclass(frozen=True)
class Target:
    """What a notification may be about: who may open it, where, and the link's words."""

    visible_to: Callable[[object], QuerySet[Any]]
    url_name: str
    label: str | Promise


TARGETS: dict[str, Target] = {
    Case._meta.label_lower: Target(selectors.cases_visible_to, "cases:detail",
                                   gettext_lazy("Open the case")),
    Referral._meta.label_lower: Target(referrals_visible_to, "referrals:detail",
                                       gettext_lazy("Open the referral")),
}


@dataclass(frozen=True)
class Row:
    notification: Notification
    text: str
    link_label: str | Promise | None


def _user(request: HttpRequest) -> User:
    user = as_member(request.user)
    assert user is not None  # member_required
    return user


def _object_key(notification: Notification) -> tuple[str, uuid.UUID] | None:
    if notification.object_type not in TARGETS:
        return None
    try:
        return notification.object_type, uuid.UUID(notification.object_id)
    except ValueError:
        return None


def _openable(user: User, notifications: Iterable[Notification]) -> set[tuple[str, uuid.UUID]]:
    """Which of the objects these notifications are about the user may open now."""
    wanted: dict[str, set[uuid.UUID]] = {}
    for notification in notifications:
        key = _object_key(notification)
        if key is not None:
            wanted.setdefault(key[0], set()).add(key[1])
    return {
        (object_type, pk)
        for object_type, ids in wanted.items()
        for pk in TARGETS[object_type].visible_to(user).filter(pk__in=ids)
        .values_list("pk", flat=True)
    }


def _back(request: HttpRequest) -> str:
    """Back to the list as it was (filter and page), never anywhere else."""
    target = request.POST.get("next", "")
    home = reverse("notifications:list")
    if target.startswith(home) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return home


@member_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    show_unread = request.GET.get("show") == SHOW_UNREAD
    qs = selectors.notifications_of(user)
    if show_unread:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    openable = _openable(user, page)
    rows = []
    for notification in page:
        key = _object_key(notification)
        label = TARGETS[key[0]].label if key is not None and key in openable else None
        rows.append(Row(notification, notification.text, label))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "cases/notifications.html", {
        "page_obj": page, "rows": rows, "show_unread": show_unread,
        "query_string": params.urlencode(),
    })


@member_required
@require_GET
def notification_open(request: HttpRequest, notification_id: uuid.UUID) -> HttpResponse:
    """Follow a notification's link. Marking it read on a GET is deliberate: the change is
    the reader's own bookkeeping, the same whether it happens once or twice, and the link
    stays a real link (new tab, copy, keyboard)."""
    user = _user(request)
    notification = fetch_or_deny(user, selectors.notifications_of(user), notification_id)
    services.notification_mark_read(actor=user, notification=notification)
    key = _object_key(notification)
    if key is not None and key in _openable(user, [notification]):
        return redirect(TARGETS[key[0]].url_name, key[1])
    messages.info(request, _("What this notification is about cannot be opened from here."))
    return redirect("notifications:list")


@member_required
@require_POST
def notification_mark_read(request: HttpRequest, notification_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    notification = fetch_or_deny(user, selectors.notifications_of(user), notification_id)
    services.notification_mark_read(actor=user, notification=notification)
    return redirect(_back(request))


@member_required
@require_POST
def notifications_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=_user(request))
    if count:
        messages.success(request, ngettext(
            "%(count)s notification was marked as read.",
            "%(count)s notifications were marked as read.", count,
        ) % {"count": count})
    return redirect(_back(request))
