"""Two-factor authentication: required for roles that read personal data, exempt only for
demo users in demo mode, switching it on and off audited."""

import pytest
from allauth.mfa.models import Authenticator
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tawasul.accounts import mfa
from tawasul.accounts.roles import PERSONAL_DATA_ROLES, Role
from tawasul.accounts.tests.helpers import entries, reauthenticate, sign_in, totp_code
from tawasul.audit.models import AuditAction
from tawasul.common.testing import enable_totp, make_user

ACTIVATE = reverse("mfa_activate_totp")


def _bare(world, username, org, role, **extra):
    return make_user(username, org, role, two_factor=False, **extra)


def test_a_case_manager_without_totp_is_sent_to_set_it_up(client, bare_manager):
    client.force_login(bare_manager)
    for path in ("/", reverse("accounts:users"), reverse("accounts:profile")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == ACTIVATE
    assert mfa.two_factor_status(bare_manager) == mfa.REQUIRED


def test_a_case_manager_with_totp_is_let_through(client, world):
    client.force_login(world.protection_manager)
    assert client.get("/").status_code == 200
    assert mfa.two_factor_status(world.protection_manager) == mfa.ENABLED


@pytest.mark.parametrize("username", ["supervisor", "analyst", "unesco_fp"])
def test_roles_without_personal_data_are_not_required(client, world, username):
    user = getattr(world, username)
    assert not Authenticator.objects.filter(user=user).exists()
    client.force_login(user)
    assert client.get("/").status_code == 200
    assert mfa.two_factor_status(user) == mfa.NOT_REQUIRED


@pytest.mark.parametrize("role", sorted(PERSONAL_DATA_ROLES))
def test_every_personal_data_role_is_required(world, role):
    org = {
        Role.ADMIN: world.foundation, Role.LIAISON_OFFICER: world.foundation,
        Role.INTAKE_OFFICER: world.foundation, Role.DIRECTOR: world.family,
        Role.CASE_MANAGER: world.family, Role.STAFF: world.family,
        Role.CONSULAR_OFFICER: world.embassy_in, Role.EMBASSY_VIEWER: world.embassy_in,
    }[role]
    user = _bare(world, f"bare_{role}", org, role)
    assert mfa.two_factor_status(user) == mfa.REQUIRED
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE


def test_the_set_up_pages_sign_out_and_language_switch_stay_reachable(client, bare_manager):
    sign_in(client, "bare_manager")
    assert client.get(ACTIVATE).url.startswith(reverse("account_reauthenticate"))
    reauthenticate(client)
    assert client.get(ACTIVATE).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.session.get("_auth_user_id") is None


def test_an_htmx_request_is_told_to_navigate(client, bare_manager):
    client.force_login(bare_manager)
    response = client.get(reverse("accounts:users"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == ACTIVATE


def test_the_api_does_not_accept_a_session_that_skipped_the_set_up(client, world, bare_manager):
    client.force_login(bare_manager)
    assert client.get("/api/v1/me/").status_code in (401, 403)
    other = Client()
    other.force_login(world.protection_manager)
    assert other.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize(
    ("demo_mode", "is_demo", "exempt"),
    [(True, True, True), (True, False, False), (False, True, False), (False, False, False)],
)
def test_demo_users_are_exempt_only_in_demo_mode(client, world, settings, demo_mode, is_demo,
                                                  exempt):
    settings.DEMO_MODE = demo_mode
    user = _bare(world, "demo_consul", world.embassy_ph, Role.CONSULAR_OFFICER, is_demo=is_demo)
    client.force_login(user)
    response = client.get("/")
    if exempt:
        assert response.status_code == 200
        assert mfa.two_factor_status(user) == mfa.EXEMPT_DEMO
        assert "accounts/_demo_banner.html" in [t.name for t in response.templates]
    else:
        assert response.status_code == 302
        assert response.url == ACTIVATE
        assert mfa.two_factor_status(user) == mfa.REQUIRED


def test_no_banner_for_a_demo_user_who_set_up_totp_or_outside_demo_mode(client, world, settings):
    settings.DEMO_MODE = True
    user = _bare(world, "demo_consul", world.embassy_ph, Role.CONSULAR_OFFICER, is_demo=True)
    enable_totp(user)
    client.force_login(user)
    response = client.get("/")
    assert mfa.two_factor_status(user) == mfa.ENABLED
    assert "accounts/_demo_banner.html" not in [t.name for t in response.templates]


def test_banner_template_follows_the_status():
    assert "demo-banner" in render_to_string(
        "accounts/_demo_banner.html", {"two_factor_status": "exempt_demo"}
    )
    for status in ("enabled", "required", "not_required"):
        html = render_to_string("accounts/_demo_banner.html", {"two_factor_status": status})
        assert not html.strip(), status
    # Included without the status, the including page has decided to show it.
    assert "demo-banner" in render_to_string("accounts/_demo_banner.html", {})


def test_anonymous_status_is_not_required():
    from django.contrib.auth.models import AnonymousUser

    assert mfa.two_factor_status(AnonymousUser()) == mfa.NOT_REQUIRED
    assert mfa.two_factor_status(None) == mfa.NOT_REQUIRED


def _activate(client, django_capture_on_commit_callbacks):
    # allauth asks for the password again, however recent the sign-in.
    assert client.get(ACTIVATE).url.startswith(reverse("account_reauthenticate"))
    reauthenticate(client)
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = page.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ACTIVATE, {"code": totp_code(secret)})
    return response


def test_activating_totp_is_audited_and_lifts_the_requirement(
    client, bare_manager, django_capture_on_commit_callbacks
):
    sign_in(client, "bare_manager")
    response = _activate(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response.url == reverse("mfa_view_recovery_codes")
    [enabled] = entries(AuditAction.MFA_ENABLED)
    assert enabled.actor_id == bare_manager.pk
    assert enabled.object_id == str(bare_manager.pk)
    assert enabled.fields == ["totp"]
    assert client.get("/").status_code == 200
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    assert len(codes.context["unused_codes"]) > 0


def test_a_wrong_code_does_not_activate(client, bare_manager):
    sign_in(client, "bare_manager")
    reauthenticate(client)
    client.get(ACTIVATE)
    response = client.post(ACTIVATE, {"code": "12"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not entries(AuditAction.MFA_ENABLED)
    assert mfa.two_factor_status(bare_manager) == mfa.REQUIRED


def test_a_required_role_cannot_switch_totp_off(client, world):
    manager = world.protection_manager
    sign_in(client, "protection_manager")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(manager.totp_secret)})
    reauthenticate(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert mfa.has_totp(manager)
    assert not entries(AuditAction.MFA_DISABLED)


def test_an_optional_role_may_switch_totp_off_and_it_is_audited(
    client, world, django_capture_on_commit_callbacks
):
    sign_in(client, "analyst")
    _activate(client, django_capture_on_commit_callbacks)
    assert mfa.has_totp(world.analyst)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not mfa.has_totp(world.analyst)
    [disabled] = entries(AuditAction.MFA_DISABLED)
    assert disabled.actor_id == world.analyst.pk


def test_regenerating_recovery_codes_is_audited(
    client, world, django_capture_on_commit_callbacks
):
    manager = world.protection_manager
    sign_in(client, "protection_manager")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(manager.totp_secret)})
    reauthenticate(client)
    before = set(client.get(reverse("mfa_view_recovery_codes")).context["unused_codes"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    after = set(client.get(reverse("mfa_view_recovery_codes")).context["unused_codes"])
    assert after and not before & after
    [entry] = entries(AuditAction.UPDATE, object_id=str(manager.pk))
    assert entry.fields == ["recovery_codes"]
