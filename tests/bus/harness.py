"""What bus tests share: databases, emitting samples, counting effects, worker processes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import multiprocessing
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from pathlib import Path

import aio_pika
import asyncpg
import sqlalchemy as sa

from chassis.brokers import with_user
from chassis.bus import Bus, HandlerRegistry, Topology
from chassis.bus.handlers import EVERY_EVENT
from chassis.bus.transport import connect
from chassis.bus.users import broker_user, delete_provisioned, provision
from chassis.db import Database, outbox
from chassis.observability import configure_logging
from chassis.settings import Settings
from chassis.uow import UnitOfWork
from tests.bus.probe import SampleRecorded, effects, metadata, probe_spec
from tests.conftest import BUS_URL, CreateDatabase, migrate, service_settings, wait_until
from tests.servers import PostgresServer, RabbitNode, broker_urls

# The broker users of a bus test's processes and the keys each binds: the probe (which may keep
# a journal of every event) and the sink consume the samples; the source relays the samples
# the probe owns, so it publishes as the probe's user.
PROBE_CONSUMES = {
    "probe": [EVERY_EVENT, *probe_spec().bus_handlers.routing_keys()],
    "sink": probe_spec("sink").bus_handlers.routing_keys(),
}
PUBLISHES_AS = {"source": "probe"}
PROBE_PASSWORDS = {name: f"test-bus-{name}" for name in PROBE_CONSUMES}


@dataclass(frozen=True)
class Broker:
    """The RabbitMQ a bus test talks to: the machine's, or nodes of the test's own.

    `url` is the administrator's BUS_URL (one URL, or several separated by commas: one
    cluster's nodes); `node` is the Erlang node the broker users are made through (own nodes
    have no management API; in a cluster the users reach every node).
    """

    url: str
    node: str | None = None


MACHINE_BROKER = Broker(BUS_URL)


def own_broker(nodes: Sequence[RabbitNode]) -> Broker:
    """The broker of a test's own nodes (one cluster), listed in their order."""
    return Broker(broker_urls(nodes), nodes[0].node)


def database_maker(server: PostgresServer) -> CreateDatabase:
    """Makes databases on a test's own PostgreSQL server (gone with the server)."""

    async def create(label: str) -> str:
        name = f"sj_{label}_{uuid.uuid4().hex[:6]}"
        admin = await asyncpg.connect(host="127.0.0.1", port=server.port, user="postgres")
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        return server.url(name)

    return create


_provisioned: set[tuple[str, Broker]] = set()


def probe_bus_url(
    prefix: str, service: str, broker: Broker = MACHINE_BROKER, delivery_limit: int = 5
) -> str:
    """The BUS_URL of a bus test's process: its broker user under `prefix`, made on first use
    with the queues' policies (the processes of one prefix must agree on `delivery_limit`)."""
    if (prefix, broker) not in _provisioned:
        topology = Topology(prefix, delivery_limit=delivery_limit)
        provision(broker.url, topology, PROBE_PASSWORDS, PROBE_CONSUMES, node=broker.node)
        _provisioned.add((prefix, broker))
    user = PUBLISHES_AS.get(service, service)
    return with_user(broker.url, broker_user(prefix, user), PROBE_PASSWORDS[user])


async def prepare_database(create_database: CreateDatabase, label: str) -> str:
    """A fresh PostgreSQL database with the chassis' tables and the probe's effect table."""
    url = await create_database(label)
    await migrate(probe_spec(), service_settings("probe", url, "unused"))
    database = Database(url)
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    await database.dispose()
    return url


def bus_settings(
    service: str,
    database_url: str,
    prefix: str,
    broker: Broker = MACHINE_BROKER,
    **extra: object,
) -> Settings:
    """Settings of a bus under test: a service's, as its own broker user, with a quick backstop
    poll."""
    limit = extra.get("bus_delivery_limit", 5)
    assert isinstance(limit, int)
    url = probe_bus_url(prefix, service, broker, limit)
    values = {"relay_poll_seconds": 0.2, "bus_url": url}
    return service_settings(service, database_url, prefix, **(values | extra))


