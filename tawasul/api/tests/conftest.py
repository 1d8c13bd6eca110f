from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tawasul.accounts.tokens import api_token_issue


def issue(user, **kwargs) -> str:
    _token, raw = api_token_issue(actor=user, user=user, name=kwargs.pop("name", "test"), **kwargs)
    return raw


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def as_user():
    """A client that presents a fresh token of the given user."""
    return lambda user: bearer(issue(user))
