"""The demo world: persons and cases in every center, written through the services,
and a second seed_demo run that changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases.demo_cases import DEMO_CASES
from tawasul.cases.models import Case, CaseEvent, CaseStatus, Task
from tawasul.cases.selectors import cases_visible_to
from tawasul.organizations.models import Organization, OrganizationKind
from tawasul.people import duplicates
from tawasul.people.demo_people import DEMO_PERSONS
from tawasul.people.models import Person, PersonIdentifier, Relationship
from tawasul.people.services import consent_allows, guardians_of


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """Seeded once for the module, rolled back afterwards (seeding takes seconds)."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        call_command("seed_demo", "--quiet-logins", "--password", "x-demo-pw-2026-long")
        yield
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()
              if m._meta.app_label in ("people", "cases", "referrals", "organizations")}
    counts["audit"] = AuditEntry.objects.exclude(object_id="seed_demo").count()
    return counts


def user(username: str) -> User:
    return User.objects.get(username=username)


def person(key: str) -> Person:
    spec = next(s for s in DEMO_PERSONS if s.key == key)
    first = spec.identifiers[0]
    return PersonIdentifier.objects.get(
        type=first["type"], value=first["value"],
        issuing_country="QA" if first["type"] == "qid" else first["issuing_country"],
    ).person


def test_every_center_has_cases_some_restricted_and_varied(demo, db):
    centers = Organization.objects.filter(kind=OrganizationKind.CENTER)
    assert centers.count() == 7
    for center in centers:
        cases = Case.objects.filter(center=center)
        assert cases.count() >= 2, center.code
        # Assigned to the center's own demo manager.
        assert all(c.assigned_manager and c.assigned_manager.organization_id == center.pk
                   for c in cases)
    for code in ("center-protection", "center-behavioral"):
        assert Case.objects.filter(center__code=code, is_restricted=True).exists()
    assert not Case.objects.filter(center__code="center-family", is_restricted=True).exists()
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    # Besides the cases that receiving centers opened on accepting demo referrals, and
    # those of the persons of the demo requests to embassies.
    from tawasul.coordination.demo_coordination import DEMO_PERSONS as COORDINATION_PERSONS

    own = Case.objects.filter(referrals_received__isnull=True).exclude(
        person__full_name_ar__in=[p.fields["full_name_ar"] for p in COORDINATION_PERSONS])
    assert own.count() == len(DEMO_CASES)
    kinds = set(CaseEvent.objects.values_list("kind", flat=True))
    assert {"note", "assessment", "service_delivered", "status_change"} <= kinds
    # Services come from the center's own catalog.
    for event in CaseEvent.objects.filter(kind="service_delivered").select_related("case",
                                                                                   "service"):
        assert event.service is not None
        assert event.service.center_id == event.case.center_id
    overdue = [t for t in Task.objects.all() if t.is_overdue]
    assert overdue and len(overdue) < Task.objects.count()


def test_a_second_run_changes_nothing(demo, db):
    before = _counts()
    call_command("seed_demo", "--quiet-logins", "--password", "x-demo-pw-2026-long")
    assert _counts() == before


def test_restricted_cases_follow_the_access_policy(demo, db):
    rosalie_case = Case.objects.get(person=person("rosalie"))
    noora_case = Case.objects.get(person=person("noora"), center__code="center-protection")
    manager, staff = user("protection.manager"), user("protection.staff")
    assert {rosalie_case, noora_case} <= set(cases_visible_to(manager))
    # Staff is on Rosalie's team, not on Noora's.
    assert rosalie_case in cases_visible_to(staff)
    assert noora_case not in cases_visible_to(staff)
    assert rosalie_case not in cases_visible_to(user("family.manager"))
    assert not cases_visible_to(user("embassy.ph")).exists()


def test_the_no_contact_flag_keeps_her_embassy_out(demo, db):
    rosalie = person("rosalie")
    assert rosalie.has_no_contact_flag
    embassy = Organization.objects.get(code="embassy-ph")
    assert not consent_allows(person=rosalie, recipient=embassy, categories={"identity"},
                              purpose="coordination_with_embassy")
    # Her consent to the family center does hold.
    assert consent_allows(person=rosalie, recipient=Organization.objects.get(
        code="center-family"), categories={"identity", "case_summary"}, purpose="referral")


def test_minors_have_a_guardian(demo, db):
    from tawasul.coordination.demo_coordination import DEMO_PERSONS as COORDINATION_PERSONS

    # An unaccompanied child is the point of the demo family-tracing request: no guardian
    # in the country yet.
    unaccompanied = {p.fields["full_name_ar"] for p in COORDINATION_PERSONS}
    minors = [p for p in Person.objects.all()
              if p.is_minor and p.full_name_ar not in unaccompanied]
    assert len(minors) >= 5
    for minor in minors:
        assert guardians_of(minor), minor.reference
    assert Relationship.objects.filter(is_legal_guardian=True).exists()


def test_the_duplicate_pair_is_suggested_across_scripts(demo, db):
    arabic, latin = person("dup-ar"), person("dup-latin")
    assert arabic.registered_by_organization_id != latin.registered_by_organization_id
    assert not arabic.given_name_latin and not latin.given_name_ar
    draft = {"given_name_latin": latin.given_name_latin,
             "father_name_latin": latin.father_name_latin,
             "family_name_latin": latin.family_name_latin,
             "date_of_birth": latin.date_of_birth, "sex": "male", "nationality": "QA"}
    suggestions = duplicates.suggest_duplicates(user=user("family.manager"), draft=draft)
    assert suggestions and suggestions[0].person.pk in {arabic.pk, latin.pk}
    assert arabic.pk in {s.person.pk for s in suggestions}


def test_everything_was_written_by_demo_users_and_audited(demo, db):
    assert not Case.objects.filter(opened_by__isnull=True).exists()
    assert not Person.objects.filter(created_by__isnull=True).exists()
    for case in Case.objects.all():
        entry = AuditEntry.objects.get(object_type="cases.case", object_id=str(case.pk),
                                       action=AuditAction.CREATE)
        assert entry.actor_id == case.opened_by_id