@contextlib.asynccontextmanager
async def source_relay(
    database: Database, prefix: str, broker: Broker = MACHINE_BROKER, **extra: object
) -> AsyncIterator[Bus]:
    """An in-process producer: the relay of a source database, consuming nothing (`extra`:
    settings of its own)."""
    bus = Bus(
        settings=bus_settings("source", database.url, prefix, broker, **extra),
        database=database,
        handlers=HandlerRegistry("source"),
    )
    bus.start()
    try:
        yield bus
    finally:
        await bus.stop()


async def emit_samples(
    database: Database,
    count: int,
    *,
    poison: Iterable[int] = (),
    per_transaction: int = 250,
    start: int = 0,
) -> list[uuid.UUID]:
    """Commit `count` samples to the outbox of `database` (as a producer would); their ids."""
    poisoned = set(poison)
    ids: list[uuid.UUID] = []
    for first in range(start, start + count, per_transaction):
        async with UnitOfWork(database, "probe") as uow:
            for n in range(first, min(first + per_transaction, start + count)):
                event = SampleRecorded(key=f"k{n % 97}", n=n, poison=n in poisoned)
                ids.append(uow.emit(event))
            await uow.commit()
    return ids


async def effect_counts(database: Database) -> Counter[uuid.UUID]:
    """How many effect rows each event id has in the consumer's database."""
    async with database.engine.connect() as connection:
        rows = await connection.execute(sa.select(effects.c.event_id))
        return Counter(row.event_id for row in rows)


async def unsent(database: Database) -> int:
    """Outbox rows not yet marked published."""
    async with database.engine.connect() as connection:
        statement = sa.select(sa.func.count()).where(outbox.c.published_at.is_(None))
        return int((await connection.execute(statement)).scalar_one())


@dataclass
class History:
    """What the producer committed and what the consumer did: the verdict of a fault test."""

    committed: list[uuid.UUID]
    effects: Counter[uuid.UUID]
    redundant_deliveries: int = 0
    expected_missing: set[uuid.UUID] = field(default_factory=set)

    @property
    def lost(self) -> list[uuid.UUID]:
        """Committed at the source, no effect at the consumer."""
        return [
            i for i in self.committed if i not in self.effects and i not in self.expected_missing
        ]

    @property
    def duplicate_effects(self) -> list[uuid.UUID]:
        """Events whose effect happened more than once."""
        return [i for i, n in self.effects.items() if n > 1]

    def summary(self) -> str:
        """One line for assertion messages."""
        return (
            f"committed={len(self.committed)} lost={len(self.lost)} "
            f"duplicate_effects={len(self.duplicate_effects)} "
            f"redundant_deliveries={self.redundant_deliveries}"
        )


async def wait_for_effects(
    database: Database, expected: set[uuid.UUID], *, within: float, step: float = 0.25
) -> Counter[uuid.UUID]:
    """Wait until every expected event has an effect (or the time is up); the counts then."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        counts = await effect_counts(database)
        if expected <= counts.keys() or asyncio.get_running_loop().time() > deadline:
            return counts
        await asyncio.sleep(step)


def deliveries_logged(*log_paths: Path) -> int:
    """Deliveries the consumers received, read from their JSON logs."""
    count = 0
    for path in log_paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                count += json.loads(line).get("message") == "delivery"
            except json.JSONDecodeError:
                continue  # a line cut short by SIGKILL
    return count


async def queue_consumers(prefix: str, service: str, broker: Broker = MACHINE_BROKER) -> int:
    """Consumers the broker counts on a service's queue."""
    connection = await connect(broker.url)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(Topology(prefix).queue(service), passive=True)
        return int(queue.declaration_result.consumer_count or 0)
    finally:
        await connection.close()


async def consumer_attached(
    prefix: str, within: float = 30.0, broker: Broker = MACHINE_BROKER
) -> float:
    """Seconds until the sink queue has a consumer again."""
    started = time.monotonic()

    async def attached() -> bool:
        try:
            return await queue_consumers(prefix, "sink", broker) >= 1
        except (OSError, aio_pika.exceptions.AMQPError):
            return False

    await wait_until(attached, within=within, interval=0.2)
    return time.monotonic() - started


