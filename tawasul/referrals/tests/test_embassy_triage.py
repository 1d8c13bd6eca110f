"""The intake desk's triage of referrals from embassies: linking to a registered person or
registering one, assigning to a center, declining; the center accepting (its own case
for the person), working, closing, or handing back; the queue, its order and due dates."""

from __future__ import annotations

import datetime as dt

import pytest

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases.models import Case, Notification, NotificationKind
from tawasul.cases.selectors import cases_visible_to
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.testing import World
from tawasul.people import services as people_services
from tawasul.people.models import IdentifierType, Person
from tawasul.referrals import embassy_services, embassy_view, selectors, services
from tawasul.referrals.models import (
    Referral,
    ReferralEvent,
    ReferralEventKind,
    ReferralKind,
    ReferralStatus,
    TriageAction,
)
from tawasul.referrals.tasks import flag_overdue_referrals
from tawasul.referrals.tests.conftest import (
    EMBASSY_REASON,
    MARIA,
    accept_assignment,
    assign_to_protection,
    submit,
)

pytestmark = pytest.mark.django_db
S = ReferralStatus


def test_intake_links_the_referral_to_a_match(world: World, maria: Person,
                                              embassy_referral: Referral) -> None:
    embassy_services.referral_link_person(actor=world.intake, referral=embassy_referral,
                                          person=maria)
    embassy_referral.refresh_from_db()
    assert embassy_referral.person == maria
    event = ReferralEvent.objects.get(referral=embassy_referral, kind=ReferralEventKind.TRIAGE)
    assert (event.action, event.target) == (TriageAction.LINKED, maria.reference)
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, actor=world.intake,
                                     object_id=str(embassy_referral.pk),
                                     fields=["person"]).exists()


def test_a_person_of_another_nationality_is_not_linked(world: World,
                                                       embassy_referral: Referral) -> None:
    qatari = people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        full_name_latin="Maria Santos", date_of_birth=dt.date(1994, 2, 11), sex="female",
        nationality="QA")
    with pytest.raises(DomainError) as refused:
        embassy_services.referral_link_person(actor=world.intake, referral=embassy_referral,
                                              person=qatari)
    assert refused.value.code == "not_a_national"
    unknown = people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        full_name_latin="Maria S.", sex="female", nationality="ZZ")
    embassy_services.referral_link_person(actor=world.intake, referral=embassy_referral,
                                          person=unknown)


def test_intake_registers_a_new_person_from_what_the_embassy_sent(
        world: World, embassy_referral: Referral) -> None:
    linked = embassy_services.referral_register_person(actor=world.intake,
                                                       referral=embassy_referral)
    person = linked.person
    assert person is not None
    assert person.registered_by_organization == world.foundation
    assert (person.full_name_ar, person.full_name_latin) == (MARIA["name_ar"], MARIA["name_en"])
    assert str(person.nationality) == "PH" and person.phone == "+639175550101"
    passport = person.identifiers.get()
    assert (passport.type, passport.value, str(passport.issuing_country)) == (
        IdentifierType.PASSPORT, "P7654321A", "PH")
    event = ReferralEvent.objects.get(referral=embassy_referral, kind=ReferralEventKind.TRIAGE)
    assert (event.action, event.target) == (TriageAction.REGISTERED, person.reference)


def test_a_passport_someone_holds_refuses_the_registration(
        world: World, maria: Person, embassy_referral: Referral) -> None:
    persons = Person.objects.count()
    with pytest.raises(DomainError):
        embassy_services.referral_register_person(actor=world.intake,
                                                  referral=embassy_referral)
    assert Person.objects.count() == persons
    embassy_referral.refresh_from_db()
    assert embassy_referral.person is None


@pytest.mark.parametrize("username", ["liaison", "analyst", "protection_director",
                                      "consul_ph", "viewer_ph", "supervisor"])
def test_only_the_intake_desk_triages(world: World, maria: Person,
                                      embassy_referral: Referral, username: str) -> None:
    user = world.users[username]
    for act in (
        lambda: embassy_services.referral_link_person(actor=user, referral=embassy_referral,
                                                      person=maria),
        lambda: embassy_services.referral_register_person(actor=user, referral=embassy_referral),
        lambda: embassy_services.referral_assign(actor=user, referral=embassy_referral,
                                                 center=world.protection),
        lambda: embassy_services.referral_intake_decline(actor=user, referral=embassy_referral,
                                                         reason="No"),
    ):
        with pytest.raises(PermissionDenied):
            act()
    embassy_referral.refresh_from_db()
    assert embassy_referral.person is None and embassy_referral.status == S.SUBMITTED


def test_administrators_triage_too(world: World, maria: Person,
                                   embassy_referral: Referral) -> None:
    embassy_services.referral_link_person(actor=world.admin, referral=embassy_referral,
                                          person=maria)
    embassy_services.referral_assign(actor=world.admin, referral=embassy_referral,
                                     center=world.family)


