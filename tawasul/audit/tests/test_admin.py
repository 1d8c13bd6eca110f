"""The Django admin shows the audit trail read-only, and only to audit reviewers."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tawasul.audit.admin import AuditEntryAdmin
from tawasul.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def model_admin() -> AuditEntryAdmin:
    registered = admin.site._registry[AuditEntry]
    assert isinstance(registered, AuditEntryAdmin)
    return registered


def request_by(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_admins_may_view_but_never_add_change_or_delete(world, entries):
    request = request_by(world.admin)
    entry = entries[0]
    assert model_admin().has_view_permission(request, entry)
    assert not model_admin().has_add_permission(request)
    assert not model_admin().has_change_permission(request, entry)
    assert not model_admin().has_delete_permission(request, entry)
    assert "delete_selected" not in model_admin().get_actions(request)


@pytest.mark.parametrize("username", ["analyst", "liaison", "protection_director", "consul_ph"])
def test_other_roles_may_not_even_view(world, username):
    request = request_by(getattr(world, username))
    assert not model_admin().has_view_permission(request)
    assert not model_admin().has_module_permission(request)
    assert not model_admin().get_queryset(request).exists()


def test_a_staff_admin_browses_the_changelist_and_cannot_add(world, entries, login):
    world.admin.is_staff = True
    world.admin.save()
    client = login(world.admin)

    changelist = client.get(reverse("admin:audit_auditentry_changelist"))
    assert changelist.status_code == 200
    assert "intruder" in changelist.content.decode()
    detail = client.get(reverse("admin:audit_auditentry_change", args=[entries[1].pk]))
    assert detail.status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    delete = client.post(
        reverse("admin:audit_auditentry_delete", args=[entries[1].pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert AuditEntry.objects.filter(pk=entries[1].pk).exists()


def test_a_staff_analyst_gets_no_audit_pages_in_the_admin(world, entries, login):
    world.analyst.is_staff = True
    world.analyst.save()
    client = login(world.analyst)
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 403
