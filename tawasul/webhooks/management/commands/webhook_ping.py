"""`python manage.py webhook_ping ENDPOINT_ID` queues a signed `ping` event to one
webhook endpoint, as its "Send test event" button does, and prints the delivery's id.
The worker sends it; its outcome shows in the endpoint's delivery log."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tawasul.common.errors import DomainError
from tawasul.webhooks.models import WebhookEndpoint
from tawasul.webhooks.services import endpoint_ping


class Command(BaseCommand):
    help = "Queue a signed test event (ping) to the webhook endpoint ENDPOINT_ID."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("endpoint_id")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            endpoint_id = uuid.UUID(options["endpoint_id"])
        except ValueError:
            raise CommandError("ENDPOINT_ID must be an endpoint's id (a UUID).") from None
        endpoint = (WebhookEndpoint.objects.select_related("organization")
                    .filter(pk=endpoint_id).first())
        if endpoint is None:
            raise CommandError(f"No webhook endpoint with the id {endpoint_id}.")
        try:
            delivery = endpoint_ping(actor=None, endpoint=endpoint,
                                     reason="manage.py webhook_ping")
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"Test event queued: delivery {delivery.pk} to {endpoint.url}")
