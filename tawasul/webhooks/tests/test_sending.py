"""Sending through the task queue: retries with backoff, giving up, no redirects, the URL
checked again at each attempt, and the real HTTPS transport against a local server."""

from __future__ import annotations

import datetime as dt
import http.server
import logging
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import World
from tawasul.jobs.tests.helpers import make_due, run_ready
from tawasul.webhooks import services
from tawasul.webhooks.destinations import Destination
from tawasul.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from tawasul.webhooks.sending import attempt_delivery
from tawasul.webhooks.tasks import MAX_ATTEMPTS, retry_policy
from tawasul.webhooks.tests.conftest import (
    PUBLIC_ADDRESS,
    PUBLIC_HOST,
    FakeResolver,
    FakeTransport,
)
from tawasul.webhooks.transport import (
    SNIPPET_CHARS,
    OutgoingRequest,
    TransportError,
    TransportResponse,
    https_post,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ping(world: World, endpoint_ph, django_capture_on_commit_callbacks):
    """Queue a test event to the Philippine endpoint; returns the delivery."""
    def queue() -> WebhookDelivery:
        endpoint, _secret = endpoint_ph
        with django_capture_on_commit_callbacks(execute=True):
            return services.endpoint_ping(actor=world.consul_ph, endpoint=endpoint)
    return queue


def _task_id(delivery: WebhookDelivery) -> str:
    row = DBTaskResult.objects.get(args_kwargs__args=[str(delivery.pk)])
    return str(row.id)


def _fresh(delivery: WebhookDelivery) -> WebhookDelivery:
    return WebhookDelivery.objects.get(pk=delivery.pk)


def test_failures_are_retried_with_growing_delays_then_given_up(ping, transport: FakeTransport):
    transport.answers = [500] * MAX_ATTEMPTS
    delivery = ping()
    task_id = _task_id(delivery)

    run_ready()
    delivery = _fresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.FAILED, 1, 500)
    assert delivery.last_error_kind == "http_status"
    assert delivery.next_attempt_at is not None
    wait = delivery.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=50) < wait <= dt.timedelta(seconds=60)
    # The task queue holds it back for the same delay: nothing runs now.
    row = DBTaskResult.objects.get(id=task_id)
    assert row.status == TaskResultStatus.READY
    assert abs((row.run_after - delivery.next_attempt_at).total_seconds()) < 5
    run_ready()
    assert len(transport.requests) == 1

    delays = []
    for _ in range(MAX_ATTEMPTS - 1):
        make_due(task_id)
        run_ready()
        delivery = _fresh(delivery)
        if delivery.next_attempt_at:
            last = WebhookAttempt.objects.filter(delivery=delivery).order_by("-number")[0]
            delays.append(round((delivery.next_attempt_at - last.started_at).total_seconds()
                                / 60))
    assert delays == [2, 4, 8, 16, 32, 64, 128, 256]
    assert delivery.status == DeliveryStatus.GIVEN_UP
    assert delivery.attempts == MAX_ATTEMPTS and delivery.next_attempt_at is None
    assert len(transport.requests) == MAX_ATTEMPTS
    assert list(delivery.attempt_log.values_list("number", flat=True)) == list(
        range(1, MAX_ATTEMPTS + 1))
    assert DBTaskResult.objects.get(id=task_id).status == TaskResultStatus.SUCCESSFUL
    entry = AuditEntry.objects.get(action=AuditAction.TASK, object_id=str(delivery.pk))
    assert entry.actor_username == "system:deliver_webhook"
    assert "given_up" in entry.reason and f"{MAX_ATTEMPTS} attempt" in entry.reason
    # Nothing runs again.
    make_due(task_id)
    run_ready()
    assert len(transport.requests) == MAX_ATTEMPTS


def test_a_delivery_that_succeeds_on_a_later_attempt_is_delivered(ping,
                                                                   transport: FakeTransport):
    transport.answers = [503, TransportError("timeout", "no answer within 5 s", 5000), 204]
    delivery = ping()
    task_id = _task_id(delivery)
    run_ready()
    for _ in range(2):
        make_due(task_id)
        run_ready()
    delivery = _fresh(delivery)
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 3 and delivery.delivered_at is not None
    assert delivery.last_status_code == 204 and delivery.last_error_kind == ""
    attempts = list(delivery.attempt_log.all())
    assert [(a.status_code, a.error_kind, a.succeeded) for a in attempts] == [
        (503, "http_status", False), (None, "timeout", False), (204, "", True)]
    assert attempts[1].error == "no answer within 5 s"
    # Each attempt is signed afresh, over the same body, under the same delivery id.
    bodies = {r.body for r in transport.requests}
    assert len(bodies) == 1
    assert {r.headers["X-Tawasul-Delivery"] for r in transport.requests} == {str(delivery.pk)}
    assert AuditEntry.objects.filter(object_id=str(delivery.pk), action=AuditAction.TASK,
                                     reason__contains="delivered").count() == 1


def test_a_redirect_is_a_failure_and_is_not_followed(ping, transport: FakeTransport,
                                                     resolver: FakeResolver):
    transport.answers = [TransportResponse(status=302, location="https://10.0.0.1/steal")]
    delivery = ping()
    run_ready()
    delivery = _fresh(delivery)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error_kind == "redirect"
    assert delivery.last_error == "Location: https://10.0.0.1/steal"
    assert delivery.last_status_code == 302
    [request] = transport.requests
    assert request.destination.host == PUBLIC_HOST
    assert resolver.lookups.count(PUBLIC_HOST) == 2  # registration and the one attempt


