"""Unread messages: per user, from the other side only, never of a thread the user may not
read, and never of messages the thread's own app hides from them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import services as case_services
from tawasul.cases.case_types import load_case_types
from tawasul.cases.models import CaseType
from tawasul.common.testing import World
from tawasul.coordination import services as coordination
from tawasul.coordination.models import CoordinationRequest
from tawasul.home.tests.helpers import log_in
from tawasul.people import services as people_services
from tawasul.people.models import SafetyFlagKind
from tawasul.portal.models import ThreadReadMarker
from tawasul.portal.threads import unread_of
from tawasul.referrals import embassy_services
from tawasul.referrals import services as referral_services
from tawasul.referrals.tests.conftest import send, submit

pytestmark = pytest.mark.django_db

UNREAD = reverse("portal:unread_messages")


def open_url(request: CoordinationRequest) -> str:
    return reverse("portal:thread_open", args=["request", request.pk])


def write(world: World, request: CoordinationRequest, *texts: str) -> None:
    for text in texts:
        coordination.message_add(actor=world.protection_manager, request=request, text=text)


def test_messages_from_the_other_side_are_unread_for_each_user(
        world: World, request_to_ph: CoordinationRequest) -> None:
    write(world, request_to_ph, "Any news of her mother?", "Her brother may be in Cebu")
    for user in (world.consul_ph, world.viewer_ph):
        unread = unread_of(user)
        assert unread.messages == 2
        assert [t.thread for t in unread.threads] == [request_to_ph]
    # The writer's own side has nothing unread; another embassy and everyone else nothing.
    for user in (world.protection_manager, world.consul_in, world.liaison, world.supervisor,
                 world.family_manager):
        assert unread_of(user).messages == 0, user.username


def test_opening_the_thread_marks_it_read_for_that_user_only(
        client: Client, world: World, request_to_ph: CoordinationRequest) -> None:
    write(world, request_to_ph, "First")
    response = log_in(client, world.consul_ph).get(open_url(request_to_ph))
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("coordination:detail", args=[request_to_ph.pk]) + "#timeline")
    assert unread_of(world.consul_ph).messages == 0
    assert unread_of(world.viewer_ph).messages == 1
    assert AuditEntry.objects.filter(actor=world.consul_ph, action=AuditAction.UPDATE,
                                     object_type="portal.threadreadmarker").exists()
    write(world, request_to_ph, "Second")
    assert unread_of(world.consul_ph).messages == 1


def test_answering_reads_what_came_before(world: World,
                                          request_to_ph: CoordinationRequest) -> None:
    write(world, request_to_ph, "Can you trace her family?")
    coordination.request_acknowledge(actor=world.consul_ph, request=request_to_ph)
    coordination.message_add(actor=world.consul_ph, request=request_to_ph,
                             text="We are looking in Iloilo")
    assert unread_of(world.consul_ph).messages == 0
    assert unread_of(world.protection_manager).messages == 1
    assert unread_of(world.viewer_ph).messages == 1  # a colleague's answer is not theirs


def test_messages_hidden_once_sharing_stops_are_not_counted(
        world: World, request_to_ph: CoordinationRequest) -> None:
    """The consent is withdrawn: the embassy is no longer shown the foundation's messages,
    and is not told by a count that there were any."""
    write(world, request_to_ph, "Please trace her family")
    assert unread_of(world.consul_ph).messages == 1
    assert request_to_ph.consent is not None
    people_services.consent_withdraw(actor=world.protection_manager,
                                     consent=request_to_ph.consent, reason="She asked")
    assert unread_of(world.consul_ph).messages == 0


def test_another_embassy_cannot_open_or_mark_the_thread(
        client: Client, world: World, request_to_ph: CoordinationRequest) -> None:
    log_in(client, world.consul_in)
    assert client.get(open_url(request_to_ph)).status_code == 404
    assert client.get(reverse("portal:thread_open",
                              args=["nothing", request_to_ph.pk])).status_code == 404
    assert not ThreadReadMarker.objects.filter(user=world.consul_in).exists()
    assert AuditEntry.objects.filter(actor=world.consul_in,
                                     action=AuditAction.ACCESS_DENIED).count() == 2
    log_in(client, world.supervisor)
    assert client.get(open_url(request_to_ph)).status_code == 404


def test_the_unread_page_lists_the_threads_and_marks_all_read(
        client: Client, world: World, request_to_ph: CoordinationRequest) -> None:
    write(world, request_to_ph, "One", "Two")
    log_in(client, world.consul_ph)
    page = client.get(UNREAD)
    assert page.status_code == 200
    assert request_to_ph.reference in page.content.decode()
    assert open_url(request_to_ph) in page.content.decode()
    assert client.post(reverse("portal:threads_mark_read")).status_code == 302
    assert unread_of(world.consul_ph).messages == 0
    assert request_to_ph.reference not in client.get(UNREAD).content.decode()
    # Another embassy's page never names the request.
    assert request_to_ph.reference not in log_in(client, world.consul_in).get(
        UNREAD).content.decode()


def test_referral_threads_between_centers(world: World) -> None:
    load_case_types()
    person = people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        given_name_latin="Maryam", nationality="QA")
    case = case_services.case_open(
        actor=world.protection_manager, center=world.protection, person=person,
        case_type=CaseType.objects.get(domain="protection", code="child-abuse"),
        risk_level="high", summary="Details")
    referral = send(world, case)
    referral_services.referral_message_add(actor=world.family_manager, referral=referral,
                                       text="We need the school report")
    assert unread_of(world.protection_manager).messages == 1
    assert unread_of(world.family_manager).messages == 0
    assert unread_of(world.consul_ph).messages == 0


def test_an_embassys_referral_thread_with_the_foundation(world: World) -> None:
    referral = submit(world)
    embassy_services.embassy_message_add(actor=world.intake, referral=referral,
                                         text="Can you give us her address?")
    assert unread_of(world.consul_ph).messages == 1
    assert unread_of(world.consul_in).messages == 0
    embassy_services.embassy_message_add(actor=world.consul_ph, referral=referral,
                                         text="She lives in Al Sadd")
    assert unread_of(world.consul_ph).messages == 0
    assert unread_of(world.viewer_ph).messages == 1


def test_foundation_messages_of_a_withheld_referral_are_not_counted(world: World) -> None:
    """Once the person is flagged, the embassy is shown only its own messages: a count
    must not tell it that the foundation wrote."""
    referral = submit(world)
    embassy_services.embassy_message_add(actor=world.intake, referral=referral,
                                         text="Can you give us her address?")
    person = people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        given_name_latin="Maria", nationality="PH")
    embassy_services.referral_link_person(actor=world.intake, referral=referral, person=person)
    assert unread_of(world.consul_ph).messages == 1
    people_services.safety_flag_set(actor=world.protection_manager, person=person,
                                    kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY)
    assert unread_of(world.consul_ph).messages == 0


def test_reading_the_request_page_itself_reads_the_thread(
        client: Client, world: World, request_to_ph: CoordinationRequest) -> None:
    write(world, request_to_ph, "First")
    url = reverse("coordination:detail", args=[request_to_ph.pk])
    assert log_in(client, world.consul_ph).get(url).status_code == 200
    assert unread_of(world.consul_ph).messages == 0
    assert unread_of(world.viewer_ph).messages == 1


def test_reading_the_referral_page_itself_reads_the_thread(client: Client, world: World) -> None:
    referral = submit(world)
    embassy_services.embassy_message_add(actor=world.intake, referral=referral,
                                         text="Can you give us her address?")
    url = reverse("referrals:detail", args=[referral.pk])
    assert log_in(client, world.consul_ph).get(url).status_code == 200
    assert unread_of(world.consul_ph).messages == 0
    assert unread_of(world.viewer_ph).messages == 1
