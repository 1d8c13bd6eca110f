"""The access policy of this issue, role by role, from both sides.

Each rule is checked for a user who may and a user who may not; the fetch-and-check
functions must answer OutOfScope (404) outside scope and record the denial.
"""

import uuid

import pytest

from tawasul.accounts import access as account_access
from tawasul.accounts import selectors as account_selectors
from tawasul.accounts.models import ApiToken
from tawasul.audit import selectors as audit_selectors
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.audit.services import audit_record
from tawasul.common.errors import OutOfScope
from tawasul.organizations import access as org_access
from tawasul.organizations import selectors as org_selectors
from tawasul.organizations.models import Contact, Organization, OrganizationKind, Service

ALL_USERS = [
    "supervisor", "admin", "liaison", "intake", "analyst", "protection_director",
    "protection_manager", "protection_staff", "family_director", "family_manager",
    "consul_ph", "viewer_ph", "consul_in", "unesco_fp",
]


@pytest.fixture
def inactive_org(world):
    return Organization.objects.create(
        kind=OrganizationKind.NGO, code="closed-ngo", name_ar="جمعية مغلقة",
        name_en="Closed NGO", is_active=False,
    )


@pytest.fixture
def private_contact(world):
    return Contact.objects.create(
        organization=world.embassy_ph, name_en="Welfare desk", is_public=False
    )


@pytest.fixture
def public_contact(world):
    return Contact.objects.create(
        organization=world.embassy_ph, name_en="Consular desk", is_public=True
    )


@pytest.fixture
def retired_service(world):
    return Service.objects.create(
        center=world.protection, code="retired", name_ar="خدمة متوقفة",
        name_en="Retired service", is_active=False,
    )


# --- organizations --------------------------------------------------------------

@pytest.mark.parametrize("username", ALL_USERS)
def test_every_member_sees_the_active_directory(world, username):
    user = getattr(world, username)
    visible = set(org_selectors.organizations_visible_to(user))
    assert {world.ministry, world.foundation, world.protection, world.embassy_in,
            world.unesco} <= visible
    assert org_access.access_organization(user, world.embassy_in.pk) == world.embassy_in


def test_anonymous_and_unassigned_users_see_nothing(world, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    loner = django_user_model.objects.create_user("loner", password="x")
    for user in (AnonymousUser(), loner, None):
        assert not org_selectors.organizations_visible_to(user).exists()
        assert not org_selectors.services_visible_to(user).exists()
        assert not account_selectors.users_visible_to(user).exists()
        with pytest.raises(OutOfScope):
            org_access.access_organization(user, world.foundation.pk)


@pytest.mark.parametrize("username", [u for u in ALL_USERS if u != "admin"])
def test_inactive_organizations_are_hidden_from_all_but_admins(world, inactive_org, username):
    user = getattr(world, username)
    assert inactive_org not in org_selectors.organizations_visible_to(user)
    with pytest.raises(OutOfScope):
        org_access.access_organization(user, inactive_org.pk)


def test_admin_sees_inactive_organizations(world, inactive_org):
    assert org_access.access_organization(world.admin, inactive_org.pk) == inactive_org


def test_out_of_scope_is_indistinguishable_from_missing_and_is_audited(world, inactive_org):
    for bad_id in (inactive_org.pk, uuid.uuid4(), "not-a-uuid", "1"):
        with pytest.raises(OutOfScope):
            org_access.access_organization(world.consul_ph, bad_id)
    denials = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                        actor=world.consul_ph)
    assert denials.count() == 4
    assert denials.filter(object_id=str(inactive_org.pk),
                          object_type="organizations.organization").exists()


# --- contacts ---------------------------------------------------------------------

@pytest.mark.parametrize("username", ["consul_ph", "viewer_ph", "admin", "liaison"])
def test_private_contact_visible_to_own_organization_and_network_keepers(
    world, private_contact, username
):
    user = getattr(world, username)
    assert org_access.access_contact(user, private_contact.pk) == private_contact


@pytest.mark.parametrize(
    "username",
    ["consul_in", "supervisor", "intake", "analyst", "protection_director",
     "protection_manager", "family_manager", "unesco_fp"],
)
def test_private_contact_hidden_from_everyone_else(world, private_contact, public_contact,
                                                   username):
    user = getattr(world, username)
    visible = set(org_selectors.contacts_visible_to(user))
    assert private_contact not in visible
    assert public_contact in visible
    with pytest.raises(OutOfScope):
        org_access.access_contact(user, private_contact.pk)


# --- services -----------------------------------------------------------------------

@pytest.mark.parametrize("username", ["protection_director", "protection_manager",
                                      "protection_staff", "admin"])
def test_retired_service_visible_to_its_center_and_admin(world, retired_service, username):
    user = getattr(world, username)
    assert org_access.access_service(user, retired_service.pk) == retired_service


@pytest.mark.parametrize("username", ["family_manager", "consul_ph", "intake", "unesco_fp",
                                      "supervisor"])
