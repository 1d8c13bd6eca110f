import io

import pytest
from django.core.management import CommandError, call_command

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.organizations.models import Organization, OrganizationKind


def _run(monkeypatch, *args, password="a long enough passphrase 42"):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("create_admin", *args, "--password-stdin", stdout=out)
    return out.getvalue()


def test_creates_the_foundation_and_an_audited_admin_on_an_empty_database(db, monkeypatch):
    _run(monkeypatch, "first.admin", "--email", "a@example.org")
    user = User.objects.get(username="first.admin")
    assert user.role == Role.ADMIN
    assert user.organization is not None
    assert user.organization.kind == OrganizationKind.FOUNDATION
    assert user.is_staff and user.check_password("a long enough passphrase 42")
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(user.pk)).exists()


def test_refuses_a_weak_password_and_creates_nothing(db, monkeypatch):
    with pytest.raises(CommandError):
        _run(monkeypatch, "first.admin", password="123")
    assert not User.objects.exists()
    assert not Organization.objects.exists()


def test_refuses_an_existing_username(world, monkeypatch):
    with pytest.raises(CommandError):
        _run(monkeypatch, "admin")
