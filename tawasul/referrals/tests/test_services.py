"""Sending, deciding, withdrawing and progressing referrals, from both sides."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases.access import access_case
from tawasul.cases.models import Case, Notification
from tawasul.common.errors import DomainError, OutOfScope, PermissionDenied
from tawasul.common.testing import World, make_user
from tawasul.jobs.tests.helpers import run_ready
from tawasul.people import services as people_services
from tawasul.people.models import Person
from tawasul.referrals import services
from tawasul.referrals.models import Referral, ReferralEvent, ReferralEventKind, ReferralStatus
from tawasul.referrals.tests.conftest import REASON, SUMMARY, case_type, give_consent, send

pytestmark = pytest.mark.django_db


def accept(world: World, referral: Referral, actor: str = "family_manager") -> Referral:
    return services.referral_accept(actor=world.users[actor], referral=referral,
                                    case_type=case_type("family", "family-reconciliation"))


# --- sending --------------------------------------------------------------------------


def test_the_case_manager_sends_a_referral(
    world: World, restricted_case: Case, person: Person,
    django_capture_on_commit_callbacks: object,
) -> None:
    world.family_director.email = "director@family.example"
    world.family_director.save()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        referral = send(world, restricted_case, urgency="urgent")
    assert re.fullmatch(rf"R-{timezone.localdate().year}-000001", referral.reference)
    assert referral.status == ReferralStatus.SUBMITTED
    assert (referral.from_organization, referral.to_organization) == (world.protection,
                                                                      world.family)
    assert referral.person == person and referral.domain == "family"
    assert referral.summary == "" and referral.consent is None
    assert referral.due_at - referral.sent_at == dt.timedelta(hours=48)
    [event] = ReferralEvent.objects.filter(referral=referral)
    assert event.to_status == ReferralStatus.SUBMITTED
    [entry] = AuditEntry.objects.filter(object_id=str(referral.pk), action=AuditAction.CREATE)
    assert "summary" not in entry.fields and "reason" in entry.fields
    [note] = Notification.objects.filter(recipient=world.family_director)
    assert note.kind == "referral_received" and referral.reference in note.text
    run_ready()
    [message] = mail.outbox
    assert message.to == ["director@family.example"]
    assert referral.reference in message.subject
    assert REASON not in message.body  # mail leaves the system: no reason, no summary


def test_the_other_center_cannot_see_the_source_case(
    world: World, restricted_case: Case
) -> None:
    with pytest.raises(OutOfScope):
        access_case(world.family_manager, restricted_case.pk)
    with pytest.raises(PermissionDenied):
        send(world, restricted_case, actor=world.family_manager, to_center=world.protection)


def test_staff_off_the_team_of_a_restricted_case_cannot_refer_it(
    world: World, restricted_case: Case
) -> None:
    with pytest.raises(PermissionDenied):
        send(world, restricted_case, actor=world.protection_staff)
    assert send(world, restricted_case, actor=world.protection_director).pk


def test_a_referral_to_the_own_center_is_refused(world: World, restricted_case: Case) -> None:
    with pytest.raises(DomainError) as error:
        send(world, restricted_case, to_center=world.protection)
    assert error.value.code == "same_center" and error.value.field == "to_center"
    assert not Referral.objects.exists()


def test_a_non_center_recipient_is_refused(world: World, restricted_case: Case) -> None:
    with pytest.raises(DomainError) as error:
        send(world, restricted_case, to_center=world.embassy_ph)
    assert error.value.code == "invalid"


def test_reason_and_urgency_are_required(world: World, restricted_case: Case) -> None:
    with pytest.raises(DomainError) as error:
        send(world, restricted_case, reason="  ")
    assert error.value.field == "reason"
    with pytest.raises(DomainError) as error:
        send(world, restricted_case, urgency="whenever")
    assert error.value.field == "urgency"


def test_a_summary_needs_consent(world: World, restricted_case: Case, person: Person) -> None:
    with pytest.raises(DomainError) as error:
        send(world, restricted_case, summary=SUMMARY)
    assert error.value.code == "consent_required" and error.value.field == "summary"
    give_consent(world, person, recipient=world.protection)  # another recipient
    give_consent(world, person, categories=("identity",))  # not the case summary
    with pytest.raises(DomainError):
        send(world, restricted_case, summary=SUMMARY)
    consent = give_consent(world, person)
    referral = send(world, restricted_case, summary=SUMMARY)
    assert referral.summary == SUMMARY and referral.consent == consent
    [entry] = AuditEntry.objects.filter(object_id=str(referral.pk), action=AuditAction.CREATE)
    assert {"summary", "consent"} <= set(entry.fields)


def test_a_withdrawn_consent_refuses_at_the_moment_of_sending(
    world: World, restricted_case: Case, person: Person
) -> None:
    consent = give_consent(world, person)
    people_services.consent_withdraw(actor=world.protection_manager, consent=consent,
                                     reason="The guardian changed their mind")
    with pytest.raises(DomainError) as error:
        send(world, restricted_case, summary=SUMMARY)
    assert error.value.code == "consent_required"
    assert send(world, restricted_case).summary == ""  # identity and reason still go


def test_one_open_referral_per_person_and_center(
    world: World, restricted_case: Case
) -> None:
    first = send(world, restricted_case)
    with pytest.raises(DomainError) as error:
        send(world, restricted_case, urgency="emergency")
    assert error.value.code == "duplicate_referral"
    services.referral_withdraw(actor=world.protection_manager, referral=first,
                               reason="Sent by mistake")
    assert send(world, restricted_case).reference.endswith("000002")


# --- the receiver's decision ------------------------------------------------------------


def test_accepting_opens_a_linked_case_at_the_receiving_center(
    world: World, referral: Referral, person: Person
) -> None:
    accepted = accept(world, referral)
    assert accepted.status == ReferralStatus.ACCEPTED
    case = accepted.received_case
    assert case is not None and case.center == world.family and case.person == person
    assert case.assigned_manager == world.family_manager
    assert accepted.decided_by == world.family_manager and accepted.decided_at is not None
    assert access_case(world.family_manager, case.pk) == case
    [note] = Notification.objects.filter(recipient=world.protection_manager,
                                         kind="referral_accepted")
    assert world.family.name in note.text


def test_only_the_receiver_decides(world: World, referral: Referral) -> None:
    for name in ("protection_manager", "protection_director", "intake", "admin"):
        with pytest.raises(PermissionDenied):
            accept(world, referral, actor=name)
        with pytest.raises(PermissionDenied):
            services.referral_decline(actor=world.users[name], referral=referral,
                                      reason="No")
    staff = make_user("family_staff", world.family, "staff")
    world.users[staff.username] = staff
    with pytest.raises(PermissionDenied):
        accept(world, referral, actor=staff.username)
    assert accept(world, referral, actor="family_director").status == "accepted"


def test_a_refused_accept_opens_no_case(world: World, referral: Referral) -> None:
    with pytest.raises(DomainError) as error:
        services.referral_accept(actor=world.family_manager, referral=referral,
                                 case_type=case_type("protection", "child-abuse"))
    assert error.value.code == "case_type_domain_mismatch"
    assert not Case.objects.filter(center=world.family).exists()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SUBMITTED
    accept(world, referral)
    with pytest.raises(DomainError) as error:
        accept(world, referral)
    assert error.value.code == "transition_not_allowed"
    assert Case.objects.filter(center=world.family).count() == 1


def test_declining_requires_a_reason(world: World, referral: Referral) -> None:
    with pytest.raises(DomainError) as error:
        services.referral_decline(actor=world.family_manager, referral=referral, reason=" ")
    assert error.value.code == "required" and error.value.field == "reason"
    declined = services.referral_decline(actor=world.family_manager, referral=referral,
                                         reason="Outside our catchment")
    assert declined.status == "declined" and declined.decline_reason == "Outside our catchment"
    assert declined.received_case is None
    assert Notification.objects.filter(recipient=world.protection_manager,
                                       kind="referral_declined").count() == 1


def test_withdrawal_only_by_the_sender_and_only_while_submitted(
    world: World, referral: Referral
) -> None:
    for name in ("family_manager", "family_director", "protection_staff", "intake"):
        with pytest.raises(PermissionDenied):
            services.referral_withdraw(actor=world.users[name], referral=referral,
                                       reason="No longer needed")
    with pytest.raises(DomainError):
        services.referral_withdraw(actor=world.protection_manager, referral=referral,
                                   reason="")
    withdrawn = services.referral_withdraw(actor=world.protection_manager, referral=referral,
                                           reason="No longer needed")
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_at is not None
    assert Notification.objects.filter(recipient=world.family_director,
                                       kind="referral_withdrawn").count() == 1


def test_no_withdrawal_after_acceptance(world: World, referral: Referral) -> None:
    accept(world, referral)
    with pytest.raises(DomainError) as error:
        services.referral_withdraw(actor=world.protection_manager, referral=referral,
                                   reason="No longer needed")
    assert error.value.code == "transition_not_allowed"


def test_progress_and_completion(world: World, referral: Referral) -> None:
    with pytest.raises(DomainError):
        services.referral_start(actor=world.family_manager, referral=referral)
    accept(world, referral)
    started = services.referral_start(actor=world.family_manager, referral=referral)
    assert started.status == "in_progress"
    with pytest.raises(PermissionDenied):
        services.referral_complete(actor=world.protection_manager, referral=referral)
    done = services.referral_complete(actor=world.family_manager, referral=referral)
    assert done.status == "completed" and done.completed_at is not None
    kinds = set(Notification.objects.filter(recipient=world.protection_manager)
                .values_list("kind", flat=True))
    assert {"referral_accepted", "referral_started", "referral_completed"} <= kinds


def test_every_status_change_is_audited_with_an_event(world: World, referral: Referral) -> None:
    accept(world, referral)
    services.referral_start(actor=world.family_manager, referral=referral)
    services.referral_complete(actor=world.family_manager, referral=referral)
    updates = AuditEntry.objects.filter(object_id=str(referral.pk), action=AuditAction.UPDATE)
    assert sorted(e.reason for e in updates) == [
        "status accepted -> in_progress", "status in_progress -> completed",
        "status submitted -> accepted",
    ]
    assert all("status" in e.fields and e.actor == world.family_manager for e in updates)
    steps = [(e.from_status, e.to_status) for e in ReferralEvent.objects.filter(
        referral=referral, kind=ReferralEventKind.STATUS_CHANGE)]
    assert steps == [("", "submitted"), ("submitted", "accepted"),
                     ("accepted", "in_progress"), ("in_progress", "completed")]
    for event in ReferralEvent.objects.filter(referral=referral):
        assert AuditEntry.objects.filter(object_id=str(event.pk),
                                         action=AuditAction.CREATE).exists()


def test_messages_between_both_sides(world: World, referral: Referral) -> None:
    services.referral_message_add(actor=world.family_manager, referral=referral,
                                  text="Can the mother attend on Sunday?")
    assert Notification.objects.filter(recipient=world.protection_manager,
                                       kind="referral_message").count() == 1
    services.referral_message_add(actor=world.protection_manager, referral=referral,
                                  text="Yes")
    assert Notification.objects.filter(recipient=world.family_director,
                                       kind="referral_message").count() == 1
    for name in ("intake", "protection_staff", "consul_ph"):
        with pytest.raises(PermissionDenied):
            services.referral_message_add(actor=world.users[name], referral=referral,
                                          text="Hello")
