"""The daily digest: asked for on the account page, sent once a day per user in their
language with their new unread notifications, never to a user with nothing new."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases.models import Notification
from tawasul.common.errors import PermissionDenied
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.jobs import schedule
from tawasul.jobs.tests.helpers import run_ready
from tawasul.portal import services
from tawasul.portal.models import DigestPreference
from tawasul.portal.tasks import send_daily_digests

pytestmark = pytest.mark.django_db

FAMILY = {"ar": "مركز الأسرة", "en": "Family center"}
REASON = "The child's mother called in distress"


@pytest.fixture(autouse=True)
def any_hour(settings: Any) -> None:
    settings.DAILY_DIGEST_HOUR = 0


def wants_digest(user: User, language: str = "en") -> User:
    user.email = f"{user.username}@example.test"
    user.preferred_language = language
    user.save(update_fields=["email", "preferred_language"])
    services.digest_preference_set(actor=user, user=user, daily_digest=True)
    return user


def accepted(user: User, reference: str = "R-2026-000001") -> Notification:
    return Notification.objects.create(recipient=user, kind="referral_accepted",
                                       params={"to": FAMILY, "referral": reference})


def html_of(message: mail.EmailMessage) -> str:
    assert isinstance(message, mail.EmailMultiAlternatives)
    return str(message.alternatives[0][0])


def run_digests(capture: Any) -> int:
    with capture(execute=True):
        claimed = send_daily_digests.call()
    run_ready()
    return claimed


def test_the_account_page_sets_the_preference(client: Client, world: World) -> None:
    log_in(client, world.protection_manager)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'id="digest"' in page and 'name="daily_digest"' in page
    response = client.post(reverse("portal:digest_preference"), {"daily_digest": "on"})
    assert response.status_code == 302
    assert DigestPreference.objects.get(user=world.protection_manager).daily_digest
    assert 'checked' in client.get(reverse("accounts:profile")).content.decode().split(
        'name="daily_digest"')[1].split(">")[0]
    client.post(reverse("portal:digest_preference"), {})
    assert not DigestPreference.objects.get(user=world.protection_manager).daily_digest
    assert AuditEntry.objects.filter(actor=world.protection_manager, action=AuditAction.UPDATE,
                                     object_type="portal.digestpreference",
                                     fields=["daily_digest"]).count() == 2
    assert client.get(reverse("portal:digest_preference")).status_code == 405


def test_nobody_sets_another_users_preference(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.digest_preference_set(actor=world.admin, user=world.consul_ph,
                                       daily_digest=True)
    assert not DigestPreference.objects.filter(user=world.consul_ph).exists()


@pytest.mark.parametrize(("language", "text", "rtl"), [
    ("en", "Family center accepted the referral R-2026-000001.", False),
    ("ar", "تم قبول الإحالة R-2026-000001 من قِبل مركز الأسرة.", True),
])
def test_one_digest_a_day_in_the_recipients_language(
        world: World, django_capture_on_commit_callbacks: Any, language: str, text: str,
        rtl: bool) -> None:
    user = wants_digest(world.protection_manager, language)
    accepted(user)
    accepted(user, "R-2026-000002")
    assert run_digests(django_capture_on_commit_callbacks) == 1
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.extra_headers["Content-Language"] == language
    assert text in message.body
    html = html_of(message)
    assert ('dir="rtl"' in html) is rtl
    assert "R-2026-000002" in html
    # Run again the same day: nobody is claimed, nothing is sent.
    assert run_digests(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.filter(actor_username="system:send_digest").count() == 1


def test_nothing_unread_nothing_sent(world: World,
                                     django_capture_on_commit_callbacks: Any) -> None:
    quiet = wants_digest(world.protection_manager)
    read = accepted(quiet)
    read.read_at = timezone.now()
    read.save()
    not_asked = world.family_manager
    not_asked.email = "family@example.test"
    not_asked.save()
    accepted(not_asked)
    assert run_digests(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    # Something unread later the same day: that day's digest goes out then, once.
    accepted(quiet)
    assert run_digests(django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1


def test_the_next_day_carries_only_what_is_new(world: World, monkeypatch: pytest.MonkeyPatch,
                                               django_capture_on_commit_callbacks: Any) -> None:
    user = wants_digest(world.protection_manager)
    accepted(user, "R-2026-000001")
    run_digests(django_capture_on_commit_callbacks)
    # The next day, one new notification (the first is still unread).
    tomorrow = timezone.now() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    accepted(user, "R-2026-000009")
    assert run_digests(django_capture_on_commit_callbacks) == 1
    second = mail.outbox[1]
    assert "R-2026-000009" in second.body and "R-2026-000001" not in second.body


def test_read_before_it_is_sent_nothing_goes(world: World,
                                             django_capture_on_commit_callbacks: Any) -> None:
    user = wants_digest(world.protection_manager)
    notification = accepted(user)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests.call() == 1
    Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    run_ready()
    assert mail.outbox == []


def test_what_a_user_typed_stays_in_the_app(world: World,
                                            django_capture_on_commit_callbacks: Any) -> None:
    director = wants_digest(world.protection_director)
    Notification.objects.create(recipient=director, kind="break_glass",
                                params={"actor": "Staff", "case": "C-2026-000001",
                                        "reason": REASON})
    run_digests(django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert REASON not in message.body and REASON not in html_of(message)
    assert "Emergency access to a restricted case" in message.body


def test_not_before_the_digest_hour(world: World, settings: Any,
                                    django_capture_on_commit_callbacks: Any) -> None:
    settings.DAILY_DIGEST_HOUR = 24
    accepted(wants_digest(world.protection_manager))
    assert run_digests(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_the_digest_is_a_scheduled_job() -> None:
    [job] = [job for job in schedule.jobs() if job.name == "portal.daily_digest"]
    assert job.task() is send_daily_digests
    assert job.interval == dt.timedelta(hours=1)
