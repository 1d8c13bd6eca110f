"""python manage.py find_duplicate_clusters [--min-score X] [--limit N] [--csv PATH]

Reads the whole registry (persons not merged into another) in batches, builds the
matching engine's records, groups probable duplicates into clusters
(tawasul.people.matching.clustering.find_clusters) and prints each cluster: its persons,
and for each the strongest match within the cluster with its score and reasons. An
administrator then merges them on the merge pages.

The run is one audited read of the registry (one entry with the counts), not one entry
per person: it is a batch job that no user sees row by row, like generate_synthetic.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases.exports import escape_formula
from tawasul.people import matching_reasons
from tawasul.people.duplicates import person_record
from tawasul.people.matching import records as engine
from tawasul.people.matching.clustering import BatchStats, find_clusters
from tawasul.people.models import Person, PersonIdentifier

BATCH = 5000
# Beyond this many members a cluster's members are matched against its first members
# only: a long chain of near-duplicates is worth a look, not a quadratic report.
MAX_COMPARED_MEMBERS = 50
ACTOR = "system:find_duplicate_clusters"
# What the command reads of each person (and prints of the clusters' members).
READ_FIELDS = ("reference", "given_name_ar", "father_name_ar", "grandfather_name_ar",
               "family_name_ar", "full_name_ar", "given_name_latin", "father_name_latin",
               "grandfather_name_latin", "family_name_latin", "full_name_latin",
               "date_of_birth", "dob_is_estimated", "sex", "nationality", "phone",
               "identifiers")
PERSON_COLUMNS = tuple(f for f in READ_FIELDS if f != "identifiers")
CSV_HEADER = ("cluster", "cluster_score", "reference", "name_ar", "name_latin",
              "date_of_birth", "nationality", "best_match", "score", "reasons")


@dataclass(frozen=True)
class Member:
    reference: str
    name_ar: str
    name_latin: str
    date_of_birth: str
    nationality: str
    best_match: str
    score: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Cluster:
    score: float
    members: tuple[Member, ...]


class _Identifiers(list[Any]):
    """Stands for `person.identifiers`, already fetched."""

    def all(self) -> _Identifiers:
        return self


@dataclass(frozen=True, slots=True)
class _IdentifierRow:
    type: str
    value: str
    issuing_country: str


class _PersonRow:
    """What person_record reads of a Person, from one row of values: a model instance per
    person (and Django's prefetching) would take most of the run at this scale."""

    reference: str

    def __init__(self, pk: Any, values: Sequence[Any], identifiers: _Identifiers) -> None:
        self.pk = pk
        for name, value in zip(PERSON_COLUMNS, values, strict=True):
            setattr(self, name, value)
        self.identifiers = identifiers


def registry_records(batch: int = BATCH) -> Iterator[tuple[engine.PersonRecord, str]]:
    """Every person not merged into another, as the engine record that person_record makes,
    with the person's reference; read in pages of `batch` persons along the primary key:
    one query for a page of persons and one for their identifiers."""
    persons = Person.objects.filter(merged_into__isnull=True).order_by("pk")
    after: Any = None
    while True:
        page = persons if after is None else persons.filter(pk__gt=after)
        rows = list(page.values_list("pk", *PERSON_COLUMNS)[:batch])
        if not rows:
            return
        after = rows[-1][0]
        identifiers: dict[Any, _Identifiers] = {row[0]: _Identifiers() for row in rows}
        for person_id, type_, value, country in PersonIdentifier.objects.filter(
            person_id__in=list(identifiers)
        ).order_by().values_list("person_id", "type", "value", "issuing_country"):
            identifiers[person_id].append(_IdentifierRow(type_, value, country or ""))
        for pk, *values in rows:
            row = _PersonRow(pk, values, identifiers[pk])
            yield person_record(row), row.reference  # type: ignore[arg-type]


def _first(names: Sequence[str] | str) -> str:
    # person_record puts the full name first, as Person.name_ar and name_latin show it.
    if isinstance(names, str):
        return names
    return names[0] if names else ""


def _describe(ids: set[Hashable], records: dict[Hashable, engine.PersonRecord],
              references: dict[Hashable, str]) -> Cluster:
    """Each member with its strongest match among the cluster's other members."""
    order = sorted(ids, key=lambda pk: references[pk])
    prepared = {pk: engine.prepare(records[pk]) for pk in order}
    compared = order[:MAX_COMPARED_MEMBERS]
    best: dict[Hashable, tuple[float, Hashable, tuple[str, ...]]] = {}
    for pk in order:
        for other in compared:
            if other == pk:
                continue
            result = engine.compare_prepared(prepared[pk], prepared[other])
            if pk not in best or result.score > best[pk][0]:
                reasons = tuple(matching_reasons.reason_message(r.code, r.params)
                                for r in result.reasons if r.weight > 0)
                best[pk] = (result.score, other, reasons)
    members = []
    for pk in order:
        record = records[pk]
        score, other, reasons = best.get(pk, (0.0, None, ()))
        members.append(Member(
            references[pk], _first(record.names_ar), _first(record.names_latin),
            record.date_of_birth.isoformat() if record.date_of_birth else "",
            record.nationality or "",
            references[other] if other is not None else "",
            score if other is not None else None, reasons,
        ))
    scores = [m.score for m in members if m.score is not None]
    return Cluster(score=min(scores) if scores else 0.0, members=tuple(members))


class Command(BaseCommand):
    help = ("Find clusters of probable duplicate persons across the whole registry and "
            "print them (persons, names, score, reasons) with a summary.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--min-score", type=float, default=0.9,
                            help="Join two persons whose match score reaches this "
                                 "(0 to 1; default 0.9).")
        parser.add_argument("--limit", type=int, default=50,
                            help="Print at most this many clusters, best first (0: all). "
                                 "The summary and the CSV file count them all.")
        parser.add_argument("--csv", dest="csv_path", default="",
                            help="Also write every cluster to this CSV file (UTF-8 with "
                                 "BOM), one row per person.")
        parser.add_argument("--batch", type=int, default=BATCH,
                            help="Persons read per query (memory of the read).")

    def handle(self, *args: Any, min_score: float, limit: int, csv_path: str, batch: int,
               **options: Any) -> None:
        if not 0 < min_score <= 1:
            raise CommandError("--min-score must be more than 0 and at most 1")
        if limit < 0 or batch < 1:
            raise CommandError("--limit must be 0 or more and --batch positive")
        target = Path(csv_path) if csv_path else None
        if target is not None and not target.parent.is_dir():
            raise CommandError(f"no such directory: {target.parent}")
        started = time.perf_counter()

        records: list[engine.PersonRecord] = []
        references: dict[Hashable, str] = {}
        for record, reference in registry_records(batch):
            records.append(record)
            references[record.id] = reference
        read_seconds = time.perf_counter() - started

        stats = BatchStats()
        found = find_clusters(records, min_score, stats=stats)
        in_found = {pk for ids in found for pk in ids}
        by_id = {r.id: r for r in records if r.id in in_found}
        clusters = sorted((_describe(ids, by_id, references) for ids in found),
                          key=lambda c: (-c.score, c.members[0].reference))
        seconds = time.perf_counter() - started

        shown = clusters if limit == 0 else clusters[:limit]
        for number, cluster in enumerate(shown, 1):
            self._print(number, cluster)
        if target is not None:
            self._write_csv(target, clusters)
        in_clusters = sum(len(c.members) for c in clusters)
        audit_record(
            action=AuditAction.EXPORT if target is not None else AuditAction.READ,
            actor_username=ACTOR, object_type=Person._meta.label_lower,
            object_id="find_duplicate_clusters", fields=READ_FIELDS,
            reason=(f"duplicate clusters at min score {min_score}: {len(records)} persons "
                    f"read, {len(clusters)} clusters, {in_clusters} persons in clusters"
                    + (", written to a CSV file" if target is not None else "")),
        )
        self.stdout.write(
            f"\n{len(records)} persons, {len(clusters)} clusters, {in_clusters} persons in "
            f"clusters ({len(shown)} shown); {stats.candidate_pairs} candidate pairs, "
            f"{stats.compared_pairs} compared; read {read_seconds:.1f} s, "
            f"total {seconds:.1f} s"
        )

    def _print(self, number: int, cluster: Cluster) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(
            f"Cluster {number}: {len(cluster.members)} persons, score {cluster.score:.2f}"))
        shown: set[frozenset[str]] = set()
        for m in cluster.members:
            names = " / ".join(n for n in (m.name_ar, m.name_latin) if n)
            details = ", ".join(d for d in (m.date_of_birth, m.nationality) if d)
            self.stdout.write(f"  {m.reference}  {names}" + (f"  ({details})" if details else ""))
            pair = frozenset((m.reference, m.best_match))
            if m.score is not None and pair not in shown:
                shown.add(pair)
                self.stdout.write(f"      ~ {m.best_match} {m.score:.2f}: "
                                  + "; ".join(m.reasons))

    def _write_csv(self, target: Path, clusters: Sequence[Cluster]) -> None:
        with target.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(CSV_HEADER)
            for number, cluster in enumerate(clusters, 1):
                for m in cluster.members:
                    writer.writerow([escape_formula(v) for v in (
                        number, f"{cluster.score:.3f}", m.reference, m.name_ar, m.name_latin,
                        m.date_of_birth, m.nationality, m.best_match,
                        f"{m.score:.3f}" if m.score is not None else "",
                        "; ".join(m.reasons),
                    )])
