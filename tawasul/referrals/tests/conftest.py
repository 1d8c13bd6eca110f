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
