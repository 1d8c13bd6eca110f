"""Which URLs a webhook may point to: HTTPS on the public internet only."""

from __future__ import annotations

import ipaddress

import pytest

from tawasul.webhooks.destinations import UnsafeDestination, check_url, is_public_address
from tawasul.webhooks.tests.conftest import PUBLIC_ADDRESS, PUBLIC_HOST, FakeResolver


@pytest.mark.parametrize("url, code", [
    ("", "required"),
    ("http://hooks.embassy-ph.example.org/tawasul", "url_not_https"),
    ("ftp://hooks.embassy-ph.example.org/", "url_not_https"),
    ("javascript:alert(1)", "url_not_https"),
    ("hooks.embassy-ph.example.org/tawasul", "url_not_https"),
    ("https://user:pass@hooks.embassy-ph.example.org/", "url_userinfo"),
    ("https://user@hooks.embassy-ph.example.org/", "url_userinfo"),
    ("https://hooks.embassy-ph.example.org@10.0.0.1/", "url_userinfo"),
    ("https://127.0.0.1/hook", "url_private_address"),
    ("https://[::1]/hook", "url_private_address"),
    ("https://10.20.30.40/hook", "url_private_address"),
    ("https://172.16.0.1/hook", "url_private_address"),
    ("https://192.168.0.10/hook", "url_private_address"),
    ("https://169.254.169.254/latest/meta-data/", "url_private_address"),
    ("https://100.64.0.1/", "url_private_address"),
    ("https://0.0.0.0/", "url_private_address"),
    ("https://224.0.0.1/", "url_private_address"),
    ("https://[fd00::1]/", "url_private_address"),
    ("https://[fe80::1]/", "url_private_address"),
    ("https://[::ffff:10.0.0.1]/", "url_private_address"),
    ("https://[::ffff:127.0.0.1]/", "url_private_address"),
    ("https://[64:ff9b::a00:1]/", "url_private_address"),
    ("https://[2002:c0a8:101::1]/", "url_private_address"),
    ("https://2130706433/", "url_malformed"),
    ("https://0x7f.1/", "url_malformed"),
    ("https://127.1/", "url_malformed"),
    ("https://localhost/hook", "url_local_host"),
    ("https://intranet/hook", "url_local_host"),
    ("https://printer.local/", "url_local_host"),
    ("https://api.localhost/", "url_local_host"),
    ("https://internal.example.org/hook", "url_private_address"),
    ("https://metadata.example.org/", "url_private_address"),
    ("https://half-private.example.org/", "url_private_address"),
    ("https://ula.example.org/", "url_private_address"),
    ("https://mapped.example.org/", "url_private_address"),
    ("https://cgnat.example.org/", "url_private_address"),
    ("https://unknown-host.example.org/", "url_unresolvable"),
    ("https://hooks.embassy-ph.example.org:22/", "url_port"),
    ("https://hooks.embassy-ph.example.org:80/", "url_port"),
    ("https://hooks.embassy-ph.example.org:99999/", "url_malformed"),
    ("https://hooks.embassy-ph.example.org/a b", "url_malformed"),
    ("https://bad_host!.example.org/", "url_malformed"),
    ("https://" + "a" * 1000 + ".org/", "url_too_long"),
])
def test_refused_urls_name_the_reason_on_the_url_field(url: str, code: str) -> None:
    with pytest.raises(UnsafeDestination) as refused:
        check_url(url)
    assert refused.value.code == code
    assert refused.value.field == "url"
    assert str(refused.value.message)


def test_a_public_https_url_is_accepted_with_the_addresses_to_connect_to() -> None:
    destination = check_url(f"https://{PUBLIC_HOST}/tawasul/events?v=1#frag")
    assert destination.host == PUBLIC_HOST
    assert destination.port == 443
    assert destination.path == "/tawasul/events?v=1"
    assert destination.addresses == (PUBLIC_ADDRESS,)
    assert destination.url == f"https://{PUBLIC_HOST}/tawasul/events?v=1"


def test_public_ip_literals_other_ports_and_ipv6_hosts_are_accepted() -> None:
    assert check_url("https://151.101.1.69:8443/h").addresses == ("151.101.1.69",)
    assert check_url("https://[2a04:4e42::645]/h").addresses == ("2a04:4e42::645",)
    assert check_url("https://partners.unesco.example.org/").addresses == ("2a04:4e42::645",)
    assert check_url("HTTPS://Hooks.Embassy-PH.example.org").path == "/"


def test_every_address_the_host_resolves_to_must_be_public() -> None:
    resolver = FakeResolver()
    resolver.hosts["rebinding.example.org"] = ["151.101.1.1", "127.0.0.1"]
    with pytest.raises(UnsafeDestination) as refused:
        check_url("https://rebinding.example.org/", resolver=resolver)
    assert "127.0.0.1" in str(refused.value.message)


def test_an_internationalized_host_name_is_resolved_in_its_ascii_form() -> None:
    resolver = FakeResolver()
    resolver.hosts["xn--mgbh0fb.example.org"] = ["151.101.1.2"]
    destination = check_url("https://مثال.example.org/", resolver=resolver)
    assert destination.host == "xn--mgbh0fb.example.org"
    assert resolver.lookups == ["xn--mgbh0fb.example.org"]


@pytest.mark.parametrize("address, public", [
    ("151.101.1.69", True),
    ("8.8.8.8", True),
    ("2a04:4e42::645", True),
    ("127.0.0.1", False),
    ("10.0.0.1", False),
    ("172.31.255.255", False),
    ("192.168.1.1", False),
    ("169.254.169.254", False),
    ("100.64.0.1", False),
    ("100.127.255.254", False),
    ("0.0.0.0", False),
    ("255.255.255.255", False),
    ("224.0.0.251", False),
    ("239.255.255.250", False),
    ("240.0.0.1", False),
    ("192.0.2.1", False),
    ("198.18.0.1", False),
    ("::1", False),
    ("::", False),
    ("fc00::1", False),
    ("fd12:3456::1", False),
    ("fe80::1", False),
    ("fec0::1", False),
    ("ff02::1", False),
    ("::ffff:127.0.0.1", False),
    ("::ffff:10.1.1.1", False),
    ("::ffff:8.8.8.8", True),
    ("64:ff9b::7f00:1", False),
    ("64:ff9b::808:808", True),
    ("2002:7f00:1::", False),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),
    ("2001:db8::1", False),
])
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public
