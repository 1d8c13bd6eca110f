from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tawasul.cases import services as case_services
from tawasul.cases.models import Case, ClosureReason
from tawasul.cases.tests.conftest import register
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.people.models import Person
from tawasul.referrals.models import Referral, ReferralStatus
from tawasul.referrals.tests.conftest import REASON, SUMMARY, case_type, give_consent, send

pytestmark = pytest.mark.django_db

OUTSIDERS = ["consul_ph", "viewer_ph", "supervisor", "unesco_fp", "analyst"]


def test_case_page_offers_to_refer_the_case_to_its_team_only(
    client: Client, world: World, restricted_case: Case
) -> None:
    url = reverse("cases:detail", args=[restricted_case.pk])
    send_url = reverse("referrals:send", args=[restricted_case.pk])
    log_in(client, world.protection_manager)
    assert send_url in client.get(url).content.decode()
    # Staff outside the restricted case's team may read it by breaking the glass, which
    # is no ground for sharing it.
    log_in(client, world.protection_staff)
    response = client.post(reverse("cases:break_glass", args=[restricted_case.pk]),
                           {"reason": "Urgent call from the school about this child"})
    assert response.status_code == 200
    assert send_url not in response.content.decode()
    assert client.get(send_url).status_code == 403
    assert client.post(send_url, {"to_center": world.family.pk, "urgency": "routine",
                                  "reason": "x"}).status_code == 403
    assert not Referral.objects.exists()


def test_sender_sends_a_referral_from_the_case_page(
    client: Client, world: World, restricted_case: Case, person: Person
) -> None:
    give_consent(world, person)
    log_in(client, world.protection_manager)
    url = reverse("referrals:send", args=[restricted_case.pk])
    response = client.get(url)
    offered = set(response.context["form"].fields["to_center"].queryset)
    assert world.family in offered and world.protection not in offered
    response = client.post(url, {"to_center": world.family.pk, "urgency": "urgent",
                                 "reason": REASON, "summary": SUMMARY})
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert (referral.source_case, referral.to_organization) == (restricted_case, world.family)
    assert referral.summary == SUMMARY and referral.consent is not None
    # The case page lists it.
    page = client.get(reverse("cases:detail", args=[restricted_case.pk])).content.decode()
    assert referral.reference in page


def test_summary_without_consent_is_refused_and_the_input_kept(
    client: Client, world: World, restricted_case: Case
) -> None:
    log_in(client, world.protection_manager)
    response = client.post(reverse("referrals:send", args=[restricted_case.pk]), {
        "to_center": world.family.pk, "urgency": "routine", "reason": "Kept reason",
        "summary": "Kept summary",
    })
    assert response.status_code == 400
    assert "summary" in response.context["form"].errors
    html = response.content.decode()
    assert "Kept reason" in html and "Kept summary" in html
    assert not Referral.objects.exists()


def test_duplicate_referral_is_shown_on_the_center_field(
    client: Client, world: World, referral: Referral, restricted_case: Case
) -> None:
    log_in(client, world.protection_manager)
    response = client.post(reverse("referrals:send", args=[restricted_case.pk]), {
        "to_center": world.family.pk, "urgency": "routine", "reason": "Again",
    })
    assert response.status_code == 400
    assert "to_center" in response.context["form"].errors
    assert Referral.objects.count() == 1


def test_own_center_is_not_offered_and_is_refused(
    client: Client, world: World, restricted_case: Case
) -> None:
    log_in(client, world.protection_manager)
    response = client.post(reverse("referrals:send", args=[restricted_case.pk]), {
        "to_center": world.protection.pk, "urgency": "routine", "reason": "Own center",
    })
    assert response.status_code == 400
    assert "to_center" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_closed_case_cannot_be_referred(
    client: Client, world: World, restricted_case: Case
) -> None:
    Case.objects.filter(pk=restricted_case.pk).update(
        status="closed", closure_reason=ClosureReason.choices[0][0], closed_at=timezone.now())
    log_in(client, world.protection_manager)
    response = client.post(reverse("referrals:send", args=[restricted_case.pk]), {
        "to_center": world.family.pk, "urgency": "routine", "reason": "Closed",
    })
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not Referral.objects.exists()


