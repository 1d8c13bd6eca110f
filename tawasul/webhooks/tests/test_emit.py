"""`emit`: deliveries for the organization's subscribed endpoints, in the caller's
transaction; and the no-contact rule, at emit and again at each attempt."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import World
from tawasul.jobs.tests.helpers import run_ready
from tawasul.people import services as people_services
from tawasul.people.models import Person, SafetyFlagKind
from tawasul.webhooks import services
from tawasul.webhooks.disclosure import payload_safe_for, persons_named_in
from tawasul.webhooks.models import WebhookDelivery, WebhookEvent
from tawasul.webhooks.services import PayloadRefused, emit
from tawasul.webhooks.tests.conftest import FakeTransport, register

pytestmark = pytest.mark.django_db

STATUS = WebhookEvent.COORDINATION_REQUEST_STATUS_CHANGED


def person(world: World, nationality: str, *, flagged: bool = False) -> Person:
    someone = people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        given_name_latin="Maria", family_name_latin="Reyes", sex="female",
        date_of_birth=dt.date(1990, 5, 1), nationality=nationality,
    )
    if flagged:
        people_services.safety_flag_set(actor=world.protection_manager, person=someone,
                                        kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY)
    return Person.objects.get(pk=someone.pk)


# --- payload_safe_for -----------------------------------------------------------------


def test_a_flagged_person_is_never_safe_for_their_own_countrys_embassy(world: World) -> None:
    flagged_ph = person(world, "PH", flagged=True)
    assert payload_safe_for(world.embassy_ph, flagged_ph) is False
    # Another country's embassy and a partner without a country are not concerned.
    assert payload_safe_for(world.embassy_in, flagged_ph) is True
    assert payload_safe_for(world.unesco, flagged_ph) is True


def test_an_unflagged_or_cleared_person_is_safe(world: World) -> None:
    assert payload_safe_for(world.embassy_ph, person(world, "PH")) is True
    cleared = person(world, "PH", flagged=True)
    flag = cleared.safety_flags.get()
    people_services.safety_flag_clear(actor=world.protection_manager, flag=flag, reason="ok")
    assert payload_safe_for(world.embassy_ph, Person.objects.get(pk=cleared.pk)) is True


def test_persons_are_found_by_id_or_reference_anywhere_in_the_payload(world: World) -> None:
    a, b, c = person(world, "PH"), person(world, "IN"), person(world, "NP")
    found = persons_named_in({"request": {"subject": str(a.pk)},
                              "notes": [f"about {b.reference}"], "other": "nothing"},
                             also=[c])
    assert {p.pk for p in found} == {a.pk, b.pk, c.pk}
    assert persons_named_in({"status": "sent"}) == []


# --- emit ----------------------------------------------------------------------------


def test_emit_creates_deliveries_for_subscribed_active_endpoints_after_commit(
    world: World, django_capture_on_commit_callbacks,
) -> None:
    subscribed, _ = register(world, events=[STATUS])
    register(world, url="https://hooks.embassy-ph.example.org/messages",
             events=[WebhookEvent.REQUEST_MESSAGE])
    gone, _ = register(world, url="https://hooks.embassy-ph.example.org/old", events=[STATUS])
    services.endpoint_deactivate(actor=world.consul_ph, endpoint=gone)
    other, _ = register(world, actor=world.consul_in, organization=world.embassy_in,
                        url="https://hooks.embassy-in.example.org/x", events=[STATUS])

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        deliveries = emit(organization=world.embassy_ph, event=STATUS, event_id="CR-1:sent",
                          payload={"request": "CR-2026-000001", "status": "sent"})
        assert not DBTaskResult.objects.exists()  # enqueued only once the caller commits
    assert [d.endpoint for d in deliveries] == [subscribed]
    assert len(callbacks) == 1 and DBTaskResult.objects.count() == 1
    # Emitting the same event again sends nothing new.
    assert emit(organization=world.embassy_ph, event=STATUS, event_id="CR-1:sent",
                payload={"status": "sent"}) == []
    assert WebhookDelivery.objects.count() == 1
    assert not WebhookDelivery.objects.filter(endpoint=other).exists()


def test_emit_writes_nothing_when_the_callers_transaction_rolls_back(
    world: World, django_capture_on_commit_callbacks,
) -> None:
    register(world, events=[STATUS])
    with (django_capture_on_commit_callbacks(execute=True) as callbacks,
          pytest.raises(RuntimeError), transaction.atomic()):
        emit(organization=world.embassy_ph, event=STATUS, event_id="CR-1:sent",
             payload={"status": "sent"})
        raise RuntimeError("the producer's own change failed")
    assert callbacks == []
    assert not WebhookDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_emit_refuses_unknown_events_and_what_json_cannot_carry(world: World) -> None:
    with pytest.raises(ValueError):
        emit(organization=world.embassy_ph, event=WebhookEvent.PING, event_id="x", payload={})
    with pytest.raises(ValueError):
        emit(organization=world.embassy_ph, event=STATUS, event_id="", payload={})
    with pytest.raises(TypeError):
        emit(organization=world.embassy_ph, event=STATUS, event_id="x",
             payload={"when": dt.date(2026, 1, 1)})


@pytest.mark.parametrize("how", ["declared", "by_id", "by_reference"])
def test_emit_refuses_a_payload_naming_a_flagged_national(world: World, how: str) -> None:
    register(world, events=[STATUS])
    flagged = person(world, "PH", flagged=True)
    payload: dict[str, object] = {"status": "fulfilled"}
    declared: list[Person] = []
    if how == "declared":
        declared = [flagged]
    elif how == "by_id":
        payload["person"] = {"id": str(flagged.pk)}
    else:
        payload["summary"] = f"Travel document for {flagged.reference}"
    with pytest.raises(PayloadRefused) as refused:
        emit(organization=world.embassy_ph, event=STATUS, event_id="CR-9:fulfilled",
             payload=payload, persons=declared)
    assert refused.value.code == "no_contact_flag"
    assert not WebhookDelivery.objects.exists()


def test_the_same_person_may_go_to_another_countrys_embassy(world: World) -> None:
    register(world, actor=world.consul_in, organization=world.embassy_in,
             url="https://hooks.embassy-in.example.org/x", events=[STATUS])
    flagged_ph = person(world, "PH", flagged=True)
    deliveries = emit(organization=world.embassy_in, event=STATUS, event_id="CR-3:sent",
                      payload={"person": str(flagged_ph.pk)}, persons=[flagged_ph])
    assert len(deliveries) == 1


def test_a_flag_set_after_emitting_withholds_the_delivery(
    world: World, transport: FakeTransport, django_capture_on_commit_callbacks,
) -> None:
    register(world, events=[STATUS])
    someone = person(world, "PH")
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = emit(organization=world.embassy_ph, event=STATUS, event_id="CR-4:sent",
                          payload={"status": "sent"}, persons=[someone])
    people_services.safety_flag_set(actor=world.protection_manager, person=someone,
                                    kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY)
    run_ready()
    assert transport.requests == []
    # Deleted unsent: the embassy's delivery log never shows it; the audit trail does.
    assert not WebhookDelivery.objects.filter(pk=delivery.pk).exists()
    entry = AuditEntry.objects.get(action=AuditAction.TASK, object_id=str(delivery.pk))
    assert "withheld" in entry.reason
