from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.home import dashboards
from tawasul.home.decorators import member_required


def _supervisor(user: User) -> dict[str, Any]:
    return {
        "audit": dashboards.audit_summary(user),
        "organizations_by_kind": dashboards.organizations_by_kind(user),
        "centers": dashboards.centers_with_services(user),
    }


def _admin(user: User) -> dict[str, Any]:
    return {
        "audit": dashboards.audit_summary(user),
        "organizations_by_kind": dashboards.organizations_by_kind(user),
        "users_by_role": dashboards.users_by_role(user),
        "recent_denials": list(dashboards.recent_denials(user)),
    }


def _liaison(user: User) -> dict[str, Any]:
    return dashboards.embassies_and_partners(user)


def _intake(user: User) -> dict[str, Any]:
    return {"centers": dashboards.centers_with_services(user)}


def _analyst(user: User) -> dict[str, Any]:
    return {"network": dashboards.network_overview(user)}


def _center(user: User) -> dict[str, Any]:
    return dashboards.center_overview(user)


def _embassy(user: User) -> dict[str, Any]:
    return {
        **dashboards.own_organization(user),
        "work": dashboards.embassy_work(user),
        "centers": dashboards.centers_with_services(user),
        "foundation": dashboards.foundation_contacts(user),
    }


def _partner(user: User) -> dict[str, Any]:
    return {
        **dashboards.own_organization(user),
        "foundation": dashboards.foundation_contacts(user),
        "organizations_by_kind": dashboards.organizations_by_kind(user),
    }


# Role -> (template, what it shows). Every role of tawasul.accounts.roles is here; a role
# added there without a home page falls through to the unassigned page, never to
# another role's data.
SECTIONS: dict[str, tuple[str, Callable[[User], dict[str, Any]]]] = {
    Role.SUPERVISOR: ("home/supervisor.html", _supervisor),
    Role.ADMIN: ("home/admin.html", _admin),
    Role.LIAISON_OFFICER: ("home/liaison.html", _liaison),
    Role.INTAKE_OFFICER: ("home/intake.html", _intake),
    Role.ANALYST: ("home/analyst.html", _analyst),
    Role.DIRECTOR: ("home/center.html", _center),
    Role.CASE_MANAGER: ("home/center.html", _center),
    Role.STAFF: ("home/center.html", _center),
    Role.CONSULAR_OFFICER: ("home/embassy.html", _embassy),
    Role.EMBASSY_VIEWER: ("home/embassy.html", _embassy),
    Role.PARTNER_FOCAL_POINT: ("home/partner.html", _partner),
}


@member_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    section = SECTIONS.get(user.role)
    if section is None:
        return render(request, "home/unassigned.html", status=403)
    template, build = section
    return render(request, template, {"today": timezone.localdate(), **build(user)})
