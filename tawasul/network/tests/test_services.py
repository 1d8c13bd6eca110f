"""Writes to the network: who may, what is refused, what is cleaned, what is audited, and
read receipts recorded once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.testing import World, make_org
from tawasul.home.tests.helpers import log_in
from tawasul.network import services
from tawasul.network.models import Bulletin, BulletinDelivery, BulletinReceipt, Correspondence
from tawasul.network.tests.conftest import SUBJECT, record, send
from tawasul.organizations.models import OrganizationKind

pytestmark = pytest.mark.django_db


# --- Correspondence ---------------------------------------------------------------------


def test_recording_cleans_the_text_and_audits_field_names_only(world: World) -> None:
    entry = record(world, subject="\u202eRequest\u200b for   shelters ",
                   summary="Line one\u202e\r\nLine two  ", reference_number=" NV\u200b-12 ")
    assert entry.subject == "Request for shelters"
    assert entry.summary == "Line one\nLine two"
    assert entry.reference_number == "NV-12"
    assert entry.recorded_by == world.liaison
    audit = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(entry.pk))
    assert {"mission", "subject", "summary", "occurred_on"} <= set(audit.fields)
    assert "Request" not in audit.reason and "attachment_path" not in audit.fields


@pytest.mark.parametrize("username", ["liaison", "admin"])
def test_keepers_record_and_edit_correspondence(world: World, username: str) -> None:
    entry = record(world, actor=world.users[username])
    services.correspondence_update(
        actor=world.users[username], entry=entry, direction="incoming", channel="letter",
        occurred_on=entry.occurred_on, subject=SUBJECT, summary=entry.summary,
        reference_number=entry.reference_number,
    )
    entry.refresh_from_db()
    assert entry.channel == "letter"
    update = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(entry.pk))
    assert update.fields == ["channel"]


@pytest.mark.parametrize("username", ["intake", "protection_director", "consul_ph",
                                      "supervisor", "unesco_fp"])
def test_nobody_else_records_or_edits_correspondence(world: World, username: str) -> None:
    actor = world.users[username]
    with pytest.raises(PermissionDenied):
        record(world, actor=actor)
    assert not Correspondence.objects.exists()
    entry = record(world)
    with pytest.raises(PermissionDenied):
        services.correspondence_update(
            actor=actor, entry=entry, direction="outgoing", channel="call",
            occurred_on=entry.occurred_on, subject="Changed")
    entry.refresh_from_db()
    assert entry.subject == SUBJECT
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     actor_username=username).count() == 2


@pytest.mark.parametrize(("extra", "field", "code"), [
    ({"occurred_on": dt.date.today() + dt.timedelta(days=2)}, "occurred_on", "date_in_future"),
    ({"occurred_on": dt.date(1900, 1, 1)}, "occurred_on", "date_too_early"),
    ({"channel": "pigeon"}, "channel", "invalid"),
    ({"direction": "sideways"}, "direction", "invalid"),
    ({"subject": " \u200b "}, "subject", "required"),
    ({"subject": "x" * 301}, "subject", "too_long"),
    ({"reference_number": "x" * 101}, "reference_number", "too_long"),
])
def test_bad_input_is_refused_naming_the_field(world: World, extra: dict, field: str,
                                               code: str) -> None:
    with pytest.raises(DomainError) as raised:
        record(world, **extra)
    assert (raised.value.field, raised.value.code) == (field, code)
    assert not Correspondence.objects.exists()


def test_correspondence_is_only_with_missions(world: World) -> None:
    with pytest.raises(DomainError) as raised:
        record(world, mission=world.unesco)
    assert raised.value.field == "mission"


def test_the_page_keeps_what_was_typed_when_refused(client: Client, world: World) -> None:
    log_in(client, world.liaison)
    url = reverse("network:correspondence_create", args=[world.embassy_ph.pk])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(url, {"direction": "incoming", "channel": "letter",
                                 "occurred_on": tomorrow.isoformat(),
                                 "subject": "Letter about interpreters",
                                 "summary": "<b>bold</b> and <script>alert(1)</script>"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Letter about interpreters" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert response.context["form"].errors["occurred_on"]
    assert not Correspondence.objects.exists()


def test_the_summary_is_shown_escaped_with_its_line_breaks(client: Client,
                                                           world: World) -> None:
    entry = record(world, summary='First line\n<img src=x onerror="alert(1)">')
    log_in(client, world.liaison)
    page = client.get(reverse("network:correspondence_detail", args=[entry.pk])
                      ).content.decode()
    assert 'class="preserve-lines" dir="auto">First line\n&lt;img src=x' in page
    assert "<img src=x" not in page
    read = AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(entry.pk))
    assert read.count() == 1 and "summary" in read.get().fields


def test_the_directory_searches_by_country_and_language(client: Client, world: World) -> None:
    world.embassy_ph.languages = ["tl", "en"]
    world.embassy_ph.save()
    world.embassy_in.contacts.create(name_en="Rajesh Kumar", languages=["ml"], is_public=False)
    log_in(client, world.liaison)
    url = reverse("network:missions")
    assert set(client.get(url, {"country": "PH"}).context["page_obj"]) == {world.embassy_ph}
    assert set(client.get(url, {"language": "tl"}).context["page_obj"]) == {world.embassy_ph}
    # A focal point's language counts, internal ones included: the keepers see them all.
    assert set(client.get(url, {"language": "ml"}).context["page_obj"]) == {world.embassy_in}
    assert set(client.get(url, {"q": "Rajesh"}).context["page_obj"]) == {world.embassy_in}
    page = client.get(url).content.decode()
    assert "Rajesh Kumar" in page and world.ministry.name_ar not in page


# --- Bulletins ------------------------------------------------------------------------------


def test_sending_makes_one_delivery_per_chosen_mission(world: World) -> None:
    bulletin = send(world, world.embassy_ph, world.embassy_in)
    assert set(BulletinDelivery.objects.filter(bulletin=bulletin)
               .values_list("mission__code", flat=True)) == {"embassy-ph", "embassy-in"}
    assert not bulletin.to_all_missions and bulletin.sent_by == world.liaison
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(bulletin.pk))
    assert {"title_ar", "title_en", "body_ar", "body_en"} <= set(entry.fields)
    assert AuditEntry.objects.filter(action=AuditAction.CREATE,
                                     object_type="network.bulletindelivery").count() == 2


def test_sending_to_all_reaches_every_active_mission(world: World) -> None:
    closed = make_org(OrganizationKind.EMBASSY, "embassy-xx", country="NP", is_active=False)
    bulletin = send(world, to_all_missions=True, missions=[])
    missions = set(BulletinDelivery.objects.filter(bulletin=bulletin)
                   .values_list("mission", flat=True))
    assert missions == {world.embassy_ph.pk, world.embassy_in.pk}
    assert closed.pk not in missions and bulletin.to_all_missions


@pytest.mark.parametrize(("extra", "field"), [
    ({"missions": []}, "missions"),
    ({"missions": ["unesco"]}, "missions"),
    ({"title_en": ""}, "title_en"),
    ({"body_ar": "  \u200b "}, "body_ar"),
])
def test_a_bulletin_needs_both_languages_and_missions(world: World, extra: dict,
                                                      field: str) -> None:
    if extra.get("missions") == ["unesco"]:
        extra = {"missions": [world.unesco]}
    with pytest.raises(DomainError) as raised:
        send(world, **extra)
    assert raised.value.field == field
    assert not Bulletin.objects.exists()


@pytest.mark.parametrize("username", ["intake", "protection_manager", "consul_ph",
                                      "supervisor", "analyst"])
def test_only_keepers_send_bulletins(world: World, username: str) -> None:
    with pytest.raises(PermissionDenied):
        send(world, actor=world.users[username])
    assert not Bulletin.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     actor_username=username,
                                     object_type="network.bulletin").exists()


def test_the_send_page_sends_and_shows_errors(client: Client, world: World) -> None:
    log_in(client, world.liaison)
    url = reverse("network:bulletin_create")
    response = client.post(url, {"title_ar": "عنوان", "title_en": "A title",
                                 "body_ar": "نص", "body_en": "Text", "send_to": "chosen"})
    assert response.status_code == 400
    assert response.context["form"].errors["missions"]
    assert "A title" in response.content.decode()
    response = client.post(url, {"title_ar": "عنوان", "title_en": "A title", "body_ar": "نص",
                                 "body_en": "Text", "send_to": "chosen",
                                 "missions": [world.embassy_in.pk]})
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("network:bulletin_detail", args=[bulletin.pk])
    assert list(bulletin.deliveries.values_list("mission", flat=True)) == [world.embassy_in.pk]


# --- Read receipts --------------------------------------------------------------------------


def test_a_receipt_is_recorded_once_per_user(client: Client, world: World,
                                             bulletin_ph: Bulletin) -> None:
    url = reverse("network:bulletin_detail", args=[bulletin_ph.pk])
    log_in(client, world.consul_ph)
    client.get(url)
    first = BulletinReceipt.objects.get()
    client.get(url)
    client.get(url)
    assert BulletinReceipt.objects.get() == first
    assert (first.user, first.delivery.mission) == (world.consul_ph, world.embassy_ph)
    assert AuditEntry.objects.filter(action=AuditAction.CREATE,
                                     object_type="network.bulletinreceipt").count() == 1
    # A colleague reading it is a second receipt, once too.
    log_in(client, world.viewer_ph)
    client.get(url)
    client.get(url)
    assert BulletinReceipt.objects.count() == 2


def test_keepers_reading_leave_no_receipt_and_see_who_read_when(
    client: Client, world: World
) -> None:
    bulletin = send(world, world.embassy_ph, world.embassy_in)
    services.bulletin_mark_read(user=world.consul_ph, bulletin=bulletin)
    log_in(client, world.liaison)
    response = client.get(reverse("network:bulletin_detail", args=[bulletin.pk]))
    assert BulletinReceipt.objects.count() == 1
    rows = {d.mission: [r.user for r in d.read_by] for d in response.context["deliveries"]}
    assert rows == {world.embassy_ph: [world.consul_ph], world.embassy_in: []}
    assert response.context["read_count"] == 1
    page = response.content.decode()
    assert "consul_ph" in page  # the reader's name (no full name: the username)
    listing = client.get(reverse("network:bulletins"))
    row = listing.context["page_obj"][0]
    assert (row.mission_count, row.read_mission_count) == (2, 1)


def test_mark_read_ignores_users_of_other_missions(world: World,
                                                   bulletin_ph: Bulletin) -> None:
    assert services.bulletin_mark_read(user=world.consul_in, bulletin=bulletin_ph) is None
    assert services.bulletin_mark_read(user=world.liaison, bulletin=bulletin_ph) is None
    assert not BulletinReceipt.objects.exists()
