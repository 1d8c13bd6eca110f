from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tawasul.accounts.models import ApiToken
from tawasul.accounts.roles import Role
from tawasul.accounts.tokens import api_token_revoke
from tawasul.api.tests.conftest import bearer, issue
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import make_user

URL = "/api/v1/organizations/"


def assert_401(response, code: str) -> None:
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith('Bearer realm="api"')
    body = response.json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert "fields" not in body["error"]


def test_no_token_answers_401(world):
    assert_401(APIClient().get(URL), "not_authenticated")


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Bearer a b", "Basic dXNlcjpwYXNzd29yZA==", "Token tw_abc", "tw_abc",
     "Bearer tw_short", "Bearer " + "x" * 600],
)
def test_malformed_header_answers_401(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(URL)
    assert_401(response, "malformed_authorization")
    assert 'error="invalid_request"' in response["WWW-Authenticate"]


def test_malformed_header_with_a_session_is_still_refused(world):
    """The credentials a client sends are the ones it is judged by."""
    client = APIClient()
    client.force_login(world.consul_ph)
    client.credentials(HTTP_AUTHORIZATION="Bearer nonsense")
    assert client.get(URL).status_code == 401


def test_unknown_token_answers_401_and_is_audited_by_prefix_only(world):
    raw = "tw_" + "A" * 43
    response = bearer(raw).get(URL)
    assert_401(response, "invalid_token")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN_REJECTED)
    assert "unknown" in entry.reason
    assert raw[:12] in entry.reason
    assert raw not in entry.reason
    assert entry.actor is None


def test_garbage_credentials_are_not_stored_even_in_part(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer hunter2-my-password")
    client.get(URL)
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN_REJECTED)
    assert "hunter" not in entry.reason
    assert "prefix=-" in entry.reason


def test_revoked_token_answers_401(world):
    raw = issue(world.consul_ph)
    token = ApiToken.objects.get(user=world.consul_ph)
    assert bearer(raw).get(URL).status_code == 200
    api_token_revoke(actor=world.consul_ph, token=token)
    assert_401(bearer(raw).get(URL), "token_revoked")
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN_REJECTED)
    assert entry.object_id == str(token.pk)
    assert "revoked" in entry.reason and "consul_ph" in entry.reason
    assert raw not in entry.reason


def test_expired_token_answers_401(world):
    raw = issue(world.consul_ph, expires_at=timezone.now() + dt.timedelta(days=1))
    ApiToken.objects.filter(user=world.consul_ph).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert_401(bearer(raw).get(URL), "token_expired")


def test_token_of_a_disabled_user_stops_working(world):
    raw = issue(world.consul_ph)
    assert bearer(raw).get(URL).status_code == 200
    world.consul_ph.is_active = False
    world.consul_ph.save(update_fields=["is_active"])
    assert_401(bearer(raw).get(URL), "invalid_token")
    assert "user_inactive" in AuditEntry.objects.get(action=AuditAction.TOKEN_REJECTED).reason


def test_valid_token_answers_200_as_its_user(world):
    response = bearer(issue(world.consul_ph)).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "consul_ph"


def test_token_use_is_recorded_once_a_minute_and_at_once_from_a_new_address(world):
    raw = issue(world.consul_ph)
    client = bearer(raw)
    for _ in range(3):
        assert client.get(URL).status_code == 200
    token = ApiToken.objects.get(user=world.consul_ph)
    assert token.last_used_at is not None
    assert token.last_used_ip == "127.0.0.1"
    uses = AuditEntry.objects.filter(action=AuditAction.TOKEN_USED)
    assert uses.count() == 1
    assert uses.get().actor == world.consul_ph
    assert uses.get().object_id == str(token.pk)

    assert client.get(URL, REMOTE_ADDR="10.0.0.9").status_code == 200
    assert uses.count() == 2
    token.refresh_from_db()
    assert token.last_used_ip == "10.0.0.9"

    # A minute later the same address is recorded again.
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - dt.timedelta(seconds=61)
    )
    assert client.get(URL, REMOTE_ADDR="10.0.0.9").status_code == 200
    assert uses.count() == 3


def test_session_authentication_works_for_reads_and_enforces_csrf_on_writes(world):
    # A partner focal point does not need two-factor authentication to use the session.
    user = world.unesco_fp
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/v1/me/").status_code == 200
    response = client.patch("/api/v1/me/", {"full_name_en": "X"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    user.refresh_from_db()
    assert user.full_name_en == ""


def test_session_without_required_two_factor_is_not_accepted_but_its_token_is(world):
    bare = make_user("bare_consul", world.embassy_ph, Role.CONSULAR_OFFICER, two_factor=False)
    client = APIClient()
    client.force_login(bare)
    assert client.get("/api/v1/me/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue(bare)}")
    assert client.get("/api/v1/me/").status_code == 200


def test_session_of_a_user_without_organization_sees_nothing(world):
    from tawasul.accounts.models import User

    loner = User.objects.create_user(username="loner", password="x" * 20)
    client = APIClient()
    client.force_login(loner)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_csrf_failure_says_so(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.unesco_fp)
    error = client.patch("/api/v1/me/", {"full_name_en": "X"}, format="json").json()["error"]
    assert error["code"] == "permission_denied"
    assert "CSRF" in error["message"]
