from __future__ import annotations

import uuid

import pytest

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import make_org
from tawasul.organizations.models import OrganizationKind

LIST = "/api/v1/organizations/"


def detail(org_id) -> str:
    return f"{LIST}{org_id}/"


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


@pytest.fixture
def dormant(world):
    return make_org(OrganizationKind.NGO, "dormant-ngo", is_active=False, name_en="Dormant")


def test_list_shows_the_directory_with_both_names(world, as_user):
    response = as_user(world.consul_ph).get(LIST)
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 7
    row = next(r for r in body["results"] if r["code"] == "embassy-ph")
    assert row["id"] == str(world.embassy_ph.pk)
    assert row["name_en"] == "Embassy of the Philippines"
    assert row["name_ar"] == "منظمة embassy-ph"
    assert row["kind"] == "embassy"
    assert row["country"] == "PH"
    assert row["domain"] is None
    center = next(r for r in body["results"] if r["code"] == "center-protection")
    assert center["domain"] == "protection"
    assert center["country"] is None


def test_inactive_organization_visible_to_admin_not_to_embassy_officer(world, dormant, as_user):
    admin = as_user(world.admin)
    assert "dormant-ngo" in codes(admin.get(LIST))
    assert admin.get(detail(dormant.pk)).json()["is_active"] is False

    consul = as_user(world.consul_ph)
    assert "dormant-ngo" not in codes(consul.get(LIST))
    response = consul.get(detail(dormant.pk))
    assert response.status_code == 404
    assert set(response.json()) == {"error"}
    assert set(response.json()["error"]) == {"code", "message"}
    assert response.json()["error"]["code"] == "not_found"
    denied = AuditEntry.objects.get(action=AuditAction.ACCESS_DENIED)
    assert denied.actor == world.consul_ph
    assert denied.object_id == str(dormant.pk)


def test_members_of_an_inactive_organization_still_see_it(world, dormant, as_user):
    from tawasul.common.testing import make_user

    member = make_user("dormant_fp", dormant, "partner_focal_point")
    assert as_user(member).get(detail(dormant.pk)).status_code == 200


def test_unknown_and_malformed_ids_answer_404(world, as_user):
    client = as_user(world.consul_ph)
    for org_id in (uuid.uuid4(), "not-a-uuid", "1"):
        response = client.get(detail(org_id))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_filters(world, as_user):
    client = as_user(world.consul_ph)
    assert codes(client.get(LIST, {"kind": "embassy"})) == {"embassy-ph", "embassy-in"}
    assert codes(client.get(LIST, {"country": "ph"})) == {"embassy-ph"}
    assert codes(client.get(LIST, {"domain": "protection"})) == {"center-protection"}
    assert codes(client.get(LIST, {"q": "philipp"})) == {"embassy-ph"}
    assert codes(client.get(LIST, {"q": "منظمة unesco"})) == {"unesco"}
    # Invisible controls in a search are removed like in stored names.
    assert codes(client.get(LIST, {"q": "UNE\u200bSCO"})) == {"unesco"}
    assert codes(client.get(LIST, {"kind": "embassy", "country": "IN"})) == {"embassy-in"}
    assert len(codes(client.get(LIST, {"kind": "", "country": "", "q": ""}))) == 7


@pytest.mark.parametrize(
    ("params", "field"),
    [({"kind": "palace"}, "kind"), ({"country": "QQ"}, "country"),
     ({"country": "PHL"}, "country"), ({"domain": "space"}, "domain"), ({"q": "x" * 101}, "q")],
)
def test_invalid_filters_answer_400_naming_the_parameter(world, as_user, params, field):
    response = as_user(world.consul_ph).get(LIST, params)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_list_query_count_does_not_grow_with_rows(world, as_user, django_assert_max_num_queries):
    client = as_user(world.consul_ph)
    client.get(LIST)  # first use writes the token's last use
    for i in range(10):
        make_org(OrganizationKind.NGO, f"ngo-{i}")
    with django_assert_max_num_queries(6):
        assert client.get(LIST).json()["count"] == 17


def test_trailing_slash_is_optional(world, as_user):
    client = as_user(world.consul_ph)
    assert client.get("/api/v1/organizations").status_code == 200
    assert client.get(f"/api/v1/organizations/{world.unesco.pk}").status_code == 200
