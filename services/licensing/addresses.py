"""What the webhook destination rule is fed with: the addresses a host resolves to, and this
host's own addresses."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

import psutil

from services.licensing.domain.webhooks import IPAddress

# Given a host and a port, every address to connect to, in the resolver's order.
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]


class Unresolved(Exception):  # noqa: N818 - reads as what happened
    """A webhook's host did not resolve."""


async def lookup(resolve: Resolver, host: str, port: int) -> list[IPAddress]:
    """The addresses `host` resolves to, looked up once; Unresolved when it does not resolve
    (the caller bounds the time)."""
    try:
        return await resolve(host, port)
    except OSError as error:
        raise Unresolved(f"the host {host!r} does not resolve ({error})") from None


async def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal is its own), in the resolver's order;
    OSError (socket.gaierror) when it does not resolve."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0])
        if address not in found:
            found.append(address)
    return found


def interface_addresses() -> frozenset[IPAddress]:
    """The addresses of this host's network interfaces (IPv6 link-local ones without their
    zone, since an address is compared, not connected to)."""
    found: set[IPAddress] = set()
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family in (socket.AF_INET, socket.AF_INET6):
                found.add(ipaddress.ip_address(address.address.partition("%")[0]))
    return frozenset(found)
