"""Asking an embassy: the basis, the minimum fields, the director's approval, the embassy's
answers, withdrawal, messages, and the disclosure log each of them writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases.models import Case, Notification
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.testing import World
from tawasul.coordination import services
from tawasul.coordination.models import (
    CoordinationRequest,
    Disclosure,
    LegalGroundStatus,
    RequestEvent,
    RequestStatus,
)
from tawasul.coordination.tests.conftest import (
    CASE_NOTE,
    CASE_SUMMARY,
    HOME_TOWN,
    MESSAGE,
    PASSPORT,
    ask,
    give_consent,
)
from tawasul.people.models import Consent, Person

pytestmark = pytest.mark.django_db


def _code(excinfo: pytest.ExceptionInfo[DomainError]) -> tuple[str, str | None]:
    return excinfo.value.code, excinfo.value.field


# --- The basis ---------------------------------------------------------------------------


def test_a_consent_that_allows_it_sends_at_once_and_logs_the_disclosure(
    world: World, request_sent: CoordinationRequest, consent: Consent
) -> None:
    assert request_sent.status == RequestStatus.SENT
    assert request_sent.reference.startswith("CR-")
    assert request_sent.sent_at and request_sent.due_at and request_sent.remind_at
    assert request_sent.disclosed == {
        "name_latin": "Liza Mendoza", "name_ar": "ليزا ميندوزا", "date_of_birth": "1995-05-17",
        "nationality": "PH", "home_town": HOME_TOWN,
    }
    [disclosure] = Disclosure.objects.all()
    assert (disclosure.person, disclosure.recipient, disclosure.consent,
            disclosure.legal_ground) == (request_sent.person, world.embassy_ph, consent, None)
    assert disclosure.fields == ["name_latin", "name_ar", "date_of_birth", "nationality",
                                 "home_town", "message"]
    assert disclosure.categories == ["family", "identity"]
    assert (disclosure.disclosed_by, disclosure.disclosed_by_organization) == (
        world.protection_manager, world.protection)
    assert (disclosure.object_type, disclosure.object_id, disclosure.object_reference) == (
        "coordination.coordinationrequest", str(request_sent.pk), request_sent.reference)
    # Values never reach the log or the audit trail.
    assert "Liza" not in str(disclosure.fields)
    entry = AuditEntry.objects.filter(object_id=str(disclosure.pk)).get()
    assert entry.action == AuditAction.CREATE and "Liza" not in str(entry.fields)
    assert Notification.objects.filter(recipient=world.consul_ph,
                                       kind="coordination_received").exists()


@pytest.mark.parametrize(("request_type", "fields"), [
    ("travel_document", {"name_latin", "name_ar", "date_of_birth", "sex", "nationality",
                         "passport_number"}),
    ("interpreter", {"given_name", "languages"}),
    ("financial_assistance", {"name_latin", "name_ar", "nationality", "passport_number"}),
])
def test_each_type_discloses_its_minimum_only(world: World, case: Case, person: Person,
                                              request_type: str, fields: set[str]) -> None:
    give_consent(world, person, categories=("identity",))
    request = ask(world, case, request_type=request_type, message="")
    assert set(request.disclosed) == fields
    assert request.home_town == ""  # only family tracing sends one
    if "passport_number" in fields:
        assert request.disclosed["passport_number"] == PASSPORT
    if request_type == "interpreter":
        assert request.disclosed == {"given_name": "Liza", "languages": ["tl", "en"]}
    for value in map(str, request.disclosed.values()):
        assert CASE_SUMMARY not in value and "+974" not in value and "Al Sadd" not in value


def test_without_a_basis_nothing_is_sent(world: World, case: Case) -> None:
    with pytest.raises(DomainError) as excinfo:
        services.request_create(actor=world.protection_manager, case=case,
                                request_type="family_tracing", embassy=world.embassy_ph,
                                urgency="routine", home_town=HOME_TOWN)
    assert _code(excinfo) == ("basis_required", "consent")
    assert not CoordinationRequest.objects.exists() and not Disclosure.objects.exists()


@pytest.mark.parametrize("problem", ["wrong_recipient", "wrong_purpose", "missing_category",
                                     "withdrawn", "expired"])
def test_a_consent_that_does_not_allow_the_type_is_refused(
    world: World, case: Case, person: Person, problem: str
) -> None:
    now = timezone.now()
    options: dict[str, dict[str, Any]] = {
        "wrong_recipient": {"recipient": world.embassy_in},
        "wrong_purpose": {"purpose": "referral"},
        "missing_category": {"categories": ("identity",)},
        "withdrawn": {},
        "expired": {"granted_at": now - dt.timedelta(days=10),
                    "expires_at": now - dt.timedelta(days=1)},
    }
    consent = give_consent(world, person, **options[problem])
    if problem == "withdrawn":
        from tawasul.people.services import consent_withdraw

        consent_withdraw(actor=world.protection_manager, consent=consent, reason="asked to")
    with pytest.raises(DomainError) as excinfo:
        ask(world, case, consent=consent)
    assert _code(excinfo) == ("consent_does_not_allow", "consent")
    assert not Disclosure.objects.exists()


def test_only_the_embassy_of_the_persons_country(world: World, case: Case, person: Person
                                                 ) -> None:
    give_consent(world, person, recipient=world.embassy_in)
    with pytest.raises(DomainError) as excinfo:
        ask(world, case, embassy=world.embassy_in)
    assert _code(excinfo) == ("not_home_embassy", "embassy")
    with pytest.raises(DomainError) as excinfo:
        ask(world, case, embassy=world.unesco)
    assert _code(excinfo) == ("invalid", "embassy")


def test_bad_input_is_refused_with_the_field_named(world: World, case: Case,
                                                   consent: Consent) -> None:
    past = timezone.now() - dt.timedelta(hours=1)
    cases: list[tuple[dict[str, Any], tuple[str, str]]] = [
        ({"due_at": past}, ("due_in_past", "due_at")),
        ({"home_town": "  "}, ("required", "home_town")),
        ({"request_type": "visa"}, ("invalid", "request_type")),
        ({"urgency": "asap"}, ("invalid", "urgency")),
        ({"legal_ground": "A court order", "consent": consent}, ("two_bases", "legal_ground")),
        ({"message": "x" * 20001}, ("too_long", "message")),
    ]
    for extra, expected in cases:
        with pytest.raises(DomainError) as excinfo:
            ask(world, case, **extra)
        assert _code(excinfo) == expected, extra
    assert not CoordinationRequest.objects.exists()


def test_a_due_date_asked_for_is_kept(world: World, case: Case, consent: Consent) -> None:
    wanted = timezone.now() + dt.timedelta(days=3)
    request = ask(world, case, due_at=wanted)
    assert request.due_at == wanted


def test_one_open_request_of_a_type_per_person_and_embassy(
    world: World, case: Case, request_sent: CoordinationRequest, person: Person
) -> None:
    with pytest.raises(DomainError) as excinfo:
        ask(world, case)
    assert excinfo.value.code == "duplicate_request"
    give_consent(world, person, categories=("identity",))
    assert ask(world, case, request_type="interpreter").status == RequestStatus.SENT


@pytest.mark.parametrize("name", ["protection_staff", "family_manager", "consul_ph", "liaison",
                                  "intake"])
def test_only_the_director_and_case_managers_on_the_case_ask(
    world: World, case: Case, consent: Consent, name: str
) -> None:
    with pytest.raises(PermissionDenied):
        ask(world, case, actor=world.users[name])


def test_a_closed_case_cannot_ask(world: World, case: Case, consent: Consent) -> None:
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=timezone.now(),
                                           closure_reason="goals_met")
    case.refresh_from_db()
    with pytest.raises(PermissionDenied):
        ask(world, case)


# --- A legal ground -----------------------------------------------------------------------


def test_a_legal_ground_waits_for_the_director(world: World, case: Case) -> None:
    request = ask(world, case, legal_ground="Court order 12/2026 for family tracing")
    assert request.status == RequestStatus.AWAITING_APPROVAL
    assert request.sent_at is None and request.disclosed == {}
    assert not Disclosure.objects.exists()
    assert Notification.objects.filter(recipient=world.protection_director,
                                       kind="coordination_approval_needed").exists()
    assert not Notification.objects.filter(recipient=world.consul_ph).exists()
    # A case manager cannot approve, their own or anyone's; nor can another director.
    for name in ("protection_manager", "family_director", "consul_ph"):
        with pytest.raises(PermissionDenied):
            services.request_approve(actor=world.users[name], request=request)
    approved = services.request_approve(actor=world.protection_director, request=request)
    assert approved.status == RequestStatus.SENT
    ground = approved.legal_ground
    assert ground is not None
    assert (ground.status, ground.decided_by) == (LegalGroundStatus.APPROVED,
                                                  world.protection_director)
    assert ground.decided_at is not None
    [disclosure] = Disclosure.objects.all()
    assert (disclosure.legal_ground, disclosure.consent) == (ground, None)
    assert disclosure.disclosed_by == world.protection_director
    # The approval was not an event the embassy sees.
    assert not RequestEvent.objects.filter(request=request, shared_with_embassy=False,
                                           to_status=RequestStatus.SENT).exists()


def test_a_refused_legal_ground_sends_nothing(world: World, case: Case) -> None:
    request = ask(world, case, legal_ground="No real ground")
    with pytest.raises(DomainError):
        services.request_refuse(actor=world.protection_director, request=request, reason=" ")
    refused = services.request_refuse(actor=world.protection_director, request=request,
                                      reason="Consent can be asked for")
    assert refused.status == RequestStatus.NOT_APPROVED
    assert refused.legal_ground is not None
    assert refused.legal_ground.refusal_reason == "Consent can be asked for"
    assert refused.sent_at is None and not Disclosure.objects.exists()
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=world.protection_director, request=refused)


# --- The embassy's answers, withdrawal ----------------------------------------------------------


def test_the_embassy_moves_the_request_along(world: World,
                                             request_sent: CoordinationRequest) -> None:
    with pytest.raises(PermissionDenied):  # a viewer reads only
        services.request_acknowledge(actor=world.viewer_ph, request=request_sent)
    with pytest.raises(PermissionDenied):  # another embassy cannot
        services.request_acknowledge(actor=world.consul_in, request=request_sent)
    request = services.request_acknowledge(actor=world.consul_ph, request=request_sent)
    with pytest.raises(DomainError) as excinfo:
        services.request_acknowledge(actor=world.consul_ph, request=request)
    assert excinfo.value.code == "transition_not_allowed"
    request = services.request_start(actor=world.consul_ph, request=request)
    request = services.request_fulfil(actor=world.consul_ph, request=request,
                                      note="Mother found in Iloilo")
    assert request.status == RequestStatus.FULFILLED and request.fulfilled_at
    assert Notification.objects.filter(recipient=world.protection_manager,
                                       kind="coordination_status").count() == 3
    with pytest.raises(PermissionDenied):  # closed: no more answers
        services.request_decline(actor=world.consul_ph, request=request, reason="late")


def test_declining_needs_a_reason(world: World, request_sent: CoordinationRequest) -> None:
    with pytest.raises(DomainError) as excinfo:
        services.request_decline(actor=world.consul_ph, request=request_sent, reason="")
    assert excinfo.value.field == "reason"
    request = services.request_decline(actor=world.consul_ph, request=request_sent,
                                       reason="Not a consular matter")
    assert (request.status, request.decline_reason) == (RequestStatus.DECLINED,
                                                        "Not a consular matter")


def test_withdrawal_keeps_the_reason_from_the_embassy(
    world: World, request_sent: CoordinationRequest
) -> None:
    with pytest.raises(PermissionDenied):
        services.request_withdraw(actor=world.consul_ph, request=request_sent, reason="x")
    request = services.request_withdraw(actor=world.protection_manager, request=request_sent,
                                        reason="She changed her mind about her family")
    assert (request.status, request.withdrawal_cause) == (RequestStatus.WITHDRAWN, "requester")
    event = RequestEvent.objects.filter(request=request, to_status="withdrawn").get()
    assert event.text == "" and event.shared_with_embassy
    notice = Notification.objects.get(recipient=world.consul_ph, kind="coordination_withdrawn")
    assert "changed her mind" not in notice.text


# --- Messages --------------------------------------------------------------------------------


def test_messages_both_ways_and_the_centers_are_logged(
    world: World, request_sent: CoordinationRequest
) -> None:
    services.message_add(actor=world.consul_ph, request=request_sent, text="Which village?")
    assert Disclosure.objects.count() == 1  # the embassy's message discloses nothing of ours
    services.message_add(actor=world.protection_manager, request=request_sent,
                         text="Near the cathedral")
    latest = Disclosure.objects.latest("disclosed_at")
    assert latest.fields == ["message"] and latest.consent == request_sent.consent
    assert Notification.objects.filter(recipient=world.protection_manager,
                                       kind="coordination_message").exists()
    assert Notification.objects.filter(recipient=world.consul_ph,
                                       kind="coordination_message").exists()
    for name in ("viewer_ph", "protection_staff", "liaison"):
        with pytest.raises((PermissionDenied, DomainError)):
            services.message_add(actor=world.users[name], request=request_sent, text="hi")


def test_message_text_is_cleaned_and_required(world: World,
                                              request_sent: CoordinationRequest) -> None:
    with pytest.raises(DomainError) as excinfo:
        services.message_add(actor=world.consul_ph, request=request_sent, text="\u200b \u202e")
    assert excinfo.value.field == "text"
    event = services.message_add(actor=world.consul_ph, request=request_sent,
                                 text="Hello\u202e there")
    assert event.text == "Hello there"


def test_notifications_and_audit_never_carry_the_case(
    world: World, request_sent: CoordinationRequest
) -> None:
    for notification in Notification.objects.all():
        assert CASE_SUMMARY not in notification.text and MESSAGE not in notification.text
    for entry in AuditEntry.objects.all():
        assert CASE_NOTE not in entry.reason and "Liza" not in entry.reason
