"""Community counts: who sees which community (page, CSV and API, from both sides), what
is counted, and that what is shown is suppressed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tawasul.api.tests.conftest import bearer, issue
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.people.models import SafetyFlag
from tawasul.portal import selectors
from tawasul.portal.access import COMMUNITY_OBJECT_TYPE
from tawasul.portal.selectors import CASES, REFERRALS, community_counts, month_window
from tawasul.portal.tests.conftest import local, make_cases, make_referrals, months_ago
from tawasul.portal.tests.test_suppression import subtract

pytestmark = pytest.mark.django_db

PAGE = reverse("portal:community")
CSV = reverse("portal:community_csv")
API = "/api/v1/community-counts/"


def cell(counts: selectors.CommunityCounts, measure: str, domain: str,
         month: dt.date) -> str:
    table = next(t for t in counts.tables if t.measure == measure)
    row = next(r for r in table.rows if r.domain == domain)
    return row.cells[counts.months.index(month)].display


def this_month() -> dt.date:
    return month_window()[-1]


def month(n: int) -> dt.date:
    return month_window()[-1 - n]


def squeeze(html: str) -> str:
    return re.sub(r"\s+", "", html)


def api(client: Client, user: Any, **params: str) -> Any:
    """Through a token, as partner systems call it (`client` is unused: a fresh one)."""
    return bearer(issue(user)).get(API, params)


# --- What is counted ----------------------------------------------------------------------


def test_counts_by_domain_and_month_with_small_counts_suppressed(world: World,
                                                                 community: None) -> None:
    counts = community_counts("PH")
    assert cell(counts, CASES, "protection", month(1)) == "9"
    assert cell(counts, CASES, "family", month(2)) == "<5"
    assert cell(counts, REFERRALS, "family", month(2)) == "9"
    assert cell(counts, REFERRALS, "protection", month(1)) == "<5"
    assert cell(counts, CASES, "elderly", this_month()) == "0"
    # Withheld so that the "<5" cannot be worked out from the totals.
    assert cell(counts, CASES, "family", this_month()) == "×"
    cases = next(t for t in counts.tables if t.measure == CASES).published
    assert cases.grand_total.display == "44"
    # Indian nationals are counted for India, not for the Philippines.
    assert cell(community_counts("IN"), CASES, "protection", this_month()) == "5"


def test_twelve_calendar_months_in_the_site_time_zone(world: World) -> None:
    months = month_window(dt.date(2026, 3, 10))
    assert months[0] == dt.date(2025, 4, 1) and months[-1] == dt.date(2026, 3, 1)
    assert len(months) == 12
    # 23:30 UTC on 31 January is 02:30 on 1 February in Doha: February's.
    at = dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC)
    make_cases(world, world.protection, "PH", 5, at)
    counts = community_counts("PH", today=dt.date(2026, 3, 10))
    assert cell(counts, CASES, "protection", dt.date(2026, 2, 1)) == "5"
    assert cell(counts, CASES, "protection", dt.date(2026, 1, 1)) == "0"
    # Thirteen months ago is out of the window.
    make_cases(world, world.family, "PH", 6, local(2025, 3, 20))
    counts = community_counts("PH", today=dt.date(2026, 3, 10))
    assert all(entry.display == "0" for entry in
               next(t for t in counts.tables if t.measure == CASES).rows[0].cells)


def test_persons_flagged_no_contact_are_not_counted_at_all(world: World) -> None:
    make_cases(world, world.protection, "PH", 5, months_ago(1))
    flagged_cases = make_cases(world, world.protection, "PH", 3, months_ago(1), flagged=True)
    make_referrals(world, "protection", "PH", 2, months_ago(1), flagged=True)
    counts = community_counts("PH")
    assert cell(counts, CASES, "protection", month(1)) == "5"
    assert cell(counts, REFERRALS, "protection", month(1)) == "0"
    # A cleared flag counts the person again.
    flag = SafetyFlag.objects.filter(person=flagged_cases[0].person).get()
    flag.cleared_at = timezone.now()
    flag.save()
    assert cell(community_counts("PH"), CASES, "protection", month(1)) == "6"


def test_an_embassys_own_referrals_to_the_foundation_are_not_counted(world: World) -> None:
    """Referrals to a center are; the embassy's referral to the foundation is the
    embassy's own knowledge (and is counted once routed to a center)."""
    to_foundation = make_referrals(world, "protection", "PH", 6, months_ago(1))
    from tawasul.referrals.models import Referral
    Referral.objects.filter(pk__in=[r.pk for r in to_foundation]).update(
        to_organization=world.foundation)
    assert cell(community_counts("PH"), REFERRALS, "protection", month(1)) == "0"


def test_two_queries_whatever_the_size(world: World, community: None,
                                       django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):
        community_counts("PH")


# --- Who sees which community -------------------------------------------------------------


@pytest.mark.parametrize("username", ["consul_ph", "viewer_ph"])
def test_an_embassy_sees_its_own_community(client: Client, world: World, community: None,
                                           username: str) -> None:
    user = world.users[username]
    page = log_in(client, user).get(PAGE)
    assert page.status_code == 200
    assert "<td>9</td>" in squeeze(page.content.decode())
    assert AuditEntry.objects.filter(actor=user, action=AuditAction.READ,
                                     object_type=COMMUNITY_OBJECT_TYPE, object_id="PH").exists()
    assert log_in(client, user).get(PAGE, {"country": "PH"}).status_code == 200


