"""The audit trail pages, from both sides: reviewers list, filter, export and read
entries; everyone else gets 404 (and the denial is recorded)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tawasul.audit import chain
from tawasul.audit.models import AuditAction, AuditEntry, ChainVerification
from tawasul.audit.services import audit_record
from tawasul.audit.views import PAGE_SIZE, safe_cell

REVIEWERS = ["supervisor", "admin"]
OUTSIDERS = [
    "analyst", "liaison", "intake", "protection_director", "protection_manager",
    "protection_staff", "consul_ph", "viewer_ph", "unesco_fp",
]

pytestmark = pytest.mark.django_db


def list_url(**params: str) -> str:
    from urllib.parse import urlencode

    return reverse("audit:list") + ("?" + urlencode(params) if params else "")


def export_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


# --- who may look ----------------------------------------------------------------------


@pytest.mark.parametrize("username", REVIEWERS)
def test_reviewers_see_the_list(world, entries, login, username):
    response = login(getattr(world, username)).get(list_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "protection_manager" in body
    assert "intruder" in body
    assert "new number" in body


@pytest.mark.parametrize("username", OUTSIDERS)
def test_everyone_else_gets_404_for_the_list_detail_export_and_verify(
    world, entries, login, username
):
    user = getattr(world, username)
    client = login(user)
    denials_before = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED).count()

    assert client.get(list_url()).status_code == 404
    assert client.get(reverse("audit:detail", args=[entries[0].entry_id])).status_code == 404
    assert client.get(reverse("audit:export")).status_code == 404
    assert client.post(reverse("audit:verify")).status_code == 404

    denials = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user)
    assert denials.count() - denials_before == 4
    assert not ChainVerification.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, entries):
    response = client.get(list_url())
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_inactive_reviewer_sees_nothing(world, entries, login):
    client = login(world.supervisor)
    world.supervisor.is_active = False
    world.supervisor.save()
    assert client.get(list_url()).status_code in (302, 404)


# --- the list ----------------------------------------------------------------------------


def test_each_row_shows_what_happened(world, entries, login):
    chain.seal_all()
    body = login(world.supervisor).get(list_url(actor="admin")).content.decode()
    assert "<bdi>foundation</bdi>" in body  # the actor's organization
    assert "email, phone" in body  # the names of the fields, never their values
    assert "new number" in body
    assert reverse("audit:detail", args=[entries[1].entry_id]) in body
    assert "#2" in body  # sealed, with its sequence number


def test_times_are_shown_in_qatar_time(world, entries, login, settings):
    settings.TIME_ZONE = "Asia/Qatar"
    AuditEntry.objects.filter(pk=entries[1].pk).update(
        occurred_at=dt.datetime(2025, 1, 1, 21, 30, tzinfo=dt.UTC)
    )
    body = login(world.supervisor).get(list_url(actor="admin")).content.decode()
    assert "2025-01-02 00:30:00" in body
    assert "Asia/Qatar" in body


def test_the_action_label_is_translated(world, entries, login):
    client = login(world.supervisor)
    client.cookies["django_language"] = "en"
    body = client.get(list_url(action="auth.login_failed"), HTTP_ACCEPT_LANGUAGE="en").content
    assert "Failed sign-in" in body.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "admin"}, {"record.update"}),
        ({"organization": "center-protection"}, {"record.read"}),
        ({"action": "auth.login_failed"}, {"auth.login_failed"}),
        ({"object_type": "organizations.organization"}, {"record.read", "record.update"}),
    ],
)
def test_filters(world, entries, login, params, expected):
    response = login(world.supervisor).get(list_url(**params))
    shown = {entry.action for entry in response.context["page"].entries}
    assert shown == expected


def test_filter_by_object_id_and_request_id(world, entries, login):
    AuditEntry.objects.filter(pk=entries[2].pk).update(request_id="req-12345678")
    client = login(world.supervisor)
    page = client.get(list_url(object_id=entries[1].object_id)).context["page"]
    assert [e.entry_id for e in page.entries] == [entries[1].entry_id]
    page = client.get(list_url(request_id="req-12345678")).context["page"]
    assert [e.entry_id for e in page.entries] == [entries[2].entry_id]


def test_filter_by_date_range_in_local_days(world, entries, login):
    local_today = timezone.localdate()
    AuditEntry.objects.filter(pk=entries[0].pk).update(
        occurred_at=timezone.now() - dt.timedelta(days=10)
    )
    client = login(world.supervisor)
    page = client.get(list_url(date_from=str(local_today), date_to=str(local_today))).context[
        "page"
    ]
    ids = {e.entry_id for e in page.entries}
    assert entries[0].entry_id not in ids
    assert entries[1].entry_id in ids
    old_day = str(local_today - dt.timedelta(days=10))
    page = client.get(list_url(date_from=old_day, date_to=old_day)).context["page"]
    assert [e.entry_id for e in page.entries] == [entries[0].entry_id]


def test_a_reversed_date_range_is_an_error_not_a_silent_empty_list(world, entries, login):
    response = login(world.supervisor).get(list_url(date_from="2025-02-01", date_to="2025-01-01"))
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    assert response.context["page"].entries == []


def test_reading_the_list_is_itself_audited_with_the_filter_names(world, entries, login):
    login(world.supervisor).get(list_url(actor="admin", action="record.update"))
    read = AuditEntry.objects.filter(action=AuditAction.READ, actor=world.supervisor).get()
    assert read.object_type == "audit.auditentry"
    assert read.fields == ["action", "actor"]


def test_pages_go_back_and_forth_by_keyset(world, login):
    made = [
        audit_record(action=AuditAction.READ, object_type="test.thing", object_id=str(i))
        for i in range(PAGE_SIZE + 5)
    ]
    client = login(world.supervisor)
    first = client.get(list_url(object_type="test.thing")).context["page"]
    assert len(first.entries) == PAGE_SIZE
    assert first.entries[0].entry_id == made[-1].entry_id
    assert first.newer is None and first.older is not None

    second = client.get(
        list_url(object_type="test.thing", after=str(first.older))
    ).context["page"]
    assert [e.entry_id for e in second.entries] == [e.entry_id for e in reversed(made[:5])]
    assert second.older is None and second.newer is not None

    back = client.get(list_url(object_type="test.thing", before=str(second.newer))).context[
        "page"
    ]
    assert [e.entry_id for e in back.entries] == [e.entry_id for e in first.entries]
    assert back.newer is None


def test_queries_do_not_grow_with_rows(world, login):
    client = login(world.supervisor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(list_url()).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for i in range(n):
            audit_record(action=AuditAction.READ, actor=world.analyst, object_type="t",
                         object_id=str(i))

    add(3)
    few = queries()
    add(40)
    assert queries() == few


def test_chain_status_panel(world, entries, login):
    chain.seal_all()
    audit_record(action=AuditAction.READ, object_type="test.thing", object_id="x")
    ChainVerification.objects.create(ok=False, checked=7, unsealed=1, broken_seq=8,
                                     problem="content does not match its hash", source="task")
    status = login(world.supervisor).get(list_url()).context["status"]
    assert status.sealed_seq == 3
    assert status.unsealed >= 1
    assert status.last_verification.broken_seq == 8


# --- one entry ---------------------------------------------------------------------------


@pytest.mark.parametrize("username", REVIEWERS)
def test_reviewers_read_an_entry_and_that_is_audited(world, entries, login, username):
    user = getattr(world, username)
    entry = entries[1]
    response = login(user).get(reverse("audit:detail", args=[entry.entry_id]))
    assert response.status_code == 200
    assert response.context["entry"] == entry
    assert AuditEntry.objects.filter(
        action=AuditAction.READ, actor=user, object_id=str(entry.entry_id)
    ).exists()


def test_an_unknown_entry_is_404(world, login):
    response = login(world.supervisor).get(reverse("audit:detail", args=[uuid.uuid4()]))
    assert response.status_code == 404


# --- export ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", REVIEWERS)
def test_reviewers_export_the_filtered_list_as_csv(world, entries, login, username):
    user = getattr(world, username)
    response = login(user).get(reverse("audit:export") + "?action=record.update")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = export_rows(response)
    assert len(rows) == 2  # the header and the one update
    assert rows[1][3] == "admin"
    assert rows[1][7] == "record.update"
    assert rows[1][10] == "email phone"
    export = AuditEntry.objects.get(action=AuditAction.EXPORT, actor=user)
    assert export.fields == ["action"]


def test_export_neutralises_formulas(world, entries, login):
    rows = export_rows(login(world.admin).get(reverse("audit:export") + "?actor=intruder"))
    assert rows[1][11] == "'=HYPERLINK(\"http://evil\")"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("plain", "plain"), ("عربي", "عربي"), (None, "")],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_export_keeps_arabic_readable(world, login):
    audit_record(action=AuditAction.UPDATE, actor=world.admin, object_type="t", object_id="1",
                 reason="تصحيح الاسم")
    rows = export_rows(login(world.admin).get(reverse("audit:export")))
    assert any("تصحيح الاسم" in row for row in rows)


# --- verifying on demand -----------------------------------------------------------------


def test_a_reviewer_starts_a_verification_which_runs_in_the_background(
    world, entries, login, django_capture_on_commit_callbacks
):
    from tawasul.jobs.tests.helpers import run_ready

    chain.seal_all()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.admin).post(reverse("audit:verify"))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, actor=world.admin, object_type="audit.chainverification"
    ).exists()

    run_ready()

    check = ChainVerification.objects.get()
    assert (check.ok, check.source, check.requested_by) == (True, "page", "admin")


def test_verify_is_post_only(world, login):
    assert login(world.admin).get(reverse("audit:verify")).status_code == 405
