"""Who reaches which page of the network, from both sides: the foundation's administrators
and liaison officers keep it all; a mission's users see their own mission's bulletins and
nothing else; everyone else finds no network at all (404)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.network.models import Bulletin, BulletinReceipt, Correspondence
from tawasul.network.tests.conftest import SUBJECT, TITLE_EN, send

pytestmark = pytest.mark.django_db

KEEPERS = ["liaison", "admin"]
NO_NETWORK = ["intake", "analyst", "supervisor", "protection_director", "protection_manager",
              "protection_staff", "unesco_fp"]
EMBASSY = ["consul_ph", "viewer_ph"]


def network_urls(entry: Correspondence, bulletin: Bulletin) -> list[str]:
    return [
        reverse("network:missions"),
        reverse("network:mission_detail", args=[entry.mission_id]),
        reverse("network:correspondence_create", args=[entry.mission_id]),
        reverse("network:correspondence_detail", args=[entry.pk]),
        reverse("network:correspondence_edit", args=[entry.pk]),
        reverse("network:correspondence_attachment", args=[entry.pk]),
        reverse("network:bulletins"),
        reverse("network:bulletin_create"),
        reverse("network:bulletin_detail", args=[bulletin.pk]),
    ]


@pytest.mark.parametrize("username", KEEPERS)
def test_keepers_reach_every_network_page(client: Client, world: World, entry: Correspondence,
                                          bulletin_ph: Bulletin, username: str) -> None:
    log_in(client, world.users[username])
    for url in network_urls(entry, bulletin_ph):
        assert client.get(url).status_code == 200, url
    directory = client.get(reverse("network:missions")).content.decode()
    assert world.embassy_ph.name_ar in directory and world.embassy_in.name_ar in directory
    mission_page = client.get(reverse("network:mission_detail", args=[entry.mission_id]))
    assert SUBJECT in mission_page.content.decode()


@pytest.mark.parametrize("username", NO_NETWORK)
def test_others_find_no_network_page(client: Client, world: World, entry: Correspondence,
                                     bulletin_ph: Bulletin, username: str) -> None:
    log_in(client, world.users[username])
    for url in network_urls(entry, bulletin_ph):
        assert client.get(url).status_code == 404, url
    # Nor can they write through the pages.
    response = client.post(reverse("network:correspondence_create", args=[entry.mission_id]),
                           {"direction": "incoming", "channel": "call",
                            "occurred_on": "2026-01-05", "subject": "Sneaky"})
    assert response.status_code == 404
    response = client.post(reverse("network:bulletin_create"), {
        "title_ar": "ع", "title_en": "Sneaky", "body_ar": "ع", "body_en": "x",
        "send_to": "all"})
    assert response.status_code == 404
    assert not Correspondence.objects.filter(subject="Sneaky").exists()
    assert not Bulletin.objects.filter(title_en="Sneaky").exists()
    assert not BulletinReceipt.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, entry: Correspondence,
                                                bulletin_ph: Bulletin) -> None:
    for url in network_urls(entry, bulletin_ph):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("username", EMBASSY)
def test_a_mission_sees_its_own_bulletins(client: Client, world: World, bulletin_ph: Bulletin,
                                          username: str) -> None:
    log_in(client, world.users[username])
    listing = client.get(reverse("network:bulletins"))
    assert listing.status_code == 200
    assert TITLE_EN in listing.content.decode() or "نشرة تجريبية" in listing.content.decode()
    detail = client.get(reverse("network:bulletin_detail", args=[bulletin_ph.pk]))
    assert detail.status_code == 200
    assert "Bulletin text" in detail.content.decode()


def test_another_missions_bulletin_does_not_exist(client: Client, world: World,
                                                  bulletin_ph: Bulletin) -> None:
    only_india = send(world, world.embassy_in, title_en="For India only",
                      title_ar="للهند فقط")
    log_in(client, world.consul_in)
    listing = client.get(reverse("network:bulletins")).content.decode()
    assert "للهند فقط" in listing
    assert "نشرة تجريبية" not in listing and TITLE_EN not in listing
    assert client.get(reverse("network:bulletin_detail", args=[bulletin_ph.pk])
                      ).status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     object_id=str(bulletin_ph.pk),
                                     actor_username="consul_in").exists()
    assert not BulletinReceipt.objects.filter(delivery__bulletin=bulletin_ph).exists()
    # And the other way round.
    log_in(client, world.consul_ph)
    assert client.get(reverse("network:bulletin_detail", args=[only_india.pk])
                      ).status_code == 404


@pytest.mark.parametrize("username", EMBASSY)
def test_a_mission_never_sees_the_correspondence_log(client: Client, world: World,
                                                     entry: Correspondence,
                                                     bulletin_ph: Bulletin,
                                                     username: str) -> None:
    """Not even the entries about its own mission."""
    assert entry.mission == world.embassy_ph
    log_in(client, world.users[username])
    for url in network_urls(entry, bulletin_ph):
        if url in (reverse("network:bulletins"),
                   reverse("network:bulletin_detail", args=[bulletin_ph.pk])):
            continue
        assert client.get(url).status_code == 404, url
    assert SUBJECT not in client.get(reverse("network:bulletins")).content.decode()


def test_a_mission_does_not_learn_who_else_received_a_bulletin(
    client: Client, world: World
) -> None:
    bulletin = send(world, world.embassy_ph, world.embassy_in)
    log_in(client, world.consul_in)
    client.get(reverse("network:bulletin_detail", args=[bulletin.pk]))
    log_in(client, world.consul_ph)
    page = client.get(reverse("network:bulletin_detail", args=[bulletin.pk])).content.decode()
    assert world.embassy_in.name_ar not in page and world.embassy_in.name_en not in page
    assert "consul_in" not in page
    assert "deliveries" not in client.get(
        reverse("network:bulletin_detail", args=[bulletin.pk])).context


def test_navigation_by_role(client: Client, world: World) -> None:
    missions, bulletins = reverse("network:missions"), reverse("network:bulletins")
    log_in(client, world.liaison)
    assert f'href="{missions}"' in client.get(reverse("home")).content.decode()
    log_in(client, world.consul_ph)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{bulletins}"' in page and f'href="{missions}"' not in page
    for username in ("protection_staff", "intake", "supervisor"):
        log_in(client, world.users[username])
        page = client.get(reverse("home")).content.decode()
        assert f'href="{missions}"' not in page and f'href="{bulletins}"' not in page
