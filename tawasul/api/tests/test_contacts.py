from __future__ import annotations

import pytest

from tawasul.organizations.models import Contact

LIST = "/api/v1/contacts/"


@pytest.fixture
def contacts(world):
    public = Contact.objects.create(
        organization=world.embassy_ph, name_en="Maria Santos", name_ar="ماريا سانتوس",
        email="maria@example.org", is_public=True, notes="prefers phone",
    )
    internal = Contact.objects.create(
        organization=world.embassy_ph, name_en="Jose Cruz", is_public=False,
        notes="private remark",
    )
    return public, internal


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_public_contact_visible_to_every_member_without_internal_notes(world, contacts, as_user):
    public, _internal = contacts
    for user in (world.consul_in, world.protection_staff, world.supervisor, world.unesco_fp):
        client = as_user(user)
        assert str(public.pk) in ids(client.get(LIST))
        row = client.get(f"{LIST}{public.pk}/").json()
        assert row["name_en"] == "Maria Santos"
        assert row["organization"]["code"] == "embassy-ph"
        assert "notes" not in row


def test_non_public_contact_visible_to_its_organization_and_liaison(world, contacts, as_user):
    _public, internal = contacts
    for user in (world.consul_ph, world.viewer_ph, world.liaison, world.admin):
        client = as_user(user)
        assert str(internal.pk) in ids(client.get(LIST))
        assert client.get(f"{LIST}{internal.pk}/").status_code == 200
    for user in (world.consul_in, world.protection_manager, world.supervisor, world.unesco_fp):
        client = as_user(user)
        assert str(internal.pk) not in ids(client.get(LIST))
        assert client.get(f"{LIST}{internal.pk}/").status_code == 404


def test_public_contact_of_an_inactive_organization_is_hidden_from_others(world, contacts, as_user):
    public, _internal = contacts
    world.embassy_ph.is_active = False
    world.embassy_ph.save(update_fields=["is_active"])
    assert as_user(world.consul_in).get(f"{LIST}{public.pk}/").status_code == 404
    assert as_user(world.consul_ph).get(f"{LIST}{public.pk}/").status_code == 200


def test_filter_by_organization(world, contacts, as_user):
    public, internal = contacts
    Contact.objects.create(organization=world.unesco, name_en="Ana", is_public=True)
    client = as_user(world.consul_ph)
    assert ids(client.get(LIST, {"organization": str(world.embassy_ph.pk)})) == {
        str(public.pk), str(internal.pk)
    }
    assert ids(as_user(world.consul_in).get(LIST, {"organization": str(world.embassy_ph.pk)})) == {
        str(public.pk)
    }
    response = client.get(LIST, {"organization": "embassy-ph"})
    assert response.status_code == 400
