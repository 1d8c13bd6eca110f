"""What a delivery looks like on the wire, how it is signed, and how the signing secret
is kept.

Each delivery is a POST whose body is the event as canonical JSON (UTF-8, keys sorted,
no insignificant whitespace, non-ASCII characters as themselves):

    {"created_at": "...", "data": {...}, "delivery_id": "...", "event": "...",
     "event_id": "...", "organization": "<organization code>"}

with these headers:

    Content-Type: application/json; charset=utf-8
    X-Tawasul-Event: <event, e.g. referral.status_changed or ping>
    X-Tawasul-Delivery: <delivery id, the same on every retry>
    X-Tawasul-Timestamp: <Unix time in seconds when this attempt was signed>
    X-Tawasul-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>

How a receiver verifies a delivery:

1. Read the raw body as bytes, before parsing it as JSON (parsing and re-serializing
   changes the bytes and breaks the signature).
2. Refuse the request if `X-Tawasul-Timestamp` is more than five minutes away from your
   own clock: a captured request cannot be replayed later.
3. Compute HMAC-SHA256 with the endpoint's secret (the whole `whsec_...` string, as
   UTF-8) as the key, over the timestamp header's value, a full stop, and the raw body;
   write it in lower-case hexadecimal after `sha256=`.
4. Compare it with `X-Tawasul-Signature` in constant time (`hmac.compare_digest`), and
   refuse the request if they differ.
5. Answer with any 2xx status within five seconds (do the work afterwards). Anything else,
   a redirect included, counts as a failure and the delivery is retried with growing
   delays; the same event can therefore arrive more than once: recognise it by
   `X-Tawasul-Delivery` (or by `event` and `event_id`).

In Python (`verify_signature` below is the same code):

    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
    ok = abs(time.time() - int(timestamp)) <= 300 and hmac.compare_digest(expected, signature)

After a secret is rotated, every delivery is signed with the new one at once.

The secret must be available in clear to sign, so it is stored encrypted (Fernet, from
the `cryptography` package) under a key derived from SECRET_KEY with HKDF; keys derived
from SECRET_KEY_FALLBACKS still decrypt, so SECRET_KEY can be rotated the Django way. A
secret that no key decrypts (SECRET_KEY replaced without a fallback) makes deliveries
give up with a clear reason until the endpoint's secret is rotated.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SECRET_PREFIX = "whsec_"
SHOWN_PREFIX_LENGTH = 10  # "whsec_" and four characters of the secret
SIGNATURE_SCHEME = "sha256="
TIMESTAMP_TOLERANCE_SECONDS = 300

HEADER_EVENT = "X-Tawasul-Event"
HEADER_DELIVERY = "X-Tawasul-Delivery"
HEADER_TIMESTAMP = "X-Tawasul-Timestamp"
HEADER_SIGNATURE = "X-Tawasul-Signature"
USER_AGENT = "Tawasul-Webhooks/1.0"


class SecretUnavailable(Exception):
    """The stored secret cannot be decrypted with SECRET_KEY or its fallbacks."""


# --- The body ---------------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8. Raises TypeError or
    ValueError for what JSON cannot carry (a datetime, a set, NaN)."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def envelope(*, delivery_id: str, event: str, event_id: str, organization_code: str,
             created_at: dt.datetime, data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "delivery_id": delivery_id,
        "event": event,
        "event_id": event_id,
        "organization": organization_code,
        "created_at": utc_iso(created_at),
        "data": dict(data),
    }


# --- The signature ----------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(
        secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256
    ).hexdigest()
    return SIGNATURE_SCHEME + digest


def verify_signature(secret: str, *, timestamp: str, body: bytes, signature: str,
                     now: float | None = None,
                     tolerance: int = TIMESTAMP_TOLERANCE_SECONDS) -> bool:
    """The receiver's check, as documented above."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent_at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def signed_headers(*, secret: str, event: str, delivery_id: str, body: bytes,
                   now: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        HEADER_EVENT: event,
        HEADER_DELIVERY: delivery_id,
        HEADER_TIMESTAMP: timestamp,
        HEADER_SIGNATURE: sign(secret, timestamp, body),
    }


# --- The secret -------------------------------------------------------------------------


def new_secret() -> str:
    """256 random bits, URL-safe: `whsec_` and 43 characters."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _fernet_key(secret_key: str) -> bytes:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"tawasul.webhooks",
        info=b"endpoint signing secret",
    ).derive(secret_key.encode("utf-8"))
    return base64.urlsafe_b64encode(derived)


def _box() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_fernet_key(str(key))) for key in keys])


def encrypt_secret(secret: str) -> str:
    return _box().encrypt(secret.encode("utf-8")).decode("ascii")


def decrypt_secret(token: str) -> str:
    try:
        return _box().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError, UnicodeError) as exc:
        raise SecretUnavailable("the endpoint's secret cannot be decrypted") from exc


def shown_prefix(secret: str) -> str:
    return secret[:SHOWN_PREFIX_LENGTH]
