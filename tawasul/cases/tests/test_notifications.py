"""The in-app notification list: each user reads and marks their own notifications only,
in their own language, with a link to what a notification is about only while they may
open it; the header shows how many are unread."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import services
from tawasul.cases.models import Case, Notification, NotificationKind
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.referrals.tests.conftest import send

pytestmark = pytest.mark.django_db

LIST = "/notifications/"


def notify(recipient: User, *, kind: str = NotificationKind.CASE_ASSIGNED,
           about: Any = None, minutes_ago: int = 0, **params: str) -> Notification:
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, params={"case": "C-2026-000001", **params},
        object_type=about._meta.label_lower if about is not None else "",
        object_id=str(about.pk) if about is not None else "",
    )
    if minutes_ago:
        Notification.objects.filter(pk=notification.pk).update(
            created_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return notification


def open_url(notification: Notification) -> str:
    return reverse("notifications:open", args=[notification.pk])


def link(notification: Notification) -> str:
    return f'href="{open_url(notification)}"'


def rows(response: Any) -> list[Notification]:
    return [row.notification for row in response.context["rows"]]


def unread_badge(html: str) -> int | None:
    match = re.search(r'data-unread-count="(\d+)"', html)
    return int(match.group(1)) if match else None


def test_the_url_is_top_level() -> None:
    assert reverse("notifications:list") == LIST


def test_each_user_sees_their_own_notifications_newest_first(client: Client,
                                                             world: World) -> None:
    older = notify(world.protection_manager, minutes_ago=30, case="C-OLD")
    newer = notify(world.protection_manager, minutes_ago=1, case="C-NEW")
    theirs = notify(world.family_manager, case="C-THEIRS")

    log_in(client, world.protection_manager)
    response = client.get(LIST)
    assert response.status_code == 200
    assert rows(response) == [newer, older]
    assert "C-THEIRS" not in response.content.decode()

    log_in(client, world.family_manager)
    response = client.get(LIST)
    assert rows(response) == [theirs]
    assert "C-NEW" not in response.content.decode()


def test_users_outside_the_centers_have_a_list_too(client: Client, world: World) -> None:
    mine = notify(world.supervisor)
    log_in(client, world.supervisor)
    assert rows(client.get(LIST)) == [mine]


def test_anonymous_is_sent_to_sign_in(client: Client, world: World) -> None:
    notification = notify(world.protection_manager)
    for response in (client.get(LIST), client.get(open_url(notification)),
                     client.post(reverse("notifications:mark_all_read"))):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    notification.refresh_from_db()
    assert notification.read_at is None


def test_another_users_notification_does_not_exist(client: Client, world: World) -> None:
    theirs = notify(world.family_manager)
    log_in(client, world.protection_manager)
    assert client.get(open_url(theirs)).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    denials = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                        actor=world.protection_manager,
                                        object_type="cases.notification",
                                        object_id=str(theirs.pk))
    assert denials.count() == 2
    # Its recipient may.
    log_in(client, world.family_manager)
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is not None


def test_mark_one_as_read_is_a_post_audited_and_goes_back_to_the_list(
    client: Client, world: World
) -> None:
    notification = notify(world.protection_manager)
    url = reverse("notifications:mark_read", args=[notification.pk])
    log_in(client, world.protection_manager)
    assert client.get(url).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None

    response = client.post(url, {"next": f"{LIST}?show=unread&page=2"})
    assert response.status_code == 302 and response["Location"] == f"{LIST}?show=unread&page=2"
    notification.refresh_from_db()
    read_at = notification.read_at
    assert read_at is not None
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(notification.pk))
    assert entry.actor == world.protection_manager and entry.fields == ["read_at"]

    # Again: nothing changes, nothing more is recorded; and no open redirect.
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == LIST
    notification.refresh_from_db()
    assert notification.read_at == read_at
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE,
                                     object_id=str(notification.pk)).count() == 1


def test_mark_all_as_read_marks_only_mine_in_one_audit_entry(client: Client,
                                                            world: World) -> None:
    mine = [notify(world.protection_manager) for _ in range(3)]
    theirs = notify(world.family_manager)
    log_in(client, world.protection_manager)
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert "3" in " ".join(str(m) for m in response.context["messages"])
    assert all(n.read_at for n in Notification.objects.filter(pk__in=[n.pk for n in mine]))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE,
                                   object_type="cases.notification")
    assert entry.actor == world.protection_manager
    assert entry.reason == "all marked read: 3" and entry.fields == ["read_at"]
    # Nothing left unread: no second entry.
    client.post(reverse("notifications:mark_all_read"))
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE,
                                     object_type="cases.notification").count() == 1


def test_unread_filter_and_highlight(client: Client, world: World) -> None:
    read = notify(world.protection_manager, minutes_ago=5)
    services.notification_mark_read(actor=world.protection_manager, notification=read)
    unread = notify(world.protection_manager)
    log_in(client, world.protection_manager)
    response = client.get(LIST)
    assert rows(response) == [unread, read]
    html = response.content.decode()
    assert html.count("list-group-item-primary") == 1
    assert html.count(reverse("notifications:mark_read", args=[unread.pk])) == 1
    assert reverse("notifications:mark_read", args=[read.pk]) not in html
    assert rows(client.get(LIST, {"show": "unread"})) == [unread]


def test_the_list_is_paginated_and_keeps_the_filter(client: Client, world: World) -> None:
    for minutes in range(30):
        notify(world.protection_manager, minutes_ago=minutes + 1)
    log_in(client, world.protection_manager)
    first = client.get(LIST, {"show": "unread"})
    assert len(rows(first)) == 25
    assert "?show=unread&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"show": "unread", "page": "2"})
    assert len(rows(second)) == 5
    assert not set(rows(first)) & set(rows(second))


def test_the_text_is_in_the_readers_language(client: Client, world: World) -> None:
    notify(world.protection_manager, case="C-2026-000042")
    log_in(client, world.protection_manager)
    arabic = client.get(LIST).content.decode()
    assert "أُسندت إليك الحالة C-2026-000042" in arabic
    client.cookies["django_language"] = "en"
    english = client.get(LIST).content.decode()
    assert "The case C-2026-000042 was assigned to you." in english


def test_an_unknown_kind_or_broken_parameters_still_render(client: Client,
                                                           world: World) -> None:
    Notification.objects.create(recipient=world.protection_manager, kind="kind_from_later",
                                params={})
    Notification.objects.create(recipient=world.protection_manager,
                                kind=NotificationKind.BREAK_GLASS, params={"case": "C-1"})
    log_in(client, world.protection_manager)
    response = client.get(LIST)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2


# --- Links ---------------------------------------------------------------------------


def test_a_link_only_to_a_case_the_reader_may_open(client: Client, world: World,
                                                   restricted_case: Case,
                                                   standard_case: Case) -> None:
    """The restricted case is managed by protection_manager; protection_staff is not on it;
    standard_case belongs to the family center."""
    for_manager = notify(world.protection_manager, about=restricted_case)
    for_staff = notify(world.protection_staff, about=restricted_case)
    other_center = notify(world.protection_manager, about=standard_case, minutes_ago=1)

    log_in(client, world.protection_manager)
    html = client.get(LIST).content.decode()
    assert link(for_manager) in html
    assert link(other_center) not in html

    log_in(client, world.protection_staff)
    assert link(for_staff) not in client.get(LIST).content.decode()
    # Followed anyway: marked read, and back to the list, not to the case.
    response = client.get(open_url(for_staff))
    assert response.status_code == 302 and response["Location"] == LIST
    for_staff.refresh_from_db()
    assert for_staff.read_at is not None

    services.case_team_add(actor=world.protection_manager, case=restricted_case,
                           user=world.protection_staff)
    assert link(for_staff) in client.get(LIST).content.decode()


def test_opening_marks_read_and_goes_to_the_case(client: Client, world: World,
                                                 restricted_case: Case) -> None:
    notification = notify(world.protection_manager, about=restricted_case)
    log_in(client, world.protection_manager)
    assert unread_badge(client.get(LIST).content.decode()) == 1
    response = client.get(open_url(notification))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[restricted_case.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert unread_badge(client.get(LIST).content.decode()) is None


def test_a_link_only_to_a_referral_the_reader_may_open(client: Client, world: World,
                                                       restricted_case: Case) -> None:
    referral = send(world, restricted_case)
    [received] = Notification.objects.filter(recipient=world.family_director,
                                              object_id=str(referral.pk))
    log_in(client, world.family_director)
    assert link(received) in client.get(LIST).content.decode()
    response = client.get(open_url(received))
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])

    # The sender's colleague who is not on the restricted case, and an embassy officer,
    # may not see the referral: no link.
    for username in ("protection_staff", "consul_ph"):
        notification = notify(world.users[username], about=referral)
        log_in(client, world.users[username])
        assert link(notification) not in client.get(LIST).content.decode()


def test_links_cost_one_query_per_kind_of_object(client: Client, world: World,
                                                 restricted_case: Case) -> None:
    log_in(client, world.protection_manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    notify(world.protection_manager, about=restricted_case)
    few = count()
    for _ in range(10):
        notify(world.protection_manager, about=restricted_case)
    assert count() == few


# --- The header ----------------------------------------------------------------------


def test_the_header_shows_the_unread_count_with_one_count_query(client: Client,
                                                                world: World) -> None:
    for _ in range(2):
        notify(world.protection_manager)
    services.notification_mark_read(actor=world.protection_manager,
                                    notification=notify(world.protection_manager))
    notify(world.family_manager)
    log_in(client, world.protection_manager)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("home")).content.decode()
    assert unread_badge(html) == 2
    assert f'href="{LIST}"' in html
    counted = [q["sql"] for q in queries if "cases_notification" in q["sql"]]
    assert len(counted) == 1 and "COUNT(" in counted[0].upper()

    client.post(reverse("notifications:mark_all_read"))
    html = client.get(reverse("home")).content.decode()
    assert unread_badge(html) is None
    assert f'href="{LIST}"' in html


def test_no_count_for_anonymous_visitors(client: Client, world: World) -> None:
    notify(world.protection_manager)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("account_login")).content.decode()
    assert not [q for q in queries if "cases_notification" in q["sql"]]
    assert unread_badge(html) is None and f'href="{LIST}"' not in html
