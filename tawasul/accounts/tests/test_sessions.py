"""Sessions: inactivity timeout (Django's) and absolute lifetime (ours)."""

import time
from datetime import timedelta

from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tawasul.accounts.axes_handler import LOGIN_AT_SESSION_KEY, RENEWED_AT_SESSION_KEY
from tawasul.accounts.tests.helpers import entries, sign_in, signed_in_user_id
from tawasul.audit.models import AuditAction


def _age_session(client, seconds):
    session = client.session
    session[LOGIN_AT_SESSION_KEY] = int(time.time()) - seconds
    session.save()


def test_sign_in_records_its_time_in_the_session(client, world):
    before = int(time.time())
    sign_in(client, "analyst")
    assert before <= client.session[LOGIN_AT_SESSION_KEY] <= int(time.time())
    # Signing in saved the session with a new expiry: the next request need not renew it.
    assert client.session[RENEWED_AT_SESSION_KEY] == client.session[LOGIN_AT_SESSION_KEY]


def test_a_session_past_its_absolute_lifetime_ends(client, world, settings):
    client.force_login(world.analyst)
    assert client.get(reverse("accounts:users")).status_code == 200
    _age_session(client, settings.SESSION_ABSOLUTE_SECONDS + 1)

    response = client.get(reverse("accounts:users"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url
    assert signed_in_user_id(client) is None
    [expired] = entries(AuditAction.SESSION_EXPIRED)
    assert expired.actor_id == world.analyst.pk
    assert not entries(AuditAction.LOGOUT)

    login_page = client.get(response.url)
    assert login_page.status_code == 200
    assert [m.level_tag for m in get_messages(login_page.wsgi_request)] == ["info"]
    assert client.get("/").status_code == 302


def test_a_session_within_its_lifetime_goes_on(client, world, settings):
    client.force_login(world.analyst)
    _age_session(client, settings.SESSION_ABSOLUTE_SECONDS - 60)
    assert client.get(reverse("accounts:users")).status_code == 200
    assert signed_in_user_id(client) == str(world.analyst.pk)
    assert not entries(AuditAction.SESSION_EXPIRED)


def test_activity_does_not_extend_the_absolute_lifetime(client, world, settings):
    client.force_login(world.analyst)
    _age_session(client, settings.SESSION_ABSOLUTE_SECONDS - 60)
    client.get("/")
    client.get("/")
    started = client.session[LOGIN_AT_SESSION_KEY]
    assert started <= int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS + 60


def test_an_expired_session_on_the_api_answers_401_not_a_redirect(client, world, settings):
    client.force_login(world.analyst)
    _age_session(client, settings.SESSION_ABSOLUTE_SECONDS + 1)
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert entries(AuditAction.SESSION_EXPIRED)


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _session_writes(queries):
    return [q["sql"] for q in queries
            if "django_session" in q["sql"] and not q["sql"].lstrip().startswith("SELECT")]


def test_inactivity_timeout_is_the_session_age_from_the_last_request(client, world, settings):
    sign_in(client, "analyst")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    # Once that age passes without a request, the session is gone on the server.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert client.get("/").status_code == 302
    assert signed_in_user_id(client) is None


def test_a_request_moves_the_expiry_forward_at_most_once_a_minute(client, world, settings):
    sign_in(client, "analyst")
    client.get("/")
    # Requests within the minute write nothing: the expiry stays where it was.
    first = _expiry(client)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:users")).status_code == 200
    assert _session_writes(queries.captured_queries) == []
    assert _expiry(client) == first
    # A request after the minute moves it to the session age from now.
    session = client.session
    session[RENEWED_AT_SESSION_KEY] = int(time.time()) - settings.SESSION_RENEW_SECONDS
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=5))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:users")).status_code == 200
    assert len(_session_writes(queries.captured_queries)) == 1
    left = (_expiry(client) - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 5 <= left <= settings.SESSION_COOKIE_AGE


def test_a_visitor_who_is_not_signed_in_gets_no_session(client, world):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("account_login")).status_code == 200
    assert _session_writes(queries.captured_queries) == []
    assert not Session.objects.exists()
