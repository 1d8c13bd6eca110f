"""Scoped reads of users and API tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from tawasul.accounts.models import ApiToken, User
from tawasul.accounts.roles import Role
from tawasul.common.access import as_member


def users_visible_to(viewer: object) -> QuerySet[User]:
    """Foundation administrators see every user; everyone else their own organization's
    colleagues (a center its staff, an embassy its officers). Never another
    organization's users."""
    qs = User.objects.select_related("organization")
    user = as_member(viewer)
    if user is None:
        return qs.none()
    if user.role == Role.ADMIN:
        return qs
    return qs.filter(organization=user.organization)


def api_tokens_visible_to(viewer: object) -> QuerySet[ApiToken]:
    """A user sees their own tokens; administrators see (and may revoke) everyone's."""
    qs = ApiToken.objects.select_related("user", "user__organization")
    user = as_member(viewer)
    if user is None:
        return qs.none()
    if user.role == Role.ADMIN:
        return qs
    return qs.filter(user=user)
