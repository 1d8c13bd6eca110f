from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.testing import World
from tawasul.people import selectors, services
from tawasul.people.models import Consent, Person
from tawasul.people.tests.conftest import register

pytestmark = pytest.mark.django_db


def record(world: World, person: Person, **extra: object) -> Consent:
    kwargs: dict[str, object] = {
        "actor": world.protection_manager, "person": person, "purpose": "referral",
        "recipients": [world.family], "data_categories": ["identity", "case_summary"],
    }
    kwargs.update(extra)
    return services.consent_record(**kwargs)  # type: ignore[arg-type]


def allows(person: Person, recipient: object, categories: set[str] | None = None,
           purpose: str = "referral", at: dt.datetime | None = None) -> bool:
    return services.consent_allows(
        person=person, recipient=recipient,  # type: ignore[arg-type]
        categories={"identity", "case_summary"} if categories is None else categories,
        purpose=purpose, at=at,
    )


def test_valid_consent_allows(world: World, person: Person) -> None:
    record(world, person)
    assert allows(person, world.family)
    assert allows(person, world.family, {"identity"})


def test_no_consent_wrong_recipient_category_or_purpose_refuse(
    world: World, person: Person
) -> None:
    assert not allows(person, world.family)
    record(world, person)
    assert not allows(person, world.protection)  # not a recipient
    assert not allows(person, world.family, {"identity", "health"})  # category not covered
    assert not allows(person, world.family, purpose="service_delivery")
    assert not allows(person, world.family, set())


def test_expired_consent_refuses(world: World, person: Person) -> None:
    now = timezone.now()
    record(world, person, granted_at=now - dt.timedelta(days=30),
           expires_at=now - dt.timedelta(days=1))
    assert not allows(person, world.family)
    assert allows(person, world.family, at=now - dt.timedelta(days=2))


def test_withdrawn_consent_refuses_from_the_withdrawal_on(
    world: World, person: Person
) -> None:
    before = timezone.now()
    consent = record(world, person, granted_at=before - dt.timedelta(days=10))
    services.consent_withdraw(actor=world.protection_manager, consent=consent,
                              reason="asked by the person")
    assert not allows(person, world.family)
    assert allows(person, world.family, at=before)  # what was shared before stays lawful
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(consent.pk)).get()
    assert "withdrawal_reason" in entry.fields and "asked" not in entry.reason
    with pytest.raises(DomainError):
        services.consent_withdraw(actor=world.protection_manager, consent=consent,
                                  reason="again")


def test_no_contact_flag_blocks_the_home_embassy_whatever_the_consent(world: World) -> None:
    person = register(world, nationality="PH", given_name_latin="Maria", sex="female")
    record(world, person, purpose="coordination_with_embassy", recipients=[world.embassy_ph])
    assert allows(person, world.embassy_ph, purpose="coordination_with_embassy")
    services.safety_flag_set(actor=world.protection_manager, person=person,
                             kind="no_contact_home_country")
    assert not allows(person, world.embassy_ph, purpose="coordination_with_embassy")


def test_a_child_consents_through_a_guardian(world: World) -> None:
    child = register(world, given_name_ar="يوسف", date_of_birth=dt.date(2016, 1, 1))
    with pytest.raises(DomainError) as error:
        record(world, child)
    assert error.value.code == "guardian_required"
    stranger = register(world, given_name_ar="خالد")
    with pytest.raises(DomainError) as error:
        record(world, child, granted_by_person=stranger)
    assert error.value.code == "grantor_not_guardian"
    mother = register(world, given_name_ar="مريم", sex="female")
    services.relationship_add(actor=world.protection_manager, from_person=mother,
                              to_person=child, kind="parent", is_legal_guardian=True)
    consent = record(world, child, granted_by_person=mother)
    assert consent.is_sensitive  # data about a child
    assert allows(child, world.family)


def test_consent_input_is_checked(world: World, person: Person) -> None:
    with pytest.raises(DomainError):
        record(world, person, data_categories=["identity", "gossip"])
    with pytest.raises(DomainError):
        record(world, person, recipients=[])
    with pytest.raises(DomainError):
        record(world, person, purpose="other")
    with pytest.raises(DomainError):
        record(world, person, expires_at=timezone.now() - dt.timedelta(days=1))
    assert not Consent.objects.exists()


def test_evidence_is_checked_by_content(world: World, person: Person, settings: object,
                                        tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    fake = SimpleUploadedFile("form.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(DomainError) as error:
        record(world, person, evidence=fake)
    assert error.value.field == "evidence"
    real = SimpleUploadedFile("form.pdf", b"%PDF-1.4\n%signed\n", "application/pdf")
    consent = record(world, person, evidence=real)
    assert consent.evidence.name.startswith("consents/")


def test_who_may_record_and_see_consents(world: World, person: Person) -> None:
    consent = record(world, person)
    for name in ("consul_ph", "supervisor", "analyst", "unesco_fp", "liaison"):
        with pytest.raises(PermissionDenied):
            record(world, person, actor=world.users[name])
        assert not selectors.consents_visible_to(world.users[name]).exists()
    for name in ("protection_staff", "admin", "intake"):
        assert selectors.consents_visible_to(world.users[name]).filter(pk=consent.pk).exists()
    # Another center does not see the registering center's consents...
    assert not selectors.consents_visible_to(world.family_manager).exists()
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(actor=world.family_manager, consent=consent, reason="x")
    # ...but sees those it recorded itself.
    own = record(world, person, actor=world.family_manager, recipients=[world.protection])
    assert list(selectors.consents_visible_to(world.family_manager)) == [own]
