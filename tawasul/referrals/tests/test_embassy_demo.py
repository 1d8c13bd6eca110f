"""The demo world's referrals from embassies: every state the intake desk and the
embassies see, the person the embassy may not learn about, and a second run that
writes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction

from tawasul.accounts.models import User
from tawasul.cases.models import Case
from tawasul.referrals import embassy_view, selectors
from tawasul.referrals.demo_embassy_referrals import DEMO, flagged_person, seed_embassy_referrals
from tawasul.referrals.models import Referral, ReferralEvent, ReferralKind, ReferralStatus

PASSWORD = "x-demo-pw-2026-long"
S = ReferralStatus


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        call_command("seed_demo", "--quiet-logins", "--password", PASSWORD)
        yield
        transaction.set_rollback(True)


def user(username: str) -> User:
    return User.objects.get(username=username)


def from_embassies() -> list[Referral]:
    return list(Referral.objects.filter(kind=ReferralKind.EMBASSY_TO_FOUNDATION)
                .select_related("from_organization", "person", "assigned_center"))


def test_every_state_is_there(demo: None, db: None) -> None:
    referrals = from_embassies()
    assert len(referrals) == len(DEMO)
    assert {r.from_organization.code for r in referrals} == {"embassy-ph", "embassy-in",
                                                              "embassy-np"}
    shown = {embassy_view.embassy_status(r) for r in referrals}
    assert {"submitted", "under_review", "accepted", "declined"} <= shown
    queue = list(selectors.intake_queue(user("intake")))
    assert len(queue) == 2 and queue[0].urgency == "emergency"
    assert any(selectors.registry_matches(user("intake"), r) for r in queue)
    assigned = [r for r in referrals if r.status == S.UNDER_REVIEW]
    assert assigned and assigned[0].assigned_center is not None
    [accepted] = [r for r in referrals if r.status == S.ACCEPTED]
    assignment = accepted.assignments.get()
    case = assignment.received_case
    assert isinstance(case, Case) and case.person_id == accepted.person_id
    assert ReferralEvent.objects.filter(referral=accepted, kind="message").count() == 2


def test_the_flagged_person_is_only_received_for_the_embassy(demo: None, db: None) -> None:
    person = flagged_person()
    assert person is not None and person.has_no_contact_flag
    referral = Referral.objects.get(kind=ReferralKind.EMBASSY_TO_FOUNDATION, person=person)
    assert referral.status == S.DECLINED
    view = embassy_view.embassy_view(referral)
    assert view.withheld and view.status == "submitted" and view.decline_reason is None


def test_each_embassy_sees_its_own(demo: None, db: None) -> None:
    for username, code in (("embassy.ph", "embassy-ph"), ("embassy.in", "embassy-in"),
                           ("embassy.np", "embassy-np")):
        mine = list(selectors.embassy_inbox(user(username)))
        assert mine and all(r.from_organization.code == code for r in mine)


def test_a_second_run_writes_nothing(demo: None, db: None) -> None:
    before = (Referral.objects.count(), ReferralEvent.objects.count())
    seeded = seed_embassy_referrals()
    assert seeded.created == 0 and len(seeded.referrals) == len(DEMO)
    assert (Referral.objects.count(), ReferralEvent.objects.count()) == before
