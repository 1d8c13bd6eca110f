"""Record-level comparison: is this new person one we already have, and why do we think so.

The comparator adds up evidence in the manner of Fellegi–Sunter: every field that both
records have contributes a weight, roughly log2(P(observation | same person) /
P(observation | different persons)); positive weights are evidence for, negative against.
The total becomes a score in [0, 1] through a logistic curve whose midpoint (`prior`) says
how much evidence is needed before a pair is more likely than not the same person, given
how rare true duplicates are among the pairs blocking brings together. The weights are
hand-set (reasoned in `MatchConfig`), not trained; scripts/matching_quality.py measures
them.

Every contribution carries a `Reason`: a stable code (which the Django layer translates),
an English message, its weight and parameters. Codes:

    same_identifier, similar_identifier, different_identifier
    same_name_same_birth_date, arabic_matches_latin_same_birth_year,
    same_name, similar_name, arabic_matches_latin, different_name,
    name_order_differs, missing_middle_name, name_part_missing, typo,
    same_birth_date, similar_birth_date, same_birth_year,
    estimated_birth_date_within_tolerance, different_birth_date,
    different_sex, different_nationality, same_phone,
    other_attributes_agree, other_attributes_differ
(same_sex and same_nationality count but are not listed in a result: they say little.)
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from rapidfuzz.distance import DamerauLevenshtein, Indel

from tawasul.people.matching.normalize import NameToken, normalize_digits, tokenize
from tawasul.people.matching.similarity import MAX_TOKENS, NO_MATCH, NameMatch, match_tokens


@dataclass(slots=True)
class PersonRecord:
    """What the matcher needs to know about a person. Names are full names in natural order
    (given, father's, grandfather's, family); a person may have several (aliases, the form
    in the passport and the form people use). Identifier types are opaque strings, e.g.
    "qid" or "passport:QAT"; only values of the same type are compared."""

    id: Hashable
    names_ar: Sequence[str] | str = ()
    names_latin: Sequence[str] | str = ()
    date_of_birth: datetime.date | None = None
    dob_estimated: bool = False
    sex: str | None = None
    nationality: str | None = None
    identifiers: Mapping[str, str] = field(default_factory=dict)
    phone: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    message: str
    weight: float
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MatchResult:
    score: float
    weight: float
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]


@dataclass(frozen=True, slots=True)
class IdentifierPolicy:
    """Weights for one identifier type. A national ID is for life: a different value is
    strong evidence of a different person. A passport number changes on renewal, so a
    different passport of the same country is negative evidence but less strong."""

    agree: float = 15.0
    near: float = 2.0
    disagree: float = -10.0


@dataclass(frozen=True, slots=True)
class AttributeRule:
    """An extra attribute compared by string similarity (the "other attributes" hook)."""

    name: str
    agree: float
    partial: float = 0.0
    disagree: float = 0.0
    partial_at: float = 0.8


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Evidence weights, in bits (log2 likelihood ratios), and the score's midpoint.

    Orders of magnitude: two random persons share an exact date of birth about once in
    30,000 (≈15 bits), but the pairs compared already share names, and dates are mistyped
    or defaulted, so an agreeing date counts +6; a disagreeing exact date far apart is
    strong evidence against (-7), an estimated one within ±2 years mild evidence for. A
    full-name agreement is worth +7.5 (+2 per further matching name part); names that
    clearly differ -5. An identical national ID decides on its own (+16); a different one
    is almost as decisive against (-12). Sex rarely differs between registrations of one
    person (-6 if it does); nationality does more often (dual nationals: -1.5). `prior` 8:
    a name agreement alone (7.5) stays below 0.5; with a birth year or a phone it passes.
    """

    # Name similarity → weight, interpolated between these points.
    name_curve: tuple[tuple[float, float], ...] = (
        (0.0, -6.0),
        (0.4, -5.0),
        (0.6, -3.0),
        (0.75, 0.0),
        (0.85, 3.5),
        (0.92, 5.5),
        (0.97, 7.0),
        (1.0, 7.5),
    )
    # Each matching name part beyond two (father's, grandfather's name): an independent
    # coincidence less likely than the first two.
    extra_name_part: float = 2.0
    same_birth_date: float = 6.0
    similar_birth_date: float = 2.5
    same_birth_year: float = 1.0
    birth_date_near: float = -3.0  # exact dates, different, within the tolerance
    different_birth_date: float = -7.0
    estimated_same_year: float = 2.0
    estimated_within_tolerance: float = 1.5
    estimated_outside_tolerance: float = -4.0
    dob_tolerance_years: int = 2
    same_sex: float = 0.5
    different_sex: float = -6.0
    same_nationality: float = 0.5
    different_nationality: float = -1.5
    same_phone: float = 3.0
    identifiers: Mapping[str, IdentifierPolicy] = field(
        default_factory=lambda: {"qid": IdentifierPolicy(agree=16.0, near=2.0, disagree=-12.0)}
    )
    passport_policy: IdentifierPolicy = IdentifierPolicy(agree=15.0, near=2.0, disagree=-7.0)
    default_identifier: IdentifierPolicy = IdentifierPolicy()
    attributes: tuple[AttributeRule, ...] = ()
    # Total weight at which the score is 0.5.
    prior: float = 8.0

    def identifier_policy(self, kind: str) -> IdentifierPolicy:
        if kind in self.identifiers:
            return self.identifiers[kind]
        if kind.startswith("passport"):
            return self.passport_policy
        return self.default_identifier


