"""The bus benchmark: events/s and latency from outbox commit to handler commit on PostgreSQL.

Run it from the project's root: `.venv/bin/python -m bench.bus` (about a minute; `--help`).

What runs where, as in production:
- this process plays the producing service: its use cases commit events to the outbox of the
  source database (one UnitOfWork per transaction, which wakes the relay after each commit) and
  its chassis relay publishes them;
- a child process (`python -m bench.bus --serve-consumer ...`) plays the consuming service: a
  chassis Bus whose consumer handles every event by writing one row to the sink database.

Measured, in this order, on the same broker and database:
1. baseline: raw aio-pika publishing with batched confirms to a quorum queue;
2. baseline: a raw consumer (aio-pika, prefetch 100) inserting one row per message with
   asyncpg in one transaction, then acking: the most a Python consumer does on this database;
3. the chassis' maximum rate: the outbox is filled first, then the relay starts; events/s from
   the relay's start to the last handler commit (compared with the raw consumer's);
4. the live maximum: concurrent use cases commit events flat out while the relay and the
   consumer run; events/s handled over that window (on two cores the producing service's own
   work competes with the rest, as it does in the latency run);
5. latency at half the live maximum: events committed at a steady pace for a while; per event,
   from the producer's commit having returned to the consumer's handler commit having returned.

Every database, queue and exchange it creates is removed at the end. The last line printed is
the JSON summary.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import aio_pika
import asyncpg
import sqlalchemy as sa
from aio_pika.abc import AbstractIncomingMessage

from bench.summary import Summary as BenchSummary
from bench.summary import cleaning_up
from chassis.brokers import with_user
from chassis.bus import Bus, HandlerRegistry, Topology
from chassis.bus.consumer import Delivery
from chassis.bus.users import broker_user, delete_provisioned, provision
from chassis.db import Database, new_metadata
from chassis.migrations import alembic_config, upgrade
from chassis.settings import Settings
from chassis.uow import UnitOfWork, Work
from contracts import MEDIA_TYPE, Contract, Envelope

BUS_URL = os.environ.get("BENCH_BUS_URL", "amqp://guest:guest@127.0.0.1:5672/")
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "5432"))
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
ROOT = Path(__file__).resolve().parent.parent
# The producing service: the owner of the bench.* events, as a consumer checks (their source
# names it, and its broker user publishes them).
SOURCE = "bench"
SINK = "bench-sink"
SUBJECTS = 97
RAW_PREFETCH = 100
RAW_POOL = 16
RAW_BATCH = 500
P99_MS_MAX = 50.0
# The live maximum: this many concurrent use cases, each committing this many events a time.
LIVE_SECONDS = 8.0
LIVE_PRODUCERS = 4
LIVE_PER_TRANSACTION = 3
T = TypeVar("T")


# --- the event, the effect table and the handler ------------------------------------------


class BenchSample(Contract):
    """One benchmark fact about subject `key`."""

    event_type = "bench.sample.recorded"
    subject_field: ClassVar[str] = "key"

    key: str
    n: int


metadata = new_metadata()


def effect_table(name: str) -> sa.Table:
    """A consumer's effect: one row per event handled, stamped when it was handled."""
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("subject", sa.String(100), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("handled_at", sa.Double, nullable=False),
    )


# The chassis handler's effect (the inbox row is the chassis' own), and the raw consumer's.
effects = effect_table("bench_effects")
raw_effects = effect_table("bench_raw_effects")


# Built once, as the services build theirs (issue 19): built per call, the statement's
# construction and cache key cost more than its execution.
_RECORD_EFFECT = sa.insert(effects)


async def record_sample(
    context: object, work: Work, event: BenchSample, envelope: Envelope
) -> None:
    """The handler: write one effect row in the consumer's transaction."""
    await work.connection.execute(
        _RECORD_EFFECT,
        {
            "event_id": envelope.id,
            "subject": envelope.subject,
            "n": event.n,
            "handled_at": time.time(),
        },
    )


def sink_handlers() -> HandlerRegistry:
    """The consuming service's one reaction."""
    registry = HandlerRegistry(SINK)
    registry.on(BenchSample)(record_sample)
    return registry


def bus_settings(service: str, database_url: str, prefix: str, bus_url: str = BUS_URL) -> Settings:
    """A service's settings: the chassis' defaults but for the broker, database and prefix."""
    return Settings(service=service, database_url=database_url, bus_url=bus_url, bus_prefix=prefix)


