"""audit_record_each writes, in one statement, the entries audit_record would write one by
one: the same columns, read back and sealed into the chain like any other entry."""

from __future__ import annotations

import uuid

import pytest

from tawasul.audit import chain, context
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.audit.services import audit_record, audit_record_each
from tawasul.people.models import Person

# Every column but the entry's own identity, time and object.
SAME = ("actor_id", "actor_username", "actor_role", "organization_id", "organization_code",
        "action", "fields", "reason", "ip_address", "user_agent", "request_id", "seq",
        "prev_hash", "hash")


@pytest.fixture
def request_context():
    token = context.bind(context.RequestContext(ip_address="192.0.2.7", user_agent="Firefox",
                                                request_id="req-1"))
    yield
    context.reset(token)


def _columns(entry: AuditEntry) -> dict[str, object]:
    return {name: getattr(entry, name) for name in SAME}


def test_each_entry_is_the_one_audit_record_writes(world, request_context):
    persons = [Person(pk=uuid.uuid4()), Person(pk=uuid.uuid4())]
    one = audit_record(action=AuditAction.READ, actor=world.protection_manager,
                       obj=persons[0], fields=["name_ar", "date_of_birth"], reason="panel")
    assert audit_record_each(action=AuditAction.READ, actor=world.protection_manager,
                             objs=persons, fields=["date_of_birth", "name_ar"],
                             reason="panel") == 2
    written = list(AuditEntry.objects.filter(reason="panel").exclude(pk=one.pk).order_by("id"))
    one.refresh_from_db()
    assert [(e.object_type, e.object_id) for e in written] == [
        ("people.person", str(p.pk)) for p in persons]
    for entry in written:
        assert _columns(entry) == _columns(one)
        assert entry.ip_address == "192.0.2.7" and entry.organization_code
        assert entry.occurred_at is not None
    assert len({e.entry_id for e in [one, *written]}) == 3


def test_the_entries_seal_and_verify_like_any_other(world):
    audit_record_each(action=AuditAction.READ, actor=world.protection_manager,
                      objs=[Person(pk=uuid.uuid4())] * 2, fields=["name_ar"])
    audit_record(action=AuditAction.READ, actor=None, object_type="x", object_id="1")
    assert chain.seal_all() >= 3
    assert chain.verify().ok


def test_more_entries_than_one_statement_takes_are_all_written(db):
    # SQLite takes at most 999 values in a statement, three per entry here.
    persons = [Person(pk=uuid.uuid4()) for _ in range(700)]
    assert audit_record_each(action=AuditAction.READ, actor=None, objs=persons) == 700
    assert set(AuditEntry.objects.values_list("object_id", flat=True)) == {
        str(p.pk) for p in persons}


def test_nothing_shown_writes_nothing(db):
    assert audit_record_each(action=AuditAction.READ, actor=None, objs=[]) == 0
    assert not AuditEntry.objects.exists()