DEFAULT_CONFIG = MatchConfig()

_ID_JUNK = re.compile(r"[\s\-./]")
_NON_DIGIT = re.compile(r"\D")


@dataclass(slots=True)
class Prepared:
    """A PersonRecord parsed once, for comparing it many times."""

    record: PersonRecord
    names: tuple[tuple[NameToken, ...], ...]
    birth_key: str
    identifiers: dict[str, str]
    phone: str
    sex: str
    nationality: str
    attributes: dict[str, str]


def _as_tuple(value: Sequence[str] | str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    return tuple(v for v in value if v and v.strip())


def normalize_identifier(value: str) -> str:
    return _ID_JUNK.sub("", normalize_digits(value)).upper()


def normalize_phone(value: str | None) -> str:
    """The last 8 digits: enough to tell numbers apart, blind to +974 / 00974 / 0 prefixes."""
    if not value:
        return ""
    digits = _NON_DIGIT.sub("", normalize_digits(value))
    return digits[-8:] if len(digits) >= 7 else ""


def prepare(record: PersonRecord) -> Prepared:
    names = tuple(
        tokens
        for name in (*_as_tuple(record.names_ar), *_as_tuple(record.names_latin))
        if (tokens := tokenize(name))
    )
    dob = record.date_of_birth
    return Prepared(
        record=record,
        names=tuple(dict.fromkeys(names)),
        birth_key=dob.strftime("%Y%m%d") if dob else "",
        identifiers={
            kind.strip(): normalize_identifier(v)
            for kind, v in record.identifiers.items()
            if v and normalize_identifier(v)
        },
        phone=normalize_phone(record.phone),
        sex=(record.sex or "").strip().upper()[:1],
        nationality=(record.nationality or "").strip().upper(),
        attributes={k: v.strip().lower() for k, v in record.attributes.items() if v and v.strip()},
    )


def _interpolate(points: tuple[tuple[float, float], ...], x: float) -> float:
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in pairwise(points):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def best_name_match(a: Prepared, b: Prepared) -> NameMatch:
    """The best match over every pair of the two records' names, same-script pairs first."""
    pairs = [(ta, tb) for ta in a.names for tb in b.names]
    pairs.sort(key=lambda pair: pair[0][0].script != pair[1][0].script)
    best = NO_MATCH
    for ta, tb in pairs:
        if best.score >= 0.9 and not best.cross_script and ta[0].script != tb[0].script:
            break  # same-script names agree: transliteration has nothing to add
        m = match_tokens(ta, tb)
        if m.score > best.score or (
            m.score == best.score and best.cross_script and not m.cross_script
        ):
            best = m
        if best.score >= 1.0 and best.matched_parts >= min(len(ta), len(tb)):
            break  # nothing can beat a perfect match of every part
    return best


def _name_reasons(match: NameMatch, weight: float) -> list[Reason]:
    s = match.score
    if s >= 0.85:
        if match.cross_script:
            out = [Reason("arabic_matches_latin", "Arabic name matches Latin name", weight)]
        elif s >= 0.97:
            out = [Reason("same_name", "Same name", weight)]
        else:
            out = [Reason("similar_name", "Similar name", weight)]
    elif s < 0.6:
        out = [Reason("different_name", "Different name", weight)]
    else:
        out = [Reason("similar_name", "Partly similar name", weight)]
    if match.order_differs:
        out.append(Reason("name_order_differs", "Name order differs", 0.0))
    if match.missing_middle:
        out.append(
            Reason(
                "missing_middle_name",
                "A middle name is missing in one record",
                0.0,
                {"count": str(match.missing_middle)},
            )
        )
    if match.missing_other:
        out.append(Reason("name_part_missing", "Given or family name missing in one record", 0.0))
    if match.typo:
        out.append(Reason("typo", "Spelling differs slightly (possible typo)", 0.0))
    return out


def _dob_reason(pa: Prepared, pb: Prepared, cfg: MatchConfig) -> Reason | None:
    a, b = pa.record, pb.record
    da, db = a.date_of_birth, b.date_of_birth
    if da is None or db is None:
        return None
    if a.dob_estimated or b.dob_estimated:
        years = abs(da.year - db.year)
        if years == 0:
            return Reason(
                "estimated_birth_date_within_tolerance",
                "Estimated date of birth, same year",
                cfg.estimated_same_year,
                {"years": "0"},
            )
        if years <= cfg.dob_tolerance_years:
            return Reason(
                "estimated_birth_date_within_tolerance",
                f"Estimated date of birth within {years} year(s)",
                cfg.estimated_within_tolerance,
                {"years": str(years)},
            )
        return Reason(
            "different_birth_date",
            "Date of birth too far apart, even for an estimate",
            cfg.estimated_outside_tolerance,
        )
    if da == db:
        return Reason("same_birth_date", "Same date of birth", cfg.same_birth_date)
    ka, kb = pa.birth_key, pb.birth_key
    swapped = da.year == db.year and da.month == db.day and da.day == db.month
    if swapped or DamerauLevenshtein.distance(ka, kb) <= 1:
        return Reason(
            "similar_birth_date",
            "Date of birth differs by one digit, or day and month swapped",
            cfg.similar_birth_date,
        )
    if da.year == db.year:
        return Reason("same_birth_year", "Same year of birth", cfg.same_birth_year)
    if abs((da - db).days) <= 366 * cfg.dob_tolerance_years:
        return Reason("different_birth_date", "Different date of birth", cfg.birth_date_near)
    return Reason("different_birth_date", "Different date of birth", cfg.different_birth_date)


def _identifier_reasons(a: Prepared, b: Prepared, cfg: MatchConfig) -> list[Reason]:
    out: list[Reason] = []
    for kind, va in a.identifiers.items():
        vb = b.identifiers.get(kind)
        if not vb:
            continue
        policy = cfg.identifier_policy(kind)
        if va == vb:
            out.append(Reason("same_identifier", "Same identifier", policy.agree, {"type": kind}))
        elif min(len(va), len(vb)) >= 5 and DamerauLevenshtein.distance(va, vb) <= 1:
            out.append(
                Reason(
                    "similar_identifier",
                    "Identifier differs by one character",
                    policy.near,
                    {"type": kind},
                )
            )
        else:
            out.append(
                Reason(
                    "different_identifier",
                    "Different identifier of the same type",
                    policy.disagree,
                    {"type": kind},
                )
            )
    return out


def _attribute_reasons(a: Prepared, b: Prepared, cfg: MatchConfig) -> list[Reason]:
    agree: list[str] = []
    differ: list[str] = []
    total_for = 0.0
    total_against = 0.0
    for rule in cfg.attributes:
        va = a.attributes.get(rule.name)
        vb = b.attributes.get(rule.name)
        if not va or not vb:
            continue
        if va == vb:
            w = rule.agree
        elif Indel.normalized_similarity(va, vb) >= rule.partial_at:
            w = rule.partial
        else:
            w = rule.disagree
        if w >= 0:
            total_for += w
            if w > 0:
                agree.append(rule.name)
        else:
            total_against += w
            differ.append(rule.name)
    out: list[Reason] = []
    if agree:
        out.append(
            Reason(
                "other_attributes_agree",
                "Other details agree",
                total_for,
                {"attributes": ", ".join(agree)},
            )
        )
    if differ:
        out.append(
            Reason(
                "other_attributes_differ",
                "Other details differ",
                total_against,
                {"attributes": ", ".join(differ)},
            )
        )
    return out


def score_from_weight(weight: float, cfg: MatchConfig = DEFAULT_CONFIG) -> float:
    x = weight - cfg.prior
    if x > 60:
        return 1.0
    if x < -60:
        return 0.0
    return 1.0 / (1.0 + math.pow(2.0, -x))


def _other_evidence(a: Prepared, b: Prepared, cfg: MatchConfig) -> list[Reason]:
    reasons: list[Reason] = []
    if a.sex and b.sex:
        if a.sex == b.sex:
            reasons.append(Reason("same_sex", "Same sex", cfg.same_sex))
        else:
            reasons.append(Reason("different_sex", "Different sex", cfg.different_sex))
    if a.nationality and b.nationality:
        if a.nationality == b.nationality:
            reasons.append(Reason("same_nationality", "Same nationality", cfg.same_nationality))
        else:
            reasons.append(
                Reason("different_nationality", "Different nationality", cfg.different_nationality)
            )
    if a.phone and a.phone == b.phone:
        reasons.append(Reason("same_phone", "Same phone number", cfg.same_phone))
    reasons.extend(_attribute_reasons(a, b, cfg))
    return reasons


_UNREACHABLE = MatchResult(score=0.0, weight=float("-inf"), reasons=())


def compare_prepared(
    a: Prepared,
    b: Prepared,
    cfg: MatchConfig = DEFAULT_CONFIG,
    *,
    min_score: float | None = None,
) -> MatchResult:
    """Compare two prepared records. With `min_score`, a pair that cannot reach it whatever
    its names is answered early with score 0 and no reasons (the batch and ranking paths
    use this: name comparison is the expensive part)."""
    reasons = _identifier_reasons(a, b, cfg)
    dob = _dob_reason(a, b, cfg)
    others = _other_evidence(a, b, cfg)
    has_names = bool(a.names and b.names)
    if min_score is not None and min_score > 0.0:
        parts = min(max(map(len, a.names), default=0), max(map(len, b.names), default=0))
        most_parts = max(0, min(parts, MAX_TOKENS) - 2)
        best_name = cfg.name_curve[-1][1] + cfg.extra_name_part * most_parts if has_names else 0.0
        upper = sum(r.weight for r in (*reasons, *others)) + (dob.weight if dob else 0.0)
        if score_from_weight(upper + best_name, cfg) < min_score:
            return _UNREACHABLE

    name = best_name_match(a, b) if has_names else None
    name_reasons: list[Reason] = []
    if name is not None:
        weight = _interpolate(cfg.name_curve, name.score)
        if name.score >= 0.85:
            weight += cfg.extra_name_part * max(0, name.matched_parts - 2)
        name_reasons = _name_reasons(name, weight)

    # The two combinations a case worker recognizes at a glance, as one reason each.
    head = name_reasons[0] if name_reasons else None
    same_year = dob is not None and (
        dob.code in ("same_birth_date", "same_birth_year", "similar_birth_date")
        or (dob.code == "estimated_birth_date_within_tolerance" and dob.params["years"] == "0")
    )
    if head is not None and dob is not None:
        if head.code == "same_name" and dob.code == "same_birth_date":
            name_reasons[0] = Reason(
                "same_name_same_birth_date",
                "Same name and same date of birth",
                head.weight + dob.weight,
            )
            dob = None
        elif head.code == "arabic_matches_latin" and same_year:
            name_reasons[0] = Reason(
                "arabic_matches_latin_same_birth_year",
                "Arabic name matches Latin name, same year of birth",
                head.weight + dob.weight,
            )
            dob = None
    reasons.extend(name_reasons)
    if dob is not None:
        reasons.append(dob)
    reasons.extend(others)

    total = sum(r.weight for r in reasons)
    shown = tuple(
        sorted(
            (r for r in reasons if r.code not in ("same_sex", "same_nationality")),
            key=lambda r: -abs(r.weight),
        )
    )
    return MatchResult(score=score_from_weight(total, cfg), weight=total, reasons=shown)


def compare(
    candidate: PersonRecord, existing: PersonRecord, config: MatchConfig = DEFAULT_CONFIG
) -> MatchResult:
    """How likely `candidate` is the same person as `existing`, with the reasons."""
    return compare_prepared(prepare(candidate), prepare(existing), config)


@dataclass(frozen=True, slots=True)
class RankedMatch:
    record: PersonRecord
    result: MatchResult


def rank_candidates(
    candidate: PersonRecord,
    existing: Iterable[PersonRecord],
    *,
    limit: int = 10,
    min_score: float = 0.2,
    config: MatchConfig = DEFAULT_CONFIG,
) -> list[RankedMatch]:
    """Score `candidate` against already blocked records; best first, at most `limit`."""
    prepared = prepare(candidate)
    ranked = [
        RankedMatch(record, result)
        for record in existing
        if record.id != candidate.id
        and (
            result := compare_prepared(prepared, prepare(record), config, min_score=min_score)
        ).score
        >= min_score
    ]
    ranked.sort(key=lambda r: (-r.result.score, -r.result.weight))
    return ranked[:limit]
