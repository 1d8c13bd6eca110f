"""The Django admin for users: only the admin role, saves through the audited services."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.accounts.tests.helpers import entries
from tawasul.audit.models import AuditAction

CHANGELIST = reverse("admin:accounts_user_changelist")
ADD = reverse("admin:accounts_user_add")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _change_data(user, **overrides):
    data = {
        "username": user.username,
        "full_name_ar": user.full_name_ar,
        "full_name_en": user.full_name_en,
        "email": user.email,
        "organization": str(user.organization_id),
        "role": user.role,
        "preferred_language": user.preferred_language,
    }
    data.update(overrides)
    return data


def test_the_admin_role_uses_the_user_admin(world, site_admin):
    client = _client(site_admin)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count == len(world.users)


def test_a_staff_flag_alone_does_not_open_the_user_admin(world):
    director = world.protection_director
    User.objects.filter(pk=director.pk).update(is_staff=True, is_superuser=True)
    client = _client(director)
    assert client.get(CHANGELIST).status_code == 403
    change = reverse("admin:accounts_user_change", args=[world.analyst.pk])
    assert client.get(change).status_code == 403


def test_adding_a_user_with_a_role_foreign_to_the_organization_is_refused(world, site_admin):
    response = _client(site_admin).post(ADD, {
        "username": "mismatch", "usable_password": "false",
        "organization": str(world.embassy_ph.pk), "role": Role.CASE_MANAGER,
        "preferred_language": "ar",
    })
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="mismatch").exists()


def test_adding_a_user_goes_through_the_service(world, site_admin):
    response = _client(site_admin).post(ADD, {
        "username": "new_consul", "usable_password": "true",
        "password1": "a-good-long-passphrase-9", "password2": "a-good-long-passphrase-9",
        "organization": str(world.embassy_ph.pk), "role": Role.CONSULAR_OFFICER,
        "preferred_language": "en", "full_name_en": "New Consul",
    })
    assert response.status_code == 302
    user = User.objects.get(username="new_consul")
    assert user.check_password("a-good-long-passphrase-9")
    assert not user.is_staff
    assert response.url == reverse("admin:accounts_user_change", args=[user.pk])
    [created] = entries(AuditAction.CREATE, object_id=str(user.pk))
    assert created.actor_id == site_admin.pk


def test_changing_a_role_is_audited_and_the_staff_flag_follows(world, site_admin):
    target = world.liaison
    response = _client(site_admin).post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        _change_data(target, role=Role.ADMIN),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    target.refresh_from_db()
    assert target.role == Role.ADMIN
    assert target.is_staff and target.is_superuser
    [update] = entries(AuditAction.UPDATE, object_id=str(target.pk))
    assert update.fields == ["is_staff", "is_superuser", "role"]


def test_a_change_to_a_foreign_role_is_refused(world, site_admin):
    target = world.consul_in
    response = _client(site_admin).post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        _change_data(target, role=Role.DIRECTOR),
    )
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.role == Role.CONSULAR_OFFICER
    assert not entries(AuditAction.UPDATE)


def test_the_disable_action_asks_for_a_reason_then_uses_the_service(world, site_admin):
    client = _client(site_admin)
    selected = {"action": "disable_users", ACTION_CHECKBOX_NAME: [str(world.analyst.pk)]}
    confirm = client.post(CHANGELIST, selected)
    assert confirm.status_code == 200
    assert "accounts/admin_action_confirm.html" in [t.name for t in confirm.templates]
    world.analyst.refresh_from_db()
    assert world.analyst.is_active

    done = client.post(CHANGELIST, {**selected, "apply": "1", "reason": "Contract ended"})
    assert done.status_code == 302
    world.analyst.refresh_from_db()
    assert not world.analyst.is_active
    [entry] = entries(AuditAction.USER_DISABLED)
    assert (entry.actor_id, entry.reason) == (site_admin.pk, "Contract ended")


def test_the_disable_action_skips_oneself(world, site_admin):
    client = _client(site_admin)
    client.post(CHANGELIST, {
        "action": "disable_users", ACTION_CHECKBOX_NAME: [str(site_admin.pk)],
        "apply": "1", "reason": "oops",
    })
    site_admin.refresh_from_db()
    assert site_admin.is_active


def test_users_are_not_deleted(world, site_admin):
    client = _client(site_admin)
    response = client.get(reverse("admin:accounts_user_delete", args=[world.analyst.pk]))
    assert response.status_code == 403


def test_setting_a_password_in_the_admin_goes_through_the_service(world, site_admin):
    url = reverse("admin:auth_user_password_change", args=[world.analyst.pk])
    response = _client(site_admin).post(url, {
        "usable_password": "true", "password1": "brand-new-passphrase-7",
        "password2": "brand-new-passphrase-7",
    })
    assert response.status_code == 302
    world.analyst.refresh_from_db()
    assert world.analyst.check_password("brand-new-passphrase-7")
    [entry] = entries(AuditAction.UPDATE, object_id=str(world.analyst.pk))
    assert entry.fields == ["password"] and entry.actor_id == site_admin.pk