async def publisher_url(prefix: str) -> str:
    """BUS_URL as the broker user owning the bench's events (`<prefix>-bench`), made as `make
    migrate` makes a process' user: a consumer takes an event only from its owner's user."""
    process, password = SOURCE, secrets.token_urlsafe(24)
    await asyncio.to_thread(
        provision, BUS_URL, Topology(prefix), {process: password}, {process: []}
    )
    return with_user(BUS_URL, broker_user(prefix, process), password)


# --- small helpers --------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of `values` (q in 0..1); NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process `pid` (Linux /proc), None where unavailable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_ms_per_item(
    before: dict[str, float | None], after: dict[str, float | None], count: int
) -> dict[str, float]:
    """CPU milliseconds each named process spent per item between two readings (NaN where
    /proc could not tell)."""
    spent = {}
    for name, start in before.items():
        end = after.get(name)
        spent[name] = math.nan if start is None or end is None else (end - start) * 1000 / count
    return spent


def machine_ticks() -> tuple[int, int] | None:
    """(busy, total) CPU ticks of the whole machine so far (Linux /proc), None elsewhere."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


def busy_percent(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float:
    """How busy all the machine's cores were between two readings, in percent."""
    if before is None or after is None or after[1] == before[1]:
        return math.nan
    return 100 * (after[0] - before[0]) / (after[1] - before[1])


def cpu_ms_per(before: float | None, after: float | None, count: int) -> float:
    """CPU milliseconds per item between two readings (NaN when unknown)."""
    if before is None or after is None or count == 0:
        return math.nan
    return (after - before) * 1000 / count


def asyncpg_dsn(url: str) -> str:
    """The asyncpg DSN of a SQLAlchemy `postgresql+asyncpg://` URL."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def wait_for_count(
    connection: Any, table: str, expected: int, *, within: float, step: float = 0.05
) -> int:
    """Poll `SELECT count(*)` until it reaches `expected` or the time is up; the last count."""
    deadline = time.monotonic() + within
    while True:
        count = int(await connection.fetchval(f"SELECT count(*) FROM {table}"))
        if count >= expected or time.monotonic() > deadline:
            return count
        await asyncio.sleep(step)


def run(coroutine: Coroutine[Any, Any, T], loop: str) -> T:
    """Run `coroutine` on uvloop (what uvicorn picks for the services) or plain asyncio."""
    if loop == "uvloop":
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(coroutine)
    return asyncio.run(coroutine)


# --- the consuming service, in its own process ----------------------------------------------


async def serve_consumer(database_url: str, prefix: str, dump: Path) -> None:
    """The sink service's Bus; on `stop` (or EOF) on stdin, write the handler-commit times."""
    settings = bus_settings(SINK, database_url, prefix)
    database = Database(settings.database_url)
    bus = Bus(settings=settings, database=database, handlers=sink_handlers())
    consumer = bus.consumer
    if consumer is None:
        raise RuntimeError("the sink service has no consumer")
    # `_apply` returns right after the handler's transaction has committed: that instant is
    # the handler commit of the delivery.
    commits: dict[str, float] = {}
    apply = consumer._apply

    async def stamp_commit(batch: list[Delivery]) -> list[str]:
        outcomes = await apply(batch)
        committed = time.time()
        for delivery in batch:
            commits[delivery.envelope.id.hex] = committed
        return outcomes

    consumer._apply = stamp_commit  # type: ignore[method-assign]
    bus.start()
    deadline = time.monotonic() + 30
    while not consumer.attached:
        if time.monotonic() > deadline:
            raise RuntimeError("the consumer did not attach within 30 s")
        await asyncio.sleep(0.01)
    described = {
        "bus_prefetch": settings.bus_prefetch,
        "bus_concurrency": settings.bus_concurrency,
        "bus_batch": settings.bus_batch,
        "relay_batch": settings.relay_batch,
        "relay_poll_seconds": settings.relay_poll_seconds,
    }
    print("ready", json.dumps(described), flush=True)
    while (await asyncio.to_thread(sys.stdin.readline)).strip() not in ("stop", ""):
        pass
    await bus.stop()
    await database.dispose()
    await asyncio.to_thread(dump.write_text, json.dumps(commits))
    print("stopped", flush=True)


