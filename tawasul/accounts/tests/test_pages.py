"""Every account page a user can reach renders inside the Tawasul shell, in both languages."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tawasul.accounts.tests.helpers import entries, reauthenticate, sign_in, totp_code
from tawasul.audit.models import AuditAction
from tawasul.common.testing import PASSWORD


def _in_shell(response, lang="ar"):
    names = [t.name for t in response.templates]
    assert "base.html" in names, names
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in response.content.decode()
    return names


ANONYMOUS_PAGES = [
    ("account_login", "account/login.html"),
    ("account_reset_password", "account/password_reset.html"),
    ("account_reset_password_done", "account/password_reset_done.html"),
    ("account_signup", "account/signup_closed.html"),
    ("account_inactive", "account/account_inactive.html"),
]


@pytest.mark.parametrize(("name", "template"), ANONYMOUS_PAGES)
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_pages_before_sign_in(client, db, name, template, lang):
    client.cookies["django_language"] = lang
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert template in _in_shell(response, lang)


def test_the_sign_in_form_is_labelled_and_focused(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert '<label class="form-label" for="id_login">' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert "autofocus" in html


def test_a_failed_sign_in_shows_the_error_and_keeps_the_name(client, world):
    response = sign_in(client, "analyst", "wrong-password")
    html = response.content.decode()
    assert 'class="alert alert-danger"' in html
    assert 'value="analyst"' in html
    assert "wrong-password" not in html


def test_the_lockout_page_is_in_the_shell(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "analyst", "wrong-password")
    assert response.status_code == 429
    assert "account/locked_out.html" in _in_shell(response)


def test_password_reset_from_the_emailed_link(client, world):
    world.analyst.email = "analyst@example.org"
    world.analyst.save()
    client.post(reverse("account_reset_password"), {"email": "analyst@example.org"})
    [message] = mail.outbox
    link = next(w for w in message.body.split() if "/accounts/password/reset/key/" in w)
    form_page = client.get(link, follow=True)
    assert "account/password_reset_from_key.html" in _in_shell(form_page)
    done = client.post(form_page.request["PATH_INFO"], {
        "password1": "a-fresh-long-passphrase-5", "password2": "a-fresh-long-passphrase-5",
    }, follow=True)
    assert "account/password_reset_from_key_done.html" in _in_shell(done)
    world.analyst.refresh_from_db()
    assert world.analyst.check_password("a-fresh-long-passphrase-5")
    [entry] = entries(AuditAction.UPDATE, object_id=str(world.analyst.pk))
    assert (entry.actor_id, entry.actor_username) == (None, "analyst")
    assert entry.fields == ["password"] and entry.reason == "password reset"

    bad = client.get("/accounts/password/reset/key/1-bad/")
    assert bad.status_code == 200
    assert bad.context["token_fail"]


def test_pages_of_a_signed_in_user(client, world):
    manager = world.protection_manager
    sign_in(client, "protection_manager")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(manager.totp_secret)})
    assert response.status_code == 302
    for name, template in [
        ("account_logout", "account/logout.html"),
        ("account_change_password", "account/password_change.html"),
        ("mfa_index", "mfa/index.html"),
        ("account_reauthenticate", "account/reauthenticate.html"),
        ("mfa_reauthenticate", "mfa/reauthenticate.html"),
        ("accounts:profile", "accounts/profile.html"),
        ("accounts:users", "accounts/user_list.html"),
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert template in _in_shell(response), name
    reauthenticate(client)
    for name, template in [
        ("mfa_view_recovery_codes", "mfa/recovery_codes/index.html"),
        ("mfa_generate_recovery_codes", "mfa/recovery_codes/generate.html"),
        ("mfa_deactivate_totp", "mfa/totp/deactivate_form.html"),
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert template in _in_shell(response), name
    assert "accounts/_account_nav.html" in [t.name for t in response.templates]


def test_the_second_step_and_the_set_up_pages(client, world, bare_manager):
    sign_in(client, "consul_ph")
    response = client.get(reverse("mfa_authenticate"))
    assert "mfa/authenticate.html" in _in_shell(response)
    assert 'autocomplete="one-time-code"' in response.content.decode()

    other = Client()
    sign_in(other, "bare_manager")
    reauthenticate(other)
    response = other.get(reverse("mfa_activate_totp"))
    assert "mfa/totp/activate_form.html" in _in_shell(response)
    assert response.context["form"].secret in response.content.decode()


def test_changing_the_password_from_the_account_page(client, world):
    sign_in(client, "analyst")
    response = client.post(reverse("account_change_password"), {
        "oldpassword": PASSWORD, "password1": "another-long-passphrase-3",
        "password2": "another-long-passphrase-3",
    })
    assert response.status_code == 302
    world.analyst.refresh_from_db()
    assert world.analyst.check_password("another-long-passphrase-3")
    [entry] = entries(AuditAction.UPDATE, object_id=str(world.analyst.pk))
    assert (entry.actor_id, entry.fields) == (world.analyst.pk, ["password"])
