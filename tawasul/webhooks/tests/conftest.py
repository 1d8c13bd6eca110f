"""Fakes for the network: a resolver that knows a few host names and a transport that
records what it is asked to send and answers as told. Both are installed for every test
of this package, so none of them needs (or reaches) the network."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tawasul.common.testing import World
from tawasul.webhooks import destinations, sending, services
from tawasul.webhooks.models import WebhookEndpoint, WebhookEvent
from tawasul.webhooks.transport import OutgoingRequest, TransportError, TransportResponse

PUBLIC_HOST = "hooks.embassy-ph.example.org"
PUBLIC_ADDRESS = "151.101.1.69"
URL = f"https://{PUBLIC_HOST}/tawasul"

HOSTS: dict[str, list[str]] = {
    PUBLIC_HOST: [PUBLIC_ADDRESS],
    "hooks.embassy-in.example.org": ["151.101.65.69"],
    "partners.unesco.example.org": ["2a04:4e42::645"],
    "internal.example.org": ["10.1.2.3"],
    "metadata.example.org": ["169.254.169.254"],
    "half-private.example.org": ["151.101.1.70", "192.168.1.10"],
    "ula.example.org": ["fd12:3456::1"],
    "mapped.example.org": ["::ffff:127.0.0.1"],
    "cgnat.example.org": ["100.64.12.1"],
}


class FakeResolver:
    def __init__(self) -> None:
        self.hosts = {name: list(addresses) for name, addresses in HOSTS.items()}
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        if host not in self.hosts:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(self.hosts[host])


@dataclass
class FakeTransport:
    """Answers with the next of `answers` (a status code, or a TransportError to raise);
    200 once they run out."""

    answers: list[Any] = field(default_factory=list)
    requests: list[OutgoingRequest] = field(default_factory=list)

    def __call__(self, request: OutgoingRequest) -> TransportResponse:
        self.requests.append(request)
        answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, TransportError):
            raise answer
        if isinstance(answer, TransportResponse):
            return answer
        return TransportResponse(status=answer, snippet="ok", duration_ms=12)


@pytest.fixture(autouse=True)
def resolver(monkeypatch: pytest.MonkeyPatch) -> FakeResolver:
    fake = FakeResolver()
    monkeypatch.setattr(destinations, "RESOLVER", fake)
    return fake


@pytest.fixture(autouse=True)
def transport(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTransport]:
    fake = FakeTransport()
    monkeypatch.setattr(sending, "TRANSPORT", fake)
    yield fake


ALL_EVENTS = [WebhookEvent.REFERRAL_STATUS_CHANGED,
              WebhookEvent.COORDINATION_REQUEST_STATUS_CHANGED, WebhookEvent.REQUEST_MESSAGE]


def register(world: World, *, actor: Any = None, organization: Any = None, url: str = URL,
             events: list[str] | None = None) -> tuple[WebhookEndpoint, str]:
    return services.endpoint_register(
        actor=actor or world.consul_ph, organization=organization or world.embassy_ph,
        url=url, events=events or list(ALL_EVENTS), description="Case system",
    )


@pytest.fixture
def endpoint_ph(world: World) -> tuple[WebhookEndpoint, str]:
    """The Philippine embassy's endpoint and its secret."""
    return register(world)


@pytest.fixture
def endpoint_in(world: World) -> tuple[WebhookEndpoint, str]:
    return register(world, actor=world.consul_in, organization=world.embassy_in,
                    url="https://hooks.embassy-in.example.org/events")
