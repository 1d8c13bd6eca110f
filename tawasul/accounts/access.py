"""Fetch-and-check for users and API tokens."""

from __future__ import annotations

from tawasul.accounts import selectors
from tawasul.accounts.models import ApiToken, User
from tawasul.accounts.roles import Role
from tawasul.common.access import fetch_or_deny


def access_user(user: object, user_id: object) -> User:
    return fetch_or_deny(user, selectors.users_visible_to(user), user_id)


def access_api_token(user: object, token_id: object) -> ApiToken:
    return fetch_or_deny(user, selectors.api_tokens_visible_to(user), token_id)


def can_manage_user(actor: User, target: User) -> bool:
    """Administrators manage every account; a center director their own center's staff."""
    if actor.pk == target.pk:
        return False  # nobody disables or re-roles themselves
    if actor.role == Role.ADMIN:
        return True
    return (
        actor.role == Role.DIRECTOR
        and target.organization_id == actor.organization_id
        and target.role != Role.DIRECTOR
    )
