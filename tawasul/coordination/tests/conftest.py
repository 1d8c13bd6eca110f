from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tawasul.cases import services as case_services
from tawasul.cases.case_types import load_case_types
from tawasul.cases.models import Case, CaseType
from tawasul.common.testing import World
from tawasul.coordination import services
from tawasul.coordination.models import CoordinationRequest
from tawasul.people import services as people_services
from tawasul.people.models import Consent, Person

# What the case holds and the embassy must never see.
CASE_SUMMARY = "Escaped a trafficking ring; the agency still looks for her"
CASE_NOTE = "Psychologist: severe anxiety after the assault"
MESSAGE = "Please help locate her mother"
HOME_TOWN = "Iloilo City"
PASSPORT = "P7766554A"


def register(world: World, **fields: Any) -> Person:
    defaults: dict[str, Any] = {
        "given_name_latin": "Liza", "family_name_latin": "Mendoza",
        "full_name_ar": "ليزا ميندوزا", "date_of_birth": dt.date(1995, 5, 17), "sex": "female",
        "nationality": "PH", "languages": ["tl", "en"], "phone": "+97466001122",
        "area": "Al Sadd",
    }
    defaults.update(fields)
    return people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        identifiers=[{"type": "passport", "value": PASSPORT,
                      "issuing_country": defaults["nationality"]}],
        **defaults,
    )


def give_consent(world: World, person: Person, recipient: Any = None,
                 categories: tuple[str, ...] = ("identity", "family"),
                 purpose: str = "coordination_with_embassy", **extra: Any) -> Consent:
    return people_services.consent_record(
        actor=world.protection_manager, person=person, purpose=purpose,
        recipients=[recipient or world.embassy_ph], data_categories=categories, **extra,
    )


def ask(world: World, case: Case, **extra: Any) -> CoordinationRequest:
    kwargs: dict[str, Any] = {
        "actor": world.protection_manager, "case": case, "request_type": "family_tracing",
        "embassy": world.embassy_ph, "urgency": "routine", "home_town": HOME_TOWN,
        "message": MESSAGE,
    }
    kwargs.update(extra)
    if "consent" not in kwargs and "legal_ground" not in kwargs:
        kwargs["consent"] = Consent.objects.filter(person=case.person).latest("granted_at")
    return services.request_create(**kwargs)


@pytest.fixture(autouse=True)
def addresses(request: pytest.FixtureRequest) -> None:
    """Every persona has an email address, so that the emails can be read."""
    if "world" not in request.fixturenames:
        return
    world: World = request.getfixturevalue("world")
    for user in world.users.values():
        user.email = f"{user.username}@example.test"
        user.save(update_fields=["email"])


@pytest.fixture
def catalog(world: World) -> None:
    load_case_types()


@pytest.fixture
def person(world: World) -> Person:
    return register(world)


@pytest.fixture
def case(world: World, catalog: None, person: Person) -> Case:
    """A trafficking case of the protection center (restricted by type), managed by
    protection_manager, with a note the embassy must never read."""
    opened = case_services.case_open(
        actor=world.protection_manager, center=world.protection, person=person,
        case_type=CaseType.objects.get(domain="protection", code="trafficking"),
        risk_level="high", summary=CASE_SUMMARY,
    )
    case_services.case_add_note(actor=world.protection_manager, case=opened, text=CASE_NOTE)
    return opened


@pytest.fixture
def consent(world: World, person: Person) -> Consent:
    return give_consent(world, person)


@pytest.fixture
def request_sent(world: World, case: Case, consent: Consent) -> CoordinationRequest:
    """A family-tracing request to the embassy of the Philippines, sent under consent."""
    return ask(world, case, consent=consent)
