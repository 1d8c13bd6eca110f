"""The embassy portal's home: what waits for the embassy, counted per embassy through the
owning apps' selectors, each figure linking to its list."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tawasul.cases.case_types import load_case_types
from tawasul.common.testing import World
from tawasul.coordination import services as coordination
from tawasul.coordination.models import CoordinationRequest
from tawasul.home.dashboards import embassy_work
from tawasul.home.tests.helpers import log_in
from tawasul.network import services as network
from tawasul.network.selectors import bulletins_for_mission
from tawasul.people import services as people_services
from tawasul.people.models import SafetyFlagKind
from tawasul.referrals import embassy_services
from tawasul.referrals.tests.conftest import MARIA, submit

pytestmark = pytest.mark.django_db

TALLIES = ("tally-open-referrals", "tally-open-requests", "tally-overdue", "tally-unread-messages",
           "tally-unread-bulletins")


def tallies(client: Client) -> dict[str, str]:
    html = client.get(reverse("home")).content.decode()
    found = {}
    for tally in TALLIES:
        match = re.search(rf'id="{tally}".*?<p class="display-6[^"]*">([^<]+)</p>', html, re.S)
        assert match is not None, tally
        found[tally] = match.group(1).strip()
    return found


@pytest.fixture
def busy_ph(world: World, request_to_ph: CoordinationRequest) -> None:
    """For the Philippines: one referral of its own, one open request, past due, with two
    unread messages, and a bulletin nobody has read; for India a bulletin too."""
    submit(world)
    for text in ("Any news?", "Her brother may be in Cebu"):
        coordination.message_add(actor=world.protection_manager, request=request_to_ph,
                                 text=text)
    CoordinationRequest.objects.filter(pk=request_to_ph.pk).update(
        due_at=timezone.now() - dt.timedelta(days=1))
    network.bulletin_send(actor=world.liaison, title_ar="نشرة", title_en="Bulletin",
                          body_ar="نص", body_en="Text",
                          missions=[world.embassy_ph, world.embassy_in])


def test_the_embassy_home_counts_what_waits_for_it(client: Client, world: World,
                                                   busy_ph: None) -> None:
    log_in(client, world.consul_ph)
    assert tallies(client) == {"tally-open-referrals": "1", "tally-open-requests": "1",
                               "tally-overdue": "1", "tally-unread-messages": "2",
                               "tally-unread-bulletins": "1"}
    html = client.get(reverse("home")).content.decode()
    for link in (reverse("referrals:embassy_list"), reverse("coordination:list") + "?status=open",
                 reverse("coordination:list") + "?status=open&amp;overdue=on",
                 reverse("portal:unread_messages"), reverse("network:bulletins"),
                 reverse("organizations:services"), reverse("portal:community"),
                 reverse("organizations:detail", args=[world.embassy_ph.pk])):
        assert f'href="{link}"' in html, link


def test_another_embassy_counts_only_its_own(client: Client, world: World,
                                             busy_ph: None) -> None:
    log_in(client, world.consul_in)
    assert tallies(client) == {"tally-open-referrals": "0", "tally-open-requests": "0",
                               "tally-overdue": "0", "tally-unread-messages": "0",
                               "tally-unread-bulletins": "1"}


def test_reading_brings_the_figures_down(client: Client, world: World, busy_ph: None,
                                         request_to_ph: CoordinationRequest) -> None:
    log_in(client, world.viewer_ph)
    client.get(reverse("portal:thread_open", args=["request", request_to_ph.pk]))
    network.bulletin_mark_read(user=world.viewer_ph,
                               bulletin=bulletins_for_mission(world.viewer_ph).get())
    coordination.request_fulfil(actor=world.consul_ph, request=request_to_ph,
                                note="Found her mother")
    work = embassy_work(world.viewer_ph)
    assert (work.open_requests, work.overdue_requests, work.unread_messages,
            work.unread_bulletins) == (0, 0, 0, 0)


def test_referrals_count_open_as_the_embassy_sees_them(world: World) -> None:
    """Declined, the referral is no longer open; about a person withheld from the embassy
    it still reads "submitted" to it, and so still counts as open, whatever became of it."""
    load_case_types()
    declined = submit(world)
    embassy_services.referral_intake_decline(actor=world.intake, referral=declined,
                                             reason="Not for us")
    assert embassy_work(world.consul_ph).open_referrals == 0
    withheld = submit(world, person={**MARIA, "passport_number": "P1111111A"})
    person = people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        given_name_latin="Maria", nationality="PH")
    embassy_services.referral_link_person(actor=world.intake, referral=withheld, person=person)
    people_services.safety_flag_set(actor=world.protection_manager, person=person,
                                    kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY)
    embassy_services.referral_intake_decline(actor=world.intake, referral=withheld,
                                             reason="Not for us")
    assert embassy_work(world.consul_ph).open_referrals == 1
    assert embassy_work(world.consul_in).open_referrals == 0


def test_the_home_costs_the_same_with_more_requests(
        client: Client, world: World, busy_ph: None, django_assert_max_num_queries: object
) -> None:
    log_in(client, world.consul_ph)
    client.get(reverse("home"))  # warm the session and the caches
    with django_assert_max_num_queries(40):  # type: ignore[operator]
        assert client.get(reverse("home")).status_code == 200
