"""Pushing scheduled partner requests to the agencies' webhooks: signed, retried, never blocking."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from prometheus_client import Counter
from tenacity import AsyncRetrying, RetryCallState, wait_random_exponential

from chassis.clock import Clock, SystemClock
from chassis.db import Database
from chassis.periodic import periodic
from services.licensing.addresses import Resolver, Unresolved, lookup, resolve_host
from services.licensing.context import LicensingContext
from services.licensing.domain.webhooks import (
    IPAddress,
    Webhook,
    allowed_addresses,
    choose_destination,
    scheme_refusal,
    sign,
    url_host,
    url_port,
)
from services.licensing.repositories.webhooks import Webhooks
from services.licensing.settings import LicensingSettings
from services.licensing.tables import webhook_deliveries

log = logging.getLogger("shijian.licensing.webhooks")
PUSHES = Counter(
    "shijian_licensing_webhook_pushes_total",
    "Pushes to partners' webhooks, by outcome (delivered, retrying, failed)",
    ["outcome"],
)
BATCH = 50
MAX_BACKOFF_SECONDS = 3600.0
# Beyond the push's own time limit: room to record the outcome before another replica may
# take the delivery again.
LEASE_MARGIN = timedelta(seconds=30)
ERROR_LENGTH = 500


def backoff(attempts: int, base: float) -> float:
    """Seconds to wait after the `attempts`-th failed push: exponential, jittered, capped."""
    start = min(base, MAX_BACKOFF_SECONDS)
    wait = wait_random_exponential(multiplier=start, min=start, max=MAX_BACKOFF_SECONDS)
    # The attempt count lives in the database, not in a retry loop: hand it to tenacity.
    state = RetryCallState(AsyncRetrying(), None, (), {})
    state.attempt_number = attempts
    return float(wait(state))


def pinned_request(
    client: httpx.AsyncClient,
    url: str,
    address: IPAddress,
    content: bytes,
    headers: dict[str, str],
) -> httpx.Request:
    """A POST of `content` to `url` that connects to `address`, the one that was checked, and
    to nothing the name might resolve to since; the Host header and the TLS server name (the
    name the certificate must bear) stay the URL's host."""
    target = httpx.URL(url)
    return client.build_request(
        "POST",
        target.copy_with(host=str(address)),
        content=content,
        headers=headers | {"Host": target.netloc.decode("ascii")},
        extensions={"sni_hostname": target.raw_host.decode("ascii")},
    )


def push_client(timeout: float, verify: ssl.SSLContext | bool = True) -> httpx.AsyncClient:
    """The client pushes go out with: it sends each pinned request where it says, and follows
    no redirect (another host, unchecked)."""
    return httpx.AsyncClient(
        follow_redirects=False,
        timeout=timeout,
        verify=verify,
        # A proxy from the environment would resolve the host again, past the check.
        trust_env=False,
        # Connections are pooled by address: one kept open after a push to one name would
        # carry the next push to another name at that address, under a certificate verified
        # for the first name only.
        limits=httpx.Limits(max_keepalive_connections=0),
    )


@dataclass(frozen=True)
class _Outcome:
    delivered: bool
    error: str | None = None
    # Not worth retrying: the push was not even attempted.
    final: bool = False


def _answered(response: httpx.Response) -> _Outcome:
    if response.is_success:
        return _Outcome(True)
    if response.is_redirect:
        location = response.headers.get("location", "")
        return _Outcome(False, f"HTTP {response.status_code} to {location} (not followed)")
    return _Outcome(False, f"HTTP {response.status_code}")


