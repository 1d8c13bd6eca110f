"""Writes to user accounts: create, change organization or role, disable, enable, reset
two-factor authentication, set a password. Pages, the Django admin and commands all call
these, each in one transaction with its audit entry.

Who may use the Django admin is derived here, never ticked by hand: `is_staff` and
`is_superuser` follow the role (only the foundation's administrators).
"""

from __future__ import annotations

import uuid

from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.access import can_manage_user
from tawasul.accounts.models import ApiToken, User
from tawasul.accounts.roles import Role, role_allowed_for_kind
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.text import clean_text
from tawasul.organizations.models import Organization

REASON_MAX_LENGTH = 500

# Fields user_update may change; "no value" (None) leaves a field as it is.
UPDATABLE_FIELDS = (
    "username",
    "organization",
    "role",
    "full_name_ar",
    "full_name_en",
    "email",
    "preferred_language",
    "is_demo",
)


def _derive_admin_flags(user: User) -> list[str]:
    """Set is_staff/is_superuser from the role; returns the names of flags that changed."""
    is_admin = user.role == Role.ADMIN
    changed = []
    if user.is_staff != is_admin:
        user.is_staff = is_admin
        changed.append("is_staff")
    if user.is_superuser != is_admin:
        user.is_superuser = is_admin
        changed.append("is_superuser")
    return changed


def _check_role(role: str, organization: Organization | None) -> None:
    if organization is None:
        raise DomainError(
            "organization_required", _("Choose an organization."), field="organization"
        )
    if not role_allowed_for_kind(role, organization.kind):
        raise DomainError(
            "role_not_allowed",
            _("This role does not exist in an organization of this kind."),
            field="role",
        )


def _validate(user: User, exclude: list[str] | None = None) -> None:
    try:
        user.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(
            "invalid", messages[0], field=None if field == "__all__" else field
        ) from error


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = clean_text(reason or "")
    if required and not reason:
        raise DomainError("reason_required", _("Give a reason."), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(
            "reason_too_long",
            _("At most %(max)s characters.") % {"max": REASON_MAX_LENGTH},
            field="reason",
        )
    return reason


def _may_create(actor: User | None, organization: Organization, role: str) -> bool:
    # None is the operator at the command line (seed_demo, a shell), who holds the server.
    if actor is None:
        return True
    if actor.role == Role.ADMIN and actor.is_active:
        return True
    return (
        actor.role == Role.DIRECTOR
        and actor.is_active
        and organization.pk == actor.organization_id
        and role != Role.DIRECTOR
    )


def user_create(
    *,
    actor: User | None,
    username: str,
    organization: Organization,
    role: str,
    password: str | None = None,
    full_name_ar: str = "",
    full_name_en: str = "",
    email: str = "",
    preferred_language: str = "ar",
    is_demo: bool = False,
) -> User:
    """Create an account in `organization` with `role`. Without a password the account
    cannot sign in until one is set (by the admin or by e-mailed reset)."""
    _check_role(role, organization)
    if not _may_create(actor, organization, role):
        raise PermissionDenied("forbidden", _("You may not create this account."))
    user = User(
        username=clean_text(username),
        organization=organization,
        role=role,
        full_name_ar=clean_text(full_name_ar),
        full_name_en=clean_text(full_name_en),
        email=email.strip(),
        preferred_language=preferred_language,
        is_demo=is_demo,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    _derive_admin_flags(user)
    if User.objects.filter(username__iexact=user.username).exists():
        raise DomainError(
            "username_taken", _("A user with that username already exists."), field="username"
        )
    _validate(user)
    with transaction.atomic():
        user.save()
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            obj=user,
            fields=[
                "username", "organization", "role", "full_name_ar", "full_name_en", "email",
                "preferred_language", "is_demo", "password", "is_staff", "is_superuser",
            ],
        )
    return user


def user_update(
    *,
    actor: User,
    user: User,
    username: str | None = None,
    organization: Organization | None = None,
    role: str | None = None,
    full_name_ar: str | None = None,
    full_name_en: str | None = None,
    email: str | None = None,
    preferred_language: str | None = None,
    is_demo: bool | None = None,
) -> User:
    """Change another user's account (organization, role, names…).

    Administrators change anyone but themselves; a center director their own center's
    staff, within the center and never into a director. The role must exist in the
    organization's kind. Only the names of fields that change are audited.
    """
    if not can_manage_user(actor, user):
        raise PermissionDenied("forbidden", _("You may not change this account."))
    requested: dict[str, object] = {
        "username": clean_text(username) if username is not None else None,
        "organization": organization,
        "role": role,
        "full_name_ar": clean_text(full_name_ar) if full_name_ar is not None else None,
        "full_name_en": clean_text(full_name_en) if full_name_en is not None else None,
        "email": email.strip() if email is not None else None,
        "preferred_language": preferred_language,
        "is_demo": is_demo,
    }
    with transaction.atomic():
        locked = User.objects.select_for_update(of=("self",)).select_related("organization").get(
            pk=user.pk
        )
        changed: list[str] = []
        for name, value in requested.items():
            if value is None:
                continue
            current = locked.organization if name == "organization" else getattr(locked, name)
            if current != value:
                setattr(locked, name, value)
                changed.append(name)
        if not changed:
            return locked
        _check_role(locked.role, locked.organization)
        if "username" in changed and (
            User.objects.filter(username__iexact=locked.username).exclude(pk=locked.pk).exists()
        ):
            raise DomainError(
                "username_taken",
                _("A user with that username already exists."),
                field="username",
            )
        # Checked again on the result: a director cannot move someone out of the center
        # or make them a director, which would put them beyond the director's reach.
        if not can_manage_user(actor, locked):
            raise PermissionDenied("forbidden", _("You may not make this change."))
        changed += _derive_admin_flags(locked)
        _validate(locked, exclude=["password"])
        locked.save(update_fields=changed)
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=locked, fields=changed)
    return locked


