"""Which URLs Tawasul will POST to: HTTPS on the public internet, nothing else.

A webhook makes the server send requests to an address someone else chose, so the
address is checked when the endpoint is registered and again before every attempt
(`check_url`): a host name that resolved to a public address at registration may later
resolve to 127.0.0.1 or to a cloud metadata service (DNS rebinding). The addresses
checked at the attempt are the ones connected to (tawasul.webhooks.transport pins
them), so a second lookup cannot slip a different answer in between.

Refused: any scheme but https; a user name or password in the URL; ports below 1024
other than 443; single-label or local host names (`localhost`, `intranet`); numeric
host forms other than a plain IPv4 or IPv6 address (`2130706433`, `0x7f.1`); and any
host that is, or resolves to, an address that is not public (`is_public_address`).

The resolver is a plain function `(host, port) -> [address, ...]`: `RESOLVER` (the
operating system's, `system_resolver`) unless the caller passes another; tests replace
`RESOLVER` with a fake one, so that none of them needs the network.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tawasul.common.errors import DomainError

Resolver = Callable[[str, int], Sequence[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

URL_MAX_LENGTH = 1000
DEFAULT_PORT = 443
LOWEST_UNPRIVILEGED_PORT = 1024

# Beyond what the ipaddress module calls private or reserved: shared address space
# (carrier-grade NAT) and the translation prefixes that embed an IPv4 address.
_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa",
                   ".localdomain", ".corp")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


class UnsafeDestination(DomainError):
    """The URL may not be used. `code` says why; the message is for the user."""

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(code, message, field="url")


@dataclass(frozen=True)
class Destination:
    """A checked URL: where to connect (`addresses`, all public) and what to ask for."""

    url: str
    host: str  # the name the TLS certificate must match and the Host header carries
    port: int
    path: str  # path and query, as sent in the request line
    addresses: tuple[str, ...]


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    seen: dict[str, None] = {}
    for _family, _type, _proto, _canon, sockaddr in infos:
        seen.setdefault(str(sockaddr[0]).split("%")[0], None)
    return list(seen)


# The resolver `check_url` uses when none is given. Tests replace it with a fake one.
RESOLVER: Resolver = system_resolver


def is_public_address(address: IPAddress) -> bool:
    """Whether a server may be told to connect here: a globally routed unicast address.

    An IPv6 address that carries an IPv4 one (mapped, 6to4, NAT64) is judged by the IPv4
    address inside; Teredo and other tunnels are refused outright."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and any(address in net for net in _NAT64):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
        if address.teredo is not None or address.is_site_local:
            return False
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED_ADDRESS_SPACE:
        return False
    return address.is_global and not (
        address.is_private or address.is_loopback or address.is_link_local
        or address.is_multicast or address.is_reserved or address.is_unspecified
    )


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _refuse_private(address: str) -> UnsafeDestination:
    return UnsafeDestination(
        "url_private_address",
        _("This address leads to a private, local or reserved network (%(address)s). "
          "The receiver must be reachable on the public internet.") % {"address": address},
    )


def _check_host_name(host: str) -> str:
    """The host in its ASCII (IDNA) form, or UnsafeDestination."""
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise UnsafeDestination(
            "url_malformed", _("The host name in this address is not valid.")
        ) from None
    labels = ascii_host.rstrip(".").split(".")
    if not all(_LABEL.match(label) for label in labels):
        raise UnsafeDestination("url_malformed", _("The host name in this address is not valid."))
    if all(_NUMERIC_LABEL.match(label) for label in labels):
        # 2130706433, 0x7f.1, 127.1: numeric forms resolvers read as IPv4 addresses.
        raise UnsafeDestination(
            "url_malformed", _("Write an IP address in its usual form, or use a host name.")
        )
    name = ascii_host.rstrip(".")
    if len(labels) < 2 or name == "localhost" or name.endswith(_LOCAL_SUFFIXES):
        raise UnsafeDestination(
            "url_local_host",
            _("Use the public host name of the receiving server, not a name that works "
              "only inside a network."),
        )
    return name


def check_url(url: str, *, resolver: Resolver | None = None) -> Destination:
    """The URL checked and resolved, or UnsafeDestination (field `url`) saying why not."""
    url = (url or "").strip()
    if not url:
        raise UnsafeDestination("required", _("This field is required."))
    if len(url) > URL_MAX_LENGTH:
        raise UnsafeDestination(
            "url_too_long",
            _("The address is too long (at most %(max)d characters).") % {"max": URL_MAX_LENGTH},
        )
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        raise UnsafeDestination("url_malformed", _("The address must not contain spaces."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeDestination(
            "url_malformed", _("Enter a complete address that starts with https://.")
        ) from None
    if parts.scheme.lower() != "https":
        raise UnsafeDestination(
            "url_not_https",
            _("Only https:// addresses are accepted, so that events travel encrypted."),
        )
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise UnsafeDestination(
            "url_userinfo",
            _("Remove the user name and password from the address: the signature on each "
              "event is how your server knows it comes from Tawasul."),
        )
    if not parts.hostname:
        raise UnsafeDestination(
            "url_malformed", _("Enter a complete address that starts with https://.")
        )
    port = port if port is not None else DEFAULT_PORT
    if port != DEFAULT_PORT and not LOWEST_UNPRIVILEGED_PORT <= port <= 65535:
        raise UnsafeDestination(
            "url_port", _("Use port 443, or a port from 1024 to 65535.")
        )
    addresses: tuple[str, ...]
    literal = _ip_literal(parts.hostname)
    if literal is not None:
        if not is_public_address(literal):
            raise _refuse_private(str(literal))
        host, addresses = str(literal), (str(literal),)
    else:
        host = _check_host_name(parts.hostname)
        try:
            found = list((resolver or RESOLVER)(host, port))
        except (OSError, UnicodeError):
            found = []
        if not found:
            raise UnsafeDestination(
                "url_unresolvable",
                _("This host name could not be found. Check the address and try again."),
            )
        for text in found:
            address = _ip_literal(text)
            if address is None or not is_public_address(address):
                raise _refuse_private(text)
        addresses = tuple(found)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    # The fragment is never sent in an HTTP request; it is dropped from what is stored.
    stored = url.split("#", 1)[0]
    return Destination(url=stored, host=host, port=port, path=path, addresses=addresses)
