from __future__ import annotations

import uuid

import pytest

from tawasul.organizations.models import Service

LIST = "/api/v1/services/"


@pytest.fixture
def retired(world):
    """An inactive entry of the protection center's catalog."""
    return Service.objects.create(
        center=world.protection, code="old-shelter", name_ar="إيواء قديم",
        name_en="Old shelter", is_active=False, languages=["ar", "en"],
    )


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_list_shows_active_services_with_their_center(world, as_user):
    body = as_user(world.consul_ph).get(LIST).json()
    assert body["count"] == 2
    row = body["results"][0]
    assert {"name_ar", "name_en", "description_ar", "eligibility_en", "how_to_refer_ar",
            "languages", "center"} <= set(row)
    assert row["center"]["kind"] == "center"
    assert row["center"]["domain"] in {"protection", "family"}


def test_inactive_service_visible_to_its_center_not_to_others(world, retired, as_user):
    for user in (world.protection_staff, world.protection_director, world.admin):
        client = as_user(user)
        assert str(retired.pk) in ids(client.get(LIST))
        assert client.get(f"{LIST}{retired.pk}/").json()["is_active"] is False
    for user in (world.family_manager, world.consul_ph, world.liaison, world.supervisor):
        client = as_user(user)
        assert str(retired.pk) not in ids(client.get(LIST))
        assert client.get(f"{LIST}{retired.pk}/").status_code == 404


def test_services_of_an_inactive_center_are_hidden_from_others(world, as_user):
    world.family.is_active = False
    world.family.save(update_fields=["is_active"])
    family_service = Service.objects.get(center=world.family)
    assert as_user(world.consul_ph).get(f"{LIST}{family_service.pk}/").status_code == 404
    assert as_user(world.family_manager).get(f"{LIST}{family_service.pk}/").status_code == 200


def test_filter_by_center_and_search(world, retired, as_user):
    client = as_user(world.protection_manager)
    by_center = ids(client.get(LIST, {"center": str(world.protection.pk)}))
    assert by_center == set(
        map(str, Service.objects.filter(center=world.protection).values_list("pk", flat=True))
    )
    assert ids(client.get(LIST, {"q": "shelter"})) == {str(retired.pk)}
    assert ids(client.get(LIST, {"q": "إيواء"})) == {str(retired.pk)}
    assert ids(client.get(LIST, {"center": str(uuid.uuid4())})) == set()


def test_invalid_center_filter_answers_400(world, as_user):
    response = as_user(world.consul_ph).get(LIST, {"center": "protection"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["center"]


def test_each_service_comes_with_its_translations(world, as_user):
    from tawasul.organizations.models import ServiceTranslation

    service = Service.objects.get(center=world.protection)
    ServiceTranslation.objects.create(
        service=service, language="tl", name="Pagpapayo",
        description="Mga sesyon ng pagpapayo.", eligibility="Lahat ng naninirahan.",
        how_to_refer="Tumawag sa sentro.",
    )
    ServiceTranslation.objects.create(service=service, language="ur", name="مشاورت")
    client = as_user(world.consul_ph)
    body = client.get(LIST).json()
    row = next(r for r in body["results"] if r["id"] == str(service.pk))
    assert row["translations"] == [
        {"language": "tl", "text_direction": "ltr", "name": "Pagpapayo",
         "description": "Mga sesyon ng pagpapayo.", "eligibility": "Lahat ng naninirahan.",
         "how_to_refer": "Tumawag sa sentro."},
        {"language": "ur", "text_direction": "rtl", "name": "مشاورت", "description": "",
         "eligibility": "", "how_to_refer": ""},
    ]
    other = next(r for r in body["results"] if r["id"] != str(service.pk))
    assert other["translations"] == []
    one = client.get(f"{LIST}{service.pk}/").json()
    assert [t["language"] for t in one["translations"]] == ["tl", "ur"]