def test_retired_service_hidden_from_others(world, retired_service, username):
    user = getattr(world, username)
    with pytest.raises(OutOfScope):
        org_access.access_service(user, retired_service.pk)
    # ... while the active catalog stays public to members.
    assert org_selectors.services_visible_to(user).filter(is_active=True).count() == 2


@pytest.mark.parametrize(
    ("username", "center", "allowed"),
    [
        ("protection_director", "protection", True),
        ("admin", "family", True),
        ("protection_director", "family", False),
        ("protection_manager", "protection", False),
        ("consul_ph", "protection", False),
        ("supervisor", "protection", False),
    ],
)
def test_who_manages_a_service_catalog(world, username, center, allowed):
    assert org_access.can_manage_services_of(getattr(world, username),
                                             getattr(world, center)) is allowed


@pytest.mark.parametrize(
    ("username", "org", "allowed"),
    [
        ("consul_ph", "embassy_ph", True),
        ("viewer_ph", "embassy_ph", False),
        ("consul_in", "embassy_ph", False),
        ("liaison", "embassy_ph", True),
        ("liaison", "unesco", True),
        ("liaison", "protection", False),
        ("liaison", "ministry", False),
        ("admin", "ministry", True),
        ("unesco_fp", "unesco", True),
        ("unesco_fp", "embassy_ph", False),
        ("protection_director", "protection", True),
        ("protection_manager", "protection", False),
    ],
)
def test_who_manages_contacts(world, username, org, allowed):
    assert org_access.can_manage_contacts_of(getattr(world, username),
                                             getattr(world, org)) is allowed


# --- users ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("username", "colleague", "stranger"),
    [
        ("consul_ph", "viewer_ph", "consul_in"),
        ("protection_director", "protection_staff", "family_manager"),
        ("protection_staff", "protection_director", "family_director"),
        ("supervisor", "supervisor", "admin"),
        ("liaison", "intake", "consul_ph"),
        ("unesco_fp", "unesco_fp", "liaison"),
    ],
)
def test_users_see_their_own_organization_only(world, username, colleague, stranger):
    user = getattr(world, username)
    visible = set(account_selectors.users_visible_to(user))
    assert getattr(world, colleague) in visible
    assert getattr(world, stranger) not in visible
    assert all(u.organization_id == user.organization_id for u in visible)
    with pytest.raises(OutOfScope):
        account_access.access_user(user, getattr(world, stranger).pk)


def test_admin_sees_every_user(world):
    assert set(account_selectors.users_visible_to(world.admin)) == set(world.users.values())


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("admin", "consul_ph", True),
        ("admin", "admin", False),
        ("protection_director", "protection_staff", True),
        ("protection_director", "family_manager", False),
        ("protection_manager", "protection_staff", False),
        ("consul_ph", "viewer_ph", False),
        ("supervisor", "protection_staff", False),
    ],
)
def test_who_manages_a_user(world, actor, target, allowed):
    assert account_access.can_manage_user(getattr(world, actor),
                                          getattr(world, target)) is allowed


def test_disabled_users_see_nothing(world):
    world.consul_ph.is_active = False
    world.consul_ph.save()
    assert not org_selectors.organizations_visible_to(world.consul_ph).exists()
    assert not account_selectors.users_visible_to(world.consul_ph).exists()


# --- API tokens -------------------------------------------------------------------------

def _token(user):
    return ApiToken.objects.create(user=user, name="t", prefix="tw_x",
                                   digest=uuid.uuid4().hex + uuid.uuid4().hex)


def test_tokens_are_private_to_their_owner_except_for_admins(world):
    mine, theirs = _token(world.consul_ph), _token(world.consul_in)
    assert account_access.access_api_token(world.consul_ph, mine.pk) == mine
    with pytest.raises(OutOfScope):
        account_access.access_api_token(world.consul_ph, theirs.pk)
    # Even a colleague of the same embassy does not see them.
    with pytest.raises(OutOfScope):
        account_access.access_api_token(world.viewer_ph, mine.pk)
    assert set(account_selectors.api_tokens_visible_to(world.admin)) == {mine, theirs}


# --- audit trail ------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["supervisor", "admin"])
def test_ministry_and_admins_review_the_audit_trail(world, username):
    audit_record(action=AuditAction.READ, actor=world.protection_manager, obj=world.protection)
    user = getattr(world, username)
    assert audit_selectors.can_review_audit(user)
    assert audit_selectors.audit_entries_visible_to(user).filter(
        actor=world.protection_manager).exists()


@pytest.mark.parametrize(
    "username",
    [u for u in ALL_USERS if u not in ("supervisor", "admin")],
)
def test_nobody_else_sees_any_audit_entry(world, username):
    audit_record(action=AuditAction.READ, actor=getattr(world, username), obj=world.protection)
    user = getattr(world, username)
    assert not audit_selectors.can_review_audit(user)
    # Not even the entries about their own actions.
    assert not audit_selectors.audit_entries_visible_to(user).exists()
