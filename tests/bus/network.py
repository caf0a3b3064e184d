"""Network faults between a service and its broker, each run under a steady flow of events:
what the network fault tests and bench/network_faults.py share.

The relay (in this process) and the consumer (a worker process) each reach an own RabbitMQ
node through a proxy of their own (tests/netproxy.py), so a fault can take one link or both;
others act on the node itself (paused, disk alarm). A drill commits a steady flow of events
at the source before, during and after the fault, noting when each commit returned; the probe
notes when each was applied at the consumer. Their difference is the event's lag.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import signal
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from chassis.db import Database
from tests.bus.harness import (
    Broker,
    Fleet,
    History,
    WorkerConfig,
    consumer_attached,
    deliveries_logged,
    emit_samples,
    own_broker,
    source_relay,
    unsent,
    wait_for_effects,
)
from tests.bus.probe import effects
from tests.netproxy import NetProxy, net_proxy
from tests.servers import RabbitNode, rabbit_nodes

# The flow commits one transaction of events every FLOW_PAUSE_SECONDS.
FLOW_PAUSE_SECONDS = 0.2
# The platform's prefetch (BUS_PREFETCH): with added latency it bounds the consumer's rate.
PREFETCH = 64


@dataclass
class Network:
    """An own RabbitMQ node, and the relay's and the consumer's links to it, each through a
    proxy."""

    node: RabbitNode
    relay_link: NetProxy
    consumer_link: NetProxy

    @property
    def broker(self) -> Broker:
        """The node reached directly (to look at it, not through a faulted link)."""
        return own_broker([self.node])

    def through(self, link: NetProxy) -> Broker:
        """The node reached through `link`."""
        return Broker(link.url(self.node.url), self.node.node)

    def link(self, name: str) -> NetProxy:
        """The `relay` or the `consumer` link."""
        return {"relay": self.relay_link, "consumer": self.consumer_link}[name]


@contextlib.contextmanager
def network() -> Iterator[Network]:
    """An own node and a proxy for each link; all gone afterwards."""
    with contextlib.ExitStack() as stack:
        (node,) = stack.enter_context(rabbit_nodes(1, clustered=False))
        relay = stack.enter_context(net_proxy(node.port))
        consumer = stack.enter_context(net_proxy(node.port))
        yield Network(node, relay, consumer)


@dataclass(frozen=True)
class Fault:
    """What begins a fault and what clears it (blocking calls), how long it lasts, and the
    heartbeat the processes use (None: the platform's)."""

    name: str
    begin: Callable[[Network], object]
    clear: Callable[[Network], object]
    seconds: float
    heartbeat: int | None = None
    # The link a black hole takes: whose client must notice it by itself.
    holed: str | None = None


def black_hole(link: str, seconds: float, heartbeat: int | None = None) -> Fault:
    """Every byte of `link` dropped for `seconds`; its connection then stays dead."""
    return Fault(
        f"black hole ({link})",
        lambda net: net.link(link).black_hole(),
        lambda net: net.link(link).heal(),
        seconds,
        heartbeat,
        holed=link,
    )


def cut(link: str, seconds: float) -> Fault:
    """`link` closed and refused for `seconds` (a partition)."""
    return Fault(
        f"cut ({link})",
        lambda net: net.link(link).cut(),
        lambda net: net.link(link).heal(),
        seconds,
    )


def partition(link: str, seconds: float) -> Fault:
    """Nothing passes on `link` for `seconds`, its bytes held and passed on after (a partition
    shorter than the heartbeat's timeout: the connection outlives it)."""
    return Fault(
        f"partition ({link})",
        lambda net: net.link(link).partition(),
        lambda net: net.link(link).heal(),
        seconds,
    )


def latency(seconds: float, delay: float = 0.2) -> Fault:
    """`delay` added each way on both links for `seconds`."""

    def both(net: Network, value: float) -> None:
        net.relay_link.delay(value)
        net.consumer_link.delay(value)

    return Fault(
        f"{delay * 1000:.0f} ms latency",
        lambda net: both(net, delay),
        lambda net: both(net, 0.0),
        seconds,
    )


def paused(seconds: float) -> Fault:
    """The broker stopped (SIGSTOP) for `seconds`, then continued."""
    return Fault(
        "broker paused",
        lambda net: net.node.signal(signal.SIGSTOP),
        lambda net: net.node.signal(signal.SIGCONT),
        seconds,
    )


def disk_alarm(seconds: float) -> Fault:
    """The broker's disk alarm raised for `seconds` (publishers blocked), then cleared."""
    return Fault(
        "disk alarm",
        lambda net: net.node.ctl("set_disk_free_limit", "1000GB"),
        # The own node's configured limit (tests/servers.py).
        lambda net: net.node.ctl("set_disk_free_limit", "1MB"),
        seconds,
    )


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of `values` (q in 0..1); NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass
class Outcome:
    """What a drill saw: commits and their times, effects and when they were applied."""

    fault: str
    committed: dict[uuid.UUID, float]
    effects: Counter[uuid.UUID]
    applied: dict[uuid.UUID, float]
    began: float
    cleared: float
    # Outbox rows not yet published when the fault was cleared: what the outbox held.
    held: int = 0
    # Seconds from the black hole to its client closing the dead connection (NaN: never).
    noticed_after: float = math.nan
    redundant_deliveries: int = 0
    # Connections opened through either link from the fault's beginning on.
    reconnections: int = 0
    history: History = field(init=False)

    def __post_init__(self) -> None:
        self.history = History(list(self.committed), self.effects, self.redundant_deliveries)

    def lags(self, since: float, until: float = math.inf) -> list[float]:
        """Lags of the applied events committed in [since, until)."""
        return [
            self.applied[event] - at
            for event, at in self.committed.items()
            if since <= at < until and event in self.applied
        ]

    @property
    def during(self) -> list[float]:
        """Lags of events committed while the fault lasted."""
        return self.lags(self.began, self.cleared)

    @property
    def after(self) -> list[float]:
        """Lags of events committed from the moment it cleared."""
        return self.lags(self.cleared)

    def summary(self) -> str:
        """One line for assertion messages and the bench's report."""
        return (
            f"{self.fault}: {self.history.summary()} held={self.held} "
            f"lag during p50={percentile(self.during, 0.5):.2f} "
            f"p99={percentile(self.during, 0.99):.2f} s, "
            f"after p50={percentile(self.after, 0.5):.2f} "
            f"p99={percentile(self.after, 0.99):.2f} s ({len(self.after)} events), "
            f"noticed after {self.noticed_after:.1f} s, {self.reconnections} reconnections"
        )


async def applied_times(sink: Database) -> dict[uuid.UUID, float]:
    """When each event was first applied at the consumer (epoch seconds)."""
    statement = sa.select(effects.c.event_id, sa.func.min(effects.c.applied_at)).group_by(
        effects.c.event_id
    )
    async with sink.engine.connect() as connection:
        rows = await connection.execute(statement)
        return {event: at.timestamp() for event, at in rows}


async def steady_flow(
    source: Database, rate: int, committed: dict[uuid.UUID, float], stop: asyncio.Event
) -> None:
    """Commit about `rate` samples a second until `stop`, noting when each commit returned."""
    batch = max(1, round(rate * FLOW_PAUSE_SECONDS))
    while not stop.is_set():
        ids = await emit_samples(source, batch, per_transaction=batch, start=len(committed))
        now = time.time()
        committed.update((event, now) for event in ids)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), FLOW_PAUSE_SECONDS)


