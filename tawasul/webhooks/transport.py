"""The one HTTPS POST of a delivery attempt, on the standard library's http.client.

- It connects only to the addresses `destinations.check_url` has just checked (pinned):
  the host name is not looked up a second time, so DNS cannot answer differently between
  the check and the connection. TLS still verifies the certificate against the host name
  (SNI and the Host header carry it too).
- No redirect is followed (http.client never follows one), no proxy from the environment
  is used (a proxy would connect wherever it liked), and each network operation times
  out after `timeout` seconds.
- Of the answer only the status, the Location header of a redirect and the first
  SNIPPET_BYTES of the body are read; the rest is never downloaded.

Tests replace the transport (tawasul.webhooks.sending.TRANSPORT) with a fake one, so
they need no network; `https_post` itself is tested against a local TLS server.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tawasul.webhooks.destinations import Destination
from tawasul.webhooks.models import FailureKind

TIMEOUT_SECONDS = 5.0
SNIPPET_BYTES = 1024
SNIPPET_CHARS = 200


@dataclass(frozen=True)
class OutgoingRequest:
    destination: Destination
    headers: Mapping[str, str]
    body: bytes
    timeout: float = TIMEOUT_SECONDS


@dataclass(frozen=True)
class TransportResponse:
    status: int
    snippet: str = ""
    location: str = ""
    duration_ms: int = 0


@dataclass
class TransportError(Exception):
    kind: str  # a FailureKind
    detail: str
    duration_ms: int = field(default=0)

    def __str__(self) -> str:
        return self.detail


Transport = Callable[[OutgoingRequest], TransportResponse]


def clean_snippet(raw: bytes, limit: int = SNIPPET_CHARS) -> str:
    """The start of a response body as one line of printable text."""
    text = raw.decode("utf-8", errors="replace")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:limit]


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to `host` made to one of `addresses`, already checked."""

    def __init__(self, host: str, port: int, *, addresses: tuple[str, ...], timeout: float,
                 context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._addresses = addresses
        self._create_connection = self._connect_pinned

    def _connect_pinned(self, _address: tuple[str, int], timeout: float,
                        source_address: tuple[str, int] | None = None) -> socket.socket:
        last_error: OSError | None = None
        for ip in self._addresses:
            try:
                return socket.create_connection((ip, self.port), timeout, source_address)
            except OSError as exc:
                last_error = exc
        raise last_error or OSError("no address to connect to")


def default_ssl_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def https_post(request: OutgoingRequest, *,
               ssl_context: ssl.SSLContext | None = None) -> TransportResponse:
    destination = request.destination
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    connection = PinnedHTTPSConnection(
        destination.host, destination.port, addresses=destination.addresses,
        timeout=request.timeout, context=ssl_context or default_ssl_context(),
    )
    try:
        connection.request("POST", destination.path, body=request.body,
                           headers=dict(request.headers))
        response = connection.getresponse()
        status = response.status
        location = (response.getheader("Location") or "")[:200]
        snippet = clean_snippet(response.read(SNIPPET_BYTES))
    except TimeoutError:
        raise TransportError(
            FailureKind.TIMEOUT, f"no answer within {request.timeout:g} s", elapsed()
        ) from None
    except ssl.SSLError as exc:
        reason = getattr(exc, "verify_message", "") or getattr(exc, "reason", "") or "TLS error"
        raise TransportError(FailureKind.TLS, f"TLS: {reason}"[:300], elapsed()) from None
    except http.client.HTTPException as exc:
        raise TransportError(
            FailureKind.CONNECTION, f"invalid HTTP answer ({type(exc).__name__})", elapsed()
        ) from None
    except OSError as exc:
        detail = exc.strerror or type(exc).__name__
        raise TransportError(FailureKind.CONNECTION, detail[:300], elapsed()) from None
    finally:
        connection.close()
    return TransportResponse(status=status, snippet=snippet, location=location,
                             duration_ms=elapsed())
