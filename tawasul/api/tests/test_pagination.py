from __future__ import annotations

import pytest

from tawasul.common.testing import make_org
from tawasul.organizations.models import OrganizationKind

LIST = "/api/v1/organizations/"


@pytest.fixture
def many(world):
    for i in range(23):
        make_org(OrganizationKind.NGO, f"ngo-{i:02}")
    return 30  # with the world's seven


def test_pages_cover_every_row_once(world, many, as_user):
    client = as_user(world.consul_ph)
    seen: list[str] = []
    url = f"{LIST}?page_size=7"
    while url:
        body = client.get(url).json()
        assert body["count"] == many
        assert isinstance(body["results"], list)
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == many
    last = client.get(LIST, {"page_size": 7, "page": 5}).json()
    assert last["next"] is None
    assert last["previous"] is not None


def test_page_size_is_capped(world, as_user):
    from tawasul.api.pagination import MAX_PAGE_SIZE
    from tawasul.organizations.models import Organization

    Organization.objects.bulk_create(
        Organization(kind=OrganizationKind.NGO, code=f"bulk-{i}", name_ar="م", name_en=f"N{i}")
        for i in range(MAX_PAGE_SIZE)
    )
    body = as_user(world.consul_ph).get(LIST, {"page_size": 1000}).json()
    assert body["count"] == MAX_PAGE_SIZE + 7
    assert len(body["results"]) == MAX_PAGE_SIZE
    assert body["next"] is not None


@pytest.mark.parametrize(
    ("params", "field"),
    [({"page": "abc"}, "page"), ({"page": "0"}, "page"), ({"page": "-1"}, "page"),
     ({"page_size": "x"}, "page_size"), ({"page_size": "0"}, "page_size"),
     ({"page_size": "١٠"}, "page_size")],
)
def test_invalid_page_parameters_answer_400(world, as_user, params, field):
    response = as_user(world.consul_ph).get(LIST, params)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_page_past_the_end_answers_404(world, as_user):
    response = as_user(world.consul_ph).get(LIST, {"page": 99})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "invalid_page"
    huge = as_user(world.consul_ph).get(LIST, {"page": "9" * 12})
    assert huge.status_code == 404