def test_a_referral_is_assigned_only_once_linked(world: World,
                                                 embassy_referral: Referral) -> None:
    with pytest.raises(DomainError) as refused:
        embassy_services.referral_assign(actor=world.intake, referral=embassy_referral,
                                         center=world.protection)
    assert refused.value.code == "person_required"
    with pytest.raises(DomainError):
        embassy_services.referral_assign(actor=world.intake, referral=embassy_referral,
                                         center=world.embassy_in)
    assert not Referral.objects.filter(kind=ReferralKind.FOUNDATION_TO_CENTER).exists()


def test_assigning_sends_the_center_a_referral_it_accepts_opening_its_case(
        world: World, maria: Person, embassy_referral: Referral) -> None:
    assignment = assign_to_protection(world, embassy_referral, maria)
    embassy_referral.refresh_from_db()
    assert (embassy_referral.status, embassy_referral.assigned_center) == (
        S.UNDER_REVIEW, world.protection)
    assert embassy_referral not in selectors.intake_queue(world.intake)
    assert (assignment.kind, assignment.parent, assignment.from_organization,
            assignment.to_organization, assignment.person) == (
        ReferralKind.FOUNDATION_TO_CENTER, embassy_referral, world.foundation,
        world.protection, maria)
    assert assignment.reference.startswith("R-") and assignment.reason == EMBASSY_REASON
    assert assignment in selectors.inbox_of(world.protection_manager)
    note = ReferralEvent.objects.get(referral=assignment, kind=ReferralEventKind.MESSAGE)
    assert note.text == "Please see her today" and note.author == world.intake

    accept_assignment(world, assignment)
    assignment.refresh_from_db()
    embassy_referral.refresh_from_db()
    case = assignment.received_case
    assert case is not None and (case.center, case.person) == (world.protection, maria)
    assert embassy_referral.status == S.ACCEPTED
    assert embassy_view.embassy_status(embassy_referral) == "accepted"
    services.referral_start(actor=world.protection_manager, referral=assignment)
    embassy_referral.refresh_from_db()
    assert embassy_view.embassy_status(embassy_referral) == "in_progress"
    services.referral_complete(actor=world.protection_manager, referral=assignment)
    embassy_referral.refresh_from_db()
    assert embassy_view.embassy_status(embassy_referral) == "closed"
    steps = [s.status for s in embassy_view.embassy_view(embassy_referral).timeline]
    assert steps == ["submitted", "under_review", "accepted", "in_progress", "closed"]


def test_the_center_hands_it_back_to_the_queue_with_a_reason_the_embassy_does_not_see(
        world: World, maria: Person, embassy_referral: Referral) -> None:
    assignment = assign_to_protection(world, embassy_referral, maria)
    services.referral_decline(actor=world.protection_manager, referral=assignment,
                              reason="She is over 18 and asks for legal advice only")
    embassy_referral.refresh_from_db()
    assert embassy_referral.assigned_center is None
    assert embassy_referral.status == S.UNDER_REVIEW
    assert list(selectors.intake_queue(world.intake)) == [embassy_referral]
    back = ReferralEvent.objects.get(referral=embassy_referral, action=TriageAction.HANDED_BACK)
    assert back.target == assignment.reference and "legal advice" in back.text
    assert Notification.objects.filter(recipient=world.intake,
                                       kind=NotificationKind.REFERRAL_HANDED_BACK).exists()
    view = embassy_view.embassy_view(embassy_referral)
    assert view.status == "under_review" and view.decline_reason is None
    assert not selectors.referral_events_visible_to(world.consul_ph, embassy_referral).filter(
        text__contains="legal advice").exists()
    # Routed again, to another center.
    again = embassy_services.referral_assign(actor=world.intake, referral=embassy_referral,
                                             center=world.family)
    assert again.to_organization == world.family


def test_intake_takes_an_assignment_back_before_the_center_decides(
        world: World, maria: Person, embassy_referral: Referral) -> None:
    assignment = assign_to_protection(world, embassy_referral, maria)
    services.referral_withdraw(actor=world.intake, referral=assignment,
                               reason="The embassy asked us to route her to family services")
    embassy_referral.refresh_from_db()
    assert embassy_referral.assigned_center is None
    assert embassy_referral in selectors.intake_queue(world.intake)
    assert ReferralEvent.objects.filter(referral=embassy_referral,
                                        action=TriageAction.TAKEN_BACK).exists()
    with pytest.raises(PermissionDenied):
        services.referral_withdraw(actor=world.liaison, referral=assignment, reason="x")


