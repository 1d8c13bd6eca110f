"""Roles and what each may do in general; the per-object rules live in each app's access.py.

A user belongs to one organization with one role. Roles are data the policy reads, not
Django groups that someone can tick by hand.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tawasul.organizations.models import OrganizationKind


class Role(models.TextChoices):
    SUPERVISOR = "supervisor", _("Ministry supervisor")
    ADMIN = "admin", _("Foundation administrator")
    LIAISON_OFFICER = "liaison_officer", _("Liaison officer")
    INTAKE_OFFICER = "intake_officer", _("Intake officer")
    ANALYST = "analyst", _("Analyst")
    DIRECTOR = "director", _("Center director")
    CASE_MANAGER = "case_manager", _("Case manager")
    STAFF = "staff", _("Center staff")
    CONSULAR_OFFICER = "consular_officer", _("Consular officer")
    EMBASSY_VIEWER = "embassy_viewer", _("Embassy viewer")
    PARTNER_FOCAL_POINT = "partner_focal_point", _("Partner focal point")


ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganizationKind.MINISTRY: frozenset({Role.SUPERVISOR}),
    OrganizationKind.FOUNDATION: frozenset(
        {Role.ADMIN, Role.LIAISON_OFFICER, Role.INTAKE_OFFICER, Role.ANALYST}
    ),
    OrganizationKind.CENTER: frozenset({Role.DIRECTOR, Role.CASE_MANAGER, Role.STAFF}),
    OrganizationKind.EMBASSY: frozenset({Role.CONSULAR_OFFICER, Role.EMBASSY_VIEWER}),
    OrganizationKind.UN_AGENCY: frozenset({Role.PARTNER_FOCAL_POINT}),
    OrganizationKind.GOVERNMENT: frozenset({Role.PARTNER_FOCAL_POINT}),
    OrganizationKind.NGO: frozenset({Role.PARTNER_FOCAL_POINT}),
}

# Roles whose work shows them a person's data: they must use two-factor authentication.
PERSONAL_DATA_ROLES: frozenset[str] = frozenset(
    {
        Role.ADMIN,
        Role.LIAISON_OFFICER,
        Role.INTAKE_OFFICER,
        Role.DIRECTOR,
        Role.CASE_MANAGER,
        Role.STAFF,
        Role.CONSULAR_OFFICER,
        Role.EMBASSY_VIEWER,
    }
)

# Roles that review the audit trail.
AUDIT_REVIEWER_ROLES: frozenset[str] = frozenset({Role.SUPERVISOR, Role.ADMIN})

# Roles that manage their own organization's directory contacts.
CONTACT_MANAGER_ROLES: frozenset[str] = frozenset(
    {Role.ADMIN, Role.LIAISON_OFFICER, Role.DIRECTOR, Role.CONSULAR_OFFICER,
     Role.PARTNER_FOCAL_POINT}
)


def role_allowed_for_kind(role: str, kind: str) -> bool:
    return role in ROLES_BY_KIND.get(kind, frozenset())