def test_an_embassy_cannot_ask_for_another_community(client: Client, world: World,
                                                     community: None) -> None:
    log_in(client, world.consul_in)
    for params in ({"country": "PH"}, {"country": "ph"}, {"country": "QQ"},
                   {"country": "<script>"}):
        assert client.get(PAGE, params).status_code == 404
        assert client.get(CSV, params).status_code == 404
    assert AuditEntry.objects.filter(actor=world.consul_in, action=AuditAction.ACCESS_DENIED,
                                     object_type=COMMUNITY_OBJECT_TYPE).count() == 8
    # Its own community is India's: 5, not the Philippines' 9.
    html = squeeze(client.get(PAGE).content.decode())
    assert "<td>5</td>" in html and "<td>9</td>" not in html
    answer = api(client, world.consul_in, country="PH")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("username", ["supervisor", "analyst"])
def test_ministry_and_analysts_see_any_community(client: Client, world: World,
                                                 community: None, username: str) -> None:
    user = world.users[username]
    log_in(client, user)
    chooser = client.get(PAGE)
    assert chooser.status_code == 200 and b'name="country"' in chooser.content
    for country, expected in (("PH", "9"), ("IN", "5")):
        page = client.get(PAGE, {"country": country})
        assert page.status_code == 200
        assert f"<td>{expected}</td>" in squeeze(page.content.decode())
    assert client.get(PAGE, {"country": "QQ"}).status_code == 400
    assert client.get(CSV, {"country": "PH"}).status_code == 200
    assert client.get(CSV).status_code == 400
    answer = api(client, user, country="IN")
    assert answer.status_code == 200 and answer.json()["country"] == "IN"
    missing = api(client, user)
    assert missing.status_code == 400
    assert missing.json()["error"]["fields"] == {"country": [missing.json()["error"]["message"]]}
    assert api(client, user, country="QQ").status_code == 400


@pytest.mark.parametrize("username", [
    "protection_director", "protection_manager", "protection_staff", "family_manager",
    "admin", "liaison", "intake", "unesco_fp",
])
def test_everyone_else_sees_no_community(client: Client, world: World, community: None,
                                         username: str) -> None:
    user = world.users[username]
    log_in(client, user)
    assert client.get(PAGE).status_code == 404
    assert client.get(PAGE, {"country": "PH"}).status_code == 404
    assert client.get(CSV, {"country": "PH"}).status_code == 404
    assert api(client, user, country="PH").status_code == 404
    assert not selectors.sees_communities(user)
    assert AuditEntry.objects.filter(actor=user, action=AuditAction.ACCESS_DENIED,
                                     object_type=COMMUNITY_OBJECT_TYPE).count() == 4


def test_the_navigation_offers_the_page_to_those_who_see_it(client: Client,
                                                            world: World) -> None:
    for username, shown in (("consul_ph", True), ("supervisor", True), ("analyst", True),
                            ("protection_manager", False), ("intake", False)):
        html = log_in(client, world.users[username]).get(reverse("home")).content.decode()
        assert (f'href="{PAGE}"' in html) is shown, username


def test_without_a_sign_in_nothing(client: Client, world: World) -> None:
    assert client.get(PAGE).status_code == 302
    assert client.get(API).status_code == 401


# --- What is shown ------------------------------------------------------------------------


def test_the_csv_is_the_same_suppressed_table_and_is_audited_as_an_export(
        client: Client, world: World, community: None) -> None:
    response = log_in(client, world.consul_ph).get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][2:14] == [f"{m:%Y-%m}" for m in month_window()]
    values = [v for row in rows[1:] for v in row[2:]]
    assert "<5" in values and "9" in values and "×" in values
    assert not any(v in {"1", "2", "3", "4"} for v in values)
    # Seven domains and a totals row, for each of the two tables.
    assert len(rows) == 1 + 2 * 8
    assert AuditEntry.objects.filter(actor=world.consul_ph, action=AuditAction.EXPORT,
                                     object_type=COMMUNITY_OBJECT_TYPE, object_id="PH").exists()


def test_the_api_answers_the_same_tables(client: Client, world: World, community: None) -> None:
    answer = api(client, world.viewer_ph)
    assert answer.status_code == 200
    body = answer.json()
    assert body["country"] == "PH" and body["threshold"] == 5
    assert body["months"] == [f"{m:%Y-%m}" for m in month_window()]
    assert [t["measure"] for t in body["results"]] == [REFERRALS, CASES]
    cases = body["results"][1]
    protection = next(r for r in cases["rows"] if r["domain"] == "protection")
    assert protection["cells"][-2] == {"count": 9, "display": "9", "suppressed": None}
    family = next(r for r in cases["rows"] if r["domain"] == "family")
    assert family["cells"][-3] == {"count": None, "display": "<5", "suppressed": "small"}
    assert family["cells"][-1] == {"count": None, "display": "×",
                                   "suppressed": "complementary"}
    counts = [e["count"] for t in body["results"] for r in t["rows"] for e in
              [*r["cells"], r["total"]]]
    counts += [e["count"] for t in body["results"] for e in
               [*t["column_totals"], t["grand_total"]]]
    assert not any(c in {1, 2, 3, 4} for c in counts)


def test_the_embassy_and_the_oversight_read_the_very_same_tables(
        client: Client, world: World, community: None) -> None:
    """One version of a community's counts: comparing two could undo the suppression (and
    tell the embassy that flagged persons exist where the counts differ)."""
    make_cases(world, world.protection, "PH", 3, months_ago(1), flagged=True)
    embassy = api(client, world.consul_ph).json()
    for overseer in (world.supervisor, world.analyst):
        assert api(client, overseer, country="PH").json() == embassy


def test_no_small_count_can_be_worked_out_from_the_page(world: World, community: None) -> None:
    for table in community_counts("PH").tables:
        assert subtract(table.published) == {}
