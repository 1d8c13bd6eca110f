"""A bulletin is emailed, by a background task, to each active user of the chosen
missions, in the recipient's own language, once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.email import render_templated_email
from tawasul.common.testing import World, make_user
from tawasul.jobs.tests.helpers import run_ready
from tawasul.network.models import Bulletin, BulletinDelivery
from tawasul.network.tasks import email_bulletin
from tawasul.network.tests.conftest import TITLE_AR, TITLE_EN, send

pytestmark = pytest.mark.django_db


def _addresses(world: World) -> None:
    for username, language in [("consul_ph", "ar"), ("viewer_ph", "en"), ("consul_in", "en"),
                               ("liaison", "ar"), ("protection_staff", "ar")]:
        user = world.users[username]
        user.email = f"{username}@example.org"
        user.preferred_language = language
        user.save()


def _send_and_deliver(world: World, capture, *missions) -> Bulletin:
    with capture(execute=True):
        bulletin = send(world, *missions)
    with capture(execute=True):
        run_ready()  # the bulletin task: it queues one email task per recipient
    run_ready()  # the email tasks
    return bulletin


def _html(message: EmailMultiAlternatives) -> str:
    return str(message.alternatives[0][0])


def test_each_active_user_of_the_chosen_missions_gets_it_in_their_language(
    world: World, django_capture_on_commit_callbacks
) -> None:
    _addresses(world)
    retired = make_user("retired_ph", world.embassy_ph, "embassy_viewer", is_active=False,
                        email="retired@example.org")
    assert retired.email
    bulletin = _send_and_deliver(world, django_capture_on_commit_callbacks, world.embassy_ph)

    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"consul_ph@example.org", "viewer_ph@example.org"}
    arabic, english = by_address["consul_ph@example.org"], by_address["viewer_ph@example.org"]
    assert isinstance(arabic, EmailMultiAlternatives)
    assert isinstance(english, EmailMultiAlternatives)
    assert TITLE_AR in arabic.subject and TITLE_EN not in arabic.subject
    assert 'dir="rtl"' in _html(arabic) and 'lang="ar"' in _html(arabic)
    assert arabic.extra_headers["Content-Language"] == "ar"
    assert TITLE_EN in english.subject and TITLE_AR not in english.subject
    assert 'dir="ltr"' in _html(english) and 'dir="rtl"' not in _html(english)
    assert english.extra_headers["Content-Language"] == "en"
    # The text stays in Tawasul, where reading it is recorded.
    assert "Bulletin text" not in english.body and "نص النشرة" not in arabic.body
    assert BulletinDelivery.objects.get(bulletin=bulletin).emailed_at is not None
    assert AuditEntry.objects.filter(action=AuditAction.TASK,
                                     actor_username="system:email_bulletin").exists()


def test_a_second_run_emails_nobody_twice(world: World,
                                          django_capture_on_commit_callbacks) -> None:
    _addresses(world)
    bulletin = _send_and_deliver(world, django_capture_on_commit_callbacks,
                                 world.embassy_ph, world.embassy_in)
    assert len(mail.outbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert email_bulletin.call(str(bulletin.pk)) == 0
    run_ready()
    assert len(mail.outbox) == 3


def test_titles_are_not_html_in_the_subject(world: World) -> None:
    email = render_templated_email(
        template="bulletin", language="en",
        context={"title_ar": "أ & ب", "title_en": "Rules & <updates>", "sent_at": None},
    )
    assert email.subject == "Bulletin from the foundation: Rules & <updates>"
    assert "Rules &amp; &lt;updates&gt;" in email.html
    assert "Rules & <updates>" in email.text
