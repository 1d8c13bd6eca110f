"""What the referring embassy sees of its referral: its own fields and the status as an
embassy should see it; the center only under the person's consent (each disclosure
logged); never the matches, the case, a center's reasons; and only "received" for a
person flagged no contact with home country, whatever any consent says."""

from __future__ import annotations

from typing import Any

import pytest

from tawasul.common.errors import DomainError
from tawasul.common.testing import World
from tawasul.coordination.models import Disclosure
from tawasul.people import services as people_services
from tawasul.people.models import Consent, Person, SafetyFlag, SafetyFlagKind
from tawasul.referrals import embassy_services, embassy_view, selectors, services
from tawasul.referrals.models import Referral, ReferralStatus
from tawasul.referrals.tests.conftest import accept_assignment, assign_to_protection, submit

pytestmark = pytest.mark.django_db
S = ReferralStatus
NO_CONTACT = SafetyFlagKind.NO_CONTACT_HOME_COUNTRY


def _consent(world: World, person: Person, **extra: Any) -> Consent:
    kwargs: dict[str, Any] = {
        "actor": world.protection_manager, "person": person,
        "purpose": "coordination_with_embassy", "recipients": [world.embassy_ph],
        "data_categories": ["identity", "case_summary"],
    }
    kwargs.update(extra)
    return people_services.consent_record(**kwargs)


def _flag(world: World, person: Person) -> SafetyFlag:
    return people_services.safety_flag_set(actor=world.protection_manager, person=person,
                                           kind=NO_CONTACT, note="Risk of harm from family")


@pytest.fixture
def accepted(world: World, maria: Person, embassy_referral: Referral) -> Referral:
    """Linked to Maria, assigned to the protection center, accepted there."""
    assignment = assign_to_protection(world, embassy_referral, maria)
    accept_assignment(world, assignment)
    embassy_referral.refresh_from_db()
    return embassy_referral


@pytest.mark.parametrize(("status", "shown"), [
    (S.SUBMITTED, "submitted"), (S.UNDER_REVIEW, "under_review"), (S.ACCEPTED, "accepted"),
    (S.IN_PROGRESS, "in_progress"), (S.COMPLETED, "closed"), (S.WITHDRAWN, "closed"),
    (S.DECLINED, "declined"),
])
def test_each_status_as_an_embassy_sees_it(status: str, shown: str) -> None:
    assert embassy_view.STATUS_FOR_EMBASSY[status] == shown


def test_without_consent_the_embassy_sees_the_status_and_not_the_center(
        world: World, accepted: Referral) -> None:
    view = embassy_view.embassy_view(accepted)
    assert (view.status, view.withheld, view.receiving_center) == ("accepted", False, None)
    assert "receiving_center" not in view.fields
    assert "matches" not in selectors.referral_fields_for(world.consul_ph, accepted)
    assert not Disclosure.objects.exists()


def test_with_consent_the_embassy_sees_the_center_and_the_disclosure_is_logged_once(
        world: World, maria: Person, accepted: Referral) -> None:
    consent = _consent(world, maria)
    view = embassy_view.embassy_view(accepted)
    assert view.receiving_center == world.protection and view.consent == consent
    embassy_services.log_disclosure(accepted, view, ["status", "receiving_center"])
    embassy_services.log_disclosure(accepted, view, ["status", "receiving_center"])
    disclosure = Disclosure.objects.get()
    assert (disclosure.person, disclosure.recipient, disclosure.consent) == (
        maria, world.embassy_ph, consent)
    assert disclosure.fields == ["status", "receiving_center"]
    assert disclosure.disclosed_by_organization == world.foundation
    assert disclosure.object_reference == accepted.reference


@pytest.mark.parametrize("change", [
    {"recipients": "embassy_in"},
    {"data_categories": ["identity"]},
    {"purpose": "referral"},
])
def test_a_consent_that_does_not_cover_it_shows_nothing_more(
        world: World, maria: Person, accepted: Referral, change: dict[str, Any]) -> None:
    if change.get("recipients") == "embassy_in":
        change = {"recipients": [world.embassy_in]}
    _consent(world, maria, **change)
    assert embassy_view.embassy_view(accepted).receiving_center is None