def test_the_host_is_checked_again_at_each_attempt_and_its_addresses_pinned(
    ping, transport: FakeTransport, resolver: FakeResolver
):
    delivery = ping()
    # Rebinding: the name registered with a public address now points at the machine.
    resolver.hosts[PUBLIC_HOST] = ["127.0.0.1"]
    run_ready()
    delivery = _fresh(delivery)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error_kind == "unsafe_address"
    assert transport.requests == []
    # Back on a public address: the next attempt connects to exactly what was checked.
    resolver.hosts[PUBLIC_HOST] = [PUBLIC_ADDRESS]
    make_due(_task_id(delivery))
    run_ready()
    [request] = transport.requests
    assert request.destination.addresses == (PUBLIC_ADDRESS,)
    assert _fresh(delivery).status == DeliveryStatus.DELIVERED


def test_a_host_that_no_longer_resolves_is_retried(ping, transport: FakeTransport,
                                                    resolver: FakeResolver):
    delivery = ping()
    del resolver.hosts[PUBLIC_HOST]
    run_ready()
    delivery = _fresh(delivery)
    assert (delivery.status, delivery.last_error_kind) == (DeliveryStatus.FAILED, "unresolvable")


def test_deactivating_gives_up_what_waits_and_nothing_is_sent(world: World, endpoint_ph, ping,
                                                              transport: FakeTransport):
    transport.answers = [500]
    failed = ping()
    run_ready()
    waiting = ping()
    services.endpoint_deactivate(actor=world.consul_ph, endpoint=endpoint_ph[0])
    make_due(_task_id(failed))
    run_ready()
    assert len(transport.requests) == 1
    for delivery in (failed, waiting):
        delivery = _fresh(delivery)
        assert delivery.status == DeliveryStatus.GIVEN_UP
        assert delivery.last_error_kind == "endpoint_inactive"


def test_running_the_task_twice_sends_once(ping, transport: FakeTransport):
    delivery = ping()
    run_ready()
    assert attempt_delivery(str(delivery.pk), attempt=2, policy=retry_policy()) == "skipped"
    assert len(transport.requests) == 1


def test_the_secret_never_reaches_the_logs_or_the_audit_trail(
    ping, endpoint_ph, transport: FakeTransport, caplog: pytest.LogCaptureFixture
):
    _endpoint, secret = endpoint_ph
    transport.answers = [500, 200]
    with caplog.at_level(logging.DEBUG):
        delivery = ping()
        run_ready()
        make_due(_task_id(delivery))
        run_ready()
    assert _fresh(delivery).status == DeliveryStatus.DELIVERED
    assert "Webhook delivery" in caplog.text  # each attempt is logged
    assert secret not in caplog.text
    signature = transport.requests[0].headers["X-Tawasul-Signature"]
    assert signature not in caplog.text
    for entry in AuditEntry.objects.all():
        assert secret not in f"{entry.reason} {entry.fields}"
    for row in DBTaskResult.objects.all():
        assert secret not in f"{row.args_kwargs} {row.traceback} {row.return_value}"


# --- The real transport, against a local TLS server ------------------------------------


def _certificate(tmp: Path, host: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class _Receiver(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append((self.path, self.headers["Host"], body))
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "https://127.0.0.1/elsewhere")
            self.end_headers()
            return
        payload = b"x" * 5000
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:  # a followed redirect would arrive here
        self.seen.append((self.path, self.headers["Host"], b""))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[int, ssl.SSLContext]]:
    cert, key = _certificate(tmp_path, PUBLIC_HOST)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client_context = ssl.create_default_context(cafile=str(cert))
    _Receiver.seen = []
    try:
        yield server.server_address[1], client_context
    finally:
        server.shutdown()
        server.server_close()


def _request(port: int, path: str, host: str = PUBLIC_HOST) -> OutgoingRequest:
    # The name is the certificate's; the connection goes to the pinned loopback address,
    # which is how the transport can be tested without DNS or the network.
    destination = Destination(url=f"https://{host}:{port}{path}", host=host, port=port,
                              path=path, addresses=("127.0.0.1",))
    return OutgoingRequest(destination=destination, headers={"X-Test": "1"}, body=b'{"a":1}',
                           timeout=3)


def test_https_post_connects_to_the_pinned_address_and_reads_only_a_snippet(tls_server):
    port, context = tls_server
    response = https_post(_request(port, "/hook"), ssl_context=context)
    assert response.status == 200
    assert response.snippet == "x" * SNIPPET_CHARS
    [(path, host, body)] = _Receiver.seen
    assert (path, host, body) == ("/hook", f"{PUBLIC_HOST}:{port}", b'{"a":1}')


def test_https_post_does_not_follow_a_redirect(tls_server):
    port, context = tls_server
    response = https_post(_request(port, "/moved"), ssl_context=context)
    assert response.status == 302
    assert response.location == "https://127.0.0.1/elsewhere"
    assert [seen[0] for seen in _Receiver.seen] == ["/moved"]


def test_https_post_refuses_a_certificate_for_another_name(tls_server):
    port, context = tls_server
    with pytest.raises(TransportError) as failed:
        https_post(_request(port, "/hook", host="other.example.org"), ssl_context=context)
    assert failed.value.kind == "tls"
    assert _Receiver.seen == []


def test_https_post_reports_a_refused_connection():
    destination = Destination(url="https://x.example.org:1/", host="x.example.org", port=1,
                              path="/", addresses=("127.0.0.1",))
    with pytest.raises(TransportError) as failed:
        https_post(OutgoingRequest(destination=destination, headers={}, body=b"", timeout=2))
    assert failed.value.kind == "connection"