def user_disable(*, actor: User, user: User, reason: str) -> User:
    """Disable an account: it can no longer sign in, every session it has ends at its
    next request (the session stamp is part of the session hash) and every API token is
    revoked. Disabling a disabled account changes nothing."""
    reason = _clean_reason(reason, required=True)
    if not can_manage_user(actor, user):
        raise PermissionDenied("forbidden", _("You may not disable this account."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            return locked
        locked.is_active = False
        locked.session_stamp = uuid.uuid4()
        locked.save(update_fields=["is_active", "session_stamp"])
        audit_record(
            action=AuditAction.USER_DISABLED,
            actor=actor,
            obj=locked,
            fields=["is_active", "session_stamp"],
            reason=reason,
        )
        now = timezone.now()
        tokens = list(
            ApiToken.objects.select_for_update().filter(user=locked, revoked_at__isnull=True)
        )
        for token in tokens:
            token.revoked_at = now
            token.save(update_fields=["revoked_at", "updated_at"])
            audit_record(
                action=AuditAction.TOKEN_REVOKED,
                actor=actor,
                obj=token,
                fields=["revoked_at"],
                reason="user disabled",
            )
    user.is_active, user.session_stamp = locked.is_active, locked.session_stamp
    return locked


def user_enable(*, actor: User, user: User, reason: str = "") -> User:
    """Let a disabled account sign in again. Its old sessions and tokens stay ended."""
    reason = _clean_reason(reason, required=False)
    if not can_manage_user(actor, user):
        raise PermissionDenied("forbidden", _("You may not enable this account."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            return locked
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        audit_record(
            action=AuditAction.USER_ENABLED,
            actor=actor,
            obj=locked,
            fields=["is_active"],
            reason=reason,
        )
    user.is_active = True
    return locked


def user_reset_two_factor(*, actor: User, user: User, reason: str) -> int:
    """Remove a user's authenticator app and recovery codes (a lost phone). A role that
    requires two-factor authentication is sent to set up a new one at its next request.
    Only administrators; returns how many authenticators were removed."""
    reason = _clean_reason(reason, required=True)
    if not (actor.role == Role.ADMIN and can_manage_user(actor, user)):
        raise PermissionDenied(
            "forbidden", _("You may not reset this account's two-factor authentication.")
        )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        authenticators = Authenticator.objects.filter(user_id=locked.pk)
        types = sorted(set(authenticators.values_list("type", flat=True)))
        if not types:
            return 0
        count, _deleted = authenticators.delete()
        # Sessions signed in with the lost device end too.
        locked.session_stamp = uuid.uuid4()
        locked.save(update_fields=["session_stamp"])
        audit_record(
            action=AuditAction.MFA_DISABLED,
            actor=actor,
            obj=locked,
            fields=[*types, "session_stamp"],
            reason=reason,
        )
    return count


def user_set_password(*, actor: User, user: User, password: str | None) -> User:
    """An administrator sets (or, with None, removes) another user's password. Every
    session of that user ends, since the password is part of the session hash."""
    if not (actor.role == Role.ADMIN and can_manage_user(actor, user)):
        raise PermissionDenied("forbidden", _("You may not set this account's password."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if password:
            locked.set_password(password)
        else:
            locked.set_unusable_password()
        locked.save(update_fields=["password"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            fields=["password"],
            reason="password set by an administrator",
        )
    user.password = locked.password
    return locked
