"""Account services: disabling ends sessions and tokens; who may change whom; roles fit
the organization's kind; the Django admin flags follow the role."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from tawasul.accounts import services
from tawasul.accounts.models import ApiToken, User
from tawasul.accounts.roles import Role
from tawasul.accounts.tests.helpers import entries
from tawasul.accounts.tokens import api_token_authenticate, api_token_issue
from tawasul.audit.models import AuditAction
from tawasul.common.errors import DomainError, PermissionDenied


def _signed_in(user):
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200
    return client


def test_disabling_ends_sessions_and_revokes_tokens(world):
    staff = world.protection_staff
    client = _signed_in(staff)
    token, raw = api_token_issue(actor=None, user=staff, name="sync")
    other_token, other_raw = api_token_issue(actor=None, user=world.protection_manager, name="x")

    services.user_disable(actor=world.protection_director, user=staff, reason="Left the center")

    staff.refresh_from_db()
    assert not staff.is_active
    response = client.get("/")
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_token_authenticate(raw) is None
    # Nobody else's token is touched.
    assert api_token_authenticate(other_raw) == other_token

    [disabled] = entries(AuditAction.USER_DISABLED)
    assert disabled.actor_id == world.protection_director.pk
    assert disabled.object_id == str(staff.pk)
    assert disabled.reason == "Left the center"
    [revoked] = entries(AuditAction.TOKEN_REVOKED)
    assert revoked.object_id == str(token.pk)


def test_enabling_again_does_not_revive_old_sessions_or_tokens(world):
    staff = world.protection_staff
    client = _signed_in(staff)
    _token, raw = api_token_issue(actor=None, user=staff, name="sync")
    services.user_disable(actor=world.protection_director, user=staff, reason="Mistake")
    services.user_enable(actor=world.protection_director, user=staff, reason="Back")

    staff.refresh_from_db()
    assert staff.is_active
    response = client.get("/")  # the session stamp changed: the old session is over
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") is None
    assert api_token_authenticate(raw) is None
    assert entries(AuditAction.USER_ENABLED)
    _signed_in(staff)  # a new sign-in works


def test_disabling_twice_changes_nothing_more(world):
    services.user_disable(actor=world.admin, user=world.analyst, reason="r")
    services.user_disable(actor=world.admin, user=world.analyst, reason="r")
    assert len(entries(AuditAction.USER_DISABLED)) == 1


def test_a_reason_is_required_to_disable(world):
    with pytest.raises(DomainError) as error:
        services.user_disable(actor=world.admin, user=world.analyst, reason="  \u200b ")
    assert error.value.field == "reason"
    world.analyst.refresh_from_db()
    assert world.analyst.is_active


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("protection_director", "protection_staff"),
        ("protection_director", "protection_manager"),
        ("admin", "protection_director"),
        ("admin", "consul_in"),
        ("admin", "supervisor"),
    ],
)
def test_who_may_disable(world, actor, target):
    services.user_disable(
        actor=getattr(world, actor), user=getattr(world, target), reason="test"
    )
    assert not User.objects.get(username=target).is_active


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("family_director", "protection_staff"),  # another center's staff
        ("protection_staff", "protection_manager"),  # not a director
        ("protection_manager", "protection_staff"),
        ("protection_director", "protection_director"),  # oneself
        ("admin", "admin"),
        ("consul_ph", "viewer_ph"),  # embassies do not manage accounts
        ("supervisor", "analyst"),
        ("liaison", "intake"),
    ],
)
def test_who_may_not_disable(world, actor, target):
    with pytest.raises(PermissionDenied):
        services.user_disable(
            actor=getattr(world, actor), user=getattr(world, target), reason="test"
        )
    assert User.objects.get(username=target).is_active
    assert not entries(AuditAction.USER_DISABLED)


def test_a_director_cannot_disable_another_director(world):
    from tawasul.common.testing import make_user

    deputy = make_user("deputy", world.protection, Role.DIRECTOR)
    with pytest.raises(PermissionDenied):
        services.user_disable(actor=world.protection_director, user=deputy, reason="x")


def test_role_must_exist_in_the_organization_kind(world):
    with pytest.raises(DomainError) as error:
        services.user_update(
            actor=world.admin, user=world.protection_staff, role=Role.CONSULAR_OFFICER
        )
    assert error.value.code == "role_not_allowed"
    with pytest.raises(DomainError):
        services.user_update(actor=world.admin, user=world.consul_ph, organization=world.family)
    with pytest.raises(DomainError):
        services.user_create(
            actor=world.admin, username="newbie", organization=world.embassy_ph,
            role=Role.CASE_MANAGER,
        )
    assert not User.objects.filter(username="newbie").exists()
    world.protection_staff.refresh_from_db()
    assert world.protection_staff.role == Role.STAFF
    assert not entries(AuditAction.UPDATE)


def test_moving_a_user_with_a_fitting_role_is_audited_by_field_names(world):
    user = services.user_update(
        actor=world.admin, user=world.protection_staff, organization=world.family,
        role=Role.CASE_MANAGER,
    )
    assert (user.organization, user.role) == (world.family, Role.CASE_MANAGER)
    [update] = entries(AuditAction.UPDATE)
    assert update.fields == ["organization", "role"]
    assert update.object_id == str(user.pk)


def test_a_director_changes_roles_only_within_the_center_and_below_director(world):
    director = world.protection_director
    services.user_update(actor=director, user=world.protection_staff, role=Role.CASE_MANAGER)
    with pytest.raises(PermissionDenied):
        services.user_update(actor=director, user=world.protection_manager, role=Role.DIRECTOR)
    with pytest.raises(PermissionDenied):
        services.user_update(
            actor=director, user=world.protection_manager, organization=world.family
        )
    with pytest.raises(PermissionDenied):
        services.user_update(actor=director, user=world.family_manager, role=Role.STAFF)
    world.protection_manager.refresh_from_db()
    assert world.protection_manager.role == Role.CASE_MANAGER


def test_only_the_admin_role_gets_the_django_admin_flags(world):
    promoted = services.user_create(
        actor=world.admin, username="second_admin", organization=world.foundation,
        role=Role.ADMIN, password="a-long-enough-password-1",
    )
    assert promoted.is_staff and promoted.is_superuser
    demoted = services.user_update(actor=world.admin, user=promoted, role=Role.ANALYST)
    assert not demoted.is_staff and not demoted.is_superuser
    [update] = entries(AuditAction.UPDATE)
    assert update.fields == ["is_staff", "is_superuser", "role"]
    staff = services.user_create(
        actor=world.admin, username="a_staffer", organization=world.family, role=Role.STAFF,
    )
    assert not staff.is_staff and not staff.has_usable_password()
    assert entries(AuditAction.CREATE)


def test_who_may_create_accounts(world):
    services.user_create(
        actor=world.protection_director, username="new_staff", organization=world.protection,
        role=Role.STAFF,
    )
    for actor, org, role in [
        (world.protection_director, world.family, Role.STAFF),
        (world.protection_director, world.protection, Role.DIRECTOR),
        (world.protection_manager, world.protection, Role.STAFF),
        (world.consul_ph, world.embassy_ph, Role.EMBASSY_VIEWER),
    ]:
        with pytest.raises(PermissionDenied):
            services.user_create(actor=actor, username="nope", organization=org, role=role)
    assert not User.objects.filter(username="nope").exists()


def test_usernames_are_unique_whatever_their_case(world):
    with pytest.raises(DomainError) as error:
        services.user_create(
            actor=world.admin, username="Analyst", organization=world.foundation,
            role=Role.ANALYST,
        )
    assert error.value.field == "username"


def test_resetting_two_factor_removes_authenticators_and_ends_sessions(world):
    manager = world.protection_manager
    client = _signed_in(manager)
    removed = services.user_reset_two_factor(actor=world.admin, user=manager, reason="Lost phone")
    assert removed >= 1
    assert not Authenticator.objects.filter(user=manager).exists()
    assert client.get("/").status_code == 302
    [entry] = entries(AuditAction.MFA_DISABLED)
    assert entry.reason == "Lost phone"
    with pytest.raises(PermissionDenied):
        services.user_reset_two_factor(
            actor=world.protection_director, user=world.protection_staff, reason="x"
        )


def test_an_admin_sets_a_password_and_it_is_audited(world):
    client = _signed_in(world.analyst)
    services.user_set_password(actor=world.admin, user=world.analyst, password="n3w-and-long-pw")
    world.analyst.refresh_from_db()
    assert world.analyst.check_password("n3w-and-long-pw")
    assert client.get("/").status_code == 302
    [entry] = entries(AuditAction.UPDATE)
    assert entry.fields == ["password"]
    assert "n3w-and-long-pw" not in entry.reason
    with pytest.raises(PermissionDenied):
        services.user_set_password(
            actor=world.protection_director, user=world.protection_staff, password="x" * 20
        )


def test_tokens_of_a_disabled_user_are_listed_as_revoked(world):
    api_token_issue(actor=None, user=world.viewer_ph, name="a")
    api_token_issue(actor=None, user=world.viewer_ph, name="b")
    services.user_disable(actor=world.admin, user=world.viewer_ph, reason="r")
    assert not ApiToken.objects.filter(user=world.viewer_ph, revoked_at__isnull=True).exists()
    assert len(entries(AuditAction.TOKEN_REVOKED)) == 2
