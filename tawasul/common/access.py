"""The one way every access function fetches: deny by default, 404 outside scope."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, QuerySet

from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.errors import OutOfScope, PermissionDenied

if TYPE_CHECKING:
    from tawasul.accounts.models import User

M = TypeVar("M", bound=Model)


def as_member(user: object) -> User | None:
    """The user if they may read anything at all, else None: selectors start here."""
    from tawasul.accounts.models import User

    if isinstance(user, User) and user.is_active and user.organization_id and user.role:
        return user
    return None


def is_member(user: object) -> bool:
    """Signed in, active and assigned to an organization: the least any read requires."""
    return as_member(user) is not None


def fetch_or_deny(user: object, qs: QuerySet[M], object_id: object) -> M:
    """Shared by every access function: a malformed id, a missing object and an object
    outside the caller's scope all look the same to the caller."""
    try:
        pk = uuid.UUID(str(object_id))
    except ValueError:
        pk = None
    obj = qs.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        audit_record(
            action=AuditAction.ACCESS_DENIED,
            actor=user,
            object_type=qs.model._meta.label_lower,
            object_id=str(object_id)[:64],
        )
        raise OutOfScope()
    return obj


def require(allowed: bool, user: object, obj: Model, action: str) -> None:
    """For an object the caller may see but not change: 403 with a clear message, audited."""
    if allowed:
        return
    from django.utils.translation import gettext_lazy as _

    audit_record(action=AuditAction.ACCESS_DENIED, actor=user, obj=obj, reason=f"may not {action}")
    raise PermissionDenied("forbidden", _("You do not have permission to do this."))
