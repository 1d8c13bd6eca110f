from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tawasul.cases import services
from tawasul.cases.case_types import load_case_types
from tawasul.cases.models import Case, CaseType
from tawasul.common.testing import World
from tawasul.people import services as people_services
from tawasul.people.models import Person


def register(world: World, user: str = "protection_manager", **fields: Any) -> Person:
    actor = world.users[user]
    defaults: dict[str, Any] = {
        "given_name_ar": "مريم", "family_name_ar": "الكواري", "given_name_latin": "Maryam",
        "family_name_latin": "Al-Kuwari", "date_of_birth": dt.date(2012, 3, 4),
        "sex": "female", "nationality": "QA",
    }
    defaults.update(fields)
    return people_services.person_register(
        actor=actor, organization=actor.organization, **defaults  # type: ignore[arg-type]
    )


def case_type(domain: str, code: str) -> CaseType:
    return CaseType.objects.get(domain=domain, code=code)


@pytest.fixture
def catalog(world: World) -> None:
    load_case_types()


@pytest.fixture
def person(world: World) -> Person:
    return register(world)


@pytest.fixture
def restricted_case(world: World, catalog: None, person: Person) -> Case:
    """A child-abuse case of the protection center, managed by protection_manager."""
    return services.case_open(
        actor=world.protection_manager, center=world.protection, person=person,
        case_type=case_type("protection", "child-abuse"), risk_level="high",
        summary="تفاصيل الحالة",
    )


@pytest.fixture
def standard_case(world: World, catalog: None, person: Person) -> Case:
    """A family-reconciliation case of the family center (standard sensitivity)."""
    return services.case_open(
        actor=world.family_manager, center=world.family, person=person,
        case_type=case_type("family", "family-reconciliation"), risk_level="low",
        summary="Family details",
    )
