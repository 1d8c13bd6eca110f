"""The demo world's requests to the embassy of Nepal, and a second run that writes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction

from tawasul.accounts.models import User
from tawasul.coordination import selectors
from tawasul.coordination.demo_coordination import seed_coordination
from tawasul.coordination.models import (
    CoordinationRequest,
    Disclosure,
    RequestEvent,
    RequestStatus,
    RequestType,
)
from tawasul.people.models import Person


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """Seeded once for the module, rolled back afterwards (seeding takes seconds)."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        call_command("seed_demo", "--quiet-logins", "--password", "x-demo-pw-2026-long")
        yield
        transaction.set_rollback(True)


def _request(given_name: str) -> CoordinationRequest:
    return CoordinationRequest.objects.get(person__given_name_latin=given_name)


@pytest.mark.django_db
def test_the_demo_has_each_flow(demo: None) -> None:
    sunita, pemba, maya, kamala = (_request(n) for n in ("Sunita", "Pemba", "Maya", "Kamala"))
    for request in (sunita, pemba, maya, kamala):
        assert request.from_organization.code == "center-protection"
        assert request.to_organization.code == "embassy-np"
    assert (sunita.request_type, sunita.status) == (RequestType.FAMILY_TRACING,
                                                    RequestStatus.IN_PROGRESS)
    assert RequestEvent.objects.filter(request=sunita, kind="message",
                                       author__username="embassy.np").exists()
    assert pemba.status == RequestStatus.FULFILLED and pemba.legal_ground is not None
    assert pemba.legal_ground.decided_by.username == "protection.director"  # type: ignore[union-attr]
    assert maya.status == RequestStatus.SENT and maya.escalated_at is not None
    assert kamala.status == RequestStatus.WITHDRAWN
    assert kamala.withdrawal_cause == "no_contact_flag"
    assert Person.objects.get(given_name_latin="Kamala").has_no_contact_flag
    assert Disclosure.objects.filter(object_id=str(sunita.pk)).exists()
    # The embassy of Nepal sees the four, and the overdue one is overdue.
    consul = User.objects.get(username="embassy.np")
    assert set(selectors.requests_visible_to(consul)) >= {sunita, pemba, maya, kamala}
    assert maya in selectors.overdue(selectors.requests_visible_to(consul))
    assert not selectors.request_fields_for(consul, kamala) & {"disclosed", "message"}


@pytest.mark.django_db
def test_a_second_run_writes_nothing(demo: None) -> None:
    before = (CoordinationRequest.objects.count(), RequestEvent.objects.count(),
              Disclosure.objects.count(), Person.objects.count())
    seeded = seed_coordination()
    assert seeded.created == 0 and len(seeded.requests) == 4
    after = (CoordinationRequest.objects.count(), RequestEvent.objects.count(),
             Disclosure.objects.count(), Person.objects.count())
    assert before == after