def test_receiver_sees_it_in_the_inbox_and_accepts(
    client: Client, world: World, referral: Referral, person: Person
) -> None:
    log_in(client, world.family_manager)
    inbox = client.get(reverse("referrals:inbox"))
    assert [r.pk for r in inbox.context["page_obj"]] == [referral.pk]
    assert list(client.get(reverse("referrals:outbox")).context["page_obj"]) == []
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert SUMMARY in html and REASON in html
    offered = list(page.context["accept_form"].fields["case_type"].queryset)
    assert offered and {t.domain for t in offered} == {"family"}
    response = client.post(reverse("referrals:accept", args=[referral.pk]), {
        "case_type": offered[0].pk, "assigned_manager": world.family_manager.pk,
    })
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    received = Case.objects.get(center=world.family)
    assert received.person == person and referral.received_case == received
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert reverse("cases:detail", args=[received.pk]) in html


def test_sender_sees_it_in_the_outbox_and_cannot_accept(
    client: Client, world: World, referral: Referral
) -> None:
    log_in(client, world.protection_manager)
    outbox = client.get(reverse("referrals:outbox"))
    assert [r.pk for r in outbox.context["page_obj"]] == [referral.pk]
    assert list(client.get(reverse("referrals:inbox")).context["page_obj"]) == []
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert "accept_form" not in page.context and "withdraw_form" in page.context
    response = client.post(reverse("referrals:accept", args=[referral.pk]), {
        "case_type": case_type("family", "family-reconciliation").pk,
    })
    assert response.status_code == 403
    assert Referral.objects.get().status == ReferralStatus.SUBMITTED


@pytest.mark.parametrize("username", OUTSIDERS)
def test_outsiders_get_404_on_the_referral_page(
    client: Client, world: World, referral: Referral, username: str
) -> None:
    log_in(client, world.users[username])
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert client.get(reverse("referrals:inbox")).status_code == 404


@pytest.mark.parametrize(("username", "shows_person"),
                         [("intake", True), ("admin", True), ("liaison", False)])
def test_foundation_routers_see_the_coordination_data_only(
    client: Client, world: World, referral: Referral, person: Person, username: str,
    shows_person: bool,
) -> None:
    log_in(client, world.users[username])
    response = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert referral.reference in html and world.family.name_ar in html
    assert REASON not in html and SUMMARY not in html
    assert response.context["events"] == []
    assert (person.name_ar in html) is shows_person
    assert "accept_form" not in response.context and "message_form" not in response.context
    assert client.post(reverse("referrals:message", args=[referral.pk]),
                       {"text": "hello"}).status_code == 404


def test_another_center_gets_404(
    client: Client, world: World, referral: Referral
) -> None:
    from tawasul.accounts.roles import Role
    from tawasul.common.testing import make_org, make_user
    from tawasul.organizations.models import CenterDomain, OrganizationKind

    elderly = make_org(OrganizationKind.CENTER, "center-elderly", domain=CenterDomain.ELDERLY)
    other = make_user("elderly_manager", elderly, Role.CASE_MANAGER)
    log_in(client, other)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert client.post(reverse("referrals:decline", args=[referral.pk]),
                       {"decline-reason": "x"}).status_code == 404
    assert list(client.get(reverse("referrals:inbox")).context["page_obj"]) == []


def test_restricted_source_case_hides_the_referral_from_the_rest_of_the_sender(
    client: Client, world: World, referral: Referral
) -> None:
    log_in(client, world.protection_staff)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert list(client.get(reverse("referrals:outbox")).context["page_obj"]) == []


