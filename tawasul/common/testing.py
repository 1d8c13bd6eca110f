"""Test personas: one small world with a user for every role, on every side of the rules.

`world()` builds it; the `world` fixture in tawasul/conftest.py hands it to tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.organizations.models import CenterDomain, Organization, OrganizationKind, Service

PASSWORD = "correct-horse-battery-staple"


@dataclass
class World:
    ministry: Organization
    foundation: Organization
    protection: Organization
    family: Organization
    embassy_ph: Organization
    embassy_in: Organization
    unesco: Organization
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


def make_org(kind: str, code: str, **extra: Any) -> Organization:
    return Organization.objects.create(
        kind=kind, code=code, name_ar=extra.pop("name_ar", f"منظمة {code}"),
        name_en=extra.pop("name_en", f"Organization {code}"), **extra,
    )


def make_user(
    username: str, org: Organization, role: str, *, two_factor: bool | None = None, **extra: Any
) -> User:
    """A user with PASSWORD. Roles that must use two-factor authentication get an
    authenticator app (its secret in `user.totp_secret`, for tests that sign in with a
    code) unless two_factor=False; otherwise every page would send them to set one up."""
    user = User(username=username, organization=org, role=role, **extra)
    user.set_password(PASSWORD)
    user.full_clean()
    user.save()
    if two_factor if two_factor is not None else user.requires_two_factor:
        enable_totp(user)
    return user


def enable_totp(user: User) -> str:
    """An authenticator app and recovery codes, as set up through the pages."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    user.totp_secret = secret  # type: ignore[attr-defined]
    return secret


def world() -> World:
    w = World(
        ministry=make_org(OrganizationKind.MINISTRY, "ministry"),
        foundation=make_org(OrganizationKind.FOUNDATION, "foundation"),
        protection=make_org(OrganizationKind.CENTER, "center-protection",
                            domain=CenterDomain.PROTECTION),
        family=make_org(OrganizationKind.CENTER, "center-family", domain=CenterDomain.FAMILY),
        embassy_ph=make_org(OrganizationKind.EMBASSY, "embassy-ph", country="PH",
                            name_en="Embassy of the Philippines"),
        embassy_in=make_org(OrganizationKind.EMBASSY, "embassy-in", country="IN",
                            name_en="Embassy of India"),
        unesco=make_org(OrganizationKind.UN_AGENCY, "unesco", name_en="UNESCO"),
    )
    for org in (w.protection, w.family):
        Service.objects.create(center=org, code="counselling", name_ar="إرشاد",
                               name_en="Counselling")
    for username, org, role in [
        ("supervisor", w.ministry, Role.SUPERVISOR),
        ("admin", w.foundation, Role.ADMIN),
        ("liaison", w.foundation, Role.LIAISON_OFFICER),
        ("intake", w.foundation, Role.INTAKE_OFFICER),
        ("analyst", w.foundation, Role.ANALYST),
        ("protection_director", w.protection, Role.DIRECTOR),
        ("protection_manager", w.protection, Role.CASE_MANAGER),
        ("protection_staff", w.protection, Role.STAFF),
        ("family_director", w.family, Role.DIRECTOR),
        ("family_manager", w.family, Role.CASE_MANAGER),
        ("consul_ph", w.embassy_ph, Role.CONSULAR_OFFICER),
        ("viewer_ph", w.embassy_ph, Role.EMBASSY_VIEWER),
        ("consul_in", w.embassy_in, Role.CONSULAR_OFFICER),
        ("unesco_fp", w.unesco, Role.PARTNER_FOCAL_POINT),
    ]:
        w.users[username] = make_user(username, org, role)
    return w
