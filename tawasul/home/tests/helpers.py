"""Signing a test client in as a persona, past the two-factor requirement."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.test import Client


def log_in(client: Client, user) -> Client:
    """The two-factor middleware only lets a user whose role reads personal data through
    once they have an authenticator; give them one, as if they had set it up."""
    if user.requires_two_factor:
        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "test"}}
        )
    client.force_login(user)
    return client
