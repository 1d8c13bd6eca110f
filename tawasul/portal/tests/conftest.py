"""Rows for counting: persons of a nationality with cases and referrals at chosen times.

The counts read only the nationality, the flag, the domain and the time of each row, so
the rows are made directly (as the synthetic data generator does), not through the case
and referral workflows, which their own apps test."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.utils import timezone

from tawasul.cases.case_types import load_case_types
from tawasul.cases.models import Case, CaseType
from tawasul.common.testing import World
from tawasul.organizations.models import Organization
from tawasul.people.models import Person, SafetyFlag, SafetyFlagKind
from tawasul.referrals.models import Referral

_numbers = itertools.count(1)


def local(year: int, month: int, day: int = 15, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour),
                               timezone.get_default_timezone())


def months_ago(n: int, day: int = 15) -> dt.datetime:
    today = timezone.localdate()
    year, month = today.year, today.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return local(year, month, min(day, 28))


def make_person(world: World, nationality: str, *, flagged: bool = False) -> Person:
    n = next(_numbers)
    person = Person.objects.create(
        reference=f"P-T-{n:06d}", given_name_latin=f"Person{n}", nationality=nationality,
        registered_by_organization=world.protection,
    )
    if flagged:
        SafetyFlag.objects.create(person=person, kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY)
    return person


def make_cases(world: World, center: Organization, nationality: str, count: int,
               at: dt.datetime, **person: Any) -> list[Case]:
    if not CaseType.objects.exists():
        load_case_types()
    case_type = CaseType.objects.filter(domain=center.domain).first()
    assert case_type is not None
    cases = []
    for _i in range(count):
        cases.append(Case.objects.create(
            reference=f"C-T-{next(_numbers):06d}", center=center,
            person=make_person(world, nationality, **person), case_type=case_type,
            risk_level="medium", opened_at=at,
        ))
    return cases


def make_referrals(world: World, domain: str, nationality: str, count: int,
                   at: dt.datetime, **person: Any) -> list[Referral]:
    referrals = []
    for _i in range(count):
        referrals.append(Referral.objects.create(
            reference=f"R-T-{next(_numbers):06d}", from_organization=world.protection,
            to_organization=world.family, person=make_person(world, nationality, **person),
            domain=domain, urgency="routine", reason="Test", sent_at=at,
            due_at=at + dt.timedelta(days=10), remind_at=at + dt.timedelta(days=5),
        ))
    return referrals


@pytest.fixture
def community(world: World) -> None:
    """Filipino nationals' cases (protection 12, 9, 7 and family 2, 8, 6 over the last
    three months) and referrals (family 9, 6, 5; protection 11, 1, 8); Indian nationals:
    5 protection cases this month. Suppressed, the Filipino tables show the 9 protection
    cases of last month, the family cases of two months ago as "<5", the 9 family
    referrals of two months ago and last month's protection referral as "<5"."""
    for center, counts in ((world.protection, (12, 9, 7)), (world.family, (2, 8, 6))):
        for ago, count in zip((2, 1, 0), counts, strict=True):
            make_cases(world, center, "PH", count, months_ago(ago, day=1))
    for domain, counts in (("family", (9, 6, 5)), ("protection", (11, 1, 8))):
        for ago, count in zip((2, 1, 0), counts, strict=True):
            make_referrals(world, domain, "PH", count, months_ago(ago, day=1))
    make_cases(world, world.protection, "IN", 5, months_ago(0, day=1))


# --- Threads: a coordination request to the embassy of the Philippines ------------------


@pytest.fixture
def request_to_ph(world: World) -> Any:
    """A family-tracing request from the protection center to the embassy of the
    Philippines, sent under consent (built with the coordination app's own helpers)."""
    from tawasul.cases import services as case_services
    from tawasul.coordination.tests.conftest import ask, give_consent, register

    load_case_types()
    person = register(world)
    case = case_services.case_open(
        actor=world.protection_manager, center=world.protection, person=person,
        case_type=CaseType.objects.get(domain="protection", code="trafficking"),
        risk_level="high", summary="Case details the embassy never reads",
    )
    return ask(world, case, consent=give_consent(world, person))