def test_a_withdrawn_consent_stops_showing_the_center(world: World, maria: Person,
                                                      accepted: Referral) -> None:
    consent = _consent(world, maria)
    assert embassy_view.embassy_view(accepted).receiving_center == world.protection
    people_services.consent_withdraw(actor=world.protection_manager, consent=consent,
                                     reason="She changed her mind")
    embassy_view.forget_view(accepted)
    assert embassy_view.embassy_view(accepted).receiving_center is None


def test_a_person_flagged_after_linking_is_only_received_for_the_embassy(
        world: World, maria: Person, accepted: Referral) -> None:
    embassy_services.embassy_message_add(actor=world.intake, referral=accepted,
                                         text="She is safe with a center now.")
    embassy_services.embassy_message_add(actor=world.consul_ph, referral=accepted,
                                         text="Thank you, we will wait.")
    _consent(world, maria)
    _flag(world, maria)
    accepted.refresh_from_db()
    view = embassy_view.embassy_view(accepted)
    assert view.withheld and view.status == "submitted"
    assert [step.status for step in view.timeline] == ["submitted"]
    assert view.receiving_center is None and view.decline_reason is None
    # Its own messages only; the foundation's are no longer shown.
    shown = [e.text for e in selectors.referral_events_visible_to(world.consul_ph, accepted)]
    assert shown == ["Thank you, we will wait."]
    # The list says the same.
    row = selectors.embassy_inbox(world.consul_ph).get(pk=accepted.pk)
    assert embassy_view.embassy_status(row) == "submitted"
    # The foundation cannot write to the embassy about her; the embassy may still write.
    with pytest.raises(DomainError) as refused:
        embassy_services.embassy_message_add(actor=world.intake, referral=accepted,
                                             text="Any news from her family?")
    assert refused.value.code == "no_contact"
    embassy_services.embassy_message_add(actor=world.consul_ph, referral=accepted,
                                         text="Her mother called us.")
    # The intake desk still sees everything and is warned.
    assert len(selectors.referral_events_visible_to(world.intake, accepted)) > 3


def test_later_changes_do_not_reach_the_embassy_of_a_flagged_person(
        world: World, maria: Person, embassy_referral: Referral) -> None:
    assignment = assign_to_protection(world, embassy_referral, maria)
    _flag(world, maria)
    accept_assignment(world, assignment)
    services.referral_start(actor=world.protection_manager, referral=assignment)
    embassy_referral.refresh_from_db()
    assert embassy_referral.status == S.IN_PROGRESS
    assert embassy_view.embassy_status(embassy_referral) == "submitted"


def test_a_decline_is_not_shown_either(world: World, maria: Person,
                                       embassy_referral: Referral) -> None:
    embassy_services.referral_link_person(actor=world.intake, referral=embassy_referral,
                                          person=maria)
    _flag(world, maria)
    embassy_services.referral_intake_decline(actor=world.intake, referral=embassy_referral,
                                             reason="She does not want contact.")
    embassy_referral.refresh_from_db()
    view = embassy_view.embassy_view(embassy_referral)
    assert (view.status, view.decline_reason) == ("submitted", None)


def test_the_flag_holds_whatever_nationality_the_registry_records(
        world: World, embassy_referral: Referral) -> None:
    """The embassy referred her as its national; the registry knows her nationality as
    unknown. The flag still keeps her from that embassy."""
    unknown = people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        full_name_latin="Maria Santos", sex="female", nationality="ZZ")
    embassy_services.referral_link_person(actor=world.intake, referral=embassy_referral,
                                          person=unknown)
    _flag(world, unknown)
    embassy_referral.refresh_from_db()
    assert embassy_view.embassy_view(embassy_referral).withheld


def test_clearing_the_flag_shows_the_status_again(world: World, maria: Person,
                                                  accepted: Referral) -> None:
    flag = _flag(world, maria)
    assert embassy_view.embassy_status(accepted) == "submitted"
    people_services.safety_flag_clear(actor=world.protection_manager, flag=flag,
                                      reason="Risk reassessed with her")
    embassy_view.forget_view(accepted)
    assert embassy_view.embassy_status(accepted) == "accepted"


def test_an_unlinked_referral_shows_its_real_status(world: World) -> None:
    referral = submit(world)
    assert embassy_view.embassy_view(referral).status == "submitted"
    embassy_services.referral_intake_decline(actor=world.intake, referral=referral,
                                             reason="Not for us")
    referral.refresh_from_db()
    assert embassy_view.embassy_view(referral).decline_reason == "Not for us"
