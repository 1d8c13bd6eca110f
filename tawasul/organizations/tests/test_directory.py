from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.home.tests.helpers import log_in
from tawasul.organizations.models import Contact, Organization, OrganizationKind, Service


def detail(org) -> str:
    return reverse("organizations:detail", args=[org.pk])


@pytest.fixture
def inactive_embassy(world):
    return Organization.objects.create(
        kind=OrganizationKind.EMBASSY, code="embassy-xx", country="NP",
        name_ar="سفارة مغلقة", name_en="Closed embassy", is_active=False,
    )


def test_list_shows_active_organizations(client, world):
    page = log_in(client, world.consul_ph).get(reverse("organizations:list")).content.decode()
    for org in (world.ministry, world.foundation, world.protection, world.embassy_in, world.unesco):
        assert org.name_ar in page


def test_inactive_organization_admin_sees_it(client, world, inactive_embassy):
    log_in(client, world.admin)
    assert "سفارة مغلقة" in client.get(reverse("organizations:list")).content.decode()
    assert client.get(detail(inactive_embassy)).status_code == 200


def test_inactive_organization_embassy_gets_404_and_it_is_recorded(client, world,
                                                                    inactive_embassy):
    log_in(client, world.consul_ph)
    assert "سفارة مغلقة" not in client.get(reverse("organizations:list")).content.decode()
    assert client.get(detail(inactive_embassy)).status_code == 404
    assert AuditEntry.objects.filter(
        action=AuditAction.ACCESS_DENIED, actor=world.consul_ph,
        object_id=str(inactive_embassy.pk),
    ).exists()


def test_unknown_id_is_404(client, world):
    log_in(client, world.admin)
    assert client.get("/directory/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/directory/not-a-uuid/").status_code == 404


@pytest.mark.parametrize(
    ("params", "present", "absent"),
    [
        ({"kind": "embassy"}, ["embassy_ph", "embassy_in"], ["protection", "unesco"]),
        ({"country": "IN"}, ["embassy_in"], ["embassy_ph"]),
        ({"domain": "protection"}, ["protection"], ["family", "embassy_ph"]),
        ({"q": "Philippines"}, ["embassy_ph"], ["embassy_in"]),  # English name
        ({"q": "منظمة center-family"}, ["family"], ["protection"]),  # Arabic name
    ],
)
def test_filters(client, world, params, present, absent):
    page = log_in(client, world.consul_ph).get(reverse("organizations:list"), params)
    text = page.content.decode()
    for name in present:
        assert detail(getattr(world, name)) in text
    for name in absent:
        assert detail(getattr(world, name)) not in text