async def drill(
    fault: Fault | None,
    net: Network,
    databases: tuple[Database, Database],
    prefix: str,
    log_path: Path,
    *,
    rate: int,
    before: float,
    after: float,
    settle: float = 120.0,
) -> Outcome:
    """Run the flow of `rate` events a second `before` s, then the fault (none: a baseline),
    then `after` s more; wait up to `settle` s for every event to be applied."""
    source, sink = databases
    heartbeat = fault.heartbeat if fault else None
    settings = {} if heartbeat is None else {"bus_heartbeat_seconds": heartbeat}
    fleet = Fleet()
    committed: dict[uuid.UUID, float] = {}
    stop = asyncio.Event()
    held = 0
    faulted = False
    try:
        consumer = WorkerConfig(
            "sink",
            sink.url,
            prefix,
            str(log_path),
            prefetch=PREFETCH,
            broker=net.through(net.consumer_link),
            heartbeat=heartbeat,
        )
        fleet.start(consumer)
        await consumer_attached(prefix, broker=net.broker)
        async with source_relay(source, prefix, net.through(net.relay_link), **settings):
            flowing = asyncio.create_task(steady_flow(source, rate, committed, stop))
            await asyncio.sleep(before)
            began = time.time()
            if fault is not None:
                faulted = True
                await asyncio.to_thread(fault.begin, net)
                await asyncio.sleep(fault.seconds)
                held = await unsent(source)
                await asyncio.to_thread(fault.clear, net)
                faulted = False
            cleared = time.time()
            await asyncio.sleep(after)
            stop.set()
            await flowing
            counts = await wait_for_effects(sink, set(committed), within=settle)
        applied = await applied_times(sink)
    finally:
        stop.set()
        fleet.stop_all()
        # The next drill must find the network whole, whatever failed in this one.
        if fault is not None and faulted:
            await asyncio.to_thread(fault.clear, net)
    noticed = math.nan
    if fault is not None and fault.holed is not None:
        gave_up = [at for at in net.link(fault.holed).given_up if at >= began]
        noticed = min(gave_up) - began if gave_up else math.nan
    return Outcome(
        fault.name if fault else "baseline",
        committed,
        counts,
        applied,
        began,
        cleared,
        held=held,
        noticed_after=noticed,
        redundant_deliveries=deliveries_logged(log_path) - len(counts),
        reconnections=sum(
            at >= began for link in (net.relay_link, net.consumer_link) for at in link.opened
        ),
    )