@dataclass
class ConsumerProcess:
    """The child process running the sink service."""

    process: asyncio.subprocess.Process
    settings: dict[str, float] = field(default_factory=dict)

    @classmethod
    async def start(cls, database_url: str, prefix: str, dump: Path, loop: str) -> ConsumerProcess:
        """Start it and wait until its consumer is attached to the queue."""
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bench.bus", "--serve-consumer", "--loop", loop),
            *("--database-url", database_url, "--prefix", prefix, "--dump", str(dump)),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
        )
        child = cls(process)
        line = await child.read_line(60)
        if not line.startswith("ready "):
            raise RuntimeError(f"the consumer process did not start: {line!r}")
        child.settings = json.loads(line.removeprefix("ready "))
        return child

    async def read_line(self, within: float) -> str:
        """The next line the child prints ('' at its end)."""
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), within)
        return raw.decode().strip()

    @property
    def pid(self) -> int:
        """Its process id."""
        return self.process.pid

    async def stop(self) -> None:
        """Ask it to stop and wait; kill it if it does not."""
        if self.process.returncode is not None:
            return
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(b"stop\n")
            await self.process.stdin.drain()
            self.process.stdin.close()
            while (await self.read_line(30)) not in ("stopped", ""):
                pass
            await asyncio.wait_for(self.process.wait(), 10)
        except (TimeoutError, OSError):
            self.kill()

    def kill(self) -> None:
        """SIGKILL it if it is still running."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()


# --- databases and broker -------------------------------------------------------------------


@dataclass
class Resources:
    """What the run created, removed at the end whatever happens."""

    run_id: str
    databases: list[str] = field(default_factory=list)
    queues: list[str] = field(default_factory=list)
    exchanges: list[str] = field(default_factory=list)
    temp_dir: Path | None = None

    @property
    def prefix(self) -> str:
        """The bus prefix of this run alone."""
        return f"bench-{self.run_id}"

    def note_bus(self, services: Iterable[str]) -> None:
        """Note the prefix's exchanges, its unrouted queue and the queues of the services that
        consume events (with their dead letters), to be removed at the end."""
        topology = Topology(self.prefix)
        self.exchanges += [topology.exchange, topology.unrouted, topology.dead_letter_exchange]
        self.queues += [topology.unrouted]
        for name in services:
            self.queues += [topology.queue(name), topology.dead_letter_queue(name)]

    async def empty_database(self, label: str) -> str:
        """A fresh, empty PostgreSQL database of this run (dropped at the end); its URL."""
        name = f"bench_{self.run_id}_{label}"
        admin = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres")
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        self.databases.append(name)
        return f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"

    async def create_database(self, label: str) -> str:
        """A fresh PostgreSQL database with the chassis' tables and the benchmark's."""
        url = await self.empty_database(label)
        # No versions of the benchmark's own: the chassis' branch only (Alembic, in a thread).
        no_versions = ROOT / "bench" / "no-migrations"
        await asyncio.to_thread(upgrade, alembic_config(label, url, metadata, no_versions))
        database = Database(url)
        try:
            async with database.engine.begin() as connection:
                await connection.run_sync(metadata.create_all)
        finally:
            await database.dispose()
        return url

    async def remove(self) -> list[str]:
        """Delete queues and exchanges, drop databases; what could not be removed."""
        left = await self._remove_broker_objects()
        left += await self._remove_broker_users()
        left += await self._drop_databases()
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
        return left

    async def _remove_broker_objects(self) -> list[str]:
        if not (self.queues or self.exchanges):
            return []
        try:
            connection = await aio_pika.connect(BUS_URL, timeout=10)
        except Exception as error:
            return [f"broker objects of {self.prefix}: {error!r}"]
        left = []
        try:
            for kind, name in [("queue", q) for q in self.queues] + [
                ("exchange", x) for x in self.exchanges
            ]:
                try:
                    # A channel per deletion: a failed one closes its channel.
                    async with connection.channel() as channel:
                        if kind == "queue":
                            # Quorum queues are only deleted unconditionally.
                            await channel.queue_delete(name, if_unused=False, if_empty=False)
                        else:
                            await channel.exchange_delete(name)
                except Exception as error:
                    left.append(f"{kind} {name}: {error!r}")
        finally:
            await connection.close()
        return left

    async def _remove_broker_users(self) -> list[str]:
        """The broker users and policies `python -m chassis.bus provision` made for the run."""
        try:
            await asyncio.to_thread(delete_provisioned, BUS_URL, f"{self.prefix}-")
        except Exception as error:
            return [f"broker users of {self.prefix}: {error!r}"]
        return []

    async def _drop_databases(self) -> list[str]:
        if not self.databases:
            return []
        try:
            admin = await asyncpg.connect(
                host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres"
            )
            try:
                for name in self.databases:
                    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()
        except Exception as error:
            return [f"databases {self.databases}: {error!r}"]
        return []


# --- baselines ------------------------------------------------------------------------------


def sample_bodies(count: int) -> list[tuple[str, bytes]]:
    """(event id, envelope JSON) of `count` samples, as the relay would publish them."""
    bodies = []
    for n in range(count):
        event_id = uuid.uuid4()
        envelope = Envelope.wrap(
            BenchSample(key=f"k{n % SUBJECTS}", n=n), source=SOURCE, sequence=n, id=event_id
        )
        bodies.append((str(event_id), envelope.to_json()))
    return bodies


async def raw_publish(queue: str, bodies: list[tuple[str, bytes]]) -> float:
    """Baseline: publish persistent messages with confirms, `RAW_BATCH` at a time; msgs/s."""
    connection = await aio_pika.connect(BUS_URL)
    try:
        channel = await connection.channel(publisher_confirms=True)
        await channel.declare_queue(queue, durable=True, arguments={"x-queue-type": "quorum"})
        exchange = channel.default_exchange
        started = time.perf_counter()
        for first in range(0, len(bodies), RAW_BATCH):
            await asyncio.gather(
                *(
                    exchange.publish(
                        aio_pika.Message(
                            body,
                            content_type=MEDIA_TYPE,
                            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                            message_id=event_id,
                            type=BenchSample.event_type,
                        ),
                        routing_key=queue,
                        timeout=30,
                    )
                    for event_id, body in bodies[first : first + RAW_BATCH]
                )
            )
        return len(bodies) / (time.perf_counter() - started)
    finally:
        await connection.close()


@dataclass
class RawConsumed:
    """What the raw consumer baseline measured."""

    per_s: float
    handled: int
    cpu_ms_per_message: float


async def raw_consume(queue: str, dsn: str, expected: int, within: float) -> RawConsumed:
    """Baseline: drain `queue`, one asyncpg transaction inserting one row per message, ack."""
    pool = await asyncpg.create_pool(dsn, min_size=RAW_POOL, max_size=RAW_POOL)
    connection = await aio_pika.connect(BUS_URL)
    handled = 0
    finished = asyncio.Event()
    insert = (
        "INSERT INTO bench_raw_effects (event_id, subject, n, handled_at) VALUES ($1, $2, $3, $4)"
    )

    async def on_message(message: AbstractIncomingMessage) -> None:
        nonlocal handled
        body = json.loads(message.body)
        async with pool.acquire() as db, db.transaction():
            await db.execute(
                insert,
                uuid.UUID(message.message_id),
                body["subject"],
                body["data"]["n"],
                time.time(),
            )
        await message.ack()
        handled += 1
        if handled >= expected:
            finished.set()

    try:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=RAW_PREFETCH)
        source = await channel.get_queue(queue)
        cpu_before = time.process_time()
        started = time.perf_counter()
        await source.consume(on_message)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(finished.wait(), within)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
        await channel.close()
    finally:
        await connection.close()
        await pool.close()
    return RawConsumed(handled / elapsed, handled, cpu * 1000 / max(handled, 1))


# --- the chassis ----------------------------------------------------------------------------


async def fill_outbox(database: Database, first: int, count: int, per_transaction: int) -> None:
    """Commit `count` samples to the outbox as a producer's use cases would (no relay wake)."""
    for start in range(first, first + count, per_transaction):
        async with UnitOfWork(database, SOURCE) as uow:
            for n in range(start, min(start + per_transaction, first + count)):
                uow.emit(BenchSample(key=f"k{n % SUBJECTS}", n=n))
            await uow.commit()


