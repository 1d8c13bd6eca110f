"""The database itself refuses to delete audit entries or change sealed ones.

The test database runs without the triggers (Django's flush deletes every row), so this
test installs them inside its own transaction, which rolls them back at the end.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from tawasul.audit import chain, guards
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def guarded():
    if connection.vendor not in ("sqlite", "postgresql"):
        pytest.skip(f"no audit guards for {connection.vendor}")
    guards.install(connection)
    yield
    guards.remove(connection)


def refused(sql: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        return True
    return False


def test_the_sealer_can_still_seal_and_the_chain_verifies(guarded):
    for i in range(3):
        audit_record(action=AuditAction.READ, object_type="test.thing", object_id=str(i))
    assert chain.seal_all() == 3
    assert chain.verify().ok


def test_a_sealed_entry_cannot_be_changed(guarded):
    entry = audit_record(action=AuditAction.READ, object_type="test.thing", object_id="1")
    chain.seal_all()

    assert refused("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["x", entry.pk])
    assert refused("UPDATE audit_auditentry SET hash = %s WHERE id = %s", ["0" * 64, entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_an_unsealed_entry_cannot_be_changed_either_except_by_sealing(guarded):
    entry = audit_record(action=AuditAction.READ, object_type="test.thing", object_id="1")
    assert refused("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["x", entry.pk])
    assert chain.seal_all() == 1


def test_no_entry_can_be_deleted(guarded):
    sealed = audit_record(action=AuditAction.READ, object_type="test.thing", object_id="1")
    chain.seal_all()
    unsealed = audit_record(action=AuditAction.READ, object_type="test.thing", object_id="2")

    assert refused("DELETE FROM audit_auditentry WHERE id = %s", [sealed.pk])
    assert refused("DELETE FROM audit_auditentry WHERE id = %s", [unsealed.pk])
    assert AuditEntry.objects.count() == 2


def test_without_the_guards_the_same_change_goes_through():
    """The other side: what the guards stop is otherwise possible (and then caught only
    by verify_audit)."""
    entry = audit_record(action=AuditAction.READ, object_type="test.thing", object_id="1")
    chain.seal_all()
    assert not refused("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["x", entry.pk])
    assert not chain.verify().ok
