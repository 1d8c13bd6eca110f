"""The people pages: who sees whom, who may disable whom, and the user's own account."""

import pytest
from django.test import Client
from django.urls import reverse

from tawasul.accounts.models import User
from tawasul.accounts.tests.helpers import entries
from tawasul.audit.models import AuditAction

ALL_USERS = [
    "supervisor", "admin", "liaison", "intake", "analyst", "protection_director",
    "protection_manager", "protection_staff", "family_director", "family_manager",
    "consul_ph", "viewer_ph", "consul_in", "unesco_fp",
]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _listed(client, **params):
    response = client.get(reverse("accounts:users"), params)
    assert response.status_code == 200
    return {u.username for u in response.context["page_obj"].object_list}


@pytest.mark.parametrize("username", ALL_USERS)
def test_the_user_list_shows_ones_own_organization_only(world, username):
    user = getattr(world, username)
    listed = _listed(_client(user))
    own = {u.username for u in world.users.values() if u.organization_id == user.organization_id}
    if username == "admin":
        assert listed == set(world.users)
    else:
        assert listed == own
        assert listed != set(world.users)


def test_an_embassy_officer_sees_their_embassy_not_other_organizations(world):
    listed = _listed(_client(world.consul_ph))
    assert listed == {"consul_ph", "viewer_ph"}
    assert "consul_in" not in listed and "protection_manager" not in listed


def test_a_center_director_sees_their_staff(world):
    assert _listed(_client(world.protection_director)) == {
        "protection_director", "protection_manager", "protection_staff",
    }


def test_the_list_filters_and_searches(world):
    client = _client(world.admin)
    assert _listed(client, role="consular_officer") == {"consul_ph", "consul_in"}
    assert _listed(client, q="family") == {"family_director", "family_manager"}
    User.objects.filter(username="analyst").update(is_active=False)
    assert _listed(client, status="disabled") == {"analyst"}
    assert "analyst" not in _listed(client, status="active")


def test_the_list_query_count_does_not_grow_with_users(world, django_assert_max_num_queries):
    from tawasul.common.testing import make_user

    client = _client(world.admin)
    client.get(reverse("accounts:users"))
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("accounts:users"))
    before = len(captured.captured_queries)
    for i in range(10):
        make_user(f"extra{i}", world.unesco, "partner_focal_point")
    with django_assert_max_num_queries(before):
        client.get(reverse("accounts:users"))


@pytest.mark.parametrize(
    ("viewer", "target", "status"),
    [
        ("consul_ph", "viewer_ph", 200),
        ("consul_ph", "consul_in", 404),
        ("consul_ph", "protection_manager", 404),
        ("protection_director", "protection_staff", 200),
        ("protection_director", "family_manager", 404),
        ("family_manager", "protection_manager", 404),
        ("supervisor", "admin", 404),
        ("unesco_fp", "consul_ph", 404),
        ("admin", "consul_in", 200),
        ("admin", "supervisor", 200),
    ],
)
def test_user_detail_is_404_outside_scope(world, viewer, target, status):
    response = _client(getattr(world, viewer)).get(
        reverse("accounts:user_detail", args=[getattr(world, target).pk])
    )
    assert response.status_code == status


def test_a_malformed_or_unknown_id_is_404_and_the_denial_audited(world):
    client = _client(world.admin)
    assert client.get(reverse("accounts:user_detail", args=["nope"])).status_code == 404
    assert entries(AuditAction.ACCESS_DENIED)


def test_the_detail_offers_disable_only_to_who_may(world):
    target = reverse("accounts:user_detail", args=[world.protection_staff.pk])
    assert _client(world.protection_director).get(target).context["can_manage"]
    assert not _client(world.protection_manager).get(target).context["can_manage"]
    assert b"user_disable" not in _client(world.protection_manager).get(target).content


def _disable(client, user, reason="Left the organization"):
    return client.post(reverse("accounts:user_disable", args=[user.pk]), {"reason": reason})


def test_a_director_disables_their_staff(world):
    response = _disable(_client(world.protection_director), world.protection_staff)
    assert response.status_code == 302
    world.protection_staff.refresh_from_db()
    assert not world.protection_staff.is_active
    [entry] = entries(AuditAction.USER_DISABLED)
    assert entry.reason == "Left the organization"


def test_the_director_of_another_center_gets_404(world):
    response = _disable(_client(world.family_director), world.protection_staff)
    assert response.status_code == 404
    world.protection_staff.refresh_from_db()
    assert world.protection_staff.is_active


def test_staff_of_the_same_center_are_refused(world):
    response = _disable(_client(world.protection_staff), world.protection_manager)
    assert response.status_code == 403
    world.protection_manager.refresh_from_db()
    assert world.protection_manager.is_active
    assert entries(AuditAction.ACCESS_DENIED)


def test_disabling_needs_a_reason_a_post_and_the_csrf_token(world):
    director = world.protection_director
    response = _disable(_client(director), world.protection_staff, reason="   ")
    assert response.status_code == 400
    assert response.context["disable_form"].errors
    url = reverse("accounts:user_disable", args=[world.protection_staff.pk])
    assert _client(director).get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(director)
    assert strict.post(url, {"reason": "x"}).status_code == 403
    world.protection_staff.refresh_from_db()
    assert world.protection_staff.is_active


def test_enabling_from_the_page(world):
    client = _client(world.protection_director)
    _disable(client, world.protection_staff)
    response = client.post(
        reverse("accounts:user_enable", args=[world.protection_staff.pk]), {"reason": ""}
    )
    assert response.status_code == 302
    world.protection_staff.refresh_from_db()
    assert world.protection_staff.is_active
    outsider = _client(world.family_director)
    url = reverse("accounts:user_enable", args=[world.protection_staff.pk])
    assert outsider.post(url, {"reason": ""}).status_code == 404


def test_the_profile_page_shows_the_account_and_saves_names_and_language(world):
    client = _client(world.consul_ph)
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200
    assert page.context["two_factor_status"] == "enabled"
    response = client.post(
        reverse("accounts:profile"),
        {"full_name_ar": "ماريا\u200b سانتوس", "full_name_en": "Maria Santos",
         "preferred_language": "en"},
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    world.consul_ph.refresh_from_db()
    assert world.consul_ph.full_name_ar == "ماريا سانتوس"
    assert world.consul_ph.preferred_language == "en"
    [entry] = entries(AuditAction.UPDATE)
    assert entry.fields == ["full_name_ar", "full_name_en", "preferred_language"]


def test_the_profile_refuses_an_unknown_language(world):
    client = _client(world.consul_ph)
    response = client.post(reverse("accounts:profile"), {"preferred_language": "xx"})
    assert response.status_code == 400
    world.consul_ph.refresh_from_db()
    assert world.consul_ph.preferred_language == "ar"


def test_the_profile_needs_a_sign_in(client, world):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_e_mail_management_is_left_to_administrators(world):
    response = _client(world.consul_ph).get("/accounts/email/")
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
