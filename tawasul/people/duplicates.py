"""Duplicate suggestions at intake, on the matching engine (tawasul.people.matching).

The engine is pure Python; this module is its Django side:
- `refresh_match_keys(person)` stores the engine's blocking keys of a person in
  PersonMatchKey (delete and insert, in the caller's transaction), so candidates are found
  by an indexed IN lookup instead of a scan of the registry;
- `suggest_duplicates(user=, draft=)` turns what a worker has typed so far into the
  engine's PersonRecord, fetches at most MAX_CANDIDATES persons sharing the most of its
  lookup keys (the engine's `lookup_keys`: no broad name-only key when a date of birth is
  typed, and a broad key held by more than BROAD_KEY_CAP persons skipped), plus every
  person holding one of the typed identifiers, scores them with the engine and returns
  the best, each with translated reasons. Every query is an indexed lookup bounded by
  the caps, whatever the registry's size.

Only users who may register persons get suggestions, and only among the persons they may
see (the registry's identity view, DESIGN rule 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.errors import PermissionDenied
from tawasul.common.text import clean_text
from tawasul.people import matching_reasons, selectors, validators
from tawasul.people.matching import records as engine
from tawasul.people.models import Person, PersonIdentifier, PersonMatchKey

# Candidates scored per suggestion: bounds the work whatever the registry's size.
MAX_CANDIDATES = 200
# A broad (name-only) key held by more persons than this is a common name: looking it up
# would count thousands of rows for little evidence, so it is skipped (the engine's
# find_clusters does the same with max_broad_block).
BROAD_KEY_CAP = 200
# Below this the engine's evidence is against the match; not worth a worker's attention.
MIN_SCORE = 0.2
KEY_MAX_LENGTH = 120


@dataclass(frozen=True)
class SuggestionReason:
    code: str
    message: str


@dataclass(frozen=True)
class Suggestion:
    person: Person
    score: float
    reasons: tuple[SuggestionReason, ...]


def _identifier_kind(type_: str, issuing_country: str) -> str:
    # A passport number is only comparable with one of the same country.
    return f"{type_}:{issuing_country}" if type_ == "passport" else type_


def _names(parts: Iterable[str], full: str) -> list[str]:
    composed = " ".join(p for p in parts if p)
    return [n for n in dict.fromkeys((full, composed)) if n]


def person_record(person: Person) -> engine.PersonRecord:
    return engine.PersonRecord(
        id=person.pk,
        names_ar=_names((person.given_name_ar, person.father_name_ar,
                         person.grandfather_name_ar, person.family_name_ar),
                        person.full_name_ar),
        names_latin=_names((person.given_name_latin, person.father_name_latin,
                            person.grandfather_name_latin, person.family_name_latin),
                           person.full_name_latin),
        date_of_birth=person.date_of_birth,
        dob_estimated=person.dob_is_estimated,
        sex=person.sex or None,
        nationality=str(person.nationality or "") or None,
        identifiers={
            _identifier_kind(i.type, str(i.issuing_country or "")): i.value
            for i in person.identifiers.all()
        },
        phone=person.phone or None,
    )


def _text(draft: Mapping[str, Any], name: str) -> str:
    return clean_text(str(draft.get(name) or ""))


def _draft_identifiers(draft: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    out = []
    for item in draft.get("identifiers") or ():
        type_ = str(item.get("type") or "")
        value = validators.normalize_identifier(str(item.get("value") or ""))
        country = "QA" if type_ == "qid" else _text(item, "issuing_country").upper()
        if type_ and value:
            out.append((type_, value, country))
    return out


def _draft_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None  # half-typed: suggestions go on without it


def draft_record(draft: Mapping[str, Any]) -> engine.PersonRecord:
    """A PersonRecord from a half-filled intake form (keys as person_register's)."""
    try:
        phone = validators.normalize_phone(str(draft.get("phone") or ""))
    except ValidationError:
        phone = ""  # half-typed: not an error while the worker is still typing
    return engine.PersonRecord(
        id=None,
        names_ar=_names([_text(draft, f"{p}_name_ar")
                         for p in ("given", "father", "grandfather", "family")],
                        _text(draft, "full_name_ar")),
        names_latin=_names([_text(draft, f"{p}_name_latin")
                            for p in ("given", "father", "grandfather", "family")],
                           _text(draft, "full_name_latin")),
        date_of_birth=_draft_date(draft.get("date_of_birth")),
        dob_estimated=bool(draft.get("dob_is_estimated")),
        sex=_text(draft, "sex") or None,
        nationality=_text(draft, "nationality").upper() or None,
        identifiers={_identifier_kind(t, c): v for t, v, c in _draft_identifiers(draft)},
        phone=phone or None,
    )


def _keys(record: engine.PersonRecord) -> dict[str, str]:
    """key → kind, from the engine's blocking keys."""
    from tawasul.people.matching import blocking

    out: dict[str, str] = {}
    for key in blocking.blocking_keys(record):
        key = str(key)[:KEY_MAX_LENGTH]
        out.setdefault(key, key.split(":", 1)[0] if ":" in key else "")
    return out


def _lookup_keys(record: engine.PersonRecord) -> list[str]:
    """The keys to look candidates up by: the engine's lookup keys, without the broad keys
    that hold more than BROAD_KEY_CAP persons (one bounded index probe each)."""
    from tawasul.people.matching import blocking

    keys = list(dict.fromkeys(str(k)[:KEY_MAX_LENGTH] for k in blocking.lookup_keys(record)))
    return [k for k in keys if not blocking.is_broad(k) or not _over_full(k)]


def _over_full(key: str) -> bool:
    # The (key, person) index answers it alone, reading at most BROAD_KEY_CAP + 1 entries.
    return PersonMatchKey.objects.filter(key=key).values_list("person_id", flat=True)[
        BROAD_KEY_CAP:BROAD_KEY_CAP + 1].exists()


_warmed_up = False


def _warm_up() -> None:
    """Build the engine's name dictionary index once per process (≈0.2 s), at the first
    suggestion rather than at start-up: processes that never suggest do not pay it."""
    global _warmed_up
    if not _warmed_up:
        from tawasul.people import matching

        matching.warm_up()
        _warmed_up = True


def refresh_match_keys(person: Person) -> None:
    """Replace the person's blocking keys. Call inside the transaction that changed it."""
    keys = _keys(person_record(person))
    PersonMatchKey.objects.filter(person=person).delete()
    PersonMatchKey.objects.bulk_create(
        [PersonMatchKey(person=person, key=k, kind=kind) for k, kind in keys.items()]
    )


def _reasons(result: engine.MatchResult) -> tuple[SuggestionReason, ...]:
    return tuple(
        SuggestionReason(r.code, matching_reasons.reason_message(r.code, r.params))
        for r in result.reasons
        if r.weight > 0 or r.code in ("name_order_differs", "missing_middle_name", "typo")
    )


def suggest_duplicates(
    *, user: object, draft: Mapping[str, Any], limit: int = 10
) -> list[Suggestion]:
    """Persons already registered who may be the one being typed, best first."""
    member = selectors.registry_member(user)
    if member is None:
        audit_record(action=AuditAction.ACCESS_DENIED, actor=user,
                     object_type=Person._meta.label_lower, reason="may not suggest duplicates")
        raise PermissionDenied("forbidden", _("You do not have permission to do this."))
    _warm_up()
    visible = selectors.persons_visible_to(member)
    record = draft_record(draft)

    identifier_match = Q()
    for type_, value, country in _draft_identifiers(draft):
        identifier_match |= Q(type=type_, value=value, issuing_country=country)
    by_identifier: set[Any] = set()
    if identifier_match:
        by_identifier = set(
            PersonIdentifier.objects.filter(identifier_match).values_list("person_id", flat=True)
        )

    keys = _lookup_keys(record)
    by_key: list[Any] = []
    if keys:
        by_key = list(
            PersonMatchKey.objects.filter(key__in=keys)
            .values("person_id")
            .annotate(shared=Count("person_id"))  # from the (key, person) index alone
            .order_by("-shared")
            .values_list("person_id", flat=True)[:MAX_CANDIDATES]
        )
    ids = by_identifier | set(by_key)
    if not ids:
        return []
    persons = list(
        visible.filter(pk__in=ids, merged_into__isnull=True).prefetch_related("identifiers")
    )
    prepared = engine.prepare(record)
    suggestions = []
    for person in persons:
        result = engine.compare_prepared(prepared, engine.prepare(person_record(person)))
        if result.score < MIN_SCORE and person.pk not in by_identifier:
            continue
        suggestions.append(Suggestion(person, result.score, _reasons(result)))
    # An identifier typed exactly always comes first: it is the strongest evidence there is.
    suggestions.sort(key=lambda s: (s.person.pk not in by_identifier, -s.score))
    return suggestions[:limit]