@dataclass
class Pusher:
    """Claims due deliveries and pushes them; several replicas share the work safely."""

    database: Database
    settings: LicensingSettings
    client: httpx.AsyncClient
    clock: Clock = field(default_factory=SystemClock)
    resolve: Resolver = resolve_host
    # This host's and the platform's addresses: never pushed to unless allowed exactly.
    own_addresses: frozenset[IPAddress] = frozenset()

    async def push_due(self) -> int:
        """Push every delivery due now, batch after batch; how many were tried."""
        total = 0
        while True:
            claimed = await self._claim()
            if not claimed:
                return total
            await asyncio.gather(*(self._push_one(row) for row in claimed))
            total += len(claimed)
            if len(claimed) < BATCH:
                return total

    async def _claim(self) -> list[sa.Row[Any]]:
        now = self.clock.now()
        lease = timedelta(seconds=self.settings.webhook_timeout_seconds) + LEASE_MARGIN
        deliveries = webhook_deliveries.c
        claim = (
            sa.select(webhook_deliveries)
            .where(
                deliveries.delivered_at.is_(None),
                deliveries.failed_at.is_(None),
                deliveries.next_attempt_at <= now,
            )
            .order_by(deliveries.next_attempt_at)
            .limit(BATCH)
            # Rows another replica holds are skipped, never pushed twice at once (SQLite,
            # with one writer, needs no lock and SQLAlchemy leaves the clause out there).
            .with_for_update(skip_locked=True)
        )
        # A short transaction: the lease, not a lock held across HTTP calls, keeps the
        # delivery to this replica while it pushes.
        async with self.database.engine.begin() as connection:
            rows = list((await connection.execute(claim)).all())
            if rows:
                await connection.execute(
                    sa.update(webhook_deliveries)
                    .where(deliveries.id.in_([row.id for row in rows]))
                    .values(next_attempt_at=now + lease)
                )
        return rows

    async def _push_one(self, delivery: sa.Row[Any]) -> None:
        try:
            outcome = await self._attempt(delivery)
            await self._record(delivery, outcome)
        except Exception:
            # The lease runs out and the delivery is tried again; the other pushes go on.
            log.exception("webhook push failed", extra={"delivery": str(delivery.id)})

    async def _attempt(self, delivery: sa.Row[Any]) -> _Outcome:
        async with self.database.engine.connect() as connection:
            repository = Webhooks(connection)
            webhook = await repository.get(delivery.agency)
            if webhook is None:
                return _Outcome(False, f"agency {delivery.agency!r} has no webhook", final=True)
            hosts = await repository.hosts_of(delivery.agency)
        host = url_host(webhook.url)
        if host not in hosts:
            return _Outcome(
                False,
                f"host {host!r} of the webhook is no longer allowed for {delivery.agency!r}",
                final=True,
            )
        # Registered under other settings, perhaps: checked again before anything is sent.
        refusal = scheme_refusal(webhook.url, production=self.settings.environment == "production")
        if refusal is not None:
            return _Outcome(False, refusal, final=True)
        return await self._post(delivery.id, webhook, allowed_addresses(hosts), delivery.payload)

    async def _post(
        self,
        delivery_id: uuid.UUID,
        webhook: Webhook,
        allowed: frozenset[IPAddress],
        payload: dict[str, Any],
    ) -> _Outcome:
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        timestamp = int(self.clock.now().timestamp())
        secret = self.settings.data_keyring().open_text("webhook_secret", webhook.secret)
        headers = {
            "Content-Type": "application/json",
            "X-Shijian-Delivery": str(delivery_id),
            "X-Shijian-Timestamp": str(timestamp),
            "X-Shijian-Signature": sign(secret, timestamp, body),
        }
        host = url_host(webhook.url)
        try:
            # httpx's timeout bounds each phase; this bounds the look-up and the whole push
            # together within the lease.
            async with asyncio.timeout(self.settings.webhook_timeout_seconds):
                # Looked up once: the address checked is the address connected to.
                addresses = await lookup(self.resolve, host, url_port(webhook.url))
                destination = choose_destination(
                    host, addresses, own=self.own_addresses, allowed=allowed
                )
                if destination.address is None:
                    return _Outcome(False, destination.refusal, final=True)
                request = pinned_request(
                    self.client, webhook.url, destination.address, body, headers
                )
                # Streamed and never read: only the status counts, and a partner's oversized
                # answer cannot fill this process' memory.
                response = await self.client.send(request, stream=True)
                await response.aclose()
        except (TimeoutError, httpx.TimeoutException):
            return _Outcome(False, f"no answer within {self.settings.webhook_timeout_seconds:g} s")
        except Unresolved as error:
            return _Outcome(False, str(error))
        except httpx.HTTPError as error:
            return _Outcome(False, f"{type(error).__name__}: {error}")
        return _answered(response)

    async def _record(self, delivery: sa.Row[Any], outcome: _Outcome) -> None:
        now = self.clock.now()
        attempts = delivery.attempts + (0 if outcome.final else 1)
        values: dict[str, int | datetime | str] = {"attempts": attempts}
        if outcome.delivered:
            values["delivered_at"] = now
            result = "delivered"
        elif outcome.final or attempts >= self.settings.webhook_max_attempts:
            values |= {"failed_at": now, "last_error": (outcome.error or "")[:ERROR_LENGTH]}
            result = "failed"
        else:
            wait = backoff(attempts, self.settings.webhook_backoff_seconds)
            values |= {
                "next_attempt_at": now + timedelta(seconds=wait),
                "last_error": (outcome.error or "")[:ERROR_LENGTH],
            }
            result = "retrying"
        async with self.database.engine.begin() as connection:
            await connection.execute(
                sa.update(webhook_deliveries)
                .where(webhook_deliveries.c.id == delivery.id)
                .values(values)
            )
        PUSHES.labels(result).inc()
        if result != "delivered":
            log.warning(
                "webhook push not delivered",
                extra={
                    "outcome": result,
                    "delivery": str(delivery.id),
                    "agency": delivery.agency,
                    "attempts": attempts,
                    "error": outcome.error,
                },
            )


async def push_webhooks(ctx: LicensingContext) -> None:
    """Background task: push due deliveries every poll interval, or at once when woken."""
    settings = ctx.settings
    due = ctx.webhook_due
    due.set()  # the first round at once: deliveries may be due since before a restart
    async with push_client(settings.webhook_timeout_seconds) as client:
        pusher = Pusher(
            ctx.database,
            settings,
            client,
            ctx.clock,
            resolve=ctx.resolve,
            own_addresses=ctx.own_addresses,
        )

        async def round_() -> None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(due.wait(), settings.webhook_poll_seconds)
            # Cleared before pushing, so a push scheduled meanwhile wakes the next round.
            due.clear()
            await pusher.push_due()
            ctx.webhook_rounds += 1

        # A failed round (the database is away, most likely) is logged; the next one retries.
        await periodic("webhook push", 0, round_)
