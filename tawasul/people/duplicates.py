"""Duplicate suggestions at intake, on the matching engine (tawasul.people.matching).

The engine is pure Python; this module is its Django side:
- `refresh_match_keys(person)` stores the engine's blocking keys of a person in
  PersonMatchKey (delete and insert, in the caller's transaction), so candidates are found
  by an indexed IN lookup instead of a scan of the registry;
- `suggest_duplicates(user=, draft=)` turns what a worker has typed so far into the
  engine's PersonRecord, takes at most MAX_CANDIDATES persons sharing its lookup keys
  (`candidate_ids`), plus every person holding one of the typed identifiers, scores them
  with the engine and returns the best, each with translated reasons.

The work per suggestion does not grow with the registry. A key's persons (its posting
list) grow with it: a common name with a common birth year is shared by more persons
each year. So each lookup key is read up to KEY_CAP + 1 persons (one indexed range of
the (key, person) index per key, all in one query), and a key that reaches the cap is
taken for what it is, a common key that says little about who is being typed: its
persons only make up the numbers when the selective keys (name and exact date, three
names, an identifier, a phone) do not fill MAX_CANDIDATES. The selective keys' persons
are ranked by how many of the keys they share, then by how selective those are. At a
million persons as at ten thousand: at most KEY_CAP + 1 index entries per key,
MAX_CANDIDATES persons scored (from a few columns), `limit` persons read whole.

Only users who may register persons get suggestions, and only among the persons they may
see (the registry's identity view, DESIGN rule 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.errors import PermissionDenied
from tawasul.common.text import clean_text
from tawasul.people import matching_reasons, selectors, validators
from tawasul.people.matching import records as engine
from tawasul.people.models import Person, PersonIdentifier, PersonMatchKey
from tawasul.people.signals import match_keys_refreshed

# Candidates scored per suggestion: bounds the work whatever the registry's size. Ranked
# by the keys' evidence, a true match comes among the first few; the rest are persons of
# the same names and year, which the engine scores alike.
MAX_CANDIDATES = 50
# Persons read per lookup key. A key held by more is a common one (a common name with a
# common birth year, a broad name-only key, a phone shared by a shelter): at a million
# persons the dated keys of most names hold fewer, the commonest a few hundred. A constant,
# not a share of the registry, so that the reads stay bounded as it grows.
KEY_CAP = 100
# Below this the engine's evidence is against the match; not worth a worker's attention.
MIN_SCORE = 0.2
KEY_MAX_LENGTH = 120


@dataclass(frozen=True)
class SuggestionReason:
    code: str
    message: str


@dataclass(frozen=True)
class Suggestion:
    # Read for the suggestion: the identity (CANDIDATE_COLUMNS); other fields are deferred.
    person: Person
    score: float
    reasons: tuple[SuggestionReason, ...]


def _identifier_kind(type_: str, issuing_country: str) -> str:
    # A passport number is only comparable with one of the same country.
    return f"{type_}:{issuing_country}" if type_ == "passport" else type_


def _names(parts: Iterable[str], full: str) -> list[str]:
    composed = " ".join(p for p in parts if p)
    return [n for n in dict.fromkeys((full, composed)) if n]


# The person's fields the engine reads (with the identifiers).
RECORD_FIELDS = (
    "given_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar", "full_name_ar",
    "given_name_latin", "father_name_latin", "grandfather_name_latin", "family_name_latin",
    "full_name_latin", "date_of_birth", "dob_is_estimated", "sex", "nationality", "phone",
)


def _record(pk: Any, values: Mapping[str, Any], identifiers: Mapping[str, str]
            ) -> engine.PersonRecord:
    """A PersonRecord from RECORD_FIELDS, read from a Person or from a row of values()."""
    v = values
    return engine.PersonRecord(
        id=pk,
        names_ar=_names((v["given_name_ar"], v["father_name_ar"], v["grandfather_name_ar"],
                         v["family_name_ar"]), v["full_name_ar"]),
        names_latin=_names((v["given_name_latin"], v["father_name_latin"],
                            v["grandfather_name_latin"], v["family_name_latin"]),
                           v["full_name_latin"]),
        date_of_birth=v["date_of_birth"],
        dob_estimated=v["dob_is_estimated"],
        sex=v["sex"] or None,
        nationality=str(v["nationality"] or "") or None,
        identifiers=identifiers,
        phone=v["phone"] or None,
    )


def person_record(person: Person) -> engine.PersonRecord:
    return _record(
        person.pk, {f: getattr(person, f) for f in RECORD_FIELDS},
        {_identifier_kind(i.type, str(i.issuing_country or "")): i.value
         for i in person.identifiers.all()},
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
    prepared = engine.prepare(record)
    for key in (*blocking.prepared_keys(prepared), *blocking.compound_keys(prepared)):
        key = str(key)[:KEY_MAX_LENGTH]
        out.setdefault(key, key.split(":", 1)[0] if ":" in key else "")
    return out


def _lookup_keys(record: engine.PersonRecord) -> list[str]:
    from tawasul.people.matching import blocking

    # Sorted: ties between candidates are broken the same way in every process.
    return sorted({str(k)[:KEY_MAX_LENGTH] for k in blocking.lookup_keys(record)})


def _postings(keys: list[str]) -> dict[str, list[Any]]:
    """key → the ids of at most KEY_CAP + 1 persons holding it, in one query: a LIMIT per
    key, each answered by its own range of the (key, person) index, however many persons
    hold the key. (Raw SQL: the ORM refuses a LIMIT inside a UNION on SQLite.)"""
    qn = connection.ops.quote_name
    # Only quoted names go into the text; the keys and the limit are parameters.
    one = (f"SELECT * FROM (SELECT {qn('key')}, {qn('person_id')} "  # noqa: S608
           f"FROM {qn(PersonMatchKey._meta.db_table)} WHERE {qn('key')} = %s LIMIT %s) AS k{{}}")
    sql = " UNION ALL ".join(one.format(i) for i in range(len(keys)))
    out: dict[str, list[Any]] = {k: [] for k in keys}
    with connection.cursor() as cursor:
        cursor.execute(sql, [p for k in keys for p in (k, KEY_CAP + 1)])
        for key, person_id in cursor.fetchall():
            out[key].append(person_id)  # as the database gives it: see candidate_ids
    return out


def candidate_ids(record: engine.PersonRecord) -> list[Any]:
    """At most MAX_CANDIDATES ids of persons sharing the record's lookup keys, likeliest
    first: by how many of its selective keys they hold, then by how selective those are
    (each counting 1 / its number of persons, so that a shared exact date or phone
    outweighs a shared common name, and less for a year further from the one typed).
    Persons known only through common keys come last, when there is room: a key's first
    KEY_CAP + 1 persons are no likelier than its others. A common broad key (two names,
    no date: an undated draft of a common name) adds nobody."""
    keys = _lookup_keys(record)
    if not keys:
        return []
    from tawasul.people.matching import blocking

    year = record.date_of_birth.year if record.date_of_birth else None
    shared: dict[Any, int] = {}
    evidence: dict[Any, float] = {}
    common: dict[Any, int] = {}
    for key, holders in _postings(keys).items():
        if len(holders) > KEY_CAP:
            if not blocking.is_broad(key):  # a common name alone says nothing: skipped
                for person_id in holders:
                    common[person_id] = common.get(person_id, 0) + 1
            continue
        weight = 1 / len(holders) if holders else 0.0
        key_year = blocking.key_year(key)
        if year and key_year:
            # An estimated date is looked up in the years around it: the nearer the likelier.
            weight /= 1 + abs(key_year - year)
        for person_id in holders:
            shared[person_id] = shared.get(person_id, 0) + 1
            evidence[person_id] = evidence.get(person_id, 0.0) + weight
    ranked = sorted(shared, key=lambda p: (-shared[p], -evidence[p]))
    if len(ranked) < MAX_CANDIDATES:
        ranked += sorted((p for p in common if p not in shared), key=lambda p: -common[p])
    pk = Person._meta.pk
    assert pk is not None
    return [pk.to_python(p) for p in ranked[:MAX_CANDIDATES]]  # UUIDs, as the ORM gives


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
    match_keys_refreshed.send(sender=Person, person_ids=[person.pk])


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

    ids = by_identifier | set(candidate_ids(record))
    if not ids:
        return []
    # One read of the candidates: the engine scores them from their rows, and the persons
    # shown are made from the same rows (Person.from_db, as a queryset would), so nothing
    # is read twice. Without the selector's joins and annotation: nothing shown reads the
    # registering organization or the flags; the API reads the identifiers of those it
    # lists (prefetch_related_objects), the pages none.
    candidates = (visible.filter(pk__in=ids, merged_into__isnull=True)
                  .select_related(None).order_by())
    rows = list(candidates.values(*CANDIDATE_COLUMNS))
    identifiers: dict[Any, dict[str, str]] = {}
    if record.identifiers:  # the engine compares only the kinds of identifier typed
        for person_id, type_, country, value in PersonIdentifier.objects.filter(
            person_id__in=[row["id"] for row in rows]
        ).values_list("person_id", "type", "issuing_country", "value"):
            identifiers.setdefault(person_id, {})[_identifier_kind(type_, str(country or ""))] \
                = value
    prepared = engine.prepare(record)
    scored: list[tuple[dict[str, Any], engine.MatchResult]] = []
    for row in rows:
        pk = row["id"]
        # A candidate whose other evidence rules it out whatever its names (another sex
        # and a birth date years apart) is answered without comparing the names, the
        # costly part; one holding a typed identifier is always scored in full.
        result = engine.compare_prepared(
            prepared, engine.prepare(_record(pk, row, identifiers.get(pk, {}))),
            min_score=None if pk in by_identifier else MIN_SCORE)
        if result.score >= MIN_SCORE or pk in by_identifier:
            scored.append((row, result))
    # An identifier typed exactly always comes first: it is the strongest evidence there is.
    scored.sort(key=lambda s: (s[0]["id"] not in by_identifier, -s[1].score))
    return [Suggestion(_person(candidates.db, row), result.score, _reasons(result))
            for row, result in scored[:limit]]


# What is read of each candidate: the engine's fields and what a suggestion shows (its
# identity, IDENTITY_FIELDS but the identifiers). The person of a suggestion is made from
# that row, the other fields deferred: every column of fifty candidates would cost more to
# read and convert than the second query it saves.
CANDIDATE_COLUMNS = ("id", "reference", *RECORD_FIELDS)


def _person(db: str, row: Mapping[str, Any]) -> Person:
    return Person.from_db(db, CANDIDATE_COLUMNS, [row[c] for c in CANDIDATE_COLUMNS])
