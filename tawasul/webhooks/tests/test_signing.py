"""The signature, checked with the recipe a receiver follows, and the secret at rest."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from django.db import connection

from tawasul.common.testing import World
from tawasul.jobs.tests.helpers import run_ready
from tawasul.webhooks import signing
from tawasul.webhooks.models import WebhookDelivery, WebhookEndpoint
from tawasul.webhooks.services import endpoint_ping
from tawasul.webhooks.tests.conftest import FakeTransport

pytestmark = pytest.mark.django_db


def receiver_verifies(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The documented recipe, written as a receiver would, independent of signing.py."""
    timestamp = headers["X-Tawasul-Timestamp"]
    if abs(time.time() - int(timestamp)) > 300:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Tawasul-Signature"])


def test_a_delivery_verifies_with_the_documented_recipe(
    world: World, endpoint_ph: tuple[WebhookEndpoint, str], transport: FakeTransport,
    django_capture_on_commit_callbacks,
) -> None:
    endpoint, secret = endpoint_ph
    with django_capture_on_commit_callbacks(execute=True):
        delivery = endpoint_ping(actor=world.consul_ph, endpoint=endpoint)
    run_ready()
    [request] = transport.requests
    headers = dict(request.headers)
    assert headers["X-Tawasul-Event"] == "ping"
    assert headers["X-Tawasul-Delivery"] == str(delivery.pk)
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert receiver_verifies(secret, headers, request.body)
    # The body is canonical JSON of the event, the same bytes a receiver hashes.
    event = json.loads(request.body)
    assert request.body == json.dumps(event, ensure_ascii=False, sort_keys=True,
                                      separators=(",", ":")).encode()
    assert event["delivery_id"] == str(delivery.pk)
    assert event["event"] == "ping" and event["event_id"] == delivery.event_id
    assert event["organization"] == "embassy-ph"
    assert event["data"]["endpoint_id"] == str(endpoint.pk)
    # Anything else fails: another secret, a changed body, an old timestamp.
    assert not receiver_verifies("whsec_other", headers, request.body)
    assert not receiver_verifies(secret, headers, request.body.replace(b"ping", b"pong"))
    old = {**headers, "X-Tawasul-Timestamp": str(int(time.time()) - 3600)}
    assert not receiver_verifies(secret, old, request.body)


def test_verify_signature_matches_the_recipe_and_refuses_replays() -> None:
    secret, body = signing.new_secret(), signing.canonical_json({"b": "é", "a": [1, 2]})
    assert body == '{"a":[1,2],"b":"é"}'.encode()
    headers = signing.signed_headers(secret=secret, event="ping", delivery_id="d", body=body)
    assert receiver_verifies(secret, headers, body)
    timestamp, signature = headers["X-Tawasul-Timestamp"], headers["X-Tawasul-Signature"]
    assert signing.verify_signature(secret, timestamp=timestamp, body=body, signature=signature)
    assert not signing.verify_signature(secret, timestamp=timestamp, body=body + b" ",
                                        signature=signature)
    assert not signing.verify_signature(secret, timestamp=timestamp, body=body,
                                        signature=signature, now=int(timestamp) + 301)
    assert not signing.verify_signature(secret, timestamp="soon", body=body,
                                        signature=signature)


def test_the_secret_is_random_and_stored_only_encrypted(
    world: World, endpoint_ph: tuple[WebhookEndpoint, str]
) -> None:
    endpoint, secret = endpoint_ph
    assert secret.startswith("whsec_") and len(secret) == 49
    assert signing.new_secret() != secret
    assert endpoint.secret_prefix == secret[:10]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM webhooks_webhookendpoint")
        stored = repr(cursor.fetchall())
    assert secret not in stored and secret[6:] not in stored
    assert signing.decrypt_secret(WebhookEndpoint.objects.get().secret_encrypted) == secret


def test_a_rotated_secret_key_still_decrypts_through_the_fallbacks(settings) -> None:
    token = signing.encrypt_secret("whsec_example")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert signing.decrypt_secret(token) == "whsec_example"
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(signing.SecretUnavailable):
        signing.decrypt_secret(token)


def test_a_secret_no_key_decrypts_gives_the_delivery_up_at_once(
    world: World, endpoint_ph: tuple[WebhookEndpoint, str], transport: FakeTransport,
    django_capture_on_commit_callbacks, settings,
) -> None:
    endpoint, _secret = endpoint_ph
    with django_capture_on_commit_callbacks(execute=True):
        delivery = endpoint_ping(actor=world.consul_ph, endpoint=endpoint)
    settings.SECRET_KEY = "replaced-without-a-fallback-" + "y" * 40
    run_ready()
    delivery = WebhookDelivery.objects.get(pk=delivery.pk)
    assert delivery.status == "given_up"
    assert delivery.last_error_kind == "secret_unavailable"
    assert transport.requests == []