def test_decline_without_reason_shows_the_field_error(
    client: Client, world: World, referral: Referral
) -> None:
    log_in(client, world.family_director)
    response = client.post(reverse("referrals:decline", args=[referral.pk]),
                           {"decline-reason": "  "})
    assert response.status_code == 400
    assert "reason" in response.context["decline_form"].errors
    assert Referral.objects.get().status == ReferralStatus.SUBMITTED
    response = client.post(reverse("referrals:decline", args=[referral.pk]),
                           {"decline-reason": "No capacity this month"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "No capacity this month"


def test_withdraw_only_by_the_sender(
    client: Client, world: World, referral: Referral
) -> None:
    url = reverse("referrals:withdraw", args=[referral.pk])
    log_in(client, world.family_manager)
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert "withdraw_form" not in page.context
    assert client.post(url, {"withdraw-reason": "Receiver tries"}).status_code == 403
    assert Referral.objects.get().status == ReferralStatus.SUBMITTED
    log_in(client, world.protection_manager)
    response = client.post(url, {"withdraw-reason": ""})
    assert response.status_code == 400
    assert "reason" in response.context["withdraw_form"].errors
    assert client.post(url, {"withdraw-reason": "Family moved"}).status_code == 302
    assert Referral.objects.get().status == ReferralStatus.WITHDRAWN
    # Only while submitted: no second withdrawal form.
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert "withdraw_form" not in page.context


def test_receiver_starts_and_completes_and_both_sides_write_messages(
    client: Client, world: World, referral: Referral
) -> None:
    log_in(client, world.family_director)
    client.post(reverse("referrals:accept", args=[referral.pk]),
                {"case_type": case_type("family", "family-reconciliation").pk})
    assert client.post(reverse("referrals:start", args=[referral.pk])).status_code == 302
    assert Referral.objects.get().status == ReferralStatus.IN_PROGRESS
    assert client.post(reverse("referrals:message", args=[referral.pk]),
                       {"text": "First session booked"}).status_code == 302
    assert client.post(reverse("referrals:complete", args=[referral.pk]),
                       {"note": "Done"}).status_code == 302
    assert Referral.objects.get().status == ReferralStatus.COMPLETED
    log_in(client, world.protection_manager)
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "First session booked" in html
    response = client.post(reverse("referrals:message", args=[referral.pk]), {"text": ""})
    assert response.status_code == 400 and "text" in response.context["message_form"].errors
    # The sender cannot move the receiver's work along.
    assert client.post(reverse("referrals:complete", args=[referral.pk])).status_code == 403


def test_inbox_filters_by_status_and_flags_overdue(
    client: Client, world: World, referral: Referral
) -> None:
    from datetime import timedelta

    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(hours=1))
    log_in(client, world.family_manager)
    response = client.get(reverse("referrals:inbox"), {"overdue": "on"})
    assert [r.pk for r in response.context["page_obj"]] == [referral.pk]
    assert "table-danger" in response.content.decode()
    response = client.get(reverse("referrals:inbox"), {"status": "accepted"})
    assert list(response.context["page_obj"]) == []
    response = client.get(reverse("referrals:inbox"), {"status": "submitted"})
    assert [r.pk for r in response.context["page_obj"]] == [referral.pk]


def test_inbox_query_count_does_not_grow_with_rows(
    client: Client, world: World, catalog: None
) -> None:
    log_in(client, world.family_manager)

    def refer(n: int) -> None:
        for _ in range(n):
            number = Referral.objects.count()
            person = register(world, given_name_ar=f"اسم{number}",
                              given_name_latin=f"Name{number}", family_name_latin="Test")
            case = case_services.case_open(
                actor=world.protection_manager, center=world.protection, person=person,
                case_type=case_type("protection", "child-abuse"), risk_level="low")
            send(world, case)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("referrals:inbox")).status_code == 200
        return len(queries)

    refer(2)
    few = count()
    refer(6)
    assert count() == few
