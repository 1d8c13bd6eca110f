"""The webhook pages, from every side: the organization's own officers, its viewers,
another embassy, the foundation's administrators, and everyone else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.errors import DomainError
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.jobs.tests.helpers import run_ready
from tawasul.webhooks import services, signing
from tawasul.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from tawasul.webhooks.tests.conftest import URL, FakeTransport

pytestmark = pytest.mark.django_db

LIST = reverse("webhooks:list")
REGISTER = reverse("webhooks:register")
EVENTS = [WebhookEvent.REFERRAL_STATUS_CHANGED, WebhookEvent.REQUEST_MESSAGE]


def pages(endpoint: WebhookEndpoint) -> dict[str, str]:
    return {name: reverse(f"webhooks:{name}", args=[endpoint.pk])
            for name in ("detail", "rotate", "deactivate", "ping", "deliveries")}


def a_delivery(endpoint: WebhookEndpoint, **fields: object) -> WebhookDelivery:
    values: dict[str, object] = {"event": WebhookEvent.PING, "event_id": "ping-1",
                                 "payload": {"test": True}}
    values.update(fields)
    return WebhookDelivery.objects.create(endpoint=endpoint, **values)


# --- Who sees what --------------------------------------------------------------------


def test_officers_see_their_organizations_endpoints_only(
    client: Client, world: World, endpoint_ph, endpoint_in
) -> None:
    mine, _ = endpoint_ph
    theirs, _ = endpoint_in
    log_in(client, world.consul_ph)
    html = client.get(LIST).content.decode()
    assert mine.url in html and theirs.url not in html
    for url in pages(mine).values():
        if not url.endswith(("/ping/",)):
            assert client.get(url).status_code == 200, url
    delivery = a_delivery(theirs)
    denied_before = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED).count()
    for name, url in pages(theirs).items():
        response = client.post(url) if name == "ping" else client.get(url)
        assert response.status_code == 404, name
    assert client.get(reverse("webhooks:delivery", args=[delivery.pk])).status_code == 404
    assert client.post(pages(theirs)["rotate"]).status_code == 404
    assert client.post(pages(theirs)["deactivate"]).status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED).count() > denied_before
    theirs.refresh_from_db()
    assert theirs.is_active and not theirs.deliveries.exclude(pk=delivery.pk).exists()


def test_a_partner_focal_point_manages_its_own_endpoints(client: Client, world: World) -> None:
    log_in(client, world.unesco_fp)
    assert client.get(LIST).status_code == 200
    response = client.post(REGISTER, {"url": "https://partners.unesco.example.org/hook",
                                      "events": [WebhookEvent.COORDINATION_REQUEST_STATUS_CHANGED]})
    assert response.status_code == 200
    assert WebhookEndpoint.objects.get().organization == world.unesco


def test_viewers_see_but_may_not_change(
    client: Client, world: World, endpoint_ph, transport: FakeTransport
) -> None:
    endpoint, _ = endpoint_ph
    urls = pages(endpoint)
    log_in(client, world.viewer_ph)
    assert endpoint.url in client.get(LIST).content.decode()
    assert REGISTER not in client.get(LIST).content.decode()
    detail = client.get(urls["detail"]).content.decode()
    assert urls["ping"] not in detail and urls["rotate"] not in detail
    assert client.get(urls["deliveries"]).status_code == 200
    assert client.get(REGISTER).status_code == 403
    assert client.post(REGISTER, {"url": URL, "events": EVENTS}).status_code == 403
    for name in ("rotate", "deactivate", "ping"):
        assert client.post(urls[name]).status_code == 403, name
        assert client.get(urls[name]).status_code in (403, 405), name
    endpoint.refresh_from_db()
    assert endpoint.is_active and not endpoint.deliveries.exists()
    assert WebhookEndpoint.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     actor=world.viewer_ph).count() >= 3


@pytest.mark.parametrize("username", ["protection_staff", "protection_director",
                                      "protection_manager", "intake", "liaison", "analyst",
                                      "supervisor"])
def test_everyone_else_gets_404(client: Client, world: World, endpoint_ph,
                                username: str) -> None:
    endpoint, _ = endpoint_ph
    delivery = a_delivery(endpoint)
    log_in(client, getattr(world, username))
    assert client.get(LIST).status_code == 404
    assert client.get(REGISTER).status_code == 404
    for name, url in pages(endpoint).items():
        response = client.post(url) if name == "ping" else client.get(url)
        assert response.status_code == 404, name
    assert client.get(reverse("webhooks:delivery", args=[delivery.pk])).status_code == 404
    assert "/webhooks/" not in client.get(reverse("home")).content.decode()


def test_the_nav_offers_webhooks_to_those_who_have_them(client: Client, world: World) -> None:
    for user in (world.consul_ph, world.viewer_ph, world.unesco_fp, world.admin):
        log_in(client, user)
        assert f'href="{LIST}"' in client.get(reverse("home")).content.decode(), user


def test_administrators_see_every_organization_and_register_for_any(
    client: Client, world: World, endpoint_ph, endpoint_in
) -> None:
    log_in(client, world.admin)
    html = client.get(LIST).content.decode()
    assert endpoint_ph[0].url in html and endpoint_in[0].url in html
    assert client.get(pages(endpoint_in[0])["deliveries"]).status_code == 200
    form = client.get(REGISTER).context["form"]
    offered = set(form.fields["organization"].queryset)
    assert {world.embassy_ph, world.embassy_in, world.unesco} <= offered
    assert world.protection not in offered and world.foundation not in offered
    response = client.post(REGISTER, {"organization": world.protection.pk, "url": URL,
                                      "events": EVENTS})
    assert response.status_code == 400 and "organization" in response.context["form"].errors
    response = client.post(REGISTER, {"organization": world.unesco.pk,
                                      "url": "https://partners.unesco.example.org/h",
                                      "events": EVENTS})
    assert response.status_code == 200
    assert WebhookEndpoint.objects.filter(organization=world.unesco, created_by=world.admin)


# --- Registering, the secret, rotation, deactivation, test events -----------------------


def test_registering_shows_the_secret_once(client: Client, world: World) -> None:
    log_in(client, world.consul_ph)
    response = client.post(REGISTER, {"url": URL, "events": EVENTS,
                                      "description": "Case system"})
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert signing.decrypt_secret(endpoint.secret_encrypted) == secret
    assert (endpoint.organization, endpoint.url, endpoint.events, endpoint.created_by) == (
        world.embassy_ph, URL, list(EVENTS), world.consul_ph)
    for url in (LIST, pages(endpoint)["detail"], pages(endpoint)["deliveries"]):
        assert secret not in client.get(url).content.decode()
    assert endpoint.secret_prefix in client.get(pages(endpoint)["detail"]).content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(endpoint.pk))
    assert entry.actor == world.consul_ph
    assert set(entry.fields) >= {"url", "events", "secret"}
    assert secret not in entry.reason and URL not in entry.reason


@pytest.mark.parametrize("url", [
    "http://hooks.embassy-ph.example.org/tawasul",
    "https://127.0.0.1/hook",
    "https://[::1]/hook",
    "https://10.0.0.7/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://internal.example.org/hook",
    "https://admin:secret@hooks.embassy-ph.example.org/tawasul",
])
def test_unsafe_urls_are_refused_on_the_field_keeping_what_was_typed(
    client: Client, world: World, url: str
) -> None:
    log_in(client, world.consul_ph)
    client.cookies["django_language"] = "en"
    response = client.post(REGISTER, {"url": url, "events": EVENTS,
                                      "description": "Kept description"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["url"]
    html = response.content.decode()
    assert f'value="{url}"' in html and "Kept description" in html
    assert f'value="{WebhookEvent.REQUEST_MESSAGE.value}" id="id_events_2" checked' in html
    assert not WebhookEndpoint.objects.exists()


def test_error_messages_follow_the_pages_language(client: Client, world: World) -> None:
    log_in(client, world.consul_ph)
    client.cookies["django_language"] = "en"
    response = client.post(REGISTER, {"url": "http://x.example.org/", "events": EVENTS})
    assert "Only https:// addresses are accepted" in response.content.decode()
    response = client.post(REGISTER, {"url": URL})
    assert response.context["form"].errors["events"] == ["Choose at least one event."]


def test_rotating_needs_confirmation_then_shows_the_new_secret_once(
    client: Client, world: World, endpoint_ph
) -> None:
    endpoint, old = endpoint_ph
    urls = pages(endpoint)
    log_in(client, world.consul_ph)
    assert client.get(urls["rotate"]).status_code == 200  # the confirmation page
    assert signing.decrypt_secret(WebhookEndpoint.objects.get().secret_encrypted) == old
    response = client.post(urls["rotate"])
    new = response.context["secret"]
    assert new != old and new in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    endpoint.refresh_from_db()
    assert signing.decrypt_secret(endpoint.secret_encrypted) == new
    assert endpoint.secret_prefix == new[:10]
    assert new not in client.get(urls["detail"]).content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(endpoint.pk))
    assert entry.fields == ["secret"] and entry.actor == world.consul_ph


def test_deactivating_is_confirmed_audited_and_final(
    client: Client, world: World, endpoint_ph
) -> None:
    endpoint, _ = endpoint_ph
    urls = pages(endpoint)
    log_in(client, world.consul_ph)
    assert client.get(urls["deactivate"]).status_code == 200
    assert WebhookEndpoint.objects.get().is_active
    response = client.post(urls["deactivate"])
    assert response.status_code == 302 and response["Location"] == urls["detail"]
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.deactivated_by == world.consul_ph
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(endpoint.pk))
    assert "is_active" in entry.fields
    # No test events, no new secret for a deactivated endpoint; its page offers neither.
    assert urls["ping"] not in client.get(urls["detail"]).content.decode()
    client.post(urls["ping"])
    assert not endpoint.deliveries.exists()
    client.post(urls["rotate"])
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE,
                                     object_id=str(endpoint.pk)).count() == 1


def test_send_test_event_queues_a_signed_ping(
    client: Client, world: World, endpoint_ph, transport: FakeTransport,
    django_capture_on_commit_callbacks,
) -> None:
    endpoint, secret = endpoint_ph
    log_in(client, world.consul_ph)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pages(endpoint)["ping"])
    delivery = WebhookDelivery.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:delivery", args=[delivery.pk])
    assert (delivery.event, delivery.status, delivery.created_by) == (
        "ping", "pending", world.consul_ph)
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(delivery.pk),
                                     actor=world.consul_ph).exists()
    run_ready()
    [request] = transport.requests
    assert signing.verify_signature(
        secret, timestamp=request.headers["X-Tawasul-Timestamp"], body=request.body,
        signature=request.headers["X-Tawasul-Signature"])
    page = client.get(response["Location"]).content.decode()
    assert "HTTP 200" in page


# --- The delivery log ---------------------------------------------------------------------


def test_the_delivery_log_filters_by_status_and_paginates(
    client: Client, world: World, endpoint_ph
) -> None:
    endpoint, _ = endpoint_ph
    for n in range(30):
        a_delivery(endpoint, event_id=f"ping-{n}",
                   status=DeliveryStatus.GIVEN_UP if n % 3 == 0 else DeliveryStatus.DELIVERED)
    url = pages(endpoint)["deliveries"]
    log_in(client, world.consul_ph)
    response = client.get(url)
    assert response.context["page_obj"].paginator.count == 30
    assert len(response.context["page_obj"]) == 25
    second = client.get(url, {"page": 2})
    assert len(second.context["page_obj"]) == 5
    given_up = client.get(url, {"status": "given_up"})
    assert given_up.context["page_obj"].paginator.count == 10
    assert {d.status for d in given_up.context["page_obj"]} == {"given_up"}
    assert client.get(url, {"status": "nonsense"}).context["page_obj"].paginator.count == 0


def test_the_delivery_page_shows_each_attempt_and_the_read_is_audited(
    client: Client, world: World, endpoint_ph
) -> None:
    endpoint, _ = endpoint_ph
    delivery = a_delivery(endpoint, status=DeliveryStatus.FAILED, attempts=2,
                          payload={"status": "sent", "note": "<script>alert(1)</script>"})
    WebhookAttempt.objects.create(delivery=delivery, number=1, started_at=delivery.created_at,
                                  status_code=500, error_kind="http_status",
                                  response_snippet="<b>Internal</b>")
    WebhookAttempt.objects.create(delivery=delivery, number=2, started_at=delivery.created_at,
                                  error_kind="timeout", error="no answer within 5 s")
    log_in(client, world.viewer_ph)
    html = client.get(reverse("webhooks:delivery", args=[delivery.pk])).content.decode()
    assert html.count("attempt-row") == 2
    assert "HTTP 500" in html and "no answer within 5 s" in html
    assert "<script>alert(1)</script>" not in html and "<b>Internal</b>" not in html
    entry = AuditEntry.objects.get(action=AuditAction.READ, object_id=str(delivery.pk))
    assert entry.actor == world.viewer_ph and "payload" in entry.fields


def test_services_refuse_a_second_deactivation(world: World, endpoint_ph) -> None:
    endpoint, _ = endpoint_ph
    services.endpoint_deactivate(actor=world.consul_ph, endpoint=endpoint)
    with pytest.raises(DomainError) as refused:
        services.endpoint_deactivate(actor=world.consul_ph, endpoint=endpoint)
    assert refused.value.code == "endpoint_inactive"
