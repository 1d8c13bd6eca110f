"""Who sees which referrals, and which of their fields (DESIGN rules 1-3, 7, 8)."""

from __future__ import annotations

import pytest

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import services as case_services
from tawasul.common.errors import OutOfScope
from tawasul.common.testing import World
from tawasul.people.models import Person
from tawasul.referrals import selectors, services
from tawasul.referrals.access import access_referral
from tawasul.referrals.admin import ADMIN_FIELDS, ReferralAdmin
from tawasul.referrals.models import Referral
from tawasul.referrals.selectors import referral_fields_for, referrals_visible_to
from tawasul.referrals.tests.conftest import case_type, send

pytestmark = pytest.mark.django_db

NOBODY = ("analyst", "supervisor", "consul_ph", "viewer_ph", "consul_in", "unesco_fp")
CONTENT = {"reason", "summary", "decline_reason", "withdrawn_reason", "events"}


def test_inbox_of_the_receiving_center(world: World, referral: Referral) -> None:
    for name in ("family_manager", "family_director"):
        user = world.users[name]
        assert list(selectors.inbox_of(user)) == [referral]
        assert list(selectors.outbox_of(user)) == []
        assert access_referral(user, referral.pk) == referral
        fields = referral_fields_for(user, referral)
        assert {"summary", "reason", "person", "received_case"} <= fields
        assert "source_case" not in fields


def test_outbox_of_the_sending_center(world: World, referral: Referral) -> None:
    for name in ("protection_manager", "protection_director"):
        user = world.users[name]
        assert list(selectors.outbox_of(user)) == [referral]
        assert list(selectors.inbox_of(user)) == []
        assert {"summary", "reason", "source_case"} <= referral_fields_for(user, referral)
        assert "received_case" not in referral_fields_for(user, referral)


def test_sending_staff_who_cannot_see_a_restricted_case_do_not_see_its_referral(
    world: World, referral: Referral
) -> None:
    staff = world.protection_staff
    assert list(referrals_visible_to(staff)) == []
    assert referral_fields_for(staff, referral) == frozenset()
    with pytest.raises(OutOfScope):
        access_referral(staff, referral.pk)


def test_sending_staff_see_the_referral_of_a_standard_case(
    world: World, catalog: None, person: Person
) -> None:
    case = case_services.case_open(
        actor=world.family_manager, center=world.family, person=person,
        case_type=case_type("family", "family-reconciliation"), risk_level="low",
    )
    referral = send(world, case, actor=world.family_manager, to_center=world.protection)
    # The protection center's staff member is on no case but receives the referral.
    assert list(referrals_visible_to(world.protection_staff)) == [referral]
    assert list(selectors.outbox_of(world.family_director)) == [referral]


@pytest.mark.parametrize("name", ["intake", "admin"])
def test_foundation_routers_see_metadata_and_identity_only(
    world: World, referral: Referral, name: str
) -> None:
    user = world.users[name]
    assert list(referrals_visible_to(user)) == [referral]
    fields = referral_fields_for(user, referral)
    assert {"reference", "status", "urgency", "to_organization", "person"} <= fields
    assert not fields & CONTENT
    assert not fields & {"source_case", "received_case"}
    assert not selectors.referral_events_visible_to(user, referral).exists()
    access_referral(user, referral.pk)
    [entry] = AuditEntry.objects.filter(action=AuditAction.READ, actor=user,
                                        object_id=str(referral.pk))
    assert "summary" not in entry.fields and "status" in entry.fields


def test_liaison_sees_metadata_without_the_person(world: World, referral: Referral) -> None:
    fields = referral_fields_for(world.liaison, referral)
    assert "status" in fields and "person" not in fields and not fields & CONTENT


def test_the_receiver_reads_the_thread_and_the_read_is_audited(
    world: World, referral: Referral
) -> None:
    services.referral_message_add(actor=world.protection_manager, referral=referral,
                                  text="Details follow")
    assert selectors.referral_events_visible_to(world.family_manager, referral).count() == 2
    access_referral(world.family_manager, referral.pk)
    [entry] = AuditEntry.objects.filter(action=AuditAction.READ, actor=world.family_manager,
                                        object_id=str(referral.pk))
    assert {"summary", "events"} <= set(entry.fields)


@pytest.mark.parametrize("name", NOBODY)
def test_ministry_analysts_embassies_and_partners_see_nothing(
    world: World, referral: Referral, name: str
) -> None:
    user = world.users[name]
    assert not referrals_visible_to(user).exists()
    assert referral_fields_for(user, referral) == frozenset()
    with pytest.raises(OutOfScope):
        access_referral(user, referral.pk)
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user,
                                     object_id=str(referral.pk)).exists()


def test_a_malformed_id_is_a_404(world: World, referral: Referral) -> None:
    with pytest.raises(OutOfScope):
        access_referral(world.family_manager, "R-2026-000001")


def test_the_admin_list_is_read_only_metadata() -> None:
    assert not set(ADMIN_FIELDS) & (CONTENT | {"person", "source_case", "received_case"})
    assert set(ADMIN_FIELDS) <= selectors.METADATA_FIELDS
    from django.contrib import admin

    model_admin = ReferralAdmin(Referral, admin.site)
    assert not model_admin.has_change_permission(None)  # type: ignore[arg-type]
    assert not model_admin.has_add_permission(None)  # type: ignore[arg-type]


def test_a_withdrawn_consent_hides_the_summary_from_the_receiver(
    world: World, referral: Referral
) -> None:
    from tawasul.people import services as people_services

    assert referral.consent is not None
    people_services.consent_withdraw(actor=world.protection_manager, consent=referral.consent,
                                     reason="The guardian withdrew it")
    current = access_referral(world.family_manager, referral.pk)
    assert "summary" not in referral_fields_for(world.family_manager, current)
    assert "reason" in referral_fields_for(world.family_manager, current)
    assert "summary" in referral_fields_for(world.protection_manager, current)


def test_referral_recipients_are_other_centers(world: World) -> None:
    assert list(selectors.referral_recipients_for(world.protection_manager)) == [world.family]
    assert not selectors.referral_recipients_for(world.intake).exists()


def test_the_referrals_of_a_case_are_those_the_selector_shows(
    world: World, referral: Referral
) -> None:
    """referrals_of_case checks the case once instead of a subquery of every visible case;
    it must show exactly the rows referrals_visible_to shows for that case, to everyone."""
    from django.db.models import Q

    accepted = services.referral_accept(
        actor=world.users["family_manager"], referral=referral,
        case_type=case_type("family", "family-reconciliation"),
        assigned_manager=world.users["family_manager"],
    )
    for case in (referral.source_case, accepted.received_case):
        for user in world.users.values():
            expected = set(referrals_visible_to(user).filter(
                Q(source_case=case) | Q(received_case=case)))
            assert set(selectors.referrals_of_case(user, case)) == expected, user.username
    # Both sides do see it: the test is not vacuous.
    assert referral in selectors.referrals_of_case(world.protection_manager,
                                                   referral.source_case)
    assert referral in selectors.referrals_of_case(world.users["family_manager"],
                                                   accepted.received_case)
    assert not selectors.referrals_of_case(world.users["protection_staff"],
                                           referral.source_case).exists()
