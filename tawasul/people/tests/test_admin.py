"""The admin registers and changes persons through the services, audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.people.models import Person

pytestmark = pytest.mark.django_db

INLINES = ("identifiers", "safety_flags", "relationships")


@pytest.fixture
def admin_client(client, world):
    world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)
    return client


def person_data(world, **overrides) -> dict:
    data = {
        "registered_by_organization": str(world.protection.pk),
        "given_name_ar": "محمد", "family_name_ar": "الكواري", "nationality": "QA",
        "sex": "male", "date_of_birth": "1987-05-01", "languages": "[\"ar\"]",
        "phone": "5555 1234",
        "identifiers-0-type": "qid", "identifiers-0-value": "28763400001",
        "identifiers-0-issuing_country": "",
    }
    for prefix in INLINES:
        data[f"{prefix}-TOTAL_FORMS"] = "1" if prefix == "identifiers" else "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    data.update(overrides)
    return data


def test_admin_registers_a_person_through_the_service(admin_client, world):
    response = admin_client.post(reverse("admin:people_person_add"), person_data(world))
    assert response.status_code == 302, response.content.decode()[:3000]
    person = Person.objects.get()
    assert person.reference.startswith("P-") and person.phone == "+97455551234"
    assert person.identifiers.get().issuing_country == "QA"
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(person.pk)).exists()
    admin_client.get(reverse("admin:people_person_change", args=[person.pk]))
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(person.pk)).exists()


def test_admin_form_shows_a_refused_phone_and_saves_nothing(admin_client, world):
    response = admin_client.post(reverse("admin:people_person_add"),
                                 person_data(world, phone="12"))
    assert response.status_code == 200
    assert "+974" in response.content.decode()  # the phone message
    assert not Person.objects.exists()


def test_other_roles_do_not_get_in(client, world):
    user = world.protection_director
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("admin:people_person_changelist")).status_code in (302, 403)


def test_admin_records_and_withdraws_a_consent_through_the_services(admin_client, world,
                                                                     person):
    from tawasul.people.models import Consent

    data = {
        "person": str(person.pk), "purpose": "referral", "recipients": [str(world.family.pk)],
        "data_categories": '["identity"]', "granted_at_0": "2026-01-01",
        "granted_at_1": "10:00:00", "granted_by_name": "", "granted_by_relationship": "",
        "purpose_text": "",
    }
    response = admin_client.post(reverse("admin:people_consent_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    consent = Consent.objects.get()
    assert list(consent.recipients.all()) == [world.family]
    assert consent.recorded_by == world.admin
    response = admin_client.post(reverse("admin:people_consent_change", args=[consent.pk]),
                                 {"withdrawal_reason": "asked by the person"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == world.admin
