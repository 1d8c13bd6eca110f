"""`verify_audit`: passes on an intact chain, names the first broken entry otherwise."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tawasul.audit import chain
from tawasul.audit.models import AuditAction, AuditEntry, ChainVerification
from tawasul.audit.services import audit_record

pytestmark = pytest.mark.django_db


def record(n: int) -> list[AuditEntry]:
    return [
        audit_record(action=AuditAction.READ, object_type="test.thing", object_id=str(i),
                     reason=f"reason {i}")
        for i in range(n)
    ]


def verify(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def verify_failing(*args: str) -> str:
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", *args, stdout=out)
    assert failure.value.returncode == 1
    return out.getvalue()


def test_passes_on_a_fresh_database():
    assert "OK: 0 entries verified, 0 unsealed" in verify()


def test_passes_after_entries_are_sealed_and_stores_the_result():
    record(5)
    chain.seal_all()

    assert "OK: 5 entries verified, 0 unsealed" in verify()

    check = ChainVerification.objects.get()
    assert (check.ok, check.checked, check.unsealed, check.source) == (True, 5, 0, "command")
    # The check itself is on the record.
    assert AuditEntry.objects.filter(
        action=AuditAction.TASK, object_type="audit.chainverification", object_id=str(check.pk)
    ).exists()


def test_seals_nothing_unless_asked():
    record(3)
    assert "OK: 0 entries verified, 3 unsealed" in verify()
    assert AuditEntry.objects.filter(seq__isnull=False).count() == 0

    output = verify("--seal")
    # The three, and the entry that records the first check.
    assert "Sealed 4 entries." in output
    assert "OK: 4 entries verified, 0 unsealed" in output


def test_reports_the_unsealed_tail_without_failing():
    record(3)
    chain.seal_all()
    record(2)
    assert "OK: 3 entries verified, 2 unsealed" in verify()


def test_fails_after_a_sealed_entry_is_altered_by_raw_sql_and_names_it():
    entries = record(4)
    chain.seal_all()
    target = AuditEntry.objects.get(pk=entries[1].pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["nothing to see", target.pk]
        )

    output = verify_failing()

    assert f"seq {target.seq}" in output
    assert str(target.entry_id) in output
    assert "content does not match its hash" in output
    check = ChainVerification.objects.get()
    assert (check.ok, check.broken_seq, str(check.broken_entry_id)) == (
        False, target.seq, str(target.entry_id)
    )


def test_fails_when_a_field_list_is_altered():
    entries = record(2)
    chain.seal_all()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET fields = %s WHERE id = %s", ['["secret"]', entries[0].pk]
        )
    assert "seq 1" in verify_failing()


def test_fails_after_a_middle_entry_is_deleted():
    entries = record(5)
    chain.seal_all()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].pk])
    following = AuditEntry.objects.get(pk=entries[3].pk)

    output = verify_failing()

    assert "sequence gap: expected 3, found 4" in output
    assert str(following.entry_id) in output


def test_fails_after_the_last_entries_are_deleted():
    entries = record(4)
    chain.seal_all()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id >= %s", [entries[2].pk])

    output = verify_failing()

    assert "seq 3" in output
    assert "removed" in output


def test_fails_when_two_entries_swap_places():
    entries = record(3)
    chain.seal_all()
    first, second = (AuditEntry.objects.get(pk=e.pk) for e in entries[:2])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET seq = -1 WHERE id = %s", [first.pk])
        cursor.execute("UPDATE audit_auditentry SET seq = %s WHERE id = %s", [1, second.pk])
        cursor.execute("UPDATE audit_auditentry SET seq = %s WHERE id = %s", [2, first.pk])
    assert "seq 1" in verify_failing()


def test_an_entry_sealed_out_of_insertion_order_is_not_a_break():
    """On PostgreSQL an entry with a lower id can commit, and be sealed, after one with a
    higher id: the chain's order is the seal's, and that is not tampering."""
    first, second = record(2)
    assert chain.seal(batch_size=1) == 1
    with connection.cursor() as cursor:  # the sealed entry now has the higher id
        cursor.execute(
            "UPDATE audit_auditentry SET id = %s WHERE id = %s", [second.pk + 100, first.pk]
        )
    assert chain.seal() == 1
    sealed = list(AuditEntry.objects.order_by("seq").values_list("id", flat=True))
    assert sealed == [second.pk + 100, second.pk]
    assert chain.verify().ok
