"""Personal API tokens: the services, the command and the pages."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tawasul.accounts.models import ApiToken
from tawasul.accounts.roles import Role
from tawasul.accounts.tokens import (
    api_token_authenticate,
    api_token_issue,
    api_token_revoke,
    may_create_tokens,
)
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.testing import enable_totp, make_user


@pytest.fixture
def bare_consul(world):
    """A consular officer (a role that must use two-factor authentication) without it."""
    return make_user("bare_consul", world.embassy_ph, Role.CONSULAR_OFFICER, two_factor=False)


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Services ---------------------------------------------------------------------


def test_issued_token_is_stored_only_as_a_digest(world):
    token, raw = api_token_issue(actor=world.consul_ph, user=world.consul_ph, name="sync")
    assert raw.startswith("tw_") and len(raw) == 46
    assert token.prefix == raw[:12]
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert all(raw not in str(value) for value in stored.values())
    for row in AuditEntry.objects.values():
        assert all(raw not in str(value) for value in row.values())
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN_ISSUED)
    assert entry.actor == world.consul_ph
    assert entry.object_id == str(token.pk)


def test_the_owner_is_told_by_email_without_the_token(world, django_capture_on_commit_callbacks):
    from django.core import mail

    from tawasul.jobs.tests.helpers import run_ready

    world.consul_ph.email = "consul@embassy.example"
    world.consul_ph.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        token, raw = api_token_issue(actor=world.admin, user=world.consul_ph, name="sync")
    run_ready()
    [message] = mail.outbox
    assert message.to == ["consul@embassy.example"]
    assert token.prefix in message.body
    assert raw not in message.body


def test_two_tokens_never_collide(world):
    raws = {api_token_issue(actor=None, user=world.consul_ph, name=f"t{i}")[1] for i in range(20)}
    assert len(raws) == 20


def test_authenticate_accepts_only_a_usable_token(world):
    token, raw = api_token_issue(actor=world.consul_ph, user=world.consul_ph, name="sync")
    assert api_token_authenticate(raw) == token
    assert api_token_authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert api_token_authenticate("") is None
    assert api_token_authenticate(token.digest) is None  # the digest is not a credential
    assert api_token_authenticate(raw + "x") is None
    assert api_token_authenticate(raw + "\n") is None

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert api_token_authenticate(raw) is None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(1))
    assert api_token_authenticate(raw) == token

    world.consul_ph.is_active = False
    world.consul_ph.save(update_fields=["is_active"])
    assert api_token_authenticate(raw) is None


def test_revoke_is_audited_once_and_ends_the_token(world):
    token, raw = api_token_issue(actor=world.consul_ph, user=world.consul_ph, name="sync")
    api_token_revoke(actor=world.consul_ph, token=token)
    api_token_revoke(actor=world.consul_ph, token=token)
    assert api_token_authenticate(raw) is None
    assert AuditEntry.objects.filter(action=AuditAction.TOKEN_REVOKED).count() == 1


def test_only_the_owner_or_an_admin_may_revoke(world):
    token, raw = api_token_issue(actor=world.consul_ph, user=world.consul_ph, name="sync")
    for outsider in (world.consul_in, world.viewer_ph, world.liaison):
        with pytest.raises(PermissionDenied):
            api_token_revoke(actor=outsider, token=token)
    assert api_token_authenticate(raw) == token
    api_token_revoke(actor=world.admin, token=token)
    assert api_token_authenticate(raw) is None


def test_issue_refuses_bad_requests(world):
    with pytest.raises(PermissionDenied):
        api_token_issue(actor=world.consul_in, user=world.consul_ph, name="x")
    with pytest.raises(DomainError) as blank:
        api_token_issue(actor=world.consul_ph, user=world.consul_ph, name=" \u200b ")
    assert blank.value.field == "name"
    with pytest.raises(DomainError) as past:
        api_token_issue(actor=world.consul_ph, user=world.consul_ph, name="x",
                        expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert past.value.field == "expires_at"
    world.viewer_ph.is_active = False
    world.viewer_ph.save(update_fields=["is_active"])
    with pytest.raises(DomainError):
        api_token_issue(actor=world.admin, user=world.viewer_ph, name="x")
    assert not ApiToken.objects.exists()
    # An administrator may issue one for someone else.
    api_token_issue(actor=world.admin, user=world.consul_ph, name="x")


def test_two_factor_gate_for_creating_tokens(world, bare_consul, settings):
    assert not may_create_tokens(bare_consul)  # role requires it, none set up
    assert may_create_tokens(world.consul_ph)  # set up
    assert may_create_tokens(world.unesco_fp)  # role does not require it
    enable_totp(bare_consul)
    assert may_create_tokens(bare_consul)
    demo = make_user("demo_viewer", world.embassy_ph, Role.EMBASSY_VIEWER, two_factor=False,
                     is_demo=True)
    settings.DEMO_MODE = True
    assert may_create_tokens(demo)
    settings.DEMO_MODE = False
    assert not may_create_tokens(demo)


# --- The command ------------------------------------------------------------------


@pytest.fixture
def keep_test_connection(monkeypatch):
    """The command line closes every database connection when a command ends, which on
    PostgreSQL would close the test's own transaction under it."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.mark.usefixtures("keep_test_connection")
