"""Who sees which requests to embassies, and which of their fields (DESIGN rules 3, 5, 7)."""

from __future__ import annotations

import pytest

from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases.models import Case
from tawasul.common.errors import OutOfScope
from tawasul.common.testing import World, make_org, make_user
from tawasul.coordination import selectors, services
from tawasul.coordination.access import access_request
from tawasul.coordination.models import CoordinationRequest
from tawasul.coordination.selectors import request_events_visible_to, request_fields_for
from tawasul.organizations.models import OrganizationKind

pytestmark = pytest.mark.django_db

NOBODY = ("intake", "analyst", "supervisor", "unesco_fp", "consul_in", "family_manager",
          "family_director")
PERSON_AND_CONTENT = {"person", "case", "disclosed", "message", "events", "home_town",
                      "consent", "legal_ground", "withdrawal_reason", "created_by"}


def test_the_requesting_center_sees_everything(world: World,
                                               request_sent: CoordinationRequest) -> None:
    for name in ("protection_manager", "protection_director"):
        user = world.users[name]
        assert list(selectors.requests_visible_to(user)) == [request_sent]
        assert access_request(user, request_sent.pk) == request_sent
        assert request_fields_for(user, request_sent) >= PERSON_AND_CONTENT


def test_center_staff_off_a_restricted_case_do_not_see_its_request(
    world: World, request_sent: CoordinationRequest
) -> None:
    staff = world.protection_staff
    assert request_sent.case.is_restricted
    assert list(selectors.requests_visible_to(staff)) == []
    with pytest.raises(OutOfScope):
        access_request(staff, request_sent.pk)


@pytest.mark.parametrize("name", ["consul_ph", "viewer_ph"])
def test_the_embassy_sees_the_minimum_fields_and_never_the_case(
    world: World, request_sent: CoordinationRequest, name: str
) -> None:
    user = world.users[name]
    assert list(selectors.requests_visible_to(user)) == [request_sent]
    fields = request_fields_for(user, request_sent)
    assert {"disclosed", "message", "events", "reference", "status", "due_at"} <= fields
    assert not fields & {"person", "case", "consent", "legal_ground", "home_town",
                         "from_organization", "withdrawal_reason", "created_by"}
    assert set(request_sent.disclosed) == {"name_latin", "name_ar", "date_of_birth",
                                           "nationality", "home_town"}
    assert "Al Sadd" not in str(request_sent.disclosed)  # where she lives here: never


@pytest.mark.parametrize("name", NOBODY)
def test_others_get_404_and_the_denial_is_audited(
    world: World, request_sent: CoordinationRequest, name: str
) -> None:
    user = world.users[name]
    assert list(selectors.requests_visible_to(user)) == []
    assert request_fields_for(user, request_sent) == frozenset()
    with pytest.raises(OutOfScope):
        access_request(user, request_sent.pk)
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user,
                                     object_id=str(request_sent.pk)).exists()


def test_embassy_a_never_sees_embassy_b(world: World, request_sent: CoordinationRequest
                                        ) -> None:
    assert list(selectors.requests_visible_to(world.consul_in)) == []
    assert list(selectors.requests_visible_to(world.consul_ph)) == [request_sent]
    other_ph = make_org(OrganizationKind.EMBASSY, "embassy-ph-2", country="PH")
    officer = make_user("other_ph", other_ph, Role.CONSULAR_OFFICER)
    with pytest.raises(OutOfScope):
        access_request(officer, request_sent.pk)


@pytest.mark.parametrize("name", ["liaison", "admin"])
def test_foundation_overseers_see_metadata_only(
    world: World, request_sent: CoordinationRequest, name: str
) -> None:
    user = world.users[name]
    assert list(selectors.requests_visible_to(user)) == [request_sent]
    fields = request_fields_for(user, request_sent)
    assert {"reference", "request_type", "status", "from_organization", "to_organization",
            "due_at", "escalated_at"} <= fields
    assert not fields & PERSON_AND_CONTENT
    assert not request_events_visible_to(user, request_sent).exists()


def test_a_request_awaiting_approval_is_invisible_outside_the_center(
    world: World, case: Case
) -> None:
    from tawasul.coordination.tests.conftest import ask

    request = ask(world, case, legal_ground="Court order 12/2026")
    assert list(selectors.requests_visible_to(world.protection_manager)) == [request]
    for name in ("consul_ph", "viewer_ph", "liaison", "admin"):
        assert list(selectors.requests_visible_to(world.users[name])) == [], name


def test_the_read_is_audited_with_the_fields_shown(world: World,
                                                   request_sent: CoordinationRequest) -> None:
    access_request(world.consul_ph, request_sent.pk)
    entry = AuditEntry.objects.filter(action=AuditAction.READ, actor=world.consul_ph,
                                      object_id=str(request_sent.pk)).get()
    assert "disclosed" in entry.fields and "case" not in entry.fields


def test_the_embassys_own_messages_stay_visible_after_sharing_stops(
    world: World, request_sent: CoordinationRequest
) -> None:
    services.message_add(actor=world.consul_ph, request=request_sent, text="From the embassy")
    services.message_add(actor=world.protection_manager, request=request_sent,
                         text="From the center")
    texts = {e.text for e in request_events_visible_to(world.consul_ph, request_sent)}
    assert {"From the embassy", "From the center"} <= texts
    consent = request_sent.consent
    assert consent is not None
    consent.expires_at = request_sent.sent_at  # the consent lapses
    consent.save()
    request_sent.refresh_from_db()
    fields = request_fields_for(world.consul_ph, request_sent)
    assert "disclosed" not in fields and "message" not in fields
    texts = {e.text for e in request_events_visible_to(world.consul_ph, request_sent)}
    assert "From the embassy" in texts and "From the center" not in texts