async def produce_flat_out(
    database: Database,
    wake: Callable[[], None],
    *,
    seconds: float,
    first: int,
    producers: int,
    per_transaction: int,
) -> int:
    """Concurrent use cases committing events as fast as they can for `seconds`; how many."""
    numbers = iter(range(first, first + 10**9))
    stop_at = time.perf_counter() + seconds

    async def use_case() -> None:
        while time.perf_counter() < stop_at:
            async with UnitOfWork(database, SOURCE, after_commit=wake) as uow:
                for n in itertools.islice(numbers, per_transaction):
                    uow.emit(BenchSample(key=f"k{n % SUBJECTS}", n=n))
                await uow.commit()

    await asyncio.gather(*(use_case() for _ in range(producers)))
    return next(numbers) - first


@dataclass
class Paced:
    """What the paced producer did: the commit time of each event, by id."""

    committed: dict[str, float]
    seconds: float
    transactions: int


async def produce_paced(
    database: Database,
    wake: Callable[[], None],
    *,
    rate: float,
    seconds: float,
    first: int,
    tick: float,
) -> Paced:
    """Commit events at `rate` per second for `seconds`: each tick, what is due, in one UoW."""
    committed: dict[str, float] = {}
    transactions = 0
    sent = 0
    started = time.perf_counter()
    next_tick = started
    while (now := time.perf_counter()) - started < seconds:
        due = math.floor(rate * (now - started)) + 1 - sent
        if due > 0:
            async with UnitOfWork(database, SOURCE, after_commit=wake) as uow:
                ids = [
                    uow.emit(BenchSample(key=f"k{n % SUBJECTS}", n=n))
                    for n in range(first + sent, first + sent + due)
                ]
                await uow.commit()
            at = time.time()
            committed.update((event_id.hex, at) for event_id in ids)
            sent += due
            transactions += 1
        next_tick += tick
        await asyncio.sleep(max(0.0, next_tick - time.perf_counter()))
    return Paced(committed, time.perf_counter() - started, transactions)


