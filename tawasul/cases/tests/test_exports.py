from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.http import Http404
from django.test import Client
from openpyxl import load_workbook

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import exports, services
from tawasul.cases.models import Case
from tawasul.cases.tests.conftest import case_type, register
from tawasul.common.testing import World

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def hostile(world: World, catalog: None) -> Case:
    """A standard case (opened by the director) of a person whose name is a formula."""
    person = register(world, given_name_latin="", family_name_latin="", full_name_latin=FORMULA,
                      given_name_ar="+cmd|' /C calc'!A0", family_name_ar="")
    return services.case_open(
        actor=world.protection_director, center=world.protection, person=person,
        case_type=case_type("protection", "child-neglect"), risk_level="low",
        is_restricted=False, assigned_manager=world.protection_manager,
    )


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark for Excel"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_has_bom_header_and_escaped_formulas(world: World, restricted_case: Case,
                                                hostile: Case) -> None:
    export = exports.export_cases(actor=world.protection_manager, params={}, fmt="csv")
    assert export.content_type.startswith("text/csv")
    assert export.filename.endswith(".csv")
    rows = read_csv(export.content)
    assert len(rows) == 3 and export.row_count == 2
    by_reference = {row[0]: row for row in rows[1:]}
    row = by_reference[hostile.reference]
    assert row[2] == "'" + FORMULA
    assert row[1] == "'+cmd|' /C calc'!A0"
    assert by_reference[restricted_case.reference][1] == "مريم الكواري"


def test_xlsx_opens_with_the_right_rows_and_inert_formulas(world: World, restricted_case: Case,
                                                          hostile: Case) -> None:
    export = exports.export_cases(actor=world.protection_manager, params={}, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    columns = exports.columns_for(world.protection_manager)
    by_reference = {row[0]: dict(zip(columns, row, strict=True)) for row in rows[1:]}
    assert set(by_reference) == {restricted_case.reference, hostile.reference}
    hostile_row = by_reference[hostile.reference]
    assert hostile_row["person_name_latin"] == "'" + FORMULA
    assert isinstance(hostile_row["opened_at"], dt.datetime)
    cells = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row}
    assert cells["'" + FORMULA] == "s"
    assert all(t != "f" for t in cells.values())


def test_staff_get_no_names_and_no_restricted_case_they_are_not_on(
    world: World, restricted_case: Case, hostile: Case
) -> None:
    export = exports.export_cases(actor=world.protection_staff, params={}, fmt="csv")
    rows = read_csv(export.content)
    assert [row[0] for row in rows[1:]] == [hostile.reference]
    assert len(rows[0]) == len(exports.STAFF_COLUMNS)
    assert "=HYPERLINK" not in export.content.decode("utf-8-sig")
    director = exports.export_cases(actor=world.protection_director, params={}, fmt="csv")
    assert {row[0] for row in read_csv(director.content)[1:]} == {
        restricted_case.reference, hostile.reference
    }


def test_team_member_exports_the_restricted_case(world: World, restricted_case: Case) -> None:
    services.case_team_add(actor=world.protection_manager, case=restricted_case,
                           user=world.protection_staff)
    export = exports.export_cases(actor=world.protection_staff, params={}, fmt="csv")
    assert [row[0] for row in read_csv(export.content)[1:]] == [restricted_case.reference]


def test_other_centers_cases_are_never_exported(world: World, restricted_case: Case,
                                               standard_case: Case) -> None:
    export = exports.export_cases(actor=world.family_manager, params={}, fmt="csv")
    assert [row[0] for row in read_csv(export.content)[1:]] == [standard_case.reference]


@pytest.mark.parametrize("username", ["consul_ph", "supervisor", "intake", "admin", "unesco_fp"])
def test_users_without_case_access_get_404(world: World, restricted_case: Case,
                                           username: str) -> None:
    with pytest.raises(Http404):
        exports.export_cases(actor=world.users[username], params={}, fmt="csv")
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     actor=world.users[username]).exists()


def test_filters_apply_and_export_is_audited_with_filter_names_only(
    world: World, restricted_case: Case, hostile: Case
) -> None:
    params = {"risk_level": "high", "q": "الكواري", "status": ""}
    export = exports.export_cases(actor=world.protection_manager, params=params, fmt="xlsx")
    assert export.row_count == 1
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == world.protection_manager
    assert entry.object_type == "cases.case"
    assert "risk_level" in entry.reason and "q" in entry.reason
    assert "status" not in entry.reason
    assert "rows: 1" in entry.reason and "xlsx" in entry.reason
    assert "الكواري" not in entry.reason and "high" not in entry.reason
    assert "person_name_ar" in entry.fields


def test_escape_formula() -> None:
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert exports.escape_formula(dangerous) == "'" + dangerous
    assert exports.escape_formula("Maryam") == "Maryam"
    assert exports.escape_formula(None) is None


# --- Pages ------------------------------------------------------------------------


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_pages_export_csv_and_xlsx_with_filters(world: World, restricted_case: Case,
                                               hostile: Case) -> None:
    client = signed_in(world.protection_manager)
    response = client.get("/cases/export.csv", {"risk_level": "high"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    assert response["Cache-Control"] == "no-store"
    assert [row[0] for row in read_csv(response.content)[1:]] == [restricted_case.reference]
    response = client.get("/cases/export.xlsx", {"risk_level": "", "status": "intake"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and sheet.max_row == 3


def test_pages_refuse_bad_filters_anonymous_and_outsiders(world: World,
                                                         restricted_case: Case) -> None:
    client = signed_in(world.protection_manager)
    response = client.get("/cases/export.csv", {"status": "sleeping"})
    assert response.status_code == 400
    assert b"status" in response.content
    anonymous = Client().get("/cases/export.csv")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert signed_in(world.consul_ph).get("/cases/export.csv").status_code == 404
    assert signed_in(world.supervisor).get("/cases/export.xlsx").status_code == 404
    assert Client().post("/cases/export.csv").status_code in (302, 405)
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
