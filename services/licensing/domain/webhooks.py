"""Partner webhooks: the hosts admins allow, the agencies' webhooks, signed pushes, and where a
push may go (no internal address unless an administrator allowed that exact one)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from urllib.parse import urlsplit

from chassis.errors import DomainError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# What an allowance cannot make a destination: no webhook listens on "any" or a group.
_NEVER = frozenset({"unspecified", "multicast"})


def url_host(url: str) -> str:
    """The host of `url` as it is compared with the allowed hosts: lower-cased, no port."""
    return (urlsplit(url).hostname or "").lower()


def url_port(url: str) -> int:
    """The port `url` is reached on: its own, or its scheme's."""
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


def scheme_refusal(url: str, *, production: bool) -> str | None:
    """Why a push may not go to `url` whatever its address, or None: in production only https
    on port 443 (development and tests also push over http to ports of their own)."""
    if not production:
        return None
    if urlsplit(url).scheme != "https":
        return "only https is allowed in production"
    if url_port(url) != 443:
        return "only port 443 is allowed in production"
    return None


def plain(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one stands for (IPv4-mapped, 6to4), or the address itself,
    without any IPv6 zone: the form addresses are classified and compared in."""
    if isinstance(address, ipaddress.IPv4Address):
        return address
    embedded = address.ipv4_mapped or address.sixtofour
    return embedded if embedded is not None else ipaddress.IPv6Address(int(address))


_INTERNAL: tuple[tuple[str, Callable[[IPAddress], bool]], ...] = (
    ("unspecified", attrgetter("is_unspecified")),
    ("loopback", attrgetter("is_loopback")),
    ("link-local", attrgetter("is_link_local")),
    ("multicast", attrgetter("is_multicast")),
    ("private", attrgetter("is_private")),
    ("reserved", attrgetter("is_reserved")),
)


def internal_kind(address: IPAddress, own: Iterable[IPAddress] = ()) -> str | None:
    """What keeps a push away from `address` (loopback, private, link-local, the platform's
    own…), or None for a public address."""
    address = plain(address)
    for kind, test in _INTERNAL:
        if test(address):
            return kind
    if address in {plain(each) for each in own}:
        return "the platform's own"
    # Shared address space (100.64.0.0/10) and the like: neither private nor on the Internet.
    return None if address.is_global else "not global"


def allowed_addresses(hosts: Iterable[str]) -> frozenset[IPAddress]:
    """The exact addresses among an agency's allowed hosts: the internal ones an administrator
    thereby allowed (a DNS name allows no address)."""
    found: set[IPAddress] = set()
    for host in hosts:
        try:
            found.add(plain(ipaddress.ip_address(host)))
        except ValueError:
            continue
    return frozenset(found)


@dataclass(frozen=True)
class Destination:
    """Where a push to a host goes: the checked address, or why it may not go at all."""

    address: IPAddress | None
    refusal: str | None = None


def choose_destination(
    host: str,
    addresses: Sequence[IPAddress],
    *,
    own: Iterable[IPAddress] = (),
    allowed: Iterable[IPAddress] = (),
) -> Destination:
    """The address a push to `host`, resolved to `addresses`, connects to: the first one, once
    every one is public or an internal address an administrator allowed exactly.

    One internal address among public ones refuses the host: the answer is not trusted, nor
    is which address a client would try first.
    """
    if not addresses:
        return Destination(None, f"the host {host!r} resolves to no address")
    exact = {plain(address) for address in allowed}
    for address in addresses:
        kind = internal_kind(address, own)
        if kind is None or (kind not in _NEVER and plain(address) in exact):
            continue
        return Destination(
            None,
            f"the host {host!r} resolves to {address} ({kind}); an internal address is"
            " reached only when an administrator allowed that exact address",
        )
    return Destination(addresses[0])


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Shijian-Signature of a push: `sha256=` and the hex HMAC-SHA256 of `{ts}.{body}`.

    A receiver recomputes it with its secret over the X-Shijian-Timestamp header and the raw
    body, compares with `hmac.compare_digest`, and refuses timestamps far from its clock.
    """
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


class HostNotAllowed(DomainError):  # noqa: N818 - reads as what happened
    """A webhook may point only at a host an administrator allowed for the agency."""

    kind = "rule-violation"
    status = 422

    def __init__(self, agency: str, host: str) -> None:
        super().__init__(
            f"url: the host {host!r} is not allowed for the agency {agency!r};"
            " an administrator allows webhook hosts per agency",
            errors=[
                {"field": "body.url", "message": "host not allowed", "code": "host_not_allowed"}
            ],
        )


class DestinationRefused(DomainError):  # noqa: N818 - reads as what happened
    """A webhook may not point at an internal address, nor, in production, off https:443."""

    kind = "rule-violation"
    status = 422

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"url: {reason}",
            errors=[{"field": "body.url", "message": reason, "code": "destination_refused"}],
        )


@dataclass(frozen=True)
class AllowedHost:
    """A host an agency's webhook may point at (exact match, no wildcard)."""

    agency: str
    host: str


@dataclass(frozen=True)
class Webhook:
    """Where an agency wants its requests pushed, and the secret they are signed with (sealed
    as stored: chassis.sealing)."""

    agency: str
    url: str
    secret: str
    registered_by: str
    registered_at: datetime
