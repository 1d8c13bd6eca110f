"""The public service directory (/public/directory/): for anyone, without signing in, in
the site's layout; centers, their services and how to refer, and civil-society
organizations; published contact points only, and nothing personal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tawasul.common.testing import World, make_org
from tawasul.organizations.models import Contact, OrganizationKind, Service
from tawasul.people import services as people_services

pytestmark = pytest.mark.django_db

URL = "/public/directory/"


@pytest.fixture
def directory(world: World) -> dict[str, object]:
    """A catalog with a published contact point, an internal contact, an inactive service,
    a civil-society organization, and a registered person."""
    protection = world.protection
    protection.phone = "+974 4000 0101"
    protection.save()
    Service.objects.filter(center=protection).update(
        languages=["ar", "en", "tl"], how_to_refer_en="Call the intake line, day or night.",
        how_to_refer_ar="اتصل بخط الاستقبال ليلًا أو نهارًا.",
        description_en="Counselling for <b>survivors</b>",
    )
    Service.objects.create(center=protection, code="closed", name_ar="خدمة متوقفة",
                           name_en="Discontinued service", is_active=False)
    Contact.objects.create(organization=protection, name_en="Amina Haddad",
                           name_ar="أمينة حداد", title_en="Referrals and intake",
                           title_ar="الإحالات والاستقبال", phone="+974 4000 0199",
                           email="intake@protection.example", is_public=True)
    Contact.objects.create(organization=protection, name_en="Night supervisor Huda",
                           title_en="Shelter supervisor", phone="+974 5500 0000",
                           email="huda.private@protection.example", is_public=False,
                           notes="Private mobile")
    ngo = make_org(OrganizationKind.NGO, "ngo-care", name_en="Community Care Association",
                   name_ar="جمعية الرعاية المجتمعية", languages=["en", "ur"],
                   website="https://care.example")
    Contact.objects.create(organization=ngo, name_en="Omar Saleh", title_en="Helpline",
                           phone="+974 4000 2100", is_public=True)
    person = people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        given_name_ar="مريم", family_name_ar="الكواري", given_name_latin="Maryam",
        family_name_latin="Zzperson", date_of_birth=dt.date(2012, 3, 4), sex="female",
        nationality="PH",
    )
    return {"ngo": ngo, "person": person}


def test_anyone_reads_it_in_the_sites_layout(client: Client, world: World,
                                             directory: dict) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'dir="rtl"' in page and 'class="navbar' in page  # base.html and its header
    assert reverse("set_language") in page  # the language switcher, for anonymous visitors too
    assert world.protection.name_ar in page and world.family.name_ar in page
    assert "إرشاد" in page and "Counselling" in page  # both languages of the service name
    assert "اتصل بخط الاستقبال ليلًا أو نهارًا." in page
    assert "جمعية الرعاية المجتمعية" in page
    assert reverse("account_login") in page
    english = Client()
    english.cookies["django_language"] = "en"
    page = english.get(URL).content.decode()
    assert 'dir="ltr"' in page and "Call the intake line, day or night." in page
    assert "Counselling for &lt;b&gt;survivors&lt;/b&gt;" in page


def test_only_published_contact_points_and_nothing_personal(client: Client, world: World,
                                                            directory: dict) -> None:
    page = client.get(URL).content.decode()
    # The published contact point: its function and its numbers.
    assert "+974 4000 0199" in page and "intake@protection.example" in page
    assert "الإحالات والاستقبال" in page and "+974 4000 2100" in page
    assert "+974 4000 0101" in page  # the center's own line
    # Never an internal contact.
    assert "+974 5500 0000" not in page and "huda.private" not in page
    assert "Private mobile" not in page and "Huda" not in page
    # No person's name, not even of a published contact point; no user; no beneficiary.
    for name in ("Amina", "أمينة", "Omar Saleh", "Zzperson", "مريم", "protection_manager",
                 directory["person"].reference):
        assert name not in page, name
    # No inactive service, no embassy, no UN agency, no ministry.
    for name in ("Discontinued service", "خدمة متوقفة", world.embassy_ph.name_ar,
                 world.unesco.name_ar, world.ministry.name_ar):
        assert name not in page, name


def test_search_by_domain_and_language(client: Client, world: World, directory: dict) -> None:
    protection_only = client.get(URL, {"domain": "protection"})
    assert [c.pk for c in protection_only.context["page_obj"]] == [world.protection.pk]
    tagalog = client.get(URL, {"language": "tl"})
    assert [c.pk for c in tagalog.context["page_obj"]] == [world.protection.pk]
    assert list(tagalog.context["organization_page"]) == []
    urdu = client.get(URL, {"language": "ur"})
    assert list(urdu.context["page_obj"]) == []
    assert list(urdu.context["organization_page"]) == [directory["ngo"]]
    text = client.get(URL, {"q": "Counselling"})
    assert {c.pk for c in text.context["page_obj"]} == {world.protection.pk, world.family.pk}
    bad = client.get(URL, {"domain": "nonsense"})
    assert bad.status_code == 200 and list(bad.context["page_obj"]) == []


def test_both_lists_are_paginated_with_a_fixed_number_of_queries(
    client: Client, world: World, directory: dict, django_assert_max_num_queries
) -> None:
    for i in range(15):
        org = make_org(OrganizationKind.NGO, f"ngo-{i:02d}", name_en=f"NGO {i:02d}",
                       name_ar=f"جمعية {i:02d}")
        Contact.objects.create(organization=org, name_en=f"Person {i}", title_en="Desk",
                               email=f"desk{i}@ngo.example", is_public=True)
    with django_assert_max_num_queries(12):
        first = client.get(URL)
    assert len(first.context["organization_page"]) == 12
    second = client.get(URL, {"org_page": 2})
    assert len(second.context["organization_page"]) == 4
    assert "Person 1" not in second.content.decode()


def test_the_login_page_links_to_it(client: Client) -> None:
    page = client.get(reverse("account_login")).content.decode()
    assert f'href="{URL}"' in page


def test_signed_in_users_see_it_too(client: Client, world: World, directory: dict) -> None:
    from tawasul.home.tests.helpers import log_in

    log_in(client, world.consul_ph)
    response = client.get(URL)
    assert response.status_code == 200
    assert "+974 5500 0000" not in response.content.decode()
