"""The parts of their own account that users change themselves."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.text import clean_text

PROFILE_FIELDS: frozenset[str] = frozenset({"full_name_ar", "full_name_en", "preferred_language"})
NAME_FIELDS: frozenset[str] = frozenset({"full_name_ar", "full_name_en"})
NAME_MAX_LENGTH = 200


def user_update_profile(*, actor: User, user: User, **changes: str) -> User:
    """Change the names and preferred language of `user`.

    Names are normalized with `clean_text` (bidi and zero-width controls removed, NFC,
    spaces collapsed) whatever the caller did before, so every way in stores the same form.
    Only fields whose value changes are written and named in the audit entry.
    """
    if actor.pk != user.pk and actor.role != Role.ADMIN:
        raise PermissionDenied("forbidden", _("You may not change this profile."))
    unknown = sorted(set(changes) - PROFILE_FIELDS)
    if unknown:
        raise DomainError(
            "unknown_field", _("This field cannot be changed here."), field=unknown[0]
        )
    cleaned: dict[str, str] = {}
    for name, value in changes.items():
        if not isinstance(value, str):
            raise DomainError("invalid", _("Expected text."), field=name)
        if name in NAME_FIELDS:
            value = clean_text(value)
            if len(value) > NAME_MAX_LENGTH:
                raise DomainError(
                    "too_long",
                    _("At most %(max)s characters.") % {"max": NAME_MAX_LENGTH},
                    field=name,
                )
        elif name == "preferred_language" and value not in dict(settings.LANGUAGES):
            raise DomainError("unknown_language", _("Unknown language."), field=name)
        cleaned[name] = value
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
        if changed:
            for name in changed:
                setattr(locked, name, cleaned[name])
            locked.save(update_fields=changed)
            audit_record(action=AuditAction.UPDATE, actor=actor, obj=locked, fields=changed)
    for name in changed:
        setattr(user, name, cleaned[name])
    return user
