"""Email in the recipient's language, sent by a background task.

An email is three templates under templates/email/: `<name>.subject.txt`, `<name>.txt`
and `<name>.html` (which extends email/base.html: right-to-left in Arabic). They are
rendered with `translation.override(<recipient's preferred language>)`, so their
gettext strings come out in that language.

Services do not send mail themselves: they call `queue_templated_email` (or one of the
`notify_*` helpers) inside their transaction; after commit, `send_email_task` fetches the
recipient by id, renders and sends, once per key however often the task runs. The
context holds plain values only (it is stored with the task); values of keys ending in
`_at` are ISO datetimes and reach the templates as datetimes.

Development prints mail on the console; production uses SMTP from the environment
(EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django_tasks import task

from tawasul.jobs.auditing import audit_task
from tawasul.jobs.idempotency import run_once
from tawasul.jobs.queue import enqueue_on_commit
from tawasul.jobs.retry import PermanentFailure, retryable

_TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,60}$")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    language: str


def email_language(language: str | None) -> str:
    """One of our languages; anything else (or nothing) falls back to the default."""
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def render_templated_email(
    *, template: str, context: Mapping[str, Any], language: str | None
) -> RenderedEmail:
    if not _TEMPLATE_NAME.match(template):
        raise ValueError(f"not an email template name: {template!r}")
    lang = email_language(language)
    with translation.override(lang):
        ctx = {
            **context,
            "LANGUAGE_CODE": lang,
            "LANGUAGE_BIDI": translation.get_language_bidi(),
        }
        # A header may not hold a line break: the subject is one line whatever the template.
        subject = " ".join(render_to_string(f"email/{template}.subject.txt", ctx).split())
        text = render_to_string(f"email/{template}.txt", ctx).strip() + "\n"
        html = render_to_string(f"email/{template}.html", ctx)
    return RenderedEmail(subject=subject, text=text, html=html, language=lang)


def send_templated_email(
    *,
    to: str | Sequence[str],
    template: str,
    context: Mapping[str, Any],
    language: str | None,
) -> int:
    """Render and send now (in the calling process); returns the number sent."""
    rendered = render_templated_email(template=template, context=context, language=language)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to] if isinstance(to, str) else list(to),
        headers={"Content-Language": rendered.language, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(rendered.html, "text/html")
    return message.send()


def _with_datetimes(context: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(context)
    for name, value in context.items():
        if name.endswith("_at") and isinstance(value, str):
            values[name] = parse_datetime(value) or value
    return values


@retryable(backoff_seconds=60)
@task()
def send_email_task(user_id: str, template: str, context: dict[str, Any], key: str) -> bool:
    """Send `template` to the user, in their language, once per `key`.

    Returns False when there is nothing to send (the user is gone or has no address) or
    the email went out already; an SMTP failure raises and the task is retried.
    """
    from tawasul.accounts.models import User

    try:
        user = User.objects.select_related("organization").filter(pk=user_id).first()
    except Exception as exc:  # a malformed id can never succeed
        raise PermanentFailure(f"bad user id {user_id!r}") from exc
    if user is None or not user.email:
        return False

    def send() -> None:
        send_templated_email(
            to=user.email,
            template=template,
            context={**_with_datetimes(context), "recipient": user},
            language=user.preferred_language,
        )

    sent = run_once(f"email:{key}", send)
    if sent:
        audit_task(
            "send_email",
            object_type=User._meta.label_lower,
            object_id=str(user.pk),
            reason=f"email {template} sent",
        )
    return sent


def queue_templated_email(
    *,
    user: Any,
    template: str,
    context: Mapping[str, Any] | None = None,
    key: str | None = None,
) -> None:
    """Send after the current transaction commits. `key` makes it once-only across
    callers too (e.g. one security notice per token); by default each call is its own."""
    if not _TEMPLATE_NAME.match(template):
        raise ValueError(f"not an email template name: {template!r}")
    values = {
        name: value.isoformat() if isinstance(value, dt.datetime) else value
        for name, value in (context or {}).items()
    }
    enqueue_on_commit(
        send_email_task, str(user.pk), template, values, key or f"{template}:{uuid.uuid4()}"
    )


def notify_account_disabled(*, user: Any, disabled_at: dt.datetime) -> None:
    """Tell the user their account was disabled (called by the accounts service)."""
    queue_templated_email(
        user=user,
        template="account_disabled",
        context={"disabled_at": disabled_at},
        key=f"account_disabled:{user.pk}:{disabled_at.isoformat()}",
    )


def notify_api_token_issued(*, token: Any) -> None:
    """Security notice: a token was issued on the user's account (called by the tokens
    service), so a token someone else made in their name does not go unnoticed."""
    queue_templated_email(
        user=token.user,
        template="api_token_issued",
        context={
            "token_name": token.name,
            "token_prefix": token.prefix,
            "issued_at": token.created_at,
            "expires_at": token.expires_at,
        },
        key=f"api_token_issued:{token.pk}",
    )
