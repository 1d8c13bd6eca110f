"""The network in the API: bulletins (a mission reads its own, retrieving records the
receipt; the foundation's keepers list and send) and the missions directory."""

from __future__ import annotations

import pytest

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import World
from tawasul.network.models import Bulletin, BulletinReceipt
from tawasul.network.tests.conftest import TITLE_EN, send

pytestmark = pytest.mark.django_db

BULLETINS = "/api/v1/bulletins/"
MISSIONS = "/api/v1/missions/"
NEW = {"title_ar": "عنوان", "title_en": "A title", "body_ar": "نص\nسطر", "body_en": "Text"}


def test_a_mission_lists_its_bulletins_without_their_text(as_user, world: World,
                                                         bulletin_ph: Bulletin) -> None:
    send(world, world.embassy_in, title_en="For India only")
    body = as_user(world.consul_ph).get(BULLETINS).json()
    assert [row["title_en"] for row in body["results"]] == [TITLE_EN]
    row = body["results"][0]
    assert "body_en" not in row and row["read_at"] is None
    assert row["mission_count"] is None and row["to_all_missions"] is None
    assert not BulletinReceipt.objects.exists()


def test_retrieving_is_reading_and_is_recorded_once(as_user, world: World,
                                                    bulletin_ph: Bulletin) -> None:
    client = as_user(world.consul_ph)
    first = client.get(f"{BULLETINS}{bulletin_ph.pk}/")
    assert first.status_code == 200
    data = first.json()
    assert data["body_ar"] == "نص النشرة\nالسطر الثاني" and data["read_at"]
    assert data["deliveries"] is None and data["sent_by"] is None
    second = client.get(f"{BULLETINS}{bulletin_ph.pk}/").json()
    assert second["read_at"] == data["read_at"]
    assert BulletinReceipt.objects.get().user == world.consul_ph
    assert client.get(BULLETINS).json()["results"][0]["read_at"] == data["read_at"]


def test_another_missions_bulletin_is_404(as_user, world: World,
                                          bulletin_ph: Bulletin) -> None:
    client = as_user(world.consul_in)
    assert client.get(BULLETINS).json()["results"] == []
    response = client.get(f"{BULLETINS}{bulletin_ph.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not BulletinReceipt.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     object_id=str(bulletin_ph.pk)).exists()


@pytest.mark.parametrize("username", ["protection_staff", "intake", "supervisor", "analyst",
                                      "unesco_fp"])
def test_others_see_no_bulletin_and_send_none(as_user, world: World, bulletin_ph: Bulletin,
                                              username: str) -> None:
    client = as_user(world.users[username])
    assert client.get(BULLETINS).json()["results"] == []
    assert client.get(f"{BULLETINS}{bulletin_ph.pk}/").status_code == 404
    response = client.post(BULLETINS, {**NEW, "to_all_missions": True}, format="json")
    assert response.status_code == 403
    assert Bulletin.objects.count() == 1


def test_a_mission_cannot_send(as_user, world: World) -> None:
    response = as_user(world.consul_ph).post(
        BULLETINS, {**NEW, "missions": [str(world.embassy_in.pk)]}, format="json")
    assert response.status_code == 403
    assert not Bulletin.objects.exists()


@pytest.mark.parametrize("username", ["liaison", "admin"])
def test_keepers_send_and_see_receipts(as_user, world: World, username: str) -> None:
    client = as_user(world.users[username])
    response = client.post(BULLETINS, {**NEW, "missions": [str(world.embassy_ph.pk),
                                                           str(world.embassy_in.pk)]},
                           format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["body_ar"] == "نص\nسطر"
    assert {d["mission"]["code"] for d in data["deliveries"]} == {"embassy-ph", "embassy-in"}
    bulletin = Bulletin.objects.get(pk=data["id"])
    as_user(world.viewer_ph).get(f"{BULLETINS}{bulletin.pk}/")
    detail = client.get(f"{BULLETINS}{bulletin.pk}/").json()
    read = {d["mission"]["code"]: [r["user"]["username"] for r in d["read_by"]]
            for d in detail["deliveries"]}
    assert read == {"embassy-ph": ["viewer_ph"], "embassy-in": []}
    row = client.get(BULLETINS).json()["results"][0]
    assert (row["mission_count"], row["read_mission_count"]) == (2, 1)
    assert BulletinReceipt.objects.count() == 1  # the keeper's reading left none


def test_bad_input_answers_400_with_fields(as_user, world: World) -> None:
    client = as_user(world.liaison)
    cases = [
        ({**NEW, "title_en": ""}, "title_en"),
        ({**NEW}, "missions"),
        ({**NEW, "missions": [str(world.unesco.pk)]}, "missions"),
        ({**NEW, "missions": ["not-a-uuid"]}, "missions.0"),
        ({**NEW, "to_all_missions": True, "priority": "high"}, "priority"),
        ({**NEW, "to_all_missions": True, "body_en": " \u200b "}, "body_en"),
    ]
    for payload, field in cases:
        response = client.post(BULLETINS, payload, format="json")
        assert response.status_code == 400, (payload, response.json())
        assert field in response.json()["error"]["fields"], (field, response.json())
    assert not Bulletin.objects.exists()


def test_html_in_a_bulletin_is_kept_as_text(as_user, world: World) -> None:
    response = as_user(world.liaison).post(
        BULLETINS, {**NEW, "body_en": "<script>alert(1)</script>", "to_all_missions": True},
        format="json")
    assert response.json()["body_en"] == "<script>alert(1)</script>"


@pytest.mark.parametrize("username", ["liaison", "admin"])
def test_keepers_read_the_missions_directory(as_user, world: World, username: str) -> None:
    world.embassy_ph.contacts.create(name_en="Maria Santos", languages=["tl"], is_public=True)
    world.embassy_ph.contacts.create(name_en="Welfare officer", is_public=False,
                                     notes="Direct line")
    client = as_user(world.users[username])
    body = client.get(MISSIONS).json()
    assert {m["code"] for m in body["results"]} == {"embassy-ph", "embassy-in"}
    ph = client.get(MISSIONS, {"country": "ph"}).json()["results"]
    assert [m["code"] for m in ph] == ["embassy-ph"]
    assert {c["name_en"]: c["is_public"] for c in ph[0]["focal_points"]} == {
        "Maria Santos": True, "Welfare officer": False}
    assert "notes" not in ph[0]["focal_points"][0]
    assert [m["code"] for m in client.get(MISSIONS, {"language": "tl"}).json()["results"]] \
        == ["embassy-ph"]
    detail = client.get(f"{MISSIONS}{world.embassy_in.pk}/")
    assert detail.status_code == 200 and detail.json()["country"] == "IN"
    assert client.get(f"{MISSIONS}{world.unesco.pk}/").status_code == 404
    assert client.get(MISSIONS, {"language": "Tagalog"}).status_code == 400


@pytest.mark.parametrize("username", ["consul_ph", "protection_staff", "intake", "supervisor"])
def test_nobody_else_reads_the_missions_directory(as_user, world: World,
                                                  username: str) -> None:
    client = as_user(world.users[username])
    assert client.get(MISSIONS).json()["results"] == []
    assert client.get(f"{MISSIONS}{world.embassy_ph.pk}/").status_code == 404
