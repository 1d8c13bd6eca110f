"""Who is told of what on a referral from an embassy, in the app and by email in their
own language, and the `referral.status_changed` webhook the embassy is sent: the fields
the embassy may see and nothing more, and nothing at all about a flagged person."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from tawasul.cases.models import NOTIFICATION_TEXT, Notification, NotificationKind
from tawasul.common.testing import World
from tawasul.jobs.tests.helpers import run_ready
from tawasul.people import services as people_services
from tawasul.people.models import Person, SafetyFlagKind
from tawasul.referrals import embassy_services, services
from tawasul.referrals.models import Referral
from tawasul.referrals.tests.conftest import (
    EMBASSY_REASON,
    accept_assignment,
    assign_to_protection,
    submit,
)
from tawasul.webhooks import destinations, sending
from tawasul.webhooks import services as webhook_services
from tawasul.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from tawasul.webhooks.tests.conftest import FakeResolver, FakeTransport

pytestmark = pytest.mark.django_db
ARABIC = re.compile(r"[\u0600-\u06FF]")
EMBASSY_KINDS = {NotificationKind.EMBASSY_REFERRAL_RECEIVED,
                 NotificationKind.EMBASSY_REFERRAL_STATUS, NotificationKind.REFERRAL_HANDED_BACK}
PAYLOAD_FIELDS = {"id", "reference", "status", "status_changed_at", "domain", "urgency",
                  "sent_at", "decline_reason", "receiving_center"}


@pytest.fixture(autouse=True)
def _catalog(catalog: None) -> None:
    """The case types the centers accept with."""


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTransport]:
    monkeypatch.setattr(destinations, "RESOLVER", FakeResolver())
    transport = FakeTransport()
    monkeypatch.setattr(sending, "TRANSPORT", transport)
    yield transport


@pytest.fixture
def endpoint(world: World) -> WebhookEndpoint:
    endpoint, _secret = webhook_services.endpoint_register(
        actor=world.consul_ph, organization=world.embassy_ph,
        url="https://hooks.embassy-ph.example.org/tawasul",
        events=[WebhookEvent.REFERRAL_STATUS_CHANGED], description="Case system")
    return endpoint


@pytest.fixture
def languages(world: World) -> None:
    """The consul reads English, the viewer and the intake officer Arabic."""
    for username, language, email in (("consul_ph", "en", "consul@ph.example"),
                                      ("viewer_ph", "ar", "viewer@ph.example"),
                                      ("intake", "ar", "intake@foundation.example"),
                                      ("protection_director", "en", "dir@protection.example")):
        user = world.users[username]
        user.preferred_language, user.email = language, email
        user.save()


def kinds_of(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("created_at")
                .values_list("kind", flat=True))


def statuses(endpoint: WebhookEndpoint) -> list[str]:
    return [d.payload["referral"]["status"]
            for d in WebhookDelivery.objects.filter(endpoint=endpoint).order_by("created_at")]


def test_the_intake_desk_is_told_of_a_new_referral_in_its_language(
        world: World, languages: None, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        referral = submit(world)
    [note] = Notification.objects.filter(recipient=world.intake)
    assert note.kind == NotificationKind.EMBASSY_REFERRAL_RECEIVED
    with translation.override("ar"):
        assert referral.reference in note.text and ARABIC.search(note.text)
    # The embassy made it: it is not told of it.
    assert not Notification.objects.filter(recipient__organization=world.embassy_ph).exists()
    run_ready()
    [email] = mail.outbox
    assert email.to == ["intake@foundation.example"] and referral.reference in email.subject
    assert email.extra_headers["Content-Language"] == "ar"
    assert EMBASSY_REASON not in email.body
    assert "Maria" not in email.body


def test_the_embassy_is_told_of_each_status_it_may_see_in_its_users_languages(
        world: World, maria: Person, languages: None,
        django_capture_on_commit_callbacks: Any) -> None:
    referral = submit(world)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assign_to_protection(world, referral, maria)
        accept_assignment(world, assignment)
    for user in (world.consul_ph, world.viewer_ph):
        assert kinds_of(user) == [NotificationKind.EMBASSY_REFERRAL_STATUS] * 2
    first, second = Notification.objects.filter(recipient=world.consul_ph).order_by(
        "created_at")
    with translation.override("en"):
        assert first.text == f"Your referral {referral.reference}: Under review."
        assert second.text == f"Your referral {referral.reference}: Accepted."
    assert NotificationKind.REFERRAL_RECEIVED in kinds_of(world.protection_director)
    run_ready()
    to_consul = [m for m in mail.outbox if m.to == ["consul@ph.example"]]
    to_viewer = [m for m in mail.outbox if m.to == ["viewer@ph.example"]]
    assert len(to_consul) == len(to_viewer) == 2
    assert "Accepted" in to_consul[1].subject
    assert to_consul[1].extra_headers["Content-Language"] == "en"
    assert to_viewer[1].extra_headers["Content-Language"] == "ar"
    for message in to_consul + to_viewer:
        assert "Maria" not in message.body and "protection" not in message.body.lower()
        assert world.protection.name_en not in message.body


def test_a_hand_back_is_told_to_the_intake_desk_and_not_to_the_embassy(
        world: World, maria: Person) -> None:
    referral = submit(world)
    assignment = assign_to_protection(world, referral, maria)
    services.referral_decline(actor=world.protection_manager, referral=assignment,
                              reason="Not our domain")
    assert kinds_of(world.intake)[-1] == NotificationKind.REFERRAL_HANDED_BACK
    assert kinds_of(world.consul_ph) == [NotificationKind.EMBASSY_REFERRAL_STATUS]


def test_messages_tell_the_other_side(world: World, embassy_referral: Referral) -> None:
    embassy_services.embassy_message_add(actor=world.consul_ph, referral=embassy_referral,
                                         text="She may call you herself.")
    assert kinds_of(world.intake) == [NotificationKind.EMBASSY_REFERRAL_RECEIVED,
                                      NotificationKind.REFERRAL_MESSAGE]
    assert kinds_of(world.consul_ph) == []
    embassy_services.embassy_message_add(actor=world.intake, referral=embassy_referral,
                                         text="Thank you.")
    assert kinds_of(world.consul_ph) == kinds_of(world.viewer_ph) == [
        NotificationKind.REFERRAL_MESSAGE]
    assert kinds_of(world.consul_in) == []


def test_every_kind_used_is_a_choice_with_a_text(world: World, maria: Person) -> None:
    referral = submit(world)
    assignment = assign_to_protection(world, referral, maria)
    services.referral_decline(actor=world.protection_manager, referral=assignment,
                              reason="Not ours")
    made = set(Notification.objects.values_list("kind", flat=True))
    assert made >= EMBASSY_KINDS
    for kind in EMBASSY_KINDS:
        assert kind in NotificationKind.values and kind in NOTIFICATION_TEXT
    for note in Notification.objects.all():
        note.full_clean()


def test_the_webhook_carries_what_the_embassy_may_see(
        world: World, maria: Person, endpoint: WebhookEndpoint) -> None:
    referral = submit(world)
    assignment = assign_to_protection(world, referral, maria)
    services.referral_decline(actor=world.protection_manager, referral=assignment,
                              reason="Handed back: she needs legal advice")
    assignment = embassy_services.referral_assign(actor=world.intake, referral=referral,
                                                  center=world.protection)
    accept_assignment(world, assignment)
    # One delivery per status the embassy sees change (the hand-back is not one of them).
    assert statuses(endpoint) == ["submitted", "under_review", "accepted"]
    for delivery in WebhookDelivery.objects.filter(endpoint=endpoint):
        body = delivery.payload["referral"]
        assert set(body) == PAYLOAD_FIELDS
        assert body["reference"] == referral.reference and body["receiving_center"] is None
        text = json.dumps(delivery.payload, ensure_ascii=False)
        for secret in ("Maria", maria.reference, str(maria.pk), "legal advice",
                       assignment.reference, EMBASSY_REASON, world.protection.name_en):
            assert secret not in text
    assert not WebhookDelivery.objects.exclude(endpoint=endpoint).exists()


def test_with_consent_the_webhook_names_the_center_and_the_disclosure_is_logged(
        world: World, maria: Person, endpoint: WebhookEndpoint) -> None:
    from tawasul.coordination.models import Disclosure

    people_services.consent_record(
        actor=world.protection_manager, person=maria, purpose="coordination_with_embassy",
        recipients=[world.embassy_ph], data_categories=["identity", "case_summary"])
    referral = submit(world)
    accept_assignment(world, assign_to_protection(world, referral, maria))
    last = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at")[0]
    assert last.payload["referral"]["receiving_center"]["code"] == world.protection.code
    assert Disclosure.objects.filter(person=maria, recipient=world.embassy_ph).count() == 1


def test_nothing_reaches_the_embassy_about_a_flagged_person(
        world: World, maria: Person, endpoint: WebhookEndpoint) -> None:
    referral = submit(world)
    assignment = assign_to_protection(world, referral, maria)
    before = WebhookDelivery.objects.count()
    notes = Notification.objects.filter(recipient__organization=world.embassy_ph).count()
    people_services.safety_flag_set(actor=world.protection_manager, person=maria,
                                    kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY)
    accept_assignment(world, assignment)
    services.referral_start(actor=world.protection_manager, referral=assignment)
    embassy_services.embassy_message_add(actor=world.consul_ph, referral=referral,
                                         text="Any news?")
    assert WebhookDelivery.objects.count() == before
    assert Notification.objects.filter(
        recipient__organization=world.embassy_ph).count() == notes
