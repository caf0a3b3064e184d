"""What the webhook destination rule is fed with: the addresses a host resolves to, and this
host's own addresses."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path

from services.licensing.domain.webhooks import IPAddress

# Given a host and a port, every address to connect to, in the resolver's order.
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

_PROC = Path("/proc/net")


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


def interface_addresses(proc: Path = _PROC) -> frozenset[IPAddress]:
    """The addresses of this host's network interfaces.

    Linux lists them in /proc: the IPv4 ones as the `/32 host LOCAL` entries of the routing
    trie, the IPv6 ones in if_inet6. Elsewhere, what the host's name resolves to.
    """
    trie, inet6 = proc / "fib_trie", proc / "if_inet6"
    if not trie.exists():
        return _named_addresses()
    found: set[IPAddress] = set()
    last = ""
    for line in trie.read_text().splitlines():
        text = line.strip()
        if text.startswith("|--"):
            last = text.removeprefix("|--").strip()
        elif text == "/32 host LOCAL":
            found.add(ipaddress.ip_address(last))
    if inet6.exists():
        for line in inet6.read_text().splitlines():
            found.add(ipaddress.IPv6Address(int(line.split()[0], 16)))
    return frozenset(found)


def _named_addresses() -> frozenset[IPAddress]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, type=socket.SOCK_STREAM)
    except OSError:
        return frozenset()
    return frozenset(ipaddress.ip_address(info[4][0]) for info in infos)
