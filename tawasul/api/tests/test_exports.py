from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tawasul.api.tests.test_cases_api import error_of
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import services
from tawasul.cases.case_types import load_case_types
from tawasul.cases.tests.conftest import case_type, register

LIST = "/api/v1/cases/"


@pytest.fixture
def restricted(world):
    load_case_types()
    return services.case_open(
        actor=world.protection_manager, center=world.protection, person=register(world),
        case_type=case_type("protection", "child-abuse"), risk_level="high",
    )


@pytest.fixture
def standard(world, restricted):
    return services.case_open(
        actor=world.protection_director, center=world.protection, person=restricted.person,
        case_type=case_type("protection", "child-neglect"), risk_level="low",
        is_restricted=False, assigned_manager=world.protection_manager,
    )


def test_api_export_csv_and_xlsx(world, restricted, standard, as_user):
    client = as_user(world.protection_manager)
    response = client.get(f"{LIST}export/", {"format": "csv", "risk_level": "high"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert restricted.reference in text and standard.reference not in text
    response = client.get(f"{LIST}export", {"format": "xlsx"})
    assert response.status_code == 200, response.content
    sheet = load_workbook(io.BytesIO(response.content)).active
    references = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert references == {restricted.reference, standard.reference}
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("occurred_at")
    assert "rows: 2" in entry.reason and "xlsx" in entry.reason


def test_api_export_errors(world, restricted, as_user):
    client = as_user(world.protection_manager)
    error = error_of(client.get(f"{LIST}export/", {"format": "pdf"}), 400)
    assert list(error["fields"]) == ["format"]
    error = error_of(client.get(f"{LIST}export/", {"status": "open"}), 400)
    assert list(error["fields"]) == ["status"]
    for username in ("consul_ph", "supervisor", "intake"):
        response = as_user(world.users[username]).get(f"{LIST}export/", {"format": "csv"})
        assert error_of(response, 404)["code"] == "not_found"
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
