from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.home.tests.helpers import log_in
from tawasul.organizations.models import Contact, Organization, OrganizationKind, Service

# What marks each role's home page: an element id only that page has.
MARKERS = {
    "audit": 'id="audit-summary"',
    "denials": 'id="denials-title"',
    "users_by_role": 'id="users-title"',
    "supervised": 'id="supervised-centers-title"',
    "embassies": 'id="embassies-title"',
    "routing": 'id="routing-title"',
    "network": 'id="network-overview-title"',
    "catalog": 'id="catalog-title"',
    "colleagues": 'id="colleagues-title"',
    "how_to_refer": 'id="how-to-refer-title"',
    "partner_directory": 'id="directory-title"',
}

EXPECTED = {
    "supervisor": {"audit", "supervised"},
    "admin": {"audit", "denials", "users_by_role"},
    "liaison": {"embassies"},
    "intake": {"routing"},
    "analyst": {"network"},
    "protection_director": {"catalog", "colleagues"},
    "protection_manager": {"catalog", "colleagues"},
    "protection_staff": {"catalog", "colleagues"},
    "consul_ph": {"how_to_refer"},
    "viewer_ph": {"how_to_refer"},
    "unesco_fp": {"partner_directory"},
}


def home(client: Client, user) -> str:
    response = log_in(client, user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_sees_its_own_home_and_no_other(client, world, username):
    page = home(client, getattr(world, username))
    for marker, text in MARKERS.items():
        if marker in EXPECTED[username]:
            assert text in page, f"{username} should see {marker}"
        else:
            assert text not in page, f"{username} must not see {marker}"


def test_supervisor_audit_summary_counts_the_last_day(client, world):
    audit_record(action=AuditAction.ACCESS_DENIED, actor=world.consul_in, object_type="x")
    audit_record(action=AuditAction.ACCESS_DENIED, actor=world.consul_in, object_type="x")
    audit_record(action=AuditAction.LOGIN_FAILED, actor_username="nobody")
    response = log_in(client, world.supervisor).get(reverse("home"))
    audit = response.context["audit"]
    assert audit.denials_24h == 2
    assert audit.failed_logins_24h == 1
    assert audit.entries_24h >= 3
    assert audit.last_sealed_seq is None
    assert audit.unsealed >= 3


def test_supervisor_sees_the_last_sealed_sequence(client, world):
    from tawasul.audit import chain

    audit_record(action=AuditAction.READ, object_type="x", object_id="1")
    chain.seal_all()
    response = log_in(client, world.supervisor).get(reverse("home"))
    assert response.context["audit"].last_sealed_seq >= 1


def test_admin_sees_recent_denials_and_counts(client, world):
    audit_record(action=AuditAction.ACCESS_DENIED, actor=world.consul_in,
                 object_type="organizations.contact", reason="may not manage contacts")
    page = home(client, world.admin)
    assert "may not manage contacts" in page
    assert "organizations.contact" in page
    with translation.override("ar"):
        assert str(Role.DIRECTOR.label) in page  # a role in the users-by-role table


def test_embassy_home_shows_its_contacts_and_the_catalog(client, world):
    Contact.objects.create(organization=world.embassy_ph, name_en="Maria Santos",
                           is_public=False)
    Contact.objects.create(organization=world.foundation, name_en="Intake desk",
                           is_public=True)
    Service.objects.filter(center=world.protection).update(
        how_to_refer_en="Call the intake desk first"
    )
    page = home(client, world.consul_ph)
    assert "Maria Santos" in page  # own organization's internal contact
    assert "Intake desk" in page  # who to call at the foundation
    assert "Call the intake desk first" in page
    assert world.embassy_ph.name_ar in page


def test_embassy_home_does_not_show_another_embassys_internal_contacts(client, world):
    Contact.objects.create(organization=world.embassy_ph, name_en="Maria Santos")
    page = home(client, world.consul_in)
    assert "Maria Santos" not in page


def test_liaison_home_lists_embassies_and_partners_with_their_contacts(client, world):
    Contact.objects.create(organization=world.embassy_in, name_en="Ravi Kumar", is_public=True)
    Contact.objects.create(organization=world.unesco, name_en="Anne Dupont")
    page = home(client, world.liaison)
    assert world.embassy_in.name_ar in page
    assert world.unesco.name_ar in page
    assert "Ravi Kumar" in page
    assert "Anne Dupont" in page  # liaison officers keep the network: internal ones too


def test_center_home_shows_own_catalog_and_colleagues_not_another_centers(client, world):
    Service.objects.create(center=world.family, code="mediation", name_ar="وساطة",
                           name_en="Family mediation")
    page = home(client, world.protection_manager)
    assert "protection_director" in page or world.protection_director.display_name in page
    assert "family_manager" not in page
    catalog = page.split('id="catalog-title"')[1].split('id="colleagues-title"')[0]
    assert "إرشاد" in catalog
    assert "وساطة" not in catalog


def test_director_gets_the_add_service_button_and_the_manager_does_not(client, world):
    url = reverse("organizations:service_create", args=[world.protection.pk])
    assert url in home(client, world.protection_director)
    assert url not in home(Client(), world.protection_manager)


def test_home_queries_do_not_grow_with_the_network(client, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    log_in(client, world.liaison)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    for i in range(5):
        org = Organization.objects.create(kind=OrganizationKind.EMBASSY, code=f"emb-{i}",
                                          name_ar=f"سفارة {i}", name_en=f"Embassy {i}",
                                          country="FR" if i % 2 else "DE")
        Contact.objects.create(organization=org, name_en=f"Consul {i}", is_public=True)
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("home"))
    assert len(after) == len(before)


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_user_without_organization_sees_only_the_unassigned_page(client, world):
    orphan = User.objects.create_user("orphan", password="x-long-password-1")
    client.force_login(orphan)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="unassigned-title"' in page
    assert reverse("organizations:list") not in page
    assert 'id="main-nav"' not in page
    assert reverse("account_logout") in page  # they can still sign out
