"""`find_duplicate_clusters`: the batch search for duplicate persons across the registry."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import World
from tawasul.people import merge, services, synthetic
from tawasul.people.duplicates import person_record
from tawasul.people.management.commands.find_duplicate_clusters import registry_records
from tawasul.people.models import Person
from tawasul.people.tests.conftest import register

pytestmark = pytest.mark.django_db

COMMAND = "find_duplicate_clusters"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(COMMAND, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def planted(world: World) -> tuple[Person, Person, Person]:
    """One person registered twice, in Arabic and in Latin script, and someone else."""
    arabic = register(world, given_name_latin="", family_name_latin="")
    latin = register(world, "family_manager", given_name_ar="", father_name_ar="",
                     family_name_ar="", given_name_latin="Muhammad",
                     father_name_latin="Abdul Rahman", family_name_latin="Alkuwari")
    other = register(world, given_name_ar="فاطمة", father_name_ar="", family_name_ar="السليطي",
                     given_name_latin="Fatima", family_name_latin="Al-Sulaiti",
                     date_of_birth=dt.date(1995, 8, 9), sex="female")
    return arabic, latin, other


def cluster_blocks(output: str) -> list[str]:
    return [block for block in output.split("Cluster ")[1:]]


def test_finds_a_planted_duplicate_and_audits_the_run_once(
    world: World, planted: tuple[Person, Person, Person]
) -> None:
    arabic, latin, other = planted
    before = AuditEntry.objects.count()
    output = run("--min-score", "0.8")
    blocks = cluster_blocks(output)
    assert len(blocks) == 1
    assert arabic.reference in blocks[0] and latin.reference in blocks[0]
    assert other.reference not in output
    assert "محمد عبد الرحمن الكواري" in blocks[0] and "Muhammad Abdul Rahman Alkuwari" in (
        blocks[0])
    assert "3 persons, 1 clusters, 2 persons in clusters" in output
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.get(object_id=COMMAND)
    assert entry.action == AuditAction.READ
    assert "3 persons read, 1 clusters, 2 persons in clusters" in entry.reason
    assert entry.actor is None and entry.actor_username == "system:find_duplicate_clusters"


def test_records_read_in_pages_are_those_of_person_record(
    world: World, planted: tuple[Person, Person, Person]
) -> None:
    services.identifier_add(actor=world.admin, person=planted[1], type="passport",
                            value="P1234567", issuing_country="QA")
    read = list(registry_records(batch=2))
    assert sorted(reference for _record, reference in read) == sorted(
        p.reference for p in planted)
    for record, reference in read:
        assert record == person_record(Person.objects.get(reference=reference))


def test_merged_persons_are_left_out(world: World,
                                     planted: tuple[Person, Person, Person]) -> None:
    arabic, latin, _other = planted
    merge.person_merge(actor=world.admin, survivor=arabic, duplicate=latin, reason="Same")
    output = run("--min-score", "0.8")
    assert cluster_blocks(output) == []
    assert "2 persons, 0 clusters" in output


def test_csv_holds_every_cluster_with_a_bom_and_is_audited_as_an_export(
    world: World, planted: tuple[Person, Person, Person], tmp_path: Path
) -> None:
    arabic, latin, _other = planted
    # A name a spreadsheet would run as a formula is written inert.
    Person.objects.filter(pk=latin.pk).update(full_name_latin="=Muhammad Abdul Rahman Alkuwari")
    target = tmp_path / "clusters.csv"
    output = run("--min-score", "0.8", "--limit", "0", "--csv", str(target))
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {row["reference"] for row in table} == {arabic.reference, latin.reference}
    assert {row["cluster"] for row in table} == {"1"}
    assert all(float(row["score"]) >= 0.8 for row in table)
    assert "'=Muhammad Abdul Rahman Alkuwari" in {row["name_latin"] for row in table}
    assert "1 clusters" in output
    assert AuditEntry.objects.get(object_id=COMMAND).action == AuditAction.EXPORT


def test_limit_prints_fewer_clusters_but_counts_them_all(world: World) -> None:
    for given_ar, given_latin, year in (("أحمد", "Ahmed", 1980), ("يوسف", "Youssef", 1975)):
        for spelling in (given_latin, given_latin + "h"):
            register(world, given_name_ar=given_ar, father_name_ar="", family_name_ar="المري",
                     given_name_latin=spelling, family_name_latin="Al-Marri",
                     date_of_birth=dt.date(year, 3, 3))
    output = run("--limit", "1")
    assert len(cluster_blocks(output)) == 1
    assert "2 clusters, 4 persons in clusters (1 shown)" in output


def test_synthetic_planted_duplicates_are_found(world: World) -> None:
    """The generator's planted duplicates (other script, typos, an estimated date of
    birth) score from about 0.65: at that threshold the run finds them, and nothing else."""
    generated = synthetic.generate(persons=400, seed=5, batch=200)
    output = run("--min-score", "0.65", "--limit", "0", "--batch", "150")
    references = dict(Person.objects.values_list("pk", "reference"))
    planted = [{references[o], references[d]} for o, d in generated.duplicate_pairs]
    clusters = [set(re.findall(r"P-\d{4}-\d{6}", block))
                for block in cluster_blocks(output)]
    assert planted
    found = sum(1 for pair in planted if any(pair <= members for members in clusters))
    assert found >= 0.8 * len(planted)
    assert all(any(pair <= members for pair in planted) for members in clusters)
    assert f"{Person.objects.count()} persons" in output


@pytest.mark.parametrize("args", [("--min-score", "0"), ("--min-score", "1.5"),
                                  ("--limit", "-1"), ("--csv", "/no/such/dir/x.csv")])
def test_bad_arguments_are_refused(world: World, args: tuple[str, str]) -> None:
    with pytest.raises(CommandError):
        run(*args)
    assert not AuditEntry.objects.filter(object_id=COMMAND).exists()