@dataclass
class Options:
    """The command line."""

    events: int
    raw_messages: int
    latency_seconds: float
    tick: float
    loop: str
    latency_fraction: float = 0.5


@dataclass
class Summary(BenchSummary):
    """The bus' figures beside the raw baselines."""

    benchmark: ClassVar[str] = "bus"

    def target(self) -> dict[str, float]:
        """At least half the raw consumer's rate; p99 under 50 ms at half the chassis' max."""
        return {
            "events_per_s_min": round(self.baseline.get("raw_consumer_per_s", math.nan) / 2, 1),
            "p99_ms_max": P99_MS_MAX,
        }

    def met(self) -> bool:
        """Whether both targets hold (NaN never meets them)."""
        target = self.target()
        rate = self.figures.get("chassis_events_per_s", math.nan)
        p99 = self.figures.get("latency_p99_ms", math.nan)
        lost = sum(self.figures.get(f"{phase}_lost", 0) for phase in ("chassis", "live", "latency"))
        at_half = self.figures.get("latency_rate_fraction_of_max") == 0.5
        return (
            rate >= target["events_per_s_min"]
            and p99 < target["p99_ms_max"]
            and lost == 0
            and at_half
        )


async def measure(options: Options, resources: Resources, summary: Summary) -> None:
    """The five measurements, in order, into `summary` (resources are removed by the caller)."""
    topology = Topology(resources.prefix)
    raw_queue = f"{resources.prefix}.raw"
    resources.queues += [
        raw_queue,
        topology.queue(SINK),
        topology.dead_letter_queue(SINK),
        topology.unrouted,
    ]
    resources.exchanges += [topology.exchange, topology.unrouted, topology.dead_letter_exchange]
    resources.temp_dir = Path(tempfile.mkdtemp(prefix="bench-bus-"))
    source_url = await resources.create_database("source")
    sink_url = await resources.create_database("sink")
    await measure_baselines(options, raw_queue, sink_url, summary)
    stage = await Stage.open(options, resources, source_url, sink_url)
    try:
        await stage.measure_max_rate(summary)
        await stage.measure_live_max(summary)
        await stage.measure_latency(summary)
    finally:
        await stage.close()


async def measure_baselines(
    options: Options, raw_queue: str, sink_url: str, summary: Summary
) -> None:
    """1 and 2: raw publish and raw consume, on the same broker and database."""
    baseline = summary.baseline
    bodies = sample_bodies(options.raw_messages)
    baseline["raw_publish_per_s"] = await raw_publish(raw_queue, bodies)
    raw = await raw_consume(raw_queue, asyncpg_dsn(sink_url), len(bodies), within=90)
    baseline["raw_consumer_per_s"] = raw.per_s
    baseline["raw_consumer_cpu_ms_per_message"] = raw.cpu_ms_per_message
    baseline["raw_messages"] = len(bodies)
    baseline["raw_consumer_prefetch"] = RAW_PREFETCH
    baseline["raw_consumer_pool"] = RAW_POOL
    if raw.handled < len(bodies):
        summary.lines.append(f"!! raw consumer handled only {raw.handled} of {len(bodies)}")