def test_issue_api_token_prints_exactly_one_line_that_works(world, capsys):
    ManagementUtility(["manage.py", "issue_api_token", "consul_ph"]).execute()
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == 1 and out == lines[0] + "\n"
    raw = lines[0]
    client = APIClient()
    assert client.get("/api/v1/organizations/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.get("/api/v1/organizations/")
    assert response.status_code == 200
    assert response.json()["results"]
    token = ApiToken.objects.get(user=world.consul_ph)
    assert token.expires_at is None
    assert AuditEntry.objects.get(action=AuditAction.TOKEN_ISSUED).reason


def test_issue_api_token_options(world):
    out = io.StringIO()
    call_command("issue_api_token", "unesco_fp", "--name", "reporting", "--expires-days", "30",
                 stdout=out)
    token = ApiToken.objects.get(user=world.unesco_fp)
    assert token.name == "reporting"
    assert token.expires_at is not None
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert api_token_authenticate(out.getvalue().strip()) == token


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["nobody"], "No user named"), (["viewer_ph"], "disabled"),
     (["consul_ph", "--expires-days", "0"], "--expires-days"),
     (["consul_ph", "--expires-days", "99999999"], "--expires-days")],
)
@pytest.mark.usefixtures("keep_test_connection")
def test_issue_api_token_fails_loudly_on_stderr(world, capsys, argv, message):
    world.viewer_ph.is_active = False
    world.viewer_ph.save(update_fields=["is_active"])
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "issue_api_token", *argv]).execute()
    assert exit_info.value.code != 0
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err
    assert not ApiToken.objects.exists()
    with pytest.raises(CommandError):
        call_command("issue_api_token", *argv)


# --- The pages --------------------------------------------------------------------


def test_token_list_shows_own_tokens_only_and_admin_sees_all(world):
    mine, _ = api_token_issue(actor=None, user=world.unesco_fp, name="my-unesco-token")
    api_token_issue(actor=None, user=world.consul_in, name="india-token")
    page = page_client(world.unesco_fp).get("/accounts/tokens/").content.decode()
    assert "my-unesco-token" in page and mine.prefix in page
    assert "india-token" not in page
    page = page_client(world.admin).get("/accounts/tokens/").content.decode()
    assert "my-unesco-token" in page and "india-token" in page


def test_token_pages_need_a_sign_in(world):
    response = Client().get("/accounts/tokens/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_create_shows_the_token_once(world):
    client = page_client(world.unesco_fp)
    assert client.get("/accounts/tokens/new/").status_code == 200
    response = client.post(
        "/accounts/tokens/new/", {"name": "\u202ereporting", "expires_in_days": "90"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=world.unesco_fp)
    assert token.name == "reporting"
    assert token.expires_at is not None
    assert dt.timedelta(days=89) < token.expires_at - timezone.now() <= dt.timedelta(days=90)
    page = response.content.decode()
    raw = next(w for w in page.replace('"', " ").split() if w.startswith("tw_") and len(w) == 46)
    assert api_token_authenticate(raw) == token
    assert raw not in client.get("/accounts/tokens/").content.decode()


def test_create_keeps_input_and_shows_errors(world):
    client = page_client(world.unesco_fp)
    response = client.post("/accounts/tokens/new/", {"name": "", "expires_in_days": "7"})
    assert response.status_code == 200
    assert b"is-invalid" in response.content
    assert not ApiToken.objects.exists()


def test_user_who_must_use_two_factor_and_has_none_gets_no_token(world, bare_consul):
    client = page_client(bare_consul)
    client.post("/accounts/tokens/new/", {"name": "sync", "expires_in_days": "90"})
    assert not ApiToken.objects.exists()
    enable_totp(bare_consul)
    response = client.post("/accounts/tokens/new/", {"name": "sync", "expires_in_days": "0"})
    assert response.status_code == 200
    assert ApiToken.objects.get(user=bare_consul).expires_at is None


def test_token_pages_refuse_creation_without_two_factor_even_past_the_middleware(
    world, bare_consul, monkeypatch
):
    """The pages check it themselves, should the set-up redirect ever let the page through."""
    from tawasul.accounts import middleware

    monkeypatch.setattr(
        middleware.RequireTwoFactorMiddleware, "process_view", lambda self, *args: None
    )
    client = page_client(bare_consul)
    response = client.post("/accounts/tokens/new/", {"name": "sync", "expires_in_days": "90"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_revoke_page_scoping(world):
    token, raw = api_token_issue(actor=None, user=world.consul_in, name="india-token")
    outsider = page_client(world.consul_ph)
    assert outsider.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert outsider.post("/accounts/tokens/not-an-id/revoke/").status_code == 404
    assert api_token_authenticate(raw) == token

    owner = page_client(world.consul_in)
    assert owner.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    response = owner.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert api_token_authenticate(raw) is None


def test_admin_may_revoke_anyones_token(world):
    token, raw = api_token_issue(actor=None, user=world.consul_in, name="india-token")
    response = page_client(world.admin).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert api_token_authenticate(raw) is None
    assert AuditEntry.objects.get(action=AuditAction.TOKEN_REVOKED).actor == world.admin
