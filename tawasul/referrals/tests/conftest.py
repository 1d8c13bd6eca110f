from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tawasul.cases import services as case_services
from tawasul.cases.case_types import load_case_types
from tawasul.cases.models import Case, CaseType
from tawasul.common.testing import World
from tawasul.people import services as people_services
from tawasul.people.models import Consent, Person
from tawasul.referrals import services
from tawasul.referrals.models import Referral

REASON = "Needs family counselling alongside protection work"
SUMMARY = "Assessment shows the family needs mediation"


def case_type(domain: str, code: str) -> CaseType:
    return CaseType.objects.get(domain=domain, code=code)


def give_consent(world: World, person: Person, recipient: Any = None,
                 categories: tuple[str, ...] = ("identity", "case_summary"),
                 **extra: Any) -> Consent:
    return people_services.consent_record(
        actor=world.protection_manager, person=person, purpose="referral",
        recipients=[recipient or world.family], data_categories=categories,
        granted_by_name="Guardian name", granted_by_relationship="mother", **extra,
    )


def send(world: World, case: Case, **extra: Any) -> Referral:
    kwargs: dict[str, Any] = {
        "actor": world.protection_manager, "case": case, "to_center": world.family,
        "urgency": "routine", "reason": REASON,
    }
    kwargs.update(extra)
    return services.referral_send(**kwargs)


@pytest.fixture
def catalog(world: World) -> None:
    load_case_types()


@pytest.fixture
def person(world: World) -> Person:
    return people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        given_name_ar="مريم", family_name_ar="الكواري", given_name_latin="Maryam",
        family_name_latin="Al-Kuwari", date_of_birth=dt.date(2012, 3, 4), sex="female",
        nationality="QA",
    )


@pytest.fixture
def restricted_case(world: World, catalog: None, person: Person) -> Case:
    """A child-abuse case of the protection center, managed by protection_manager; the
    center's staff member is not on its team."""
    return case_services.case_open(
        actor=world.protection_manager, center=world.protection, person=person,
        case_type=case_type("protection", "child-abuse"), risk_level="high",
        summary="Case details",
    )


@pytest.fixture
def referral(world: World, restricted_case: Case, person: Person) -> Referral:
    """The restricted case referred to the family center, with a consented summary."""
    give_consent(world, person)
    return send(world, restricted_case, summary=SUMMARY)


# --- Referrals from embassies -------------------------------------------------------------

EMBASSY_REASON = "She came to the embassy after leaving her employer's house and needs a shelter."
MARIA = {"name_ar": "ماريا سانتوس", "name_en": "Maria Santos", "sex": "female",
         "date_of_birth": "1994-02-11", "nationality": "PH", "passport_number": "P7654321A",
         "phone": "+63 917 555 0101"}


def submit(world: World, *, actor: Any = None, person: dict[str, Any] | None = None,
           **extra: Any) -> Referral:
    """An embassy referral of Maria (by the Philippine consul unless `actor`)."""
    from tawasul.referrals import embassy_services

    kwargs: dict[str, Any] = {"domain": "protection", "urgency": "urgent",
                              "reason": EMBASSY_REASON}
    kwargs.update(extra)
    return embassy_services.embassy_referral_submit(
        actor=actor or world.consul_ph, person=person or dict(MARIA), **kwargs)


def register_maria(world: World) -> Person:
    """Maria as the protection center registered her (Latin name only, same passport)."""
    return people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        given_name_latin="Maria", family_name_latin="Santos",
        date_of_birth=dt.date(1994, 2, 11), sex="female", nationality="PH",
        identifiers=[{"type": "passport", "value": "P7654321A", "issuing_country": "PH"}],
    )


@pytest.fixture
def maria(world: World) -> Person:
    return register_maria(world)


@pytest.fixture
def embassy_referral(world: World, catalog: None) -> Referral:
    return submit(world)


def assign_to_protection(world: World, referral: Referral, person: Person) -> Referral:
    """Link to `person` and assign to the protection center; returns the assignment."""
    from tawasul.referrals import embassy_services

    embassy_services.referral_link_person(actor=world.intake, referral=referral, person=person)
    return embassy_services.referral_assign(actor=world.intake, referral=referral,
                                            center=world.protection, note="Please see her today")


def accept_assignment(world: World, assignment: Referral) -> Referral:
    return services.referral_accept(actor=world.protection_manager, referral=assignment,
                                    case_type=case_type("protection", "domestic-violence"))