@dataclass
class Stage:
    """The producing service (this process: use cases + relay) and the consuming one (child)."""

    options: Options
    child: ConsumerProcess
    source_db: Database
    relay: Bus
    sink: Any  # asyncpg connections, for counting and reading results
    source: Any
    dump: Path

    @classmethod
    async def open(
        cls, options: Options, resources: Resources, source_url: str, sink_url: str
    ) -> Stage:
        """Start the consumer process; prepare (not start) the relay."""
        assert resources.temp_dir is not None
        dump = resources.temp_dir / "handler-commits.json"
        child = await ConsumerProcess.start(sink_url, resources.prefix, dump, options.loop)
        source_db = Database(source_url)
        relay = Bus(
            settings=bus_settings(
                SOURCE, source_url, resources.prefix, await publisher_url(resources.prefix)
            ),
            database=source_db,
            handlers=HandlerRegistry(SOURCE),  # the producing service consumes nothing
        )
        sink = await asyncpg.connect(asyncpg_dsn(sink_url))
        source = await asyncpg.connect(asyncpg_dsn(source_url))
        return cls(options, child, source_db, relay, sink, source, dump)

    async def close(self) -> None:
        """Stop everything this stage started."""
        await self.child.stop()
        self.child.kill()
        await self.sink.close()
        await self.source.close()
        await self.relay.stop()
        await self.source_db.dispose()

    async def measure_max_rate(self, summary: Summary) -> None:
        """3: the outbox is filled first, then the relay starts; until every effect is in."""
        figures, events = summary.figures, self.options.events
        figures.update({f"consumer_{k}": float(v) for k, v in self.child.settings.items()})
        started = time.perf_counter()
        await fill_outbox(self.source_db, 0, events, per_transaction=250)
        figures["outbox_fill_per_s"] = events / (time.perf_counter() - started)

        # Connected first, so that t0 is the relay's start and not the broker handshake.
        self.relay.relay_transport.start()
        await asyncio.wait_for(self.relay.relay_transport.connection(), 30)
        cpu_relay, cpu_consumer = time.process_time(), cpu_seconds(self.child.pid)
        machine = machine_ticks()
        t0 = time.time()
        self.relay.relay.start()
        handled = await wait_for_count(self.sink, "bench_effects", events, within=90)
        cpu_relay_end, cpu_consumer_end = time.process_time(), cpu_seconds(self.child.pid)
        figures["chassis_machine_busy_pct"] = busy_percent(machine, machine_ticks())
        last_handled = float(await self.sink.fetchval("SELECT max(handled_at) FROM bench_effects"))
        last_published = float(
            await self.source.fetchval("SELECT extract(epoch FROM max(published_at)) FROM outbox")
        )
        figures["chassis_events"] = events
        figures["chassis_lost"] = events - handled
        figures["chassis_events_per_s"] = handled / (last_handled - t0)
        figures["relay_published_per_s"] = events / (last_published - t0)
        tail = int(
            await self.sink.fetchval(
                "SELECT count(*) FROM bench_effects WHERE handled_at > $1", last_published
            )
        )
        if last_handled > last_published and tail > 100:
            figures["consumer_alone_per_s"] = tail / (last_handled - last_published)
        figures["relay_cpu_ms_per_event"] = (cpu_relay_end - cpu_relay) * 1000 / events
        figures["consumer_cpu_ms_per_event"] = cpu_ms_per(cpu_consumer, cpu_consumer_end, events)
        if handled < events:
            summary.lines.append(f"!! only {handled} of {events} events handled within 90 s")

    async def measure_live_max(self, summary: Summary) -> None:
        """4: the max with the producers' use cases committing at the same time, flat out.

        The rate from a filled outbox leaves out the producing service's own work, which on
        two cores competes with the relay, the consumer and both servers: the latency run
        pays for it, so its "half of the maximum" is half of this one.
        """
        figures = summary.figures
        first = int(await self.sink.fetchval("SELECT count(*) FROM bench_effects"))
        machine = machine_ticks()
        t0 = time.time()
        produced = await produce_flat_out(
            self.source_db,
            self.relay.outbox_written.set,
            seconds=LIVE_SECONDS,
            first=first,
            producers=LIVE_PRODUCERS,
            per_transaction=LIVE_PER_TRANSACTION,
        )
        t1 = time.time()
        figures["live_machine_busy_pct"] = busy_percent(machine, machine_ticks())
        handled = await wait_for_count(self.sink, "bench_effects", first + produced, within=90)
        # Handled within the window, after a second's warm-up: what the whole chain sustains.
        in_window = int(
            await self.sink.fetchval(
                "SELECT count(*) FROM bench_effects WHERE handled_at BETWEEN $1 AND $2", t0 + 1, t1
            )
        )
        figures["live_produced_per_s"] = produced / (t1 - t0)
        figures["live_max_per_s"] = in_window / (t1 - t0 - 1)
        figures["live_lost"] = first + produced - handled
        if handled < first + produced:
            summary.lines.append(f"!! {first + produced - handled} live events not handled in 90 s")

    async def measure_latency(self, summary: Summary) -> None:
        """5: paced commits at ½ (or a given fraction) of the live max, each waking the relay."""
        figures = summary.figures
        already = int(await self.sink.fetchval("SELECT count(*) FROM bench_effects"))
        rate = figures["live_max_per_s"] * self.options.latency_fraction
        cpu_main, cpu_consumer = time.process_time(), cpu_seconds(self.child.pid)
        machine = machine_ticks()
        paced = await produce_paced(
            self.source_db,
            self.relay.outbox_written.set,
            rate=rate,
            seconds=self.options.latency_seconds,
            first=already,
            tick=self.options.tick,
        )
        sent = len(paced.committed)
        figures["latency_machine_busy_pct"] = busy_percent(machine, machine_ticks())
        total = await wait_for_count(self.sink, "bench_effects", already + sent, within=60)
        cpu_main_end, cpu_consumer_end = time.process_time(), cpu_seconds(self.child.pid)
        await self.child.stop()
        commits: dict[str, float] = json.loads(await asyncio.to_thread(self.dump.read_text))
        rows = await self.source.fetch(
            "SELECT id, extract(epoch FROM created_at) AS created,"
            " extract(epoch FROM published_at) AS published FROM outbox"
        )
        latencies, from_created, to_published = [], [], []
        for row in rows:
            key = row["id"].hex
            if key not in paced.committed:
                continue
            committed = paced.committed[key]
            if row["published"] is not None:
                to_published.append((float(row["published"]) - committed) * 1000)
            if key in commits:
                latencies.append((commits[key] - committed) * 1000)
                from_created.append((commits[key] - float(row["created"])) * 1000)
        figures["latency_rate_per_s"] = rate
        figures["latency_rate_fraction_of_max"] = self.options.latency_fraction
        figures["latency_achieved_per_s"] = sent / paced.seconds
        figures["latency_events"] = sent
        figures["latency_events_per_transaction"] = sent / max(paced.transactions, 1)
        figures["latency_lost"] = sent - len(latencies)
        figures["latency_p50_ms"] = percentile(latencies, 0.50)
        figures["latency_p99_ms"] = percentile(latencies, 0.99)
        figures["latency_max_ms"] = max(latencies, default=math.nan)
        figures["latency_from_created_p50_ms"] = percentile(from_created, 0.50)
        figures["latency_from_created_p99_ms"] = percentile(from_created, 0.99)
        figures["commit_to_published_p50_ms"] = percentile(to_published, 0.50)
        figures["commit_to_published_p99_ms"] = percentile(to_published, 0.99)
        figures["latency_producer_cpu_ms_per_event"] = (
            (cpu_main_end - cpu_main) * 1000 / max(sent, 1)
        )
        figures["latency_consumer_cpu_ms_per_event"] = cpu_ms_per(
            cpu_consumer, cpu_consumer_end, sent
        )
        if total < already + sent:
            summary.lines.append(f"!! {already + sent - total} paced events had no effect in 60 s")


