"""An embassy refers one of its nationals: who may, what is kept (the person as the
embassy described them, never a registry record of its own accord), the reference and
due date, the registry's matches found on arrival, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.testing import World
from tawasul.people.models import Person
from tawasul.referrals.due import DEFAULT_TRIAGE_DUE_HOURS
from tawasul.referrals.models import (
    Referral,
    ReferralKind,
    ReferralStatus,
    SubmittedPerson,
)
from tawasul.referrals.tests.conftest import EMBASSY_REASON, MARIA, send, submit

pytestmark = pytest.mark.django_db


def test_a_consular_officer_refers_a_national_to_the_foundation(world: World) -> None:
    persons = Person.objects.count()
    referral = submit(world)
    year = timezone.localdate().year
    assert re.fullmatch(rf"TW-{year}-\d{{6}}", referral.reference)
    assert (referral.kind, referral.status) == (ReferralKind.EMBASSY_TO_FOUNDATION,
                                                ReferralStatus.SUBMITTED)
    assert referral.from_organization == world.embassy_ph
    assert referral.to_organization == world.foundation
    # Kept as the embassy described the person; the registry is not written to.
    assert referral.person is None and Person.objects.count() == persons
    submitted = SubmittedPerson.objects.get(referral=referral)
    assert (submitted.name_ar, submitted.name_en, submitted.sex) == (
        MARIA["name_ar"], MARIA["name_en"], "female")
    assert submitted.date_of_birth == dt.date(1994, 2, 11)
    assert str(submitted.nationality) == "PH"
    assert submitted.passport_number == "P7654321A"
    assert submitted.phone == "+639175550101"
    assert referral.reason == EMBASSY_REASON
    created = AuditEntry.objects.filter(action=AuditAction.CREATE, actor=world.consul_ph,
                                        object_id=str(referral.pk)).get()
    assert "reason" in created.fields and EMBASSY_REASON not in str(created.fields)
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(submitted.pk))
    assert "name_en" in entry.fields and "Maria" not in str(entry.fields)


def test_every_referral_numbers_from_one_counter(world: World, restricted_case: Any) -> None:
    first = submit(world)
    between_centers = send(world, restricted_case)
    assert first.reference.startswith("TW-") and between_centers.reference.startswith("R-")
    assert int(between_centers.reference[-6:]) == int(first.reference[-6:]) + 1


@pytest.mark.parametrize("username", ["viewer_ph", "intake", "admin", "liaison",
                                      "protection_manager", "supervisor", "unesco_fp"])
def test_only_an_embassys_consular_officers_refer(world: World, username: str) -> None:
    with pytest.raises(PermissionDenied):
        submit(world, actor=world.users[username])
    assert not Referral.objects.exists() and not SubmittedPerson.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     actor=world.users[username]).exists()


def test_an_embassy_refers_only_its_own_nationals(world: World) -> None:
    indian = {**MARIA, "nationality": "IN"}
    with pytest.raises(DomainError) as refused:
        submit(world, person=indian)
    assert (refused.value.code, refused.value.field) == ("not_a_national", "nationality")
    assert not Referral.objects.exists()
    # The Indian embassy refers the same person as its national.
    assert submit(world, actor=world.consul_in, person=indian).from_organization == (
        world.embassy_in)


# A date of birth in the future however long the run: computed when the module is read,
# a day ahead would be today for the tests that run after midnight in Qatar.
NEXT_WEEK = (timezone.localdate() + dt.timedelta(days=7)).isoformat()


@pytest.mark.parametrize(("change", "field"), [
    ({"person": {**MARIA, "date_of_birth": NEXT_WEEK}}, "date_of_birth"),
    ({"person": {**MARIA, "date_of_birth": "1850-01-01"}}, "date_of_birth"),
    ({"person": {**MARIA, "date_of_birth": "11/02/1994"}}, "date_of_birth"),
    ({"person": {**MARIA, "sex": "other"}}, "sex"),
    ({"person": {**MARIA, "name_ar": "", "name_en": "  "}}, "name_ar"),
    ({"person": {**MARIA, "name_en": "x" * 301}}, "name_en"),
    ({"person": {**MARIA, "nationality": "XY"}}, "nationality"),
    ({"person": {**MARIA, "phone": "call me"}}, "phone"),
    ({"person": {**MARIA, "passport_number": "P<script>"}}, "passport_number"),
    ({"domain": "astrology"}, "domain"),
    ({"urgency": "whenever"}, "urgency"),
    ({"reason": "  "}, "reason"),
    ({"reason": "x" * 20001}, "reason"),
])
def test_bad_input_is_refused_naming_its_field(world: World, change: dict[str, Any],
                                               field: str) -> None:
    with pytest.raises(DomainError) as refused:
        submit(world, **change)
    assert refused.value.field == field
    assert not Referral.objects.exists()


def test_text_is_cleaned_before_it_is_kept(world: World) -> None:
    referral = submit(world, person={**MARIA, "name_en": "Maria\u202e Santos\u200b "},
                      reason="Needs\u200b help\r\nnow")
    assert SubmittedPerson.objects.get(referral=referral).name_en == "Maria Santos"
    assert "\u200b" not in referral.reason


def test_the_registry_is_matched_on_arrival(world: World, maria: Person) -> None:
    other = Person.objects.create(
        reference="P-2026-999999", full_name_latin="Marisol Fernandez",
        date_of_birth=dt.date(1970, 5, 5), sex="female", nationality="PH",
        registered_by_organization=world.protection,
    )
    referral = submit(world)
    matches = SubmittedPerson.objects.get(referral=referral).matches
    assert matches[0]["person"] == str(maria.pk)
    assert matches[0]["same_passport"] is True and matches[0]["score"] > 0.5
    assert {r["code"] for r in matches[0]["reasons"]} >= {"same_identifier"}
    assert str(other.pk) not in {m["person"] for m in matches}


def test_without_anyone_alike_there_are_no_matches(world: World) -> None:
    referral = submit(world)
    submitted = SubmittedPerson.objects.get(referral=referral)
    assert submitted.matches == [] and submitted.matched_at is not None


@pytest.mark.parametrize(("urgency", "hours"), sorted(DEFAULT_TRIAGE_DUE_HOURS.items()))
def test_triage_is_due_by_urgency(world: World, urgency: str, hours: int) -> None:
    referral = submit(world, urgency=urgency)
    assert referral.due_at - referral.sent_at == dt.timedelta(hours=hours)
    assert referral.sent_at < referral.remind_at < referral.due_at


def test_emergencies_in_hours_urgent_in_days_routine_in_weeks() -> None:
    hours = DEFAULT_TRIAGE_DUE_HOURS
    assert hours["emergency"] < 24 <= hours["urgent"] < 7 * 24 <= hours["routine"]


def test_due_dates_are_configurable(world: World, settings: SettingsWrapper) -> None:
    settings.REFERRAL_TRIAGE_DUE_HOURS = {"emergency": 2}
    emergency = submit(world, urgency="emergency")
    assert emergency.due_at - emergency.sent_at == dt.timedelta(hours=2)
    routine = submit(world, urgency="routine", person={**MARIA, "passport_number": ""})
    assert routine.due_at - routine.sent_at == dt.timedelta(
        hours=DEFAULT_TRIAGE_DUE_HOURS["routine"])
