"""The Django admin writes through the services (audited) and lets only the admin role in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.organizations.models import Contact


@pytest.fixture
def admin_client(client, world):
    world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)
    return client


def contact_data(**overrides) -> dict:
    data = {
        "name_ar": "", "name_en": "Maria Santos", "title_ar": "", "title_en": "",
        "email": "", "phone": "", "languages": "tl, en", "is_public": "on", "notes": "",
    }
    data.update(overrides)
    return data


def test_admin_role_gets_in(admin_client):
    for model in ("organization", "contact", "service"):
        url = reverse(f"admin:organizations_{model}_changelist")
        assert admin_client.get(url).status_code == 200, model


@pytest.mark.parametrize("username", ["protection_director", "supervisor", "liaison"])
def test_other_roles_do_not_even_as_staff(client, world, username):
    user = getattr(world, username)
    user.is_staff = True
    user.save()
    client.force_login(user)
    url = reverse("admin:organizations_contact_changelist")
    assert client.get(url).status_code == 403
    add = reverse("admin:organizations_contact_add")
    response = client.post(add, {"organization": str(world.embassy_ph.pk), **contact_data()})
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_add_contact_in_admin_is_audited(admin_client, world):
    response = admin_client.post(
        reverse("admin:organizations_contact_add"),
        {"organization": str(world.embassy_ph.pk), **contact_data(name_en="Maria\u202e Santos")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    contact = Contact.objects.get()
    assert contact.name_en == "Maria Santos"  # cleaned by the service
    assert contact.languages == ["tl", "en"]
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(contact.pk),
                                     actor=world.admin).exists()


def test_change_contact_in_admin_is_audited_with_changed_fields(admin_client, world):
    contact = Contact.objects.create(organization=world.embassy_ph, name_en="Maria Santos",
                                     languages=["tl", "en"], is_public=True)
    url = reverse("admin:organizations_contact_change", args=[contact.pk])
    response = admin_client.post(url, contact_data(phone="+974 4483 1585"))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(contact.pk))
    assert entry.fields == ["phone"]


def test_delete_contact_in_admin_is_audited(admin_client, world):
    contact = Contact.objects.create(organization=world.embassy_ph, name_en="Gone")
    url = reverse("admin:organizations_contact_delete", args=[contact.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Contact.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE,
                                     object_id=str(contact.pk)).exists()


def test_bulk_delete_in_admin_is_audited_per_contact(admin_client, world):
    ids = [str(Contact.objects.create(organization=world.embassy_ph, name_en=f"C{i}").pk)
           for i in range(3)]
    response = admin_client.post(
        reverse("admin:organizations_contact_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not Contact.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id__in=ids).count() == 3


def _organization_data(org, **overrides) -> dict:
    data = {
        "code": org.code, "name_ar": org.name_ar, "name_en": org.name_en, "parent": "",
        "domain": org.domain, "country": str(org.country or ""), "languages": "",
        "email": "", "phone": "", "website": "", "address": "", "is_active": "on",
        "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0", "contacts-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_change_organization_with_an_inline_contact_goes_through_the_services(admin_client,
                                                                              world):
    org = world.embassy_ph
    url = reverse("admin:organizations_organization_change", args=[org.pk])
    data = _organization_data(org, phone="+974 4483 1585", **{
        "contacts-TOTAL_FORMS": "1",
        **{f"contacts-0-{k}": v for k, v in contact_data(name_en="Inline Consul").items()},
        "contacts-0-organization": str(org.pk),
    })
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    org.refresh_from_db()
    assert org.phone == "+974 4483 1585"
    contact = Contact.objects.get(organization=org)
    assert contact.name_en == "Inline Consul"
    assert AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(org.pk)).fields == [
        "phone"
    ]
    assert AuditEntry.objects.filter(action=AuditAction.CREATE,
                                     object_id=str(contact.pk)).exists()


def test_organizations_cannot_be_deleted_in_admin(admin_client, world):
    url = reverse("admin:organizations_organization_delete", args=[world.unesco.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