def describe(options: Options, summary: Summary) -> list[str]:
    """The human-readable lines: each figure beside its baseline."""
    f, b, target = summary.figures, summary.baseline, summary.target()
    get = f.get

    def pct(value: float, of: float) -> str:
        return f"{100 * value / of:.0f}%" if of and not math.isnan(of) else "n/a"

    rate = get("chassis_events_per_s", math.nan)
    lines = [
        f"bus benchmark on {os.cpu_count()} cores, {options.loop} event loop in both processes;"
        " producer + relay in this process, consumer service in a child process",
        f"chassis settings: prefetch {get('consumer_bus_prefetch', math.nan):.0f},"
        f" lanes {get('consumer_bus_concurrency', math.nan):.0f},"
        f" batch {get('consumer_bus_batch', math.nan):.0f},"
        f" relay batch {get('consumer_relay_batch', math.nan):.0f},"
        f" relay poll {get('consumer_relay_poll_seconds', math.nan)} s",
        "",
        f"raw publish, confirms in batches of {RAW_BATCH}  {b['raw_publish_per_s']:8.0f} msg/s"
        f"   ({b['raw_messages']:.0f} persistent messages, quorum queue)",
        f"chassis relay, outbox → broker           {get('relay_published_per_s', math.nan):8.0f}"
        f" events/s  ({pct(get('relay_published_per_s', math.nan), b['raw_publish_per_s'])}"
        f" of raw publish; {get('relay_cpu_ms_per_event', math.nan):.2f} ms CPU/event)",
        "",
        f"raw consumer, asyncpg + ack                {b['raw_consumer_per_s']:8.0f} msg/s"
        f"   (prefetch {RAW_PREFETCH}, pool {RAW_POOL};"
        f" {b['raw_consumer_cpu_ms_per_message']:.2f} ms CPU/msg)",
        f"chassis outbox commit → handler commit   {rate:8.0f} events/s"
        f"  ({pct(rate, b['raw_consumer_per_s'])} of raw consumer;"
        f" target ≥ {target['events_per_s_min']:.0f}; {get('chassis_events', 0):.0f} events,"
        " outbox filled first)",
        f"   consumer CPU {get('consumer_cpu_ms_per_event', math.nan):.2f} ms/event;"
        f" consumer alone once the relay was done"
        f" {get('consumer_alone_per_s', math.nan):.0f} events/s;"
        f" outbox filled at {get('outbox_fill_per_s', math.nan):.0f} events/s;"
        f" machine {get('chassis_machine_busy_pct', math.nan):.0f}% busy",
        f"chassis with the producers live             {get('live_max_per_s', math.nan):8.0f}"
        f" events/s  ({LIVE_PRODUCERS} use cases committing {LIVE_PER_TRANSACTION} events a"
        f" time flat out for {LIVE_SECONDS:g} s, {get('live_produced_per_s', math.nan):.0f}/s"
        f" committed; machine {get('live_machine_busy_pct', math.nan):.0f}% busy)",
        "",
        f"latency at {get('latency_rate_per_s', math.nan):.0f} events/s"
        f" ({options.latency_fraction:g} × the live max;"
        f" achieved {get('latency_achieved_per_s', math.nan):.0f}/s,"
        f" {get('latency_events', 0):.0f} events,"
        f" {get('latency_events_per_transaction', math.nan):.1f} per transaction):",
        f"   producer commit → handler commit    p50 {get('latency_p50_ms', math.nan):6.1f} ms"
        f"   p99 {get('latency_p99_ms', math.nan):6.1f} ms   max"
        f" {get('latency_max_ms', math.nan):6.1f} ms   (target p99 < {P99_MS_MAX:.0f} ms)",
        f"   outbox created_at → handler commit  p50"
        f" {get('latency_from_created_p50_ms', math.nan):6.1f} ms"
        f"   p99 {get('latency_from_created_p99_ms', math.nan):6.1f} ms",
        f"   producer commit → relay marked sent p50"
        f" {get('commit_to_published_p50_ms', math.nan):6.1f} ms"
        f"   p99 {get('commit_to_published_p99_ms', math.nan):6.1f} ms",
        f"   CPU per event: producer + relay"
        f" {get('latency_producer_cpu_ms_per_event', math.nan):.2f} ms,"
        f" consumer {get('latency_consumer_cpu_ms_per_event', math.nan):.2f} ms;"
        f" machine {get('latency_machine_busy_pct', math.nan):.0f}% busy",
    ]
    if options.latency_fraction != 0.5:
        lines.append("!! the p99 target is defined at half the max rate: `met` is false")
    if get("chassis_lost", 0) or get("live_lost", 0) or get("latency_lost", 0):
        lines.append(
            f"!! events without effect: {get('chassis_lost', 0):.0f} (max rate),"
            f" {get('live_lost', 0):.0f} (live max), {get('latency_lost', 0):.0f} (latency)"
        )
    return lines


