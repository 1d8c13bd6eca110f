from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from tawasul.audit.services import audit_record


@pytest.fixture
def login(client):
    """Sign a persona in as they would really be: with an authenticator app when their
    role requires one, so that the pages answer them rather than the set-up redirect."""

    def sign_in(user):
        if user.requires_two_factor:
            Authenticator.objects.get_or_create(
                user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
            )
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def entries(world):
    """A few entries by different people about different things."""
    made = [
        audit_record(action="record.read", actor=world.protection_manager, obj=world.protection,
                     fields=["name_ar"]),
        audit_record(action="record.update", actor=world.admin, obj=world.family,
                     fields=["phone", "email"], reason="new number"),
        audit_record(action="auth.login_failed", actor_username="intruder",
                     reason="=HYPERLINK(\"http://evil\")"),
    ]
    return made
