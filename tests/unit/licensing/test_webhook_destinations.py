"""Where a partner's webhook may be pushed to: public addresses, https:443 in production, and an
internal address only when an administrator allowed that exact one."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from services.licensing.addresses import interface_addresses
from services.licensing.domain.webhooks import (
    Destination,
    allowed_addresses,
    choose_destination,
    internal_kind,
    scheme_refusal,
)

PUBLIC = ip_address("93.184.215.14")
OWN = ip_address("81.70.12.34")


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("10.1.2.3", "private"),
        ("10.255.255.254", "private"),
        ("172.16.0.1", "private"),
        ("172.31.200.9", "private"),
        ("192.168.1.20", "private"),
        ("169.254.169.254", "link-local"),
        ("100.100.100.200", "not global"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.251", "multicast"),
        ("240.0.0.1", "private"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fd00::2", "private"),
        ("ff02::1", "multicast"),
        # An IPv4 address written as IPv6 is the IPv4 address.
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.1.2.3", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("2002:7f00:1::", "loopback"),
        ("64:ff9b::7f00:1", "reserved"),
        ("81.70.12.34", "the platform's own"),
        ("::ffff:81.70.12.34", "the platform's own"),
    ],
)
def test_internal_addresses_are_named(address: str, kind: str) -> None:
    assert internal_kind(ip_address(address), own=[OWN]) == kind


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2001:4860:4860::8888"])
def test_public_addresses_are_not_internal(address: str) -> None:
    assert internal_kind(ip_address(address), own=[OWN]) is None


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "::ffff:127.0.0.1", "192.168.0.7",
     "172.16.5.4", "81.70.12.34"],
)  # fmt: skip
def test_a_host_resolving_to_an_internal_address_is_refused(address: str) -> None:
    chosen = choose_destination("hooks.example.org", [ip_address(address)], own=[OWN])
    assert chosen.address is None
    assert chosen.refusal is not None
    shown = ip_address(address)
    assert chosen.refusal.startswith(f"the host 'hooks.example.org' resolves to {shown} (")


def test_a_public_address_is_the_destination() -> None:
    chosen = choose_destination("hooks.example.org", [PUBLIC, ip_address("8.8.8.8")], own=[OWN])
    assert chosen == Destination(PUBLIC)


def test_one_internal_address_among_public_ones_refuses_the_host() -> None:
    chosen = choose_destination("hooks.example.org", [PUBLIC, ip_address("10.0.0.1")])
    assert chosen.address is None
    assert chosen.refusal is not None and "10.0.0.1 (private)" in chosen.refusal


def test_a_host_resolving_to_nothing_is_refused() -> None:
    assert choose_destination("hooks.example.org", []).refusal == (
        "the host 'hooks.example.org' resolves to no address"
    )


def test_an_internal_address_an_administrator_allowed_exactly_is_the_destination() -> None:
    allowed = allowed_addresses(["hooks.health.example.org", "10.20.0.5", "127.0.0.1"])
    assert allowed == {ip_address("10.20.0.5"), ip_address("127.0.0.1")}
    for address in ("10.20.0.5", "127.0.0.1", "::ffff:127.0.0.1"):
        chosen = choose_destination("h", [ip_address(address)], allowed=allowed)
        assert chosen == Destination(ip_address(address)), address
    # Exactly that address: neither its neighbours nor the rest of its range.
    for address in ("10.20.0.6", "127.0.0.2", "::1"):
        assert choose_destination("h", [ip_address(address)], allowed=allowed).address is None
    # Nor is a whole name an allowance of the addresses it resolves to.
    assert allowed_addresses(["localhost"]) == frozenset()


def test_the_platforms_own_address_needs_an_exact_allowance_too() -> None:
    assert choose_destination("h", [OWN], own=[OWN]).address is None
    assert choose_destination("h", [OWN], own=[OWN], allowed=[OWN]) == Destination(OWN)


def test_no_allowance_makes_a_destination_of_any_or_a_group() -> None:
    for address in ("0.0.0.0", "224.0.0.1", "::"):
        chosen = choose_destination("h", [ip_address(address)], allowed=[ip_address(address)])
        assert chosen.address is None, address


def test_production_pushes_only_over_https_on_port_443() -> None:
    for url in ("https://hooks.example.org/x", "https://hooks.example.org:443/x"):
        assert scheme_refusal(url, production=True) is None
    assert scheme_refusal("http://hooks.example.org/x", production=True) == (
        "only https is allowed in production"
    )
    assert scheme_refusal("https://hooks.example.org:8443/x", production=True) == (
        "only port 443 is allowed in production"
    )
    # Development and tests push to receivers of their own, over http, on any port.
    for url in ("http://127.0.0.1:8080/hook", "https://hooks.example.org:8443/x"):
        assert scheme_refusal(url, production=False) is None


def test_this_host_has_addresses() -> None:
    assert ip_address("127.0.0.1") in interface_addresses()