async def main_async(options: Options) -> Summary:
    """Measure, always clean up, and say what could not be cleaned."""
    resources = Resources(uuid.uuid4().hex[:8])
    summary = Summary()
    await cleaning_up(measure(options, resources, summary), resources, summary)
    return summary


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line of both roles."""
    parser = argparse.ArgumentParser(prog="python -m bench.bus", description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000, help="events for the max rate")
    parser.add_argument("--raw-messages", type=int, default=20_000, help="messages per baseline")
    parser.add_argument("--latency-seconds", type=float, default=20.0, help="paced phase length")
    parser.add_argument(
        "--latency-fraction",
        type=float,
        default=0.5,
        help="paced rate as a fraction of the measured max (the target is defined at 0.5)",
    )
    parser.add_argument("--tick", type=float, default=0.005, help="producer's pacing tick (s)")
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    parser.add_argument("--serve-consumer", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--prefix", help=argparse.SUPPRESS)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Print each figure beside its baseline; the last line is the JSON summary."""
    args = parse(argv)
    if args.serve_consumer:
        run(serve_consumer(args.database_url, args.prefix, args.dump), args.loop)
        return
    options = Options(
        events=args.events,
        raw_messages=args.raw_messages,
        latency_seconds=args.latency_seconds,
        tick=args.tick,
        loop=args.loop,
        latency_fraction=args.latency_fraction,
    )
    summary = run(main_async(options), options.loop)
    summary.print_report(describe(options, summary))


if __name__ == "__main__":
    main()
