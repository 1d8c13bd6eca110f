"""The demo world's referrals: every state the boxes show, sent through the services, and
a second seed_demo run that sends nothing more."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases.models import Notification
from tawasul.people.services import consent_allows
from tawasul.referrals import selectors
from tawasul.referrals.demo_referrals import DEMO_REFERRALS
from tawasul.referrals.models import Referral, ReferralEvent, ReferralKind, ReferralStatus

S = ReferralStatus
PASSWORD = "x-demo-pw-2026-long"


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """Seeded once for the module, rolled back afterwards (seeding takes seconds)."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        call_command("seed_demo", "--quiet-logins", "--password", PASSWORD)
        yield
        transaction.set_rollback(True)


def user(username: str) -> User:
    return User.objects.get(username=username)


def between_centers() -> QuerySet[Referral]:
    """The demo referrals of this app (other routes may add referrals of their own)."""
    return Referral.objects.filter(kind=ReferralKind.CENTER_TO_CENTER)


def _state() -> dict[str, object]:
    return {
        "referrals": sorted(Referral.objects.values_list("pk", "status", "sent_at",
                                                         "overdue_flagged_at")),
        "events": ReferralEvent.objects.count(),
        "notifications": Notification.objects.count(),
        "audit": AuditEntry.objects.exclude(object_id="seed_demo").count(),
    }


def test_every_state_of_the_boxes_is_there(demo: None, db: None) -> None:
    referrals = list(between_centers().select_related(
        "from_organization", "to_organization", "received_case", "source_case"))
    assert len(referrals) == len(DEMO_REFERRALS)
    # "Under review" is a status of referrals from embassies only.
    assert {r.status for r in referrals} == set(S.values) - {S.UNDER_REVIEW}
    now = timezone.now()
    waiting = [r for r in referrals if r.to_organization.code == "center-protection"
               and r.status == S.SUBMITTED and r.due_at > now]
    assert waiting
    assert waiting[0] in selectors.inbox_of(user("protection.manager"))
    overdue = [r for r in referrals if r.status == S.SUBMITTED and r.due_at < now]
    assert len(overdue) == 1 and overdue[0].overdue_flagged_at is not None
    for referral in referrals:
        decided = referral.status not in (S.SUBMITTED, S.WITHDRAWN)
        # Accepted ones (and those that went on) have the receiver's case, for the person.
        if decided and referral.status != S.DECLINED:
            case = referral.received_case
            assert case is not None and case.center_id == referral.to_organization_id
            assert case.person_id == referral.person_id
        else:
            assert referral.received_case is None
        assert (referral.status == S.DECLINED) == bool(referral.decline_reason)
        assert (referral.status == S.WITHDRAWN) == bool(referral.withdrawn_reason)
        assert referral.source_case is not None
        assert referral.source_case.center_id == referral.from_organization_id
    assert len({r.from_organization_id for r in referrals}) >= 4
    assert len({r.to_organization_id for r in referrals}) >= 4


def test_summaries_only_under_the_persons_consent(demo: None, db: None) -> None:
    with_summary = between_centers().exclude(summary="").select_related("consent")
    assert with_summary.count() >= 3
    for referral in with_summary:
        assert referral.consent is not None
        assert referral.consent.person_id == referral.person_id
        assert referral.person is not None
        assert consent_allows(person=referral.person, recipient=referral.to_organization,
                              categories={"identity", "case_summary"}, purpose="referral",
                              at=referral.sent_at)
    assert between_centers().filter(summary="", consent__isnull=True).exists()


def test_written_by_the_demo_users_through_the_services(demo: None, db: None) -> None:
    for referral in between_centers().select_related("created_by"):
        assert referral.created_by is not None
        assert referral.created_by.organization_id == referral.from_organization_id
        entry = AuditEntry.objects.get(object_type="referrals.referral",
                                       object_id=str(referral.pk), action=AuditAction.CREATE)
        assert entry.actor_id == referral.created_by_id
        changes = ReferralEvent.objects.filter(referral=referral, kind="status_change")
        assert changes.filter(to_status=S.SUBMITTED).exists()
        assert changes.filter(to_status=referral.status).exists()
    assert ReferralEvent.objects.filter(kind="message").exists()
    assert Notification.objects.filter(kind="referral_received").exists()


def test_each_side_sees_its_own(demo: None, db: None) -> None:
    inbox = selectors.inbox_of(user("family.manager"))
    outbox = selectors.outbox_of(user("protection.manager"))
    assert inbox.exists() and outbox.exists()
    assert all(r.to_organization.code == "center-family" for r in inbox)
    assert all(r.from_organization.code == "center-protection" for r in outbox)
    # An embassy sees its own referrals to the foundation (demo_embassy_referrals) only.
    assert all(r.kind == ReferralKind.EMBASSY_TO_FOUNDATION
               and r.from_organization.code == "embassy-ph"
               for r in selectors.referrals_visible_to(user("embassy.ph")))
    assert not selectors.referrals_visible_to(user("ministry")).exists()


def test_a_second_run_sends_nothing_more(demo: None, db: None) -> None:
    before = _state()
    call_command("seed_demo", "--quiet-logins", "--password", PASSWORD)
    assert _state() == before
