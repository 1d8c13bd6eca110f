"""The write services, called directly as the admin, the API and scripts do."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.errors import PermissionDenied
from tawasul.organizations import services
from tawasul.organizations.models import Contact, OrganizationKind


def test_contact_create_normalizes_text_and_records_field_names(world):
    contact = services.contact_create(
        actor=world.consul_ph, organization=world.embassy_ph,
        name_en="  Maria\u200b  Santos\u202e ", notes="line one\r\n\u2067line two",
        languages=["TL", " en", "tl"],
    )
    assert contact.name_en == "Maria Santos"
    assert contact.notes == "line one\nline two"
    assert contact.languages == ["tl", "en"]
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(contact.pk))
    assert entry.fields == ["languages", "name_en", "notes"]
    assert "Maria" not in str(entry.fields) + entry.reason


def test_contact_create_refused_for_another_organization_and_nothing_saved(world):
    with pytest.raises(PermissionDenied):
        services.contact_create(actor=world.consul_in, organization=world.embassy_ph,
                                name_en="Intruder")
    assert not Contact.objects.exists()
    # The refusal itself is on record.
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     actor=world.consul_in).exists()


def test_invalid_contact_is_refused_whole(world):
    with pytest.raises(ValidationError):
        services.contact_create(actor=world.consul_ph, organization=world.embassy_ph,
                                name_en="", name_ar="")
    assert not Contact.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()


def test_update_without_changes_writes_nothing(world):
    service = world.protection.services.get()
    services.service_update(actor=world.protection_director, service=service,
                            name_en=service.name_en)
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()


def test_update_compares_with_the_stored_row_not_the_callers_copy(world):
    service = world.protection.services.get()
    service.name_en = "Changed in memory"  # e.g. a bound ModelForm did this
    services.service_update(actor=world.protection_director, service=service,
                            name_en="Changed in memory")
    service.refresh_from_db()
    assert service.name_en == "Changed in memory"
    assert AuditEntry.objects.get(action=AuditAction.UPDATE).fields == ["name_en"]


def test_service_update_refused_for_another_centers_director(world):
    service = world.protection.services.get()
    with pytest.raises(PermissionDenied):
        services.service_update(actor=world.family_director, service=service, name_en="X")
    service.refresh_from_db()
    assert service.name_en == "Counselling"


def test_service_delete_is_audited(world):
    service = world.protection.services.get()
    service_id = str(service.pk)
    services.service_delete(actor=world.admin, service=service)
    assert not world.protection.services.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=service_id).exists()


def test_organization_update_admin_only(world):
    services.organization_update(actor=world.admin, organization=world.embassy_in,
                                 phone="+974 4000 0000")
    world.embassy_in.refresh_from_db()
    assert world.embassy_in.phone == "+974 4000 0000"
    for user in (world.liaison, world.consul_in, world.supervisor):
        with pytest.raises(PermissionDenied):
            services.organization_update(actor=user, organization=world.embassy_in,
                                         is_active=False)
    world.embassy_in.refresh_from_db()
    assert world.embassy_in.is_active


def test_organization_create_admin_only(world):
    org = services.organization_create(actor=world.admin, kind=OrganizationKind.NGO,
                                       code="qrcs", name_ar="الهلال الأحمر", name_en="Red Crescent")
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(org.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=world.liaison, kind=OrganizationKind.NGO,
                                     code="other", name_ar="أخرى", name_en="Other")


def test_organization_rules_of_the_model_still_apply(world):
    with pytest.raises(ValidationError):
        # A second active center for a domain that already has one.
        services.organization_create(actor=world.admin, kind=OrganizationKind.CENTER,
                                     code="protection-2", name_ar="ثانٍ", name_en="Second",
                                     domain="protection")
