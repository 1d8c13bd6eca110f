"""The cases' name keys (CaseNameKey): a person's name keys, one row per case of theirs,
with the case's center, so that a name search in a center reads that center's cases of
the name from one index range.

They follow the person's keys (PersonMatchKey): rewritten whenever those are (the people
app's `match_keys_refreshed` signal: registration, a change of name, a merge and its
undoing, which also move cases between persons) and written for a case when it is
opened. The synthetic loader writes the same rows (`name_key_rows`) in bulk beside the
cases it writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from tawasul.cases.models import Case, CaseNameKey
from tawasul.people.models import PersonMatchKey

# The kinds of PersonMatchKey a name search looks up (cases.selectors._name_keys): the
# pair of names and the three-part name, without a date, and the compound name.
NAME_KEY_KINDS = ("gf", "gpf", "gc")


def name_key_rows(cases: Iterable[tuple[Any, Any, Any]],
                  keys: Iterable[tuple[Any, str, str]]) -> list[tuple[Any, Any, str]]:
    """(case id, center id, key) for each case (case id, center id, person id) and each
    of its person's keys (person id, key, kind) of the kinds a name search looks up."""
    by_person: dict[Any, list[str]] = {}
    for person_id, key, kind in keys:
        if kind in NAME_KEY_KINDS:
            by_person.setdefault(person_id, []).append(key)
    return [(case_id, center_id, key) for case_id, center_id, person_id in cases
            for key in by_person.get(person_id, ())]


def _write(cases: Iterable[tuple[Any, Any, Any]], person_ids: list[Any]) -> None:
    keys = PersonMatchKey.objects.filter(
        person_id__in=person_ids, kind__in=NAME_KEY_KINDS).values_list("person_id", "key", "kind")
    CaseNameKey.objects.bulk_create([
        CaseNameKey(case_id=case_id, center_id=center_id, key=key)
        for case_id, center_id, key in name_key_rows(cases, keys)
    ])


def refresh_case_name_keys(person_ids: Iterable[Any]) -> None:
    """Rewrite the name keys of every case of these persons from their current keys."""
    person_ids = list(person_ids)
    with transaction.atomic():
        CaseNameKey.objects.filter(case__person_id__in=person_ids).delete()
        _write(Case.objects.filter(person_id__in=person_ids).values_list(
            "pk", "center_id", "person_id"), person_ids)


def add_case_name_keys(case: Case) -> None:
    """The name keys of a case just opened (its person's other cases keep theirs)."""
    _write([(case.pk, case.center_id, case.person_id)], [case.person_id])


def on_match_keys_refreshed(sender: Any, person_ids: Iterable[Any], **kwargs: Any) -> None:
    refresh_case_name_keys(person_ids)
