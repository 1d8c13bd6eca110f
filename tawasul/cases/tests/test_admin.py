"""The admin edits the case-type catalog through the service; cases are read-only there
and show no case details."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases.models import Case, CaseType
from tawasul.common.testing import World

pytestmark = pytest.mark.django_db


def staff_client(client: Client, world: World, name: str) -> Client:
    user = world.users[name]
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_admin_adds_a_case_type_through_the_service(client: Client, world: World) -> None:
    admin_client = staff_client(client, world, "admin")
    response = admin_client.post(reverse("admin:cases_casetype_add"), {
        "domain": "youth", "code": "gaming", "name_ar": "ألعاب", "name_en": "Gaming",
        "default_sensitivity": "standard", "is_active": "on",
    })
    assert response.status_code == 302
    kind = CaseType.objects.get(code="gaming")
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, actor=world.admin,
                                     object_id=str(kind.pk)).exists()


def test_case_admin_is_read_only_and_shows_no_details(
    client: Client, world: World, standard_case: Case
) -> None:
    admin_client = staff_client(client, world, "admin")
    url = reverse("admin:cases_case_change", args=[standard_case.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert standard_case.reference in page.content.decode()
    assert "Family details" not in page.content.decode()
    assert admin_client.post(url, {"risk_level": "critical"}).status_code == 403
    assert Case.objects.get(pk=standard_case.pk).risk_level == "low"


def test_center_director_has_no_admin(client: Client, world: World) -> None:
    director = staff_client(client, world, "family_director")
    assert director.get(reverse("admin:cases_casetype_changelist")).status_code == 403
