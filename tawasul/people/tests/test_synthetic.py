"""The synthetic-data generator: realistic, valid and consistent rows, written in bulk,
with one audit entry per run."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count

from tawasul.audit.models import AuditEntry
from tawasul.cases.models import Case, CaseEvent, CaseStatus
from tawasul.people import duplicates, synthetic, validators
from tawasul.people.models import (
    RECIPROCAL_KIND,
    IdentifierType,
    Person,
    PersonIdentifier,
    PersonMatchKey,
    Relationship,
)

N = 300


@pytest.fixture
def generated(world):
    return synthetic.generate(persons=N, seed=11, batch=120)


def test_counts_and_one_summary_audit_entry(world, generated):
    before = AuditEntry.objects.count()
    assert Person.objects.count() == N == generated.persons
    assert generated.duplicates == round(120 * 0.02) * 2 + round(60 * 0.02)
    # About 30 % of persons have a case.
    assert 0.15 * N < Case.objects.count() == generated.cases < 0.45 * N
    summary = AuditEntry.objects.filter(object_id="generate_synthetic")
    assert summary.count() == 1
    assert f"{N} persons" in summary.get().reason
    # Nothing per row: the only other entries are the case-type catalog's, made before.
    assert not AuditEntry.objects.filter(object_type="people.person").exclude(
        object_id="generate_synthetic").exists()
    assert AuditEntry.objects.count() == before


def test_identifiers_are_valid_and_unique(world, generated):
    qids = PersonIdentifier.objects.filter(type=IdentifierType.QID).select_related("person")
    assert qids.exists()
    for identifier in qids:
        person = identifier.person
        validators.validate_qid(identifier.value, date_of_birth=person.date_of_birth,
                                dob_is_estimated=person.dob_is_estimated)
    passports = PersonIdentifier.objects.filter(type=IdentifierType.PASSPORT)
    assert passports.exists() and not passports.filter(issuing_country="").exists()
    for person in Person.objects.all():
        validators.validate_nationality(str(person.nationality))
        assert person.date_of_birth is not None
        validators.validate_date_of_birth(person.date_of_birth)
        if person.phone:
            assert validators.normalize_phone(person.phone) == person.phone


def test_names_in_both_scripts_and_several_nationalities(world, generated):
    assert Person.objects.exclude(given_name_ar="").exclude(given_name_latin="").exists()
    assert Person.objects.exclude(full_name_latin="").exists()
    assert len(set(Person.objects.values_list("nationality", flat=True))) >= 5
    assert len(set(Person.objects.values_list("reference", flat=True))) == N


def test_match_keys_are_those_the_registry_computes(world, generated):
    for person in Person.objects.prefetch_related("identifiers")[:60]:
        stored = set(PersonMatchKey.objects.filter(person=person).values_list("key", flat=True))
        expected = set(duplicates._keys(duplicates.person_record(person)))
        assert stored == expected, person.reference


def test_case_name_keys_are_those_the_cases_app_computes(world, generated):
    from tawasul.cases.models import CaseNameKey
    from tawasul.cases.tests.test_name_keys import expected

    written = set(CaseNameKey.objects.values_list("case_id", "center_id", "key"))
    assert written and written == expected()


def test_relationships_are_reciprocal_and_children_have_parents(world, generated):
    rows = set(Relationship.objects.values_list("from_person", "to_person", "kind"))
    assert rows
    for a, b, kind in rows:
        assert (b, a, RECIPROCAL_KIND[kind]) in rows
    minors = [p for p in Person.objects.all() if p.is_minor]
    with_parent = Relationship.objects.filter(kind="child").values_list("from_person",
                                                                        flat=True)
    assert minors and set(with_parent) & {p.pk for p in minors}


def test_planted_duplicates_are_suggested(world, generated):
    """The point of planting them: the duplicate suggestions find most of them."""
    found = 0
    for original_id, duplicate_id in generated.duplicate_pairs:
        duplicate = Person.objects.get(pk=duplicate_id)
        draft = {name: getattr(duplicate, name) for name in (
            "given_name_ar", "father_name_ar", "family_name_ar", "full_name_ar",
            "given_name_latin", "father_name_latin", "family_name_latin", "full_name_latin",
            "date_of_birth", "dob_is_estimated", "sex")}
        draft["nationality"] = str(duplicate.nationality)
        suggested = {s.person.pk for s in duplicates.suggest_duplicates(
            user=world.admin, draft=draft, limit=10)}
        found += original_id in suggested
    assert found >= 0.7 * len(generated.duplicate_pairs)


def test_cases_are_consistent(world, generated):
    for case in Case.objects.select_related("case_type", "center"):
        assert case.case_type.domain == case.center.domain
        assert (case.status == CaseStatus.CLOSED) == (case.closed_at is not None)
        assert case.is_restricted == (case.case_type.default_sensitivity == "restricted")
    kinds = Counter(CaseEvent.objects.values_list("kind", flat=True))
    assert kinds["status_change"] and kinds["note"]
    # Timelines are in order: every status change starts where the previous one ended.
    for case in Case.objects.annotate(n=Count("events")).filter(n__gt=1)[:30]:
        changes = list(case.events.filter(kind="status_change").order_by("occurred_at"))
        for earlier, later in itertools.pairwise(changes):
            assert earlier.to_status == later.from_status


def test_a_second_run_adds_without_collisions(world, generated):
    again = synthetic.generate(persons=50, seed=11, batch=50)
    assert Person.objects.count() == N + again.persons
    values = PersonIdentifier.objects.values_list("type", "issuing_country", "value")
    assert len(values) == len(set(values))


def test_command(world, capsys):
    call_command("generate_synthetic", "--persons", "40", "--seed", "3", "--batch", "20")
    assert Person.objects.count() == 40
    assert "persons/s" in capsys.readouterr().out


def test_one_case_per_person_and_referrals_from_the_persons_embassies(world):
    from tawasul.referrals.models import Referral, SubmittedPerson
    from tawasul.referrals.selectors import intake_queue

    result = synthetic.generate(persons=400, seed=5, batch=200, cases_per_person=1.0)
    assert Case.objects.count() == result.cases == Person.objects.count()
    from_embassies = Referral.objects.filter(kind="embassy_to_foundation").select_related(
        "from_organization", "to_organization", "submitted_person")
    assert from_embassies.count() == result.embassy_referrals > 0
    for referral in from_embassies:
        # The embassy of the person's country, to the foundation, as the embassy sent it.
        assert referral.from_organization.country == referral.submitted_person.nationality
        assert referral.to_organization.kind == "foundation"
        if referral.person is not None:
            assert referral.person.nationality == referral.from_organization.country
        if referral.assigned_center_id:
            assert referral.person_id and referral.status in (
                "under_review", "accepted", "in_progress", "completed")
    assert SubmittedPerson.objects.count() == result.embassy_referrals
    # One embassy referral per person at most; the waiting ones are the intake desk's queue.
    persons = [r.person_id for r in from_embassies if r.person_id]
    assert len(persons) == len(set(persons))
    waiting = from_embassies.filter(status__in=("submitted", "under_review"),
                                    assigned_center__isnull=True).count()
    assert intake_queue(world.intake).count() == waiting
