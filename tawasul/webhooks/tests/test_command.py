"""`manage.py webhook_ping ENDPOINT_ID` and the demo webhooks."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import World
from tawasul.webhooks import services
from tawasul.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db


def test_webhook_ping_queues_a_test_event_and_is_audited(world: World, endpoint_ph) -> None:
    endpoint, secret = endpoint_ph
    out = StringIO()
    call_command("webhook_ping", str(endpoint.pk), stdout=out)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.event, delivery.created_by) == (endpoint, "ping", None)
    assert str(delivery.pk) in out.getvalue() and secret not in out.getvalue()
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(delivery.pk))
    assert entry.actor_username == "system:webhook_ping"
    assert entry.reason == "manage.py webhook_ping"


def test_webhook_ping_refuses_unknown_and_deactivated_endpoints(world: World,
                                                                endpoint_ph) -> None:
    endpoint, _ = endpoint_ph
    with pytest.raises(CommandError, match="UUID"):
        call_command("webhook_ping", "42")
    with pytest.raises(CommandError, match="No webhook endpoint"):
        call_command("webhook_ping", "6f1c7c1e-0d7e-4a53-9d55-8f6c5d3f2a10")
    services.endpoint_deactivate(actor=world.consul_ph, endpoint=endpoint)
    with pytest.raises(CommandError):
        call_command("webhook_ping", str(endpoint.pk))
    assert not WebhookDelivery.objects.exists()
