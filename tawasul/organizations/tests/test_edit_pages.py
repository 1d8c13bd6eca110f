from __future__ import annotations

import pytest
from django.urls import reverse

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.home.tests.helpers import log_in
from tawasul.organizations.models import Contact, Service


def service_form(**overrides) -> dict:
    data = {
        "code": "counselling", "name_ar": "إرشاد نفسي", "name_en": "Counselling",
        "description_ar": "", "description_en": "Individual sessions.",
        "eligibility_ar": "", "eligibility_en": "", "how_to_refer_ar": "",
        "how_to_refer_en": "Call the center.", "languages": "ar, en", "is_active": "on",
    }
    data.update(overrides)
    return data


def contact_form(**overrides) -> dict:
    data = {
        "name_ar": "", "name_en": "Maria Santos", "title_ar": "", "title_en": "Labour attaché",
        "email": "maria@example.org", "phone": "+974 4483 1585", "languages": "tl, en",
        "is_public": "on", "notes": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def protection_service(world):
    return world.protection.services.get()


# --- Services -----------------------------------------------------------------------


def test_director_edits_own_centers_service(client, world, protection_service):
    log_in(client, world.protection_director)
    url = reverse("organizations:service_edit", args=[protection_service.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, service_form(name_en="Counselling and support"))
    assert response.status_code == 302
    protection_service.refresh_from_db()
    assert protection_service.name_en == "Counselling and support"
    assert protection_service.languages == ["ar", "en"]
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(protection_service.pk))
    assert entry.actor == world.protection_director
    # Names of the fields touched, never their values.
    assert "name_en" in entry.fields and "Counselling and support" not in str(entry.fields)


def test_director_of_another_center_may_see_but_not_edit(client, world, protection_service):
    log_in(client, world.family_director)
    url = reverse("organizations:service_edit", args=[protection_service.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, service_form(name_en="Hijacked")).status_code == 403
    protection_service.refresh_from_db()
    assert protection_service.name_en == "Counselling"
    assert AuditEntry.objects.filter(
        action=AuditAction.ACCESS_DENIED, actor=world.family_director
    ).exists()


def test_director_of_another_center_gets_404_for_an_inactive_service(client, world):
    hidden = Service.objects.create(center=world.protection, code="paused", name_ar="متوقفة",
                                    name_en="Paused", is_active=False)
    log_in(client, world.family_director)
    url = reverse("organizations:service_edit", args=[hidden.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("username", ["protection_manager", "protection_staff", "liaison"])
def test_other_roles_cannot_edit_services(client, world, protection_service, username):
    log_in(client, getattr(world, username))
    url = reverse("organizations:service_edit", args=[protection_service.pk])
    assert client.post(url, service_form(name_en="Changed")).status_code == 403


def test_admin_edits_any_centers_service(client, world, protection_service):
    log_in(client, world.admin)
    url = reverse("organizations:service_edit", args=[protection_service.pk])
    assert client.post(url, service_form(name_en="Edited by admin")).status_code == 302


def test_director_creates_a_service_for_own_center(client, world):
    log_in(client, world.protection_director)
    url = reverse("organizations:service_create", args=[world.protection.pk])
    response = client.post(url, service_form(code="shelter", name_en="Shelter"))
    assert response.status_code == 302
    service = Service.objects.get(center=world.protection, code="shelter")
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(service.pk)).exists()


def test_embassy_officer_cannot_create_services(client, world):
    log_in(client, world.consul_ph)
    url = reverse("organizations:service_create", args=[world.protection.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, service_form(code="x", name_en="X")).status_code == 403
    assert not Service.objects.filter(code="x").exists()
    # An embassy has no service catalog at all.
    own = reverse("organizations:service_create", args=[world.embassy_ph.pk])
    assert client.get(own).status_code == 404


def test_duplicate_service_code_is_a_field_error_and_input_is_kept(client, world):
    log_in(client, world.protection_director)
    url = reverse("organizations:service_create", args=[world.protection.pk])
    response = client.post(url, service_form(name_en="Second counselling"))
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert 'value="Second counselling"' in response.content.decode()
    assert Service.objects.filter(center=world.protection).count() == 1


def test_invalid_language_code_is_a_field_error(client, world, protection_service):
    log_in(client, world.protection_director)
    url = reverse("organizations:service_edit", args=[protection_service.pk])
    response = client.post(url, service_form(languages="ar, English"))
    assert response.status_code == 200
    assert response.context["form"].errors["languages"]
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and "is-invalid" in page
    assert "ar, English" in page


# --- Contacts -----------------------------------------------------------------------


def test_consular_officer_adds_a_contact_to_own_embassy(client, world):
    log_in(client, world.consul_ph)
    url = reverse("organizations:contact_create", args=[world.embassy_ph.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, contact_form())
    assert response.status_code == 302
    contact = Contact.objects.get(organization=world.embassy_ph)
    assert contact.languages == ["tl", "en"]
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(contact.pk),
                                     actor=world.consul_ph).exists()


@pytest.mark.parametrize("username", ["consul_in", "viewer_ph", "protection_director"])
def test_others_cannot_add_contacts_to_an_embassy(client, world, username):
    log_in(client, getattr(world, username))
    url = reverse("organizations:contact_create", args=[world.embassy_ph.pk])
    assert client.post(url, contact_form()).status_code == 403
    assert not Contact.objects.filter(organization=world.embassy_ph).exists()


def test_liaison_keeps_embassy_contacts_but_not_center_contacts(client, world):
    log_in(client, world.liaison)
    embassy = reverse("organizations:contact_create", args=[world.embassy_ph.pk])
    center = reverse("organizations:contact_create", args=[world.protection.pk])
    assert client.post(embassy, contact_form()).status_code == 302
    assert client.post(center, contact_form()).status_code == 403


def test_internal_contact_of_another_embassy_is_404_to_edit(client, world):
    contact = Contact.objects.create(organization=world.embassy_ph, name_en="Internal")
    log_in(client, world.consul_in)
    url = reverse("organizations:contact_edit", args=[contact.pk])
    assert client.get(url).status_code == 404


def test_public_contact_of_another_embassy_is_403_to_edit(client, world):
    contact = Contact.objects.create(organization=world.embassy_ph, name_en="Desk",
                                     is_public=True)
    log_in(client, world.consul_in)
    url = reverse("organizations:contact_edit", args=[contact.pk])
    assert client.post(url, contact_form(name_en="Changed")).status_code == 403
    contact.refresh_from_db()
    assert contact.name_en == "Desk"


def test_bidi_controls_are_stripped_from_a_contact_name(client, world):
    log_in(client, world.consul_ph)
    url = reverse("organizations:contact_create", args=[world.embassy_ph.pk])
    spoofed = "\u202eMaria\u202c \u200bSantos\u2066"
    response = client.post(url, contact_form(name_en=spoofed, title_en="Consul\u200f"))
    assert response.status_code == 302
    contact = Contact.objects.get(organization=world.embassy_ph)
    assert contact.name_en == "Maria Santos"
    assert contact.title_en == "Consul"


def test_contact_edit_changes_only_what_changed(client, world):
    contact = Contact.objects.create(organization=world.embassy_ph, name_en="Maria Santos",
                                     title_en="Labour attaché", email="maria@example.org",
                                     phone="+974 4483 1585", languages=["tl", "en"],
                                     is_public=True)
    log_in(client, world.consul_ph)
    url = reverse("organizations:contact_edit", args=[contact.pk])
    assert client.post(url, contact_form(phone="+974 5555 0000")).status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(contact.pk))
    assert entry.fields == ["phone"]


def test_contact_without_any_name_keeps_the_input_and_says_why(client, world):
    log_in(client, world.consul_ph)
    url = reverse("organizations:contact_create", args=[world.embassy_ph.pk])
    response = client.post(url, contact_form(name_en="", email="kept@example.org"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="kept@example.org"' in page
    errors = response.context["form"].errors.as_data()
    assert [e.code for e in errors["name_ar"]] == ["name_required"]
    assert [e.code for e in errors["name_en"]] == ["name_required"]
    assert "__all__" not in errors  # not the model constraint's technical message too
    assert "contact_has_a_name" not in page
    assert not Contact.objects.exists()


def test_invalid_email_is_a_field_error(client, world):
    log_in(client, world.consul_ph)
    url = reverse("organizations:contact_create", args=[world.embassy_ph.pk])
    response = client.post(url, contact_form(email="not-an-email"))
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
