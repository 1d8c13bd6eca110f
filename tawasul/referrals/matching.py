"""Matching a person as an embassy described them against the person registry, on the
referral's arrival (and again when the intake desk asks).

The same engine and blocking keys as the registry's duplicate suggestions
(tawasul.people.duplicates): the submitted person becomes a draft record
(`duplicates.draft_record`), candidates are the persons sharing its lookup keys
(`duplicates.candidate_ids`: at most `duplicates.MAX_CANDIDATES`, each key read up to
`duplicates.KEY_CAP` persons) plus every holder of the passport number it gave, and each
is scored by the engine. It runs for the system, not for a user: the
embassy that sent the referral is never shown the result, and the intake desk reads the
stored matches through the registry's own selector (selectors.registry_matches).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tawasul.people import duplicates, matching_reasons
from tawasul.people.matching import records as engine
from tawasul.people.models import IdentifierType, Person, PersonIdentifier
from tawasul.referrals.models import SubmittedPerson

# Matches kept on the referral, best first.
MAX_MATCHES = 5

_warmed_up = False


def _warm_up() -> None:
    global _warmed_up
    if not _warmed_up:
        from tawasul.people import matching

        matching.warm_up()
        _warmed_up = True


def draft_of(submitted: SubmittedPerson) -> dict[str, Any]:
    """The submitted person in the keys of person_register (and of draft_record)."""
    nationality = str(submitted.nationality or "")
    identifiers = []
    if submitted.passport_number:
        identifiers.append({"type": IdentifierType.PASSPORT, "value": submitted.passport_number,
                            "issuing_country": nationality})
    return {
        "full_name_ar": submitted.name_ar, "full_name_latin": submitted.name_en,
        "date_of_birth": submitted.date_of_birth, "sex": submitted.sex,
        "nationality": nationality, "phone": submitted.phone, "identifiers": identifiers,
    }


@dataclass(frozen=True)
class Match:
    person_id: str
    score: float
    reasons: tuple[dict[str, Any], ...]
    by_passport: bool


def find_matches(submitted: SubmittedPerson) -> list[Match]:
    """The registry's candidates for the submitted person, best first (a holder of the
    same passport always first)."""
    _warm_up()
    draft = draft_of(submitted)
    record = duplicates.draft_record(draft)
    by_passport: set[Any] = set()
    if submitted.passport_number:
        by_passport = set(PersonIdentifier.objects.filter(
            type=IdentifierType.PASSPORT, value=submitted.passport_number,
            issuing_country=str(submitted.nationality),
        ).values_list("person_id", flat=True))
    ids = by_passport | set(duplicates.candidate_ids(record))
    if not ids:
        return []
    persons = Person.objects.filter(pk__in=ids, is_active=True, merged_into__isnull=True
                                    ).prefetch_related("identifiers")
    prepared = engine.prepare(record)
    found = []
    for person in persons:
        result = engine.compare_prepared(prepared, engine.prepare(duplicates.person_record(person)))
        if result.score < duplicates.MIN_SCORE and person.pk not in by_passport:
            continue
        reasons = tuple(
            {"code": r.code, "params": dict(r.params)} for r in result.reasons
            if r.weight > 0 or r.code in ("name_order_differs", "missing_middle_name", "typo")
        )
        found.append(Match(str(person.pk), round(result.score, 3), reasons,
                           person.pk in by_passport))
    found.sort(key=lambda m: (not m.by_passport, -m.score))
    return found[:MAX_MATCHES]


def as_stored(found: list[Match]) -> list[dict[str, Any]]:
    """Matches as SubmittedPerson.matches keeps them."""
    return [
        {"person": m.person_id, "score": m.score, "reasons": list(m.reasons),
         "same_passport": m.by_passport}
        for m in found
    ]


def store_matches(submitted: SubmittedPerson) -> list[Match]:
    """Find and keep the matches on the (saved) submitted person, in the caller's
    transaction."""
    found = find_matches(submitted)
    submitted.matches = as_stored(found)
    submitted.matched_at = timezone.now()
    submitted.save(update_fields=["matches", "matched_at", "updated_at"])
    return found


def reason_messages(match: dict[str, Any]) -> list[str]:
    """The stored reasons of a match, in the reader's language."""
    return [matching_reasons.reason_message(str(r.get("code", "")), r.get("params") or {})
            for r in match.get("reasons") or []]
