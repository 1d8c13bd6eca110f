import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from tawasul.audit.models import AuditEntry
from tawasul.common.testing import PASSWORD


def sign_in(client, username, password=PASSWORD, **extra):
    """Through allauth's sign-in form, as a browser does (axes sees the request)."""
    return client.post(
        reverse("account_login"), {"login": username, "password": password}, **extra
    )


def totp_code(secret, shift=0):
    """The code an authenticator app shows now (shift: periods before or after)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + shift))


def entries(action, **filters):
    return list(AuditEntry.objects.filter(action=action, **filters).order_by("id"))


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def reauthenticate(client, password=PASSWORD):
    """allauth asks for the password again before authenticator changes."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response
    return response
