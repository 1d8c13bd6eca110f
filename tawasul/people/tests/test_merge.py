"""Merging duplicate persons (tawasul.people.merge) and its pages: only administrators
merge; everything that points at the duplicate moves, safety flags included; undoing puts
back exactly what the merge changed."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.db.models import Manager, Model, QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import services as case_services
from tawasul.cases.case_types import load_case_types
from tawasul.cases.models import Case, CaseNameKey, CaseType
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.people import merge, services
from tawasul.people.models import (
    Consent,
    Person,
    PersonIdentifier,
    PersonMatchKey,
    PersonMerge,
    Relationship,
    SafetyFlag,
)
from tawasul.people.tests.conftest import register
from tawasul.referrals import services as referral_services
from tawasul.referrals.models import Referral

pytestmark = pytest.mark.django_db

NOT_ADMINS = ["protection_manager", "protection_director", "family_manager", "intake",
              "liaison", "consul_ph", "viewer_ph", "supervisor", "unesco_fp"]


# --- Records ----------------------------------------------------------------------------


@pytest.fixture
def survivor(world: World) -> Person:
    """Registered by the protection center, Arabic script only, with a Qatar ID."""
    return register(world, given_name_latin="", family_name_latin="",
                    identifiers=[{"type": "qid", "value": "28763400001"}])


@pytest.fixture
def duplicate(world: World) -> Person:
    """The same man registered again by the family center, in Latin script, with his
    passport, phone and languages."""
    return register(world, "family_manager", given_name_ar="", father_name_ar="",
                    family_name_ar="", given_name_latin="Muhammad", father_name_latin="",
                    family_name_latin="Alkuwari", phone="+97455551234", languages=["ar", "en"],
                    identifiers=[{"type": "passport", "value": "P1234567",
                                  "issuing_country": "QA"}])


def relative(world: World, given_ar: str, given_latin: str, year: int) -> Person:
    return register(world, "admin", given_name_ar=given_ar,
                    father_name_ar="", family_name_ar="النعيمي", given_name_latin=given_latin,
                    family_name_latin="Al-Nuaimi", date_of_birth=dt.date(year, 1, 1))


@pytest.fixture
def catalog(world: World) -> None:
    load_case_types()


def family_case(world: World, person: Person) -> Case:
    return case_services.case_open(
        actor=world.family_manager, center=world.family, person=person,
        case_type=CaseType.objects.get(domain="family", code="family-reconciliation"),
        risk_level="low", summary="Family details",
    )


def refer(world: World, case: Case) -> Referral:
    consent = services.consent_record(
        actor=world.family_manager, person=case.person, purpose="referral",
        recipients=[world.protection], data_categories=["identity", "case_summary"],
    )
    return referral_services.referral_send(
        actor=world.family_manager, case=case, to_center=world.protection,
        urgency="routine", reason="Needs protection follow-up", summary="Summary",
        consent=consent,
    )


def _row(values: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(json.dumps(v) if isinstance(v, list | dict) else v for v in values)


def rows(qs: QuerySet[Any] | Manager[Any], *fields: str) -> set[tuple[Any, ...]]:
    return {_row(values) for values in qs.values_list("pk", *fields)}


def snapshot() -> dict[str, set[tuple[Any, ...]]]:
    """Every row that a merge may touch, with the fields that point at persons."""
    return {
        "cases": rows(Case.objects, "person_id", "updated_at"),
        "consents": rows(Consent.objects, "person_id", "granted_by_person_id"),
        "referrals": rows(Referral.objects, "person_id"),
        "identifiers": rows(PersonIdentifier.objects, "person_id", "type", "value"),
        "flags": rows(SafetyFlag.objects, "person_id", "kind", "cleared_at", "note"),
        "relationships": rows(Relationship.objects, "from_person_id", "to_person_id", "kind",
                              "is_legal_guardian", "start_date", "end_date", "created_at"),
        "persons": rows(Person.objects, "merged_into_id", *services.PERSON_FIELDS),
        "match_keys": {(str(p), k) for p, k in
                       PersonMatchKey.objects.values_list("person_id", "key")},
        "case_name_keys": set(CaseNameKey.objects.values_list("case_id", "key")),
    }


def do_merge(world: World, survivor: Person, duplicate: Person,
             reason: str = "Same passport seen at both centers") -> PersonMerge:
    return merge.person_merge(actor=world.admin, survivor=survivor, duplicate=duplicate,
                              reason=reason)


def fresh(obj: Model) -> Any:
    obj.refresh_from_db()
    return obj


# --- Merging and undoing ------------------------------------------------------------------


def test_merge_moves_everything_and_undo_restores_it_exactly(
    world: World, catalog: None, survivor: Person, duplicate: Person
) -> None:
    admin = world.admin
    case = family_case(world, duplicate)
    referral = refer(world, case)
    consent = Consent.objects.get(person=duplicate)
    child = relative(world, "سارة", "Sara", 2015)
    brother = relative(world, "خالد", "Khalid", 1990)
    services.relationship_add(actor=admin, from_person=survivor, to_person=child, kind="parent")
    services.relationship_add(actor=admin, from_person=duplicate, to_person=child,
                              kind="parent")
    services.relationship_add(actor=admin, from_person=duplicate, to_person=brother,
                              kind="sibling")
    services.relationship_add(actor=admin, from_person=survivor, to_person=duplicate,
                              kind="spouse")
    no_contact = services.safety_flag_set(actor=admin, person=duplicate,
                                          kind="no_contact_home_country")
    services.safety_flag_set(actor=admin, person=survivor, kind="violence_risk")
    second_risk = services.safety_flag_set(actor=admin, person=duplicate, kind="violence_risk")
    # The duplicate consented for the child as its parent: a hidden relation, moved too.
    for_child = services.consent_record(
        actor=admin, person=child, purpose="referral", recipients=[world.family],
        data_categories=["identity"], granted_by_person=duplicate,
    )
    before = snapshot()

    record = do_merge(world, survivor, duplicate)

    survivor, duplicate = fresh(survivor), fresh(duplicate)
    assert duplicate.merged_into == survivor
    assert fresh(case).person == survivor
    assert fresh(referral).person == survivor
    assert fresh(consent).person == survivor
    assert fresh(for_child).granted_by_person == survivor
    assert {(i.type, i.value) for i in survivor.identifiers.all()} == {
        ("qid", "28763400001"), ("passport", "P1234567")}
    assert not duplicate.identifiers.exists()
    # Safety first: the survivor now carries "no contact with home country".
    assert fresh(no_contact).person == survivor
    assert survivor.has_no_contact_flag
    # One open flag per kind: the duplicate's second "risk of violence" stays with it.
    assert fresh(second_risk).person == duplicate
    # Relationships: the repeated parent link and the link to oneself are set aside.
    links = set(Relationship.objects.values_list("from_person_id", "to_person_id", "kind"))
    assert links == {
        (survivor.pk, child.pk, "parent"), (child.pk, survivor.pk, "child"),
        (survivor.pk, brother.pk, "sibling"), (brother.pk, survivor.pk, "sibling"),
    }
    # Empty fields of the survivor filled from the duplicate.
    assert survivor.name_latin == "Muhammad Alkuwari"
    assert survivor.name_ar == "محمد عبد الرحمن الكواري"
    assert survivor.phone == "+97455551234"
    assert survivor.languages == ["ar", "en"]
    # Blocking keys: the duplicate has none (never suggested), the survivor those of both.
    assert not PersonMatchKey.objects.filter(person=duplicate).exists()
    assert PersonMatchKey.objects.filter(person=survivor, key__contains="P1234567").exists()
    moved = fresh(record).moved
    assert moved["rows"]["cases.case.person"] == [str(case.pk)]
    assert set(moved["filled"]) >= {"given_name_latin", "family_name_latin", "phone",
                                    "languages"}
    assert len(moved["dropped"]) == 4

    # A case opened on the survivor after the merge is the survivor's own.
    later = family_case(world, survivor)
    merge.person_unmerge(actor=admin, merge=record, reason="Two brothers after all")

    assert fresh(later).person == fresh(survivor)
    after = snapshot()
    after["cases"] = {row for row in after["cases"] if row[0] != later.pk}
    after["case_name_keys"] = {row for row in after["case_name_keys"] if row[0] != later.pk}
    after_keys = after.pop("match_keys")
    before_keys = before.pop("match_keys")
    assert after == before
    # The survivor's keys are rebuilt from its restored fields: the same as before.
    assert after_keys == before_keys
    record = fresh(record)
    assert record.unmerged_by == admin and record.unmerged_at is not None
    assert record.unmerge_reason == "Two brothers after all"
    assert fresh(duplicate).merged_into is None


def test_merge_and_undo_are_audited(world: World, survivor: Person,
                                    duplicate: Person) -> None:
    record = do_merge(world, survivor, duplicate, reason="Same man, two spellings")
    entries = AuditEntry.objects.filter(actor=world.admin, action__in=(AuditAction.CREATE,
                                                                       AuditAction.UPDATE))
    created = entries.get(action=AuditAction.CREATE, object_id=str(record.pk))
    assert created.reason == "Same man, two spellings"
    on_duplicate = entries.get(object_id=str(duplicate.pk))
    assert "merged_into" in on_duplicate.fields and "people.personidentifier.person" in (
        on_duplicate.fields)
    on_survivor = entries.get(object_id=str(survivor.pk), action=AuditAction.UPDATE)
    assert "given_name_latin" in on_survivor.fields
    # Field names only, never the values.
    assert "Muhammad" not in json.dumps(on_survivor.fields) + on_survivor.reason

    merge.person_unmerge(actor=world.admin, merge=record)
    undone = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(record.pk))
    assert undone.get().fields == ["unmerged_at", "unmerged_by"]
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(duplicate.pk),
                                     reason__contains="undone").exists()


def test_undoing_twice_is_refused(world: World, survivor: Person, duplicate: Person) -> None:
    record = do_merge(world, survivor, duplicate)
    merge.person_unmerge(actor=world.admin, merge=record)
    with pytest.raises(DomainError) as refused:
        merge.person_unmerge(actor=world.admin, merge=record)
    assert refused.value.code == "merge_undone"


@pytest.mark.parametrize("username", NOT_ADMINS)
def test_only_administrators_merge_and_undo(world: World, survivor: Person,
                                            duplicate: Person, username: str) -> None:
    user = world.users[username]
    before = snapshot()
    with pytest.raises(PermissionDenied):
        merge.person_merge(actor=user, survivor=survivor, duplicate=duplicate,
                           reason="Looks the same")
    assert snapshot() == before
    assert not PersonMerge.objects.exists()
    assert AuditEntry.objects.filter(actor=user, action=AuditAction.ACCESS_DENIED).exists()

    record = do_merge(world, survivor, duplicate)
    with pytest.raises(PermissionDenied):
        merge.person_unmerge(actor=user, merge=record)
    assert fresh(record).unmerged_at is None
    assert fresh(duplicate).merged_into == survivor


def test_a_reason_is_required(world: World, survivor: Person, duplicate: Person) -> None:
    with pytest.raises(DomainError) as refused:
        do_merge(world, survivor, duplicate, reason=" \u200b ")
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    assert fresh(duplicate).merged_into is None


def test_a_record_is_not_merged_into_itself(world: World, survivor: Person) -> None:
    with pytest.raises(DomainError) as refused:
        do_merge(world, survivor, survivor)
    assert refused.value.code == "merge_into_itself"
    assert not PersonMerge.objects.exists()


def test_nothing_is_merged_into_or_from_a_merged_record(
    world: World, survivor: Person, duplicate: Person
) -> None:
    third = register(world, given_name_ar="محمد", family_name_ar="الكواري")
    do_merge(world, survivor, duplicate)
    with pytest.raises(DomainError) as into_merged:
        do_merge(world, fresh(duplicate), third)
    assert into_merged.value.code == "survivor_merged"
    with pytest.raises(DomainError) as from_merged:
        do_merge(world, third, fresh(duplicate))
    assert from_merged.value.code == "duplicate_merged"
    assert fresh(third).merged_into is None
    assert PersonMerge.objects.count() == 1


def test_different_qatar_ids_refuse_the_merge_and_change_nothing(
    world: World, catalog: None, survivor: Person
) -> None:
    other = register(world, "family_manager", given_name_latin="Mohamed",
                     family_name_latin="Al Kuwari", phone="+97455550000",
                     identifiers=[{"type": "qid", "value": "28763400002"}])
    family_case(world, other)
    services.safety_flag_set(actor=world.admin, person=other, kind="no_contact_home_country")
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        do_merge(world, survivor, other)
    assert (refused.value.code, refused.value.field) == ("identifier_conflict", "duplicate")
    assert snapshot() == before
    assert not PersonMerge.objects.exists()


def test_a_qatar_id_that_contradicts_the_survivors_birth_date_is_refused(
    world: World, survivor: Person
) -> None:
    born_1990 = register(world, "family_manager", given_name_ar="", father_name_ar="",
                         family_name_ar="", given_name_latin="Muhammad",
                         family_name_latin="Alkuwari", date_of_birth=dt.date(1990, 5, 1))
    no_qid = register(world, given_name_ar="محمد", family_name_ar="الكواري",
                      date_of_birth=dt.date(1987, 5, 1))
    services.identifier_add(actor=world.admin, person=born_1990, type="qid",
                            value="29063400009")
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        do_merge(world, no_qid, born_1990)
    assert refused.value.code == "identifier_conflict"
    assert snapshot() == before


def test_an_open_referral_on_both_records_to_the_same_center_is_refused(
    world: World, catalog: None, survivor: Person, duplicate: Person
) -> None:
    refer(world, family_case(world, survivor))
    refer(world, family_case(world, duplicate))
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        do_merge(world, survivor, duplicate)
    assert refused.value.code == "merge_conflict"
    assert snapshot() == before


def test_a_record_merged_earlier_follows_and_undoing_goes_in_order(
    world: World, survivor: Person, duplicate: Person
) -> None:
    earlier = register(world, "family_manager", given_name_ar="", father_name_ar="",
                       family_name_ar="", given_name_latin="Mohd", family_name_latin="Kuwari",
                       area="Al Sadd")
    first = do_merge(world, duplicate, earlier)
    assert fresh(duplicate).area == "Al Sadd"
    second = do_merge(world, survivor, fresh(duplicate))
    assert fresh(earlier).merged_into == survivor  # no chain of merged records
    with pytest.raises(DomainError) as refused:
        merge.person_unmerge(actor=world.admin, merge=first)
    assert refused.value.code == "survivor_merged_since"
    merge.person_unmerge(actor=world.admin, merge=second)
    assert fresh(earlier).merged_into == duplicate
    merge.person_unmerge(actor=world.admin, merge=first)
    assert fresh(earlier).merged_into is None
    assert fresh(duplicate).area == ""


def test_a_filled_field_corrected_since_the_merge_keeps_the_correction(
    world: World, survivor: Person, duplicate: Person
) -> None:
    record = do_merge(world, survivor, duplicate)
    services.person_update(actor=world.admin, person=fresh(survivor), phone="+97466660000")
    merge.person_unmerge(actor=world.admin, merge=record)
    survivor = fresh(survivor)
    assert survivor.phone == "+97466660000"
    assert survivor.name_latin == ""  # not changed since: emptied again


def test_a_merge_may_be_made_again_after_it_was_undone(
    world: World, survivor: Person, duplicate: Person
) -> None:
    merge.person_unmerge(actor=world.admin, merge=do_merge(world, survivor, duplicate))
    do_merge(world, survivor, fresh(duplicate))
    assert fresh(duplicate).merged_into == survivor
    assert PersonMerge.objects.filter(unmerged_at__isnull=True).count() == 1


def test_every_relation_to_a_person_is_moved_unless_deliberately_kept() -> None:
    """Found from the models, so a model added later that points at Person is moved by
    merges too, unless it is named in NOT_MOVED."""
    labels = {merge.relation_label(f) for f in merge.person_relations()}
    assert labels - merge.NOT_MOVED >= {
        "people.person.merged_into", "people.personidentifier.person",
        "people.safetyflag.person", "people.relationship.from_person",
        "people.relationship.to_person", "people.consent.person",
        "people.consent.granted_by_person", "cases.case.person", "referrals.referral.person",
    }
    assert labels >= merge.NOT_MOVED


def test_suggestions_for_a_record_leave_out_itself_and_merged_records(
    world: World, survivor: Person, duplicate: Person
) -> None:
    found = [s.person for s in merge.merge_candidates(user=world.admin, person=survivor)]
    assert duplicate in found and survivor not in found
    comparison = merge.compare_persons(survivor, duplicate)
    assert comparison.score > 0.5
    assert any(r.supports for r in comparison.reasons)
    do_merge(world, survivor, duplicate)
    assert duplicate not in [s.person for s in merge.merge_candidates(user=world.admin,
                                                                      person=survivor)]


# --- Pages ----------------------------------------------------------------------------------


def merge_url(person: Person) -> str:
    return reverse("people:merge", args=[person.pk])


def test_the_person_page_offers_merging_to_administrators_only(
    client: Client, world: World, survivor: Person
) -> None:
    log_in(client, world.admin)
    assert merge_url(survivor) in client.get(
        reverse("people:detail", args=[survivor.pk])).content.decode()
    log_in(client, world.protection_manager)
    page = client.get(reverse("people:detail", args=[survivor.pk]))
    assert page.status_code == 200
    assert merge_url(survivor) not in page.content.decode()


def test_administrator_picks_compares_and_merges(
    client: Client, world: World, survivor: Person, duplicate: Person
) -> None:
    log_in(client, world.admin)
    choose = client.get(merge_url(survivor))
    assert choose.status_code == 200
    assert duplicate in [s.person for s in choose.context["suggestions"]]
    by_reference = client.get(merge_url(survivor), {"reference": duplicate.reference.lower()})
    assert by_reference.status_code == 200
    assert by_reference.context["duplicate"] == duplicate
    page = client.get(merge_url(survivor), {"duplicate": str(duplicate.pk)})
    assert page.status_code == 200
    assert page.context["comparison"].reasons
    assert duplicate.reference in page.content.decode()
    read = AuditEntry.objects.filter(action=AuditAction.READ, actor=world.admin,
                                     object_id=str(duplicate.pk))
    assert read.exists()

    # A confirmation without a reason keeps what was typed and changes nothing.
    missing = client.post(merge_url(survivor), {"duplicate": str(duplicate.pk),
                                                "reason": "", "confirm": "on"})
    assert missing.status_code == 400
    assert "reason" in missing.context["form"].errors
    assert fresh(duplicate).merged_into is None
    unconfirmed = client.post(merge_url(survivor), {"duplicate": str(duplicate.pk),
                                                    "reason": "Same passport"})
    assert unconfirmed.status_code == 400
    assert unconfirmed.context["form"]["reason"].value() == "Same passport"
    assert fresh(duplicate).merged_into is None

    done = client.post(merge_url(survivor), {"duplicate": str(duplicate.pk),
                                             "reason": "Same passport", "confirm": "on"})
    assert done.status_code == 302
    assert done["Location"] == reverse("people:detail", args=[survivor.pk])
    assert fresh(duplicate).merged_into == survivor
    assert PersonMerge.objects.get().reason == "Same passport"


def test_merge_page_refusals_show_on_the_page(
    client: Client, world: World, survivor: Person
) -> None:
    log_in(client, world.admin)
    itself = client.post(merge_url(survivor), {"duplicate": str(survivor.pk),
                                               "reason": "x", "confirm": "on"})
    assert itself.status_code == 400
    with translation.override("ar"):
        assert str(_("A record cannot be merged into itself.")) in itself.content.decode()
    unknown = client.get(merge_url(survivor), {"reference": "P-1999-999999"})
    assert unknown.status_code == 400
    assert "reference" in unknown.context["find_form"].errors
    assert client.get(merge_url(survivor), {"duplicate": str(uuid.uuid4())}).status_code == 404
    assert client.get(reverse("people:merge", args=[uuid.uuid4()])).status_code == 404


@pytest.mark.parametrize("username", ["protection_manager", "intake", "consul_ph",
                                      "protection_director", "supervisor"])
def test_merge_pages_are_404_for_everyone_else(
    client: Client, world: World, survivor: Person, duplicate: Person, username: str
) -> None:
    record = do_merge(world, survivor, duplicate)
    merge.person_unmerge(actor=world.admin, merge=record)
    log_in(client, world.users[username])
    data = {"duplicate": str(duplicate.pk), "reason": "Same", "confirm": "on"}
    assert client.get(merge_url(survivor)).status_code == 404
    assert client.post(merge_url(survivor), data).status_code == 404
    assert client.get(reverse("people:merge_history")).status_code == 404
    undo = reverse("people:merge_undo", args=[record.pk])
    assert client.get(undo).status_code == 404
    assert client.post(undo, {"confirm": "on"}).status_code == 404
    assert fresh(duplicate).merged_into is None
    assert PersonMerge.objects.count() == 1
    assert AuditEntry.objects.filter(actor=world.users[username],
                                     action=AuditAction.ACCESS_DENIED).exists()


def test_a_merged_record_points_to_the_survivor(
    client: Client, world: World, survivor: Person, duplicate: Person
) -> None:
    do_merge(world, survivor, duplicate)
    log_in(client, world.family_manager)
    page = client.get(reverse("people:detail", args=[duplicate.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("people:detail", args=[survivor.pk]) in html
    assert reverse("cases:open", args=[duplicate.pk]) not in html
    assert AuditEntry.objects.filter(action=AuditAction.READ, actor=world.family_manager,
                                     object_id=str(survivor.pk)).exists()


def test_a_merged_record_does_not_link_to_a_survivor_the_viewer_cannot_see(
    client: Client, world: World, survivor: Person, duplicate: Person
) -> None:
    do_merge(world, survivor, duplicate)
    Person.objects.filter(pk=survivor.pk).update(is_active=False)  # admins only, now
    log_in(client, world.family_manager)
    html = client.get(reverse("people:detail", args=[duplicate.pk])).content.decode()
    assert reverse("people:detail", args=[survivor.pk]) not in html
    assert survivor.reference not in html


def test_history_lists_merges_and_undo_asks_for_confirmation(
    client: Client, world: World, survivor: Person, duplicate: Person
) -> None:
    record = do_merge(world, survivor, duplicate)
    log_in(client, world.admin)
    history = client.get(reverse("people:merge_history"))
    assert history.status_code == 200
    assert duplicate.reference in history.content.decode()
    undo = reverse("people:merge_undo", args=[record.pk])
    assert undo in history.content.decode()
    listed = AuditEntry.objects.filter(action=AuditAction.READ, actor=world.admin,
                                       reason__startswith="list:")
    assert str(duplicate.pk) in listed.get().reason

    assert client.get(undo).status_code == 200
    assert fresh(record).unmerged_at is None  # a GET changes nothing
    unconfirmed = client.post(undo, {"reason": "Wrong match"})
    assert unconfirmed.status_code == 400
    assert fresh(record).unmerged_at is None
    done = client.post(undo, {"reason": "Wrong match", "confirm": "on"})
    assert done.status_code == 302
    assert fresh(record).unmerged_at is not None
    assert fresh(duplicate).merged_into is None
    again = client.post(undo, {"confirm": "on"})
    assert again.status_code == 400
    with translation.override("ar"):
        assert str(_("This merge has already been undone.")) in again.content.decode()


def test_history_page_queries_do_not_grow_with_merges(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    def merged_pair(n: int) -> None:
        kept = register(world, given_name_ar=f"سالم{n}", given_name_latin="", family_name_latin="")
        gone = register(world, given_name_ar=f"سالم{n}", given_name_latin="",
                        family_name_latin="")
        do_merge(world, kept, gone)

    merged_pair(0)
    log_in(client, world.admin)
    url = reverse("people:merge_history")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(1, 5):
        merged_pair(n)
    with django_assert_max_num_queries(len(one)):
        page = client.get(url)
    assert len(page.context["rows"]) == 5
