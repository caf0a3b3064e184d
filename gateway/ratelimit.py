"""Rate limits per client IP and per principal, and the throttle of failed sign-ins: moving
windows, counted in Redis when the gateway runs as several replicas, in the process' memory
when it runs alone."""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from fastapi import Request
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from chassis.problems import Problem

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
EXPIRY_SECONDS = 1.0


class RateLimits:
    """Named scopes of limits such as `{"token": "20/minute"}`, each with a budget per key."""

    def __init__(self, scopes: dict[str, str], storage_url: str = "", namespace: str = "") -> None:
        """`storage_url` (redis://host:port/db) is where the replicas share their counts, under
        keys starting with `namespace`; without it each process counts alone."""
        self._items = {scope: _parse(scope, text) for scope, text in scopes.items()}
        self._texts = dict(scopes)
        self.storage = counts_storage(storage_url, namespace)
        self._limiter = MovingWindowRateLimiter(self.storage)

    async def hit(self, scope: str, key: str) -> None:
        """Count one request of `key` in `scope`; Problem 429 with Retry-After when over, 503
        when the shared counts cannot be reached (no request passes uncounted)."""
        item = self._items[scope]
        try:
            if await self._limiter.hit(item, scope, key):
                return
            stats = await self._limiter.get_window_stats(item, scope, key)
        except StorageError as error:
            raise unreachable(error) from None
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise Problem(
            "rate-limited",
            429,
            f"Rate limit of {self._texts[scope]} for {scope} requests exceeded; "
            f"retry in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )


@dataclass(frozen=True)
class Hold:
    """A key held back: for `seconds`, by the tier that `failures` spent."""

    seconds: int
    failures: int


class FailureThrottle:
    """Failures counted per key in tiers of moving windows (`5/minute;20/hour;100/day`): once a
    tier is spent the key waits until it frees, so repeated failures meet growing waits."""

    def __init__(self, name: str, tiers: str, storage: Storage) -> None:
        self._name = name
        self._tiers = parse_many(tiers)
        self._limiter = MovingWindowRateLimiter(storage)

    async def hold(self, key: str) -> Hold | None:
        """How long `key` must wait before trying again; None when it may now."""
        holds = []
        try:
            for tier in self._tiers:
                if not await self._limiter.test(tier, self._name, key):
                    stats = await self._limiter.get_window_stats(tier, self._name, key)
                    seconds = max(1, math.ceil(stats.reset_time - time.time()))
                    holds.append(Hold(seconds, tier.amount))
        except StorageError as error:
            raise unreachable(error) from None
        return max(holds, key=lambda hold: hold.seconds, default=None)

    async def failed(self, key: str) -> Hold | None:
        """Count one failure of `key`; the hold it now meets, if any."""
        try:
            for tier in self._tiers:
                await self._limiter.hit(tier, self._name, key)
        except StorageError as error:
            raise unreachable(error) from None
        return await self.hold(key)

    async def forget(self, key: str) -> None:
        """Forget `key`'s failures."""
        try:
            for tier in self._tiers:
                await self._limiter.clear(tier, self._name, key)
        except StorageError as error:
            raise unreachable(error) from None


class PacedMemoryStorage(MemoryStorage):
    """limits' in-process counts, their expired entries cleared at most every EXPIRY_SECONDS.

    The library schedules a clearing after every hit, and the clearing hands each key's entries
    to a worker thread: two thread hops per forwarded request, about a fifth of the gateway's
    CPU (py-spy under bench.gateway). Whether a hit passes never depends on the clearing (a
    moving window reads its entries' times); only how long expired entries are held does.
    """

    def __init__(self) -> None:
        self._cleared_at = -math.inf
        super().__init__()

    # The library's own (name-mangled) hook, called before every hit.
    async def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 (the library's name)
        now = time.monotonic()
        if now - self._cleared_at >= EXPIRY_SECONDS:
            self._cleared_at = now
            await super()._MemoryStorage__schedule_expiry()  # type: ignore[misc]


def counts_storage(storage_url: str, namespace: str) -> Storage:
    """Where counts are kept: Redis at `storage_url` (redis://host:port/db) under keys starting
    with `namespace`, or this process' memory without one."""
    if not storage_url:
        return PacedMemoryStorage()
    return RedisStorage(
        f"async+{storage_url}", key_prefix=f"{namespace}-limits", wrap_exceptions=True
    )


def unreachable(error: StorageError) -> Problem:
    """503: the shared counts cannot be reached, so nothing passes uncounted."""
    return Problem(
        "unavailable", 503, f"The rate limit store is unreachable: {error.storage_error}"
    )


def client_ip(request: Request, trusted_proxies: Iterable[str] = ()) -> str:
    """The client's address: the socket peer, or X-Forwarded-For's as told by trusted proxies."""
    peer = request.client.host if request.client else "unknown"
    networks = _networks(tuple(trusted_proxies))
    if not networks:
        return peer
    address = _address(peer)
    if address is None:
        return peer
    # Each proxy appends the address it saw; read from the right, stop at the first we don't trust.
    hops = [hop for field in request.headers.getlist("x-forwarded-for") for hop in field.split(",")]
    for hop in reversed(hops):
        if not _trusted(address, networks):
            break
        forwarded = _address(hop)
        if forwarded is None:
            break
        address = forwarded
    return str(address)


def _parse(scope: str, text: str) -> RateLimitItem:
    try:
        items = parse_many(text)
    except ValueError as error:
        raise ValueError(f"rate limit of {scope!r}: {error}") from None
    if len(items) != 1:
        raise ValueError(f"rate limit of {scope!r}: expected one limit like '20/minute'")
    return items[0]


@lru_cache(maxsize=16)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def _trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]
) -> bool:
    return any(address in network for network in networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped  # ::ffff:10.0.0.1, as a dual-stack socket reports it
    return address
