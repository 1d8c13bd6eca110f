"""Email in the recipient's language, sent once by a task."""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.email import (
    notify_account_disabled,
    notify_api_token_issued,
    queue_templated_email,
    render_templated_email,
    send_email_task,
    send_templated_email,
)
from tawasul.jobs.tests.helpers import make_due, run_ready

pytestmark = pytest.mark.django_db

# The Arabic catalog is produced in one pass later; these tests bring their own, for the
# strings they check, to show that each email is rendered through it in Arabic.
ARABIC = {
    "Your Tawasul account was disabled": "تم تعطيل حسابك في تواصل",
    "A new API token was issued on your Tawasul account": (
        "صدر رمز واجهة برمجية جديد لحسابك في تواصل"
    ),
    "Hello %(name)s,": "مرحبًا %(name)s،",
    "Token name:": "اسم الرمز:",
}


def write_mo(path: Path, messages: dict[str, str]) -> None:
    """A GNU .mo catalog (the format msgfmt writes), without needing gettext installed."""
    catalog = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    keys = sorted(catalog)
    ids = [k.encode() for k in keys]
    strs = [catalog[k].encode() for k in keys]
    header_size = 7 * 4
    table_size = len(keys) * 8
    offset = header_size + 2 * table_size
    id_table: list[tuple[int, int]] = []
    str_table: list[tuple[int, int]] = []
    blob = b""
    for data, table in [(ids, id_table), (strs, str_table)]:
        for item in data:
            table.append((len(item), offset + len(blob)))
            blob += item + b"\0"
    output = struct.pack("<7I", 0x950412DE, 0, len(keys), header_size,
                         header_size + table_size, 0, 0)
    for length, start in id_table + str_table:
        output += struct.pack("<2I", length, start)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(output + blob)


@pytest.fixture
def arabic_catalog(tmp_path, settings):
    write_mo(tmp_path / "ar" / "LC_MESSAGES" / "django.mo", ARABIC)
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]


@pytest.fixture
def recipient(world):
    user = world.protection_manager
    user.email = "manager@example.org"
    user.full_name_ar = "سارة أحمد"
    user.full_name_en = "Sara Ahmed"
    user.save()
    return user


TOKEN_CONTEXT = {"token_name": "reporting", "token_prefix": "tw_abc123", "issued_at": None}


def test_english_email_is_in_english_and_left_to_right(recipient):
    email = render_templated_email(
        template="api_token_issued",
        context={**TOKEN_CONTEXT, "recipient": recipient},
        language="en",
    )
    assert email.subject == "A new API token was issued on your Tawasul account"
    assert "Hello Sara Ahmed," in email.text
    assert "Token name: reporting" in email.text
    assert '<html lang="en" dir="ltr">' in email.html
    assert "Hello Sara Ahmed," in email.html


def test_arabic_email_is_in_arabic_and_right_to_left(recipient, arabic_catalog):
    email = render_templated_email(
        template="api_token_issued",
        context={**TOKEN_CONTEXT, "recipient": recipient},
        language="ar",
    )
    assert email.subject == "صدر رمز واجهة برمجية جديد لحسابك في تواصل"
    assert "مرحبًا سارة أحمد،" in email.text  # the Arabic name, in the Arabic greeting
    assert "اسم الرمز: reporting" in email.text
    assert '<html lang="ar" dir="rtl">' in email.html
    assert "مرحبًا سارة أحمد،" in email.html
    assert "تواصل" in email.html


def test_account_disabled_email_in_both_languages(recipient, arabic_catalog):
    context = {"recipient": recipient, "disabled_at": timezone.now()}
    arabic = render_templated_email(template="account_disabled", context=context, language="ar")
    english = render_templated_email(template="account_disabled", context=context, language="en")
    assert arabic.subject == "تم تعطيل حسابك في تواصل"
    assert english.subject == "Your Tawasul account was disabled"
    assert 'dir="rtl"' in arabic.html and 'dir="rtl"' not in english.html
    assert "disabled" in english.text


def test_text_email_is_not_html_escaped(recipient):
    recipient.full_name_en = "O'Brien & Sons"
    email = render_templated_email(
        template="api_token_issued",
        context={**TOKEN_CONTEXT, "recipient": recipient},
        language="en",
    )
    assert "Hello O'Brien & Sons," in email.text
    assert "O&#x27;Brien &amp; Sons" in email.html


def test_an_unknown_language_falls_back_to_arabic(recipient):
    email = render_templated_email(
        template="account_disabled", context={"recipient": recipient}, language="xx"
    )
    assert email.language == "ar"


def test_template_names_cannot_reach_other_templates():
    with pytest.raises(ValueError):
        render_templated_email(template="../base", context={}, language="en")


def test_send_templated_email_sends_text_and_html():
    sent = send_templated_email(
        to="someone@example.org", template="account_disabled", context={}, language="en"
    )
    assert sent == 1
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["someone@example.org"]
    assert message.subject == "Your Tawasul account was disabled"
    assert message.alternatives[0][1] == "text/html"


# --- sending through the task ------------------------------------------------------------


def test_the_task_sends_in_the_recipients_language_once(
    recipient, django_capture_on_commit_callbacks
):
    recipient.preferred_language = "en"
    recipient.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify_account_disabled(user=recipient, disabled_at=timezone.now())
    result = DBTaskResult.objects.get()

    run_ready()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["manager@example.org"]
    assert mail.outbox[0].subject == "Your Tawasul account was disabled"
    entry = AuditEntry.objects.get(actor_username="system:send_email")
    assert (entry.action, entry.object_id) == (AuditAction.TASK, str(recipient.pk))
    assert "manager@example.org" not in entry.reason  # no personal data in the trail

    # Run again (a retry, a rescue): nothing more is sent.
    DBTaskResult.objects.filter(id=result.id).update(status=TaskResultStatus.READY)
    run_ready()
    assert len(mail.outbox) == 1


def test_the_security_notice_for_a_new_token(recipient, django_capture_on_commit_callbacks):
    from tawasul.accounts.models import ApiToken

    token = ApiToken.objects.create(
        user=recipient, name="reporting", prefix="tw_abc123", digest="d" * 64,
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_api_token_issued(token=token)
        notify_api_token_issued(token=token)  # the same notice twice is sent once
    run_ready()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    assert "tw_abc123" in message.body
    assert 'dir="rtl"' in str(message.alternatives[0][0])  # preferred language: Arabic


def test_nothing_is_sent_to_a_user_without_an_address(world):
    assert send_email_task.call(str(world.analyst.pk), "account_disabled", {}, "k") is False
    assert mail.outbox == []


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise OSError("SMTP server unreachable")


def test_an_smtp_failure_is_retried(recipient, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_templated_email(user=recipient, template="account_disabled", key="once")
    result = DBTaskResult.objects.get()
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"

    run_ready()

    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.READY
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_due(result.id)
    run_ready()
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL
    assert len(mail.outbox) == 1
