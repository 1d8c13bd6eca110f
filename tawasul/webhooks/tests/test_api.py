"""/api/v1/webhooks/: the same policy as the pages, the secret only in the answers that
create it, the URL rules as 400 field errors."""

from __future__ import annotations

import pytest

from tawasul.api.tests.conftest import bearer, issue
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import World
from tawasul.webhooks import signing
from tawasul.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tawasul.webhooks.tests.conftest import URL

pytestmark = pytest.mark.django_db

LIST = "/api/v1/webhooks/"
EVENTS = ["referral.status_changed", "coordination_request.status_changed"]


@pytest.fixture
def as_user():
    """A client that presents a fresh token of the given user."""
    return lambda user: bearer(issue(user))


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_create_answers_the_secret_once_and_never_again(world: World, as_user) -> None:
    client = as_user(world.consul_ph)
    response = client.post(LIST, {"url": URL, "events": EVENTS, "description": "Case system"},
                           format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    secret = body["secret"]
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert signing.decrypt_secret(endpoint.secret_encrypted) == secret
    assert body["organization"]["code"] == "embassy-ph"
    assert body["events"] == EVENTS and body["secret_prefix"] == secret[:10]
    for url in (LIST, f"{LIST}{endpoint.pk}/", f"{LIST}{endpoint.pk}/deliveries/"):
        answer = client.get(url)
        assert answer.status_code == 200
        assert secret not in answer.content.decode()
        assert "secret\"" not in answer.content.decode().replace("secret_", "")
    rotated = client.post(f"{LIST}{endpoint.pk}/rotate/")
    assert rotated.status_code == 200
    assert rotated.json()["secret"] not in (secret, "")
    assert AuditEntry.objects.filter(object_id=str(endpoint.pk), actor=world.consul_ph,
                                     action__in=[AuditAction.CREATE, AuditAction.UPDATE]
                                     ).count() == 2


@pytest.mark.parametrize("url", [
    "http://hooks.embassy-ph.example.org/tawasul",
    "https://127.0.0.1/",
    "https://[::1]/",
    "https://10.1.1.1/",
    "https://169.254.169.254/latest/meta-data/",
    "https://internal.example.org/",
    "https://user:pw@hooks.embassy-ph.example.org/",
])
def test_unsafe_urls_answer_400_on_the_url_field(world: World, as_user, url: str) -> None:
    response = as_user(world.consul_ph).post(LIST, {"url": url, "events": EVENTS},
                                             format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"].startswith("url_") and list(error["fields"]) == ["url"]
    assert not WebhookEndpoint.objects.exists()


def test_invalid_input_answers_400_with_field_errors(world: World, as_user) -> None:
    client = as_user(world.consul_ph)
    cases = [
        ({"url": URL, "events": []}, "events"),
        ({"url": URL, "events": ["ping"]}, "events.0"),
        ({"url": URL, "events": EVENTS, "secret": "mine"}, "secret"),
        ({"url": URL, "events": EVENTS, "organization": str(world.embassy_in.pk)},
         "organization"),
        ({"events": EVENTS}, "url"),
    ]
    for body, field in cases:
        response = client.post(LIST, body, format="json")
        assert response.status_code == 400, body
        assert field in response.json()["error"]["fields"], (body, response.json())
    assert not WebhookEndpoint.objects.exists()
    response = client.post(LIST, "not json", content_type="application/json")
    assert response.status_code == 400


def test_an_administrator_names_the_organization(world: World, as_user) -> None:
    client = as_user(world.admin)
    response = client.post(LIST, {"url": URL, "events": EVENTS}, format="json")
    assert response.status_code == 400 and "organization" in response.json()["error"]["fields"]
    response = client.post(LIST, {"url": URL, "events": EVENTS,
                                  "organization": str(world.embassy_in.pk)}, format="json")
    assert response.status_code == 201
    assert response.json()["organization"]["code"] == "embassy-in"


def test_each_side_sees_its_own(world: World, as_user, endpoint_ph, endpoint_in) -> None:
    mine, theirs = endpoint_ph[0], endpoint_in[0]
    delivery = WebhookDelivery.objects.create(endpoint=theirs, event="ping", event_id="p",
                                              payload={})
    for user in (world.consul_ph, world.viewer_ph):
        client = as_user(user)
        assert ids(client.get(LIST)) == {str(mine.pk)}
        assert client.get(f"{LIST}{mine.pk}/").status_code == 200
        for suffix in ("", "deliveries/"):
            assert client.get(f"{LIST}{theirs.pk}/{suffix}").status_code == 404
        for action in ("rotate", "deactivate", "ping"):
            assert client.post(f"{LIST}{theirs.pk}/{action}/").status_code == 404
    assert ids(as_user(world.admin).get(LIST)) == {str(mine.pk), str(theirs.pk)}
    theirs.refresh_from_db()
    assert theirs.is_active and list(theirs.deliveries.all()) == [delivery]


def test_viewers_may_not_change(world: World, as_user, endpoint_ph) -> None:
    endpoint = endpoint_ph[0]
    client = as_user(world.viewer_ph)
    assert client.post(LIST, {"url": URL, "events": EVENTS}, format="json").status_code == 403
    for action in ("rotate", "deactivate", "ping"):
        response = client.post(f"{LIST}{endpoint.pk}/{action}/")
        assert response.status_code == 403, action
        assert response.json()["error"]["code"] == "forbidden"
    endpoint.refresh_from_db()
    assert endpoint.is_active and not endpoint.deliveries.exists()


@pytest.mark.parametrize("username", ["protection_staff", "protection_manager", "intake",
                                      "liaison", "supervisor", "analyst"])
def test_others_see_nothing_and_may_do_nothing(world: World, as_user, endpoint_ph,
                                              username: str) -> None:
    endpoint = endpoint_ph[0]
    client = as_user(getattr(world, username))
    assert ids(client.get(LIST)) == set()
    assert client.get(f"{LIST}{endpoint.pk}/").status_code == 404
    assert client.get(f"{LIST}{endpoint.pk}/deliveries/").status_code == 404
    assert client.post(f"{LIST}{endpoint.pk}/deactivate/").status_code == 404
    assert client.post(LIST, {"url": URL, "events": EVENTS}, format="json").status_code == 403
    assert WebhookEndpoint.objects.count() == 1


def test_deactivate_ping_and_the_delivery_log(world: World, as_user, endpoint_ph) -> None:
    endpoint = endpoint_ph[0]
    client = as_user(world.consul_ph)
    ping = client.post(f"{LIST}{endpoint.pk}/ping/")
    assert ping.status_code == 202 and ping.json()["event"] == "ping"
    WebhookDelivery.objects.create(endpoint=endpoint, event="ping", event_id="old",
                                   payload={}, status=DeliveryStatus.GIVEN_UP, attempts=10)
    log = client.get(f"{LIST}{endpoint.pk}/deliveries/")
    assert log.status_code == 200 and log.json()["count"] == 2
    given_up = client.get(f"{LIST}{endpoint.pk}/deliveries/", {"status": "given_up"}).json()
    assert [row["event_id"] for row in given_up["results"]] == ["old"]
    assert given_up["results"][0]["attempt_log"] == []
    assert client.get(f"{LIST}{endpoint.pk}/deliveries/",
                      {"status": "lost"}).status_code == 400
    assert AuditEntry.objects.filter(action=AuditAction.READ, actor=world.consul_ph,
                                     object_type="webhooks.webhookdelivery").exists()
    off = client.post(f"{LIST}{endpoint.pk}/deactivate/")
    assert off.status_code == 200 and off.json()["is_active"] is False
    again = client.post(f"{LIST}{endpoint.pk}/deactivate/")
    assert again.status_code == 400 and again.json()["error"]["code"] == "endpoint_inactive"
    assert ids(client.get(LIST, {"active": "true"})) == set()
    assert ids(client.get(LIST, {"active": "false"})) == {str(endpoint.pk)}
