"""Signing in and out: audited, locked after repeated failures, second step by TOTP."""

import json

from django.core import checks
from django.core.cache import cache
from django.urls import reverse

from tawasul.accounts.axes_handler import ADDRESS_FAILURE_FACTOR
from tawasul.accounts.tests.helpers import entries, sign_in, signed_in_user_id, totp_code
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import PASSWORD

WRONG = "not-the-password-4711"


def test_successful_sign_in_is_audited(client, world):
    response = sign_in(client, "analyst")
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in_user_id(client) == str(world.analyst.pk)
    [login] = entries(AuditAction.LOGIN)
    assert login.actor_id == world.analyst.pk
    assert login.actor_username == "analyst"
    assert login.ip_address == "127.0.0.1"


def test_failed_sign_in_is_audited_with_the_name_and_never_the_password(client, world):
    response = sign_in(client, "analyst", WRONG)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert signed_in_user_id(client) is None
    [failed] = entries(AuditAction.LOGIN_FAILED)
    assert failed.actor_id is None
    assert failed.actor_username == "analyst"
    assert not entries(AuditAction.LOGIN)
    dumped = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert WRONG not in dumped


def test_an_unknown_name_is_kept_only_as_a_digest(client, world):
    # People type their password into the name field; the trail cannot be erased.
    sign_in(client, "my-secret-passphrase", WRONG)
    [failed] = entries(AuditAction.LOGIN_FAILED)
    assert failed.actor_username.startswith("unknown:")
    assert "my-secret-passphrase" not in failed.actor_username
    sign_in(client, "my-secret-passphrase", WRONG)
    assert len({e.actor_username for e in entries(AuditAction.LOGIN_FAILED)}) == 1


def test_lockout_after_the_failure_limit_then_even_the_right_password_is_refused(
    client, world, settings
):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert sign_in(client, "analyst", WRONG).status_code == 200
    locked = sign_in(client, "analyst", WRONG)
    assert locked.status_code == 429
    assert "account/locked_out.html" in [t.name for t in locked.templates]

    again = sign_in(client, "analyst", PASSWORD)
    assert again.status_code == 429
    assert signed_in_user_id(client) is None
    assert not entries(AuditAction.LOGIN)
    assert len(entries(AuditAction.LOGIN_FAILED)) == limit
    lockouts = entries(AuditAction.LOCKED_OUT)
    assert [e.actor_username for e in lockouts] == ["analyst", "analyst"]


def test_a_name_under_attack_from_many_addresses_is_locked(client, world, settings):
    limit = settings.AXES_FAILURE_LIMIT
    for i in range(limit):
        sign_in(client, "analyst", WRONG, REMOTE_ADDR=f"10.0.0.{i + 1}")
    # The owner, from an address that never failed, is refused too while the lock lasts.
    assert sign_in(client, "analyst", PASSWORD, REMOTE_ADDR="10.9.9.9").status_code == 429
    # Another account from that address is not affected.
    assert sign_in(client, "supervisor", PASSWORD, REMOTE_ADDR="10.9.9.9").status_code == 302


def test_the_name_is_counted_whatever_its_case(client, world, settings):
    limit = settings.AXES_FAILURE_LIMIT
    for i in range(limit):
        name = "Analyst" if i % 2 else "ANALYST"
        sign_in(client, name, WRONG, REMOTE_ADDR=f"10.0.1.{i + 1}")
    assert sign_in(client, "analyst", PASSWORD, REMOTE_ADDR="10.9.9.9").status_code == 429


def test_a_few_failures_on_a_shared_address_do_not_lock_the_office(client, world, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"colleague{i}", WRONG, REMOTE_ADDR="10.0.2.1")
    assert sign_in(client, "analyst", PASSWORD, REMOTE_ADDR="10.0.2.1").status_code == 302


def test_an_address_spraying_names_is_locked_and_others_are_not(client, world, settings):
    for i in range(settings.AXES_FAILURE_LIMIT * ADDRESS_FAILURE_FACTOR):
        sign_in(client, f"guess{i}", WRONG, REMOTE_ADDR="10.0.2.1")
        cache.clear()  # a spray slower than allauth's per-minute throttle
    assert sign_in(client, "analyst", PASSWORD, REMOTE_ADDR="10.0.2.1").status_code == 429
    assert sign_in(client, "analyst", PASSWORD, REMOTE_ADDR="10.0.2.2").status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "analyst", WRONG)
    assert sign_in(client, "analyst", PASSWORD).status_code == 302
    assert not entries(AuditAction.LOCKED_OUT)


def test_axes_configuration_passes_its_own_checks():
    messages = [m for m in checks.run_checks() if m.id and m.id.startswith("axes.")]
    assert messages == []


def test_sign_out_is_audited(client, world):
    client.force_login(world.analyst)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    [logout] = entries(AuditAction.LOGOUT)
    assert logout.actor_id == world.analyst.pk


def test_sign_out_needs_a_post(client, world):
    client.force_login(world.analyst)
    response = client.get(reverse("account_logout"))
    assert response.status_code == 200  # the confirmation page
    assert signed_in_user_id(client) == str(world.analyst.pk)


def test_totp_sign_in_asks_for_the_code_then_signs_in(client, world):
    consul = world.consul_ph
    first = sign_in(client, "consul_ph")
    assert first.status_code == 302
    assert first.url == reverse("mfa_authenticate")
    # The password alone signs nobody in.
    assert signed_in_user_id(client) is None
    assert not entries(AuditAction.LOGIN)

    second = client.post(reverse("mfa_authenticate"), {"code": totp_code(consul.totp_secret)})
    assert second.status_code == 302
    assert second.url == reverse("home")
    assert signed_in_user_id(client) == str(consul.pk)
    [login] = entries(AuditAction.LOGIN)
    assert login.actor_id == consul.pk


def test_a_wrong_totp_code_is_refused_and_audited(client, world):
    sign_in(client, "consul_ph")
    valid = {totp_code(world.consul_ph.totp_secret, shift) for shift in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    [failed] = entries(AuditAction.LOGIN_FAILED)
    assert failed.actor_username == "consul_ph"
    assert "authenticator code" in failed.reason


def test_a_disabled_account_cannot_sign_in(client, world):
    type(world.analyst).objects.filter(pk=world.analyst.pk).update(is_active=False)
    response = sign_in(client, "analyst")
    assert response.status_code == 302
    assert response.url == reverse("account_inactive")
    assert signed_in_user_id(client) is None
    assert not entries(AuditAction.LOGIN)
    assert entries(AuditAction.LOGIN_FAILED)
    assert client.get(response.url).status_code == 200


def test_the_admin_sign_in_form_is_replaced_by_allauths(client, world):
    # Django's admin form would skip the authenticator code and the lockout page.
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_preferred_language_applies_at_sign_in_unless_the_browser_chose(client, world):
    type(world.analyst).objects.filter(pk=world.analyst.pk).update(preferred_language="en")
    response = sign_in(client, "analyst")
    assert response.cookies["django_language"].value == "en"

    client.post(reverse("account_logout"))
    client.cookies["django_language"] = "ar"
    response = sign_in(client, "analyst")
    assert "django_language" not in response.cookies