def test_intake_declines_with_a_reason_the_embassy_reads(world: World,
                                                         embassy_referral: Referral) -> None:
    embassy_services.referral_intake_decline(
        actor=world.intake, referral=embassy_referral,
        reason="The foundation does not provide immigration services.")
    embassy_referral.refresh_from_db()
    assert (embassy_referral.status, embassy_referral.decided_by) == (S.DECLINED, world.intake)
    view = embassy_view.embassy_view(embassy_referral)
    assert view.status == "declined"
    assert view.decline_reason == "The foundation does not provide immigration services."
    assert embassy_referral not in selectors.intake_queue(world.intake)
    with pytest.raises(DomainError):
        embassy_services.referral_intake_decline(actor=world.intake,
                                                 referral=embassy_referral, reason="again")


def test_a_referral_a_center_holds_is_not_declined_by_intake(
        world: World, maria: Person, embassy_referral: Referral) -> None:
    assign_to_protection(world, embassy_referral, maria)
    with pytest.raises(DomainError) as refused:
        embassy_services.referral_intake_decline(actor=world.intake, referral=embassy_referral,
                                                 reason="No")
    assert refused.value.code == "assigned"
    with pytest.raises(DomainError):
        embassy_services.referral_assign(actor=world.intake, referral=embassy_referral,
                                         center=world.family)


def test_two_open_referrals_of_one_person_are_one_too_many(
        world: World, maria: Person, embassy_referral: Referral) -> None:
    embassy_services.referral_link_person(actor=world.intake, referral=embassy_referral,
                                          person=maria)
    again = submit(world)
    with pytest.raises(DomainError) as refused:
        embassy_services.referral_link_person(actor=world.intake, referral=again, person=maria)
    assert refused.value.code == "duplicate_referral"
    assert embassy_referral.reference in str(refused.value.message)


def _aged(referral: Referral, hours: float) -> Referral:
    delta = dt.timedelta(hours=hours)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=referral.sent_at - delta, due_at=referral.due_at - delta,
        remind_at=referral.remind_at - delta)
    referral.refresh_from_db()
    return referral


def test_the_queue_is_the_most_urgent_first_then_the_oldest(world: World,
                                                            maria: Person) -> None:
    old_routine = _aged(submit(world, urgency="routine"), 72)
    new_emergency = submit(world, urgency="emergency")
    old_urgent = _aged(submit(world, urgency="urgent"), 48)
    new_urgent = submit(world, urgency="urgent")
    older_emergency = _aged(submit(world, actor=world.consul_in,
                                   person={**MARIA, "nationality": "IN"},
                                   urgency="emergency"), 1)
    declined = submit(world, urgency="emergency")
    embassy_services.referral_intake_decline(actor=world.intake, referral=declined, reason="x")
    assigned = submit(world, urgency="emergency")
    assign_to_protection(world, assigned, maria)
    queue = list(selectors.intake_queue(world.intake))
    assert queue == [older_emergency, new_emergency, old_urgent, new_urgent, old_routine]
    assert list(selectors.intake_queue(world.admin)) == queue
    for username in ("liaison", "protection_director", "consul_ph", "supervisor"):
        assert not selectors.intake_queue(world.users[username]).exists()


def test_overdue_embassy_referrals_are_flagged_and_the_intake_desk_told(
        world: World) -> None:
    late = _aged(submit(world, urgency="emergency"), 5)
    on_time = submit(world, urgency="routine")
    assert flag_overdue_referrals.call() == 1
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.overdue_flagged_at is not None and on_time.overdue_flagged_at is None
    told = Notification.objects.filter(kind=NotificationKind.REFERRAL_OVERDUE)
    assert {n.recipient for n in told} == {world.intake}
    assert flag_overdue_referrals.call() == 0


def test_the_case_the_center_opens_stays_with_the_center(
        world: World, maria: Person, embassy_referral: Referral) -> None:
    assignment = assign_to_protection(world, embassy_referral, maria)
    accept_assignment(world, assignment)
    case = Case.objects.get(person=maria, center=world.protection)
    for username in ("intake", "admin", "liaison", "consul_ph"):
        assert not cases_visible_to(world.users[username]).filter(pk=case.pk).exists()


def test_the_registry_is_searched_again_on_request(world: World,
                                                   embassy_referral: Referral) -> None:
    assert selectors.registry_matches(world.intake, embassy_referral) == []
    registered = people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        full_name_latin="Maria Santos", date_of_birth=dt.date(1994, 2, 11), sex="female",
        nationality="PH")
    embassy_services.referral_match_again(actor=world.intake, referral=embassy_referral)
    assert [m.person for m in selectors.registry_matches(world.intake, embassy_referral)] == [
        registered]
    assert ReferralEvent.objects.filter(referral=embassy_referral,
                                        action=TriageAction.MATCHED_AGAIN).exists()
    with pytest.raises(PermissionDenied):
        embassy_services.referral_match_again(actor=world.consul_ph, referral=embassy_referral)
