"""The cases' name keys (CaseNameKey): a person's name keys, one row per case of theirs,
with the case's center, so that a name search in a center reads that center's cases of
the name from one index range.

They follow the person's keys (PersonMatchKey): rewritten whenever those are (the people
app's `match_keys_refreshed` signal: registration, a change of name, a merge and its
undoing, which also move cases between persons) and when a case is opened. The
synthetic loader writes them in bulk beside the cases it writes.
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


def refresh_case_name_keys(person_ids: Iterable[Any]) -> None:
    """Rewrite the name keys of every case of these persons from their current keys."""
    person_ids = list(person_ids)
    with transaction.atomic():
        CaseNameKey.objects.filter(case__person_id__in=person_ids).delete()
        keys: dict[Any, list[str]] = {}
        for person_id, key in PersonMatchKey.objects.filter(
                person_id__in=person_ids, kind__in=NAME_KEY_KINDS).values_list(
                "person_id", "key"):
            keys.setdefault(person_id, []).append(key)
        CaseNameKey.objects.bulk_create([
            CaseNameKey(case_id=case_id, center_id=center_id, key=key)
            for case_id, center_id, person_id in Case.objects.filter(
                person_id__in=person_ids).values_list("pk", "center_id", "person_id")
            for key in keys.get(person_id, ())
        ])


def on_match_keys_refreshed(sender: Any, person_ids: Iterable[Any], **kwargs: Any) -> None:
    refresh_case_name_keys(person_ids)
