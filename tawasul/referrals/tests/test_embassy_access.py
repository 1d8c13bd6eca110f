"""Who sees a referral from an embassy, and what of it, from every side: the referring
embassy and another one, the intake desk, liaison officers, the assigned center and
the others, the ministry, analysts and partners."""

from __future__ import annotations

import pytest

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases.access import access_case
from tawasul.common.errors import OutOfScope
from tawasul.common.testing import World
from tawasul.people.models import Person
from tawasul.referrals import embassy_services, selectors
from tawasul.referrals.access import access_referral, can_write_message
from tawasul.referrals.models import Referral
from tawasul.referrals.tests.conftest import accept_assignment, assign_to_protection, submit

pytestmark = pytest.mark.django_db
NOBODY = ["supervisor", "analyst", "unesco_fp", "consul_in"]


@pytest.mark.parametrize("username", ["consul_ph", "viewer_ph"])
def test_the_referring_embassy_sees_its_referral(world: World, embassy_referral: Referral,
                                                 username: str) -> None:
    user = world.users[username]
    assert access_referral(user, embassy_referral.pk) == embassy_referral
    assert list(selectors.embassy_inbox(user)) == [embassy_referral]
    read = AuditEntry.objects.filter(action=AuditAction.READ, actor=user,
                                     object_id=str(embassy_referral.pk)).get()
    assert "submitted_person" in read.fields and "matches" not in read.fields


def test_embassy_b_never_sees_embassy_as_referrals(world: World,
                                                   embassy_referral: Referral) -> None:
    mine = submit(world, actor=world.consul_in, person={
        "name_en": "Asha Kumari", "sex": "female", "date_of_birth": "1990-01-01",
        "nationality": "IN"})
    with pytest.raises(OutOfScope):
        access_referral(world.consul_in, embassy_referral.pk)
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, actor=world.consul_in,
                                     object_id=str(embassy_referral.pk)).exists()
    assert list(selectors.embassy_inbox(world.consul_in)) == [mine]
    assert list(selectors.referrals_visible_to(world.consul_in)) == [mine]
    with pytest.raises(OutOfScope):
        access_referral(world.consul_ph, mine.pk)
    assert not can_write_message(world.consul_in, embassy_referral)


@pytest.mark.parametrize("username", NOBODY)
def test_the_ministry_analysts_partners_and_other_embassies_get_404(
        world: World, maria: Person, embassy_referral: Referral, username: str) -> None:
    assignment = assign_to_protection(world, embassy_referral, maria)
    user = world.users[username]
    for referral in (embassy_referral, assignment):
        with pytest.raises(OutOfScope):
            access_referral(user, referral.pk)
    assert not selectors.referrals_visible_to(user).exists()
    assert not selectors.embassy_inbox(user).exists()
    assert not selectors.intake_queue(user).exists()


def test_the_centers_see_the_assignment_never_the_embassy_referral(
        world: World, maria: Person, embassy_referral: Referral) -> None:
    assignment = assign_to_protection(world, embassy_referral, maria)
    for username in ("protection_director", "protection_manager", "protection_staff",
                     "family_manager"):
        with pytest.raises(OutOfScope):
            access_referral(world.users[username], embassy_referral.pk)
    assert access_referral(world.protection_manager, assignment.pk) == assignment
    with pytest.raises(OutOfScope):
        access_referral(world.family_manager, assignment.pk)
    fields = selectors.referral_fields_for(world.protection_manager, assignment)
    assert {"reason", "person", "events", "parent"} <= fields


def test_the_intake_desk_sees_the_matches_and_the_embassy_never(
        world: World, maria: Person, embassy_referral: Referral) -> None:
    for username in ("intake", "admin"):
        matches = selectors.registry_matches(world.users[username], embassy_referral)
        assert [m.person for m in matches] == [maria]
        assert {"matches", "submitted_person", "reason"} <= selectors.referral_fields_for(
            world.users[username], embassy_referral)
    for username in ("consul_ph", "viewer_ph", "liaison", "protection_manager"):
        assert selectors.registry_matches(world.users[username], embassy_referral) == []
        assert "matches" not in selectors.referral_fields_for(world.users[username],
                                                              embassy_referral)


def test_liaison_officers_see_the_metadata_and_the_thread_only(
        world: World, embassy_referral: Referral) -> None:
    embassy_services.embassy_message_add(actor=world.consul_ph, referral=embassy_referral,
                                         text="Please call us about her.")
    fields = selectors.referral_fields_for(world.liaison, embassy_referral)
    assert "events" in fields
    assert not fields & {"person", "submitted_person", "reason", "matches", "decline_reason"}
    events = selectors.referral_events_visible_to(world.liaison, embassy_referral)
    assert [e.text for e in events if e.kind == "message"] == ["Please call us about her."]
    assert can_write_message(world.liaison, embassy_referral)


def test_intake_and_liaison_do_not_read_the_case_or_its_notes(
        world: World, maria: Person, embassy_referral: Referral) -> None:
    assignment = assign_to_protection(world, embassy_referral, maria)
    accept_assignment(world, assignment)
    assignment.refresh_from_db()
    case = assignment.received_case
    assert case is not None
    for username in ("intake", "admin", "liaison"):
        user = world.users[username]
        assert "received_case" not in selectors.referral_fields_for(user, assignment)
        assert "received_case" not in selectors.referral_fields_for(user, embassy_referral)
        with pytest.raises(OutOfScope):
            access_case(user, case.pk)
    # The center reads the case it opened; the embassy neither the case nor the assignment.
    assert "received_case" in selectors.referral_fields_for(world.protection_manager,
                                                            assignment)
    with pytest.raises(OutOfScope):
        access_referral(world.consul_ph, assignment.pk)


def test_only_consular_officers_and_the_foundation_write_on_the_embassy_thread(
        world: World, maria: Person, embassy_referral: Referral) -> None:
    assign_to_protection(world, embassy_referral, maria)
    allowed = {name for name, user in world.users.items()
               if can_write_message(user, embassy_referral)}
    assert allowed == {"consul_ph", "intake", "admin", "liaison"}
