from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tawasul.audit import chain
from tawasul.audit.models import AuditAction, AuditEntry, ChainVerification
from tawasul.audit.services import audit_record
from tawasul.audit.tasks import seal_audit_trail, verify_audit_chain
from tawasul.jobs.tests.helpers import run_ready

pytestmark = pytest.mark.django_db


def test_the_sealing_task_seals_every_unsealed_entry():
    for i in range(3):
        audit_record(action=AuditAction.READ, object_type="test.thing", object_id=str(i))
    result = seal_audit_trail.enqueue()

    run_ready()

    assert DBTaskResult.objects.get(id=result.id).return_value == 3
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    assert chain.verify().checked == 3


def test_sealing_twice_is_harmless_and_writes_no_entry_of_its_own():
    audit_record(action=AuditAction.READ, object_type="test.thing", object_id="1")
    assert seal_audit_trail.call() == 1
    assert seal_audit_trail.call() == 0
    assert AuditEntry.objects.count() == 1
    assert chain.verify().ok


def test_the_scheduler_and_a_worker_seal_the_trail_end_to_end():
    audit_record(action=AuditAction.READ, object_type="test.thing", object_id="1")
    call_command("run_scheduler", "--once", stdout=StringIO())
    run_ready()
    assert AuditEntry.objects.filter(object_type="test.thing").get().seq is not None
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()


def test_the_verification_task_stores_its_result():
    audit_record(action=AuditAction.READ, object_type="test.thing", object_id="1")
    chain.seal_all()
    assert verify_audit_chain.call() is True
    check = ChainVerification.objects.get()
    assert (check.ok, check.checked, check.source) == (True, 1, "task")