async def drain_queue(
    name: str, broker: Broker = MACHINE_BROKER
) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """Take every message now in queue `name` (acking them)."""
    connection = await connect(broker.url)
    taken = []
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(name)
        while (message := await queue.get(fail=False, no_ack=True)) is not None:
            taken.append(message)
    finally:
        await connection.close()
    return taken


async def publishing_connection(
    prefix: str, broker: Broker = MACHINE_BROKER
) -> aio_pika.abc.AbstractConnection:
    """A connection as the probe's broker user, which alone may publish samples."""
    return await connect(await asyncio.to_thread(probe_bus_url, prefix, "probe", broker))


async def delete_topology(prefix: str, services: Iterable[str]) -> None:
    """Remove a test's queues, exchanges and broker users from the shared broker."""
    await asyncio.to_thread(delete_provisioned, BUS_URL, prefix)
    _provisioned.discard((prefix, MACHINE_BROKER))
    topology = Topology(prefix)
    connection = await aio_pika.connect(BUS_URL)
    try:
        channel = await connection.channel()
        for service in services:
            for name in (topology.queue(service), topology.dead_letter_queue(service)):
                await channel.queue_delete(name, if_unused=False, if_empty=False)
        await channel.queue_delete(topology.unrouted, if_unused=False, if_empty=False)
        for name in (topology.exchange, topology.unrouted, topology.dead_letter_exchange):
            await channel.exchange_delete(name)
    finally:
        await connection.close()


# --- consumer and relay processes that a test can SIGKILL ---------------------------------


@dataclass(frozen=True)
class WorkerConfig:
    """One bus process: relay always, consumer of the probe's queue when `consume`."""

    service: str
    database_url: str
    prefix: str
    log_path: str
    consume: bool = True
    crash_point: str | None = None
    crash_probability: float = 1.0
    prefetch: int = 32
    delivery_limit: int = 5
    broker: Broker = MACHINE_BROKER
    # The platform's BUS_HEARTBEAT_SECONDS unless set.
    heartbeat: int | None = None


def worker_main(config: WorkerConfig) -> None:
    """Entry point of a worker process: JSON logs to its file, then the bus until killed."""
    with Path(config.log_path).open("a", encoding="utf-8", buffering=1) as log_file:
        configure_logging(config.service, "INFO", log_file)
        logging.getLogger("aiormq").setLevel(logging.ERROR)
        # Every delivery is logged, so a test can count the redundant ones.
        logging.getLogger("shijian.bus.consumer").setLevel(logging.DEBUG)
        asyncio.run(_serve(config))


async def _serve(config: WorkerConfig) -> None:
    heartbeat = {} if config.heartbeat is None else {"bus_heartbeat_seconds": config.heartbeat}
    settings = bus_settings(
        config.service,
        config.database_url,
        config.prefix,
        config.broker,
        crash_point=config.crash_point,
        crash_probability=config.crash_probability,
        bus_prefetch=config.prefetch,
        bus_delivery_limit=config.delivery_limit,
        **heartbeat,
    )
    database = Database(settings.database_url)
    registry = (
        probe_spec(config.service).handlers if config.consume else HandlerRegistry(config.service)
    )
    bus = Bus(settings=settings, database=database, handlers=registry)
    bus.start()
    await asyncio.Event().wait()


_FORKSERVER: ForkServerContext | None = None


def start_worker(config: WorkerConfig) -> BaseProcess:
    """Start a worker forked from a pre-loaded server: restarts cost milliseconds, not seconds."""
    global _FORKSERVER  # noqa: PLW0603 - one fork server per test session
    if _FORKSERVER is None:
        _FORKSERVER = multiprocessing.get_context("forkserver")
        _FORKSERVER.set_forkserver_preload(["tests.bus.harness"])
    process = _FORKSERVER.Process(target=worker_main, args=(config,), daemon=True)
    process.start()
    return process


@dataclass
class Fleet:
    """Worker processes of one test, killed and reaped whatever happens."""

    processes: list[BaseProcess] = field(default_factory=list)

    def start(self, config: WorkerConfig) -> BaseProcess:
        """Start a worker and remember it."""
        process = start_worker(config)
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        """SIGKILL every worker still alive and reap them all."""
        for process in self.processes:
            if process.is_alive():
                process.kill()
            process.join(10)