def test_invalid_filter_value_shows_no_results_not_an_error(client, world):
    response = log_in(client, world.consul_ph).get(reverse("organizations:list"),
                                                   {"kind": "spaceship"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0


def _add_embassies(count: int) -> None:
    for i in range(count):
        Organization.objects.create(kind=OrganizationKind.EMBASSY, code=f"e-{i}", country="FR",
                                    name_ar=f"سفارة {i}", name_en=f"Embassy {i}")


def test_list_paginates_and_keeps_filters(client, world):
    _add_embassies(30)
    log_in(client, world.consul_ph)
    first = client.get(reverse("organizations:list"), {"kind": "embassy"})
    assert first.context["page_obj"].paginator.num_pages == 2
    assert "kind=embassy&amp;page=2" in first.content.decode()
    second = client.get(reverse("organizations:list"), {"kind": "embassy", "page": 2})
    assert len(second.context["page_obj"].object_list) == 32 - 25


@pytest.mark.parametrize("url_name", ["organizations:list", "organizations:services"])
def test_list_queries_do_not_grow_with_rows(client, world, url_name):
    log_in(client, world.consul_ph)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse(url_name))
    _add_embassies(10)
    for i in range(10):
        Service.objects.create(center=world.family, code=f"s-{i}", name_ar=f"خدمة {i}",
                               name_en=f"Service {i}", languages=["ar"])
    with CaptureQueriesContext(connection) as after:
        client.get(reverse(url_name))
    assert len(after) == len(before)


def test_non_public_contact_own_organization_and_liaison_see_it(client, world):
    Contact.objects.create(organization=world.embassy_ph, name_en="Internal Consul",
                           is_public=False)
    for user in (world.consul_ph, world.viewer_ph, world.liaison, world.admin):
        client.force_login(user)
        assert "Internal Consul" in client.get(detail(world.embassy_ph)).content.decode(), user


def test_non_public_contact_another_embassy_does_not_see_it(client, world):
    Contact.objects.create(organization=world.embassy_ph, name_en="Internal Consul",
                           is_public=False)
    Contact.objects.create(organization=world.embassy_ph, name_en="Public Desk", is_public=True)
    for user in (world.consul_in, world.protection_director, world.unesco_fp):
        client.force_login(user)
        page = client.get(detail(world.embassy_ph)).content.decode()
        assert "Internal Consul" not in page, user
        assert "Public Desk" in page, user


def test_contact_notes_only_for_those_who_manage_the_contacts(client, world):
    Contact.objects.create(organization=world.embassy_ph, name_en="Public Desk",
                           is_public=True, notes="Prefers WhatsApp")
    log_in(client, world.consul_ph)
    assert "Prefers WhatsApp" in client.get(detail(world.embassy_ph)).content.decode()
    log_in(client, world.consul_in)
    assert "Prefers WhatsApp" not in client.get(detail(world.embassy_ph)).content.decode()


def test_center_detail_lists_its_service_catalog(client, world):
    page = log_in(client, world.consul_ph).get(detail(world.protection)).content.decode()
    service = world.protection.services.get()
    assert reverse("organizations:service_detail", args=[service.pk]) in page


@pytest.fixture
def inactive_service(world):
    return Service.objects.create(center=world.protection, code="closed", name_ar="خدمة متوقفة",
                                  name_en="Paused service", is_active=False)


def test_inactive_service_own_center_and_admin_see_it(client, world, inactive_service):
    url = reverse("organizations:service_detail", args=[inactive_service.pk])
    for user in (world.protection_staff, world.admin):
        client.force_login(user)
        assert client.get(url).status_code == 200
        assert "خدمة متوقفة" in client.get(detail(world.protection)).content.decode()


def test_inactive_service_others_get_404(client, world, inactive_service):
    url = reverse("organizations:service_detail", args=[inactive_service.pk])
    for user in (world.family_director, world.consul_ph, world.intake):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert "خدمة متوقفة" not in client.get(detail(world.protection)).content.decode()
        assert "خدمة متوقفة" not in client.get(reverse("organizations:services")).content.decode()


def test_service_catalog_filters_by_center_and_language(client, world):
    Service.objects.create(center=world.family, code="tagalog", name_ar="دعم بالتاغالوغية",
                           name_en="Support in Tagalog", languages=["tl", "en"])
    log_in(client, world.consul_ph)
    by_language = client.get(reverse("organizations:services"), {"language": "tl"})
    names = [s.name_en for s in by_language.context["page_obj"]]
    assert names == ["Support in Tagalog"]
    by_center = client.get(reverse("organizations:services"), {"center": str(world.protection.pk)})
    assert {s.center_id for s in by_center.context["page_obj"]} == {world.protection.pk}


def test_service_catalog_search_in_both_names(client, world):
    log_in(client, world.consul_ph)
    for q in ("Counselling", "إرشاد"):
        response = client.get(reverse("organizations:services"), {"q": q})
        assert response.context["page_obj"].paginator.count == 2, q


def test_user_without_organization_sees_no_directory(client, world):
    from tawasul.accounts.models import User

    client.force_login(User.objects.create_user("orphan", password="a-long-password-9"))
    response = client.get(reverse("organizations:list"))
    assert response.status_code == 403
    assert world.embassy_ph.name_ar not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(detail(world.embassy_ph))
    assert response.status_code == 302
