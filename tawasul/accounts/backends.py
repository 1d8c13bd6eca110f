"""The authentication backend: allauth's, loading the user's organization with the user.

Every page reads the signed-in user's organization (the member check, the audit entry's
organization, the header): one query with a join instead of two queries per request."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from tawasul.accounts.models import User


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("organization").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
