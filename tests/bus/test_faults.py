"""Under kills, crashes at every point, broker restarts and a database outage: nothing lost, nothing
done twice.

Each test keeps a history: the events committed at the source, the effect rows at the consumer
and the deliveries the consumers logged; lost and duplicate effects must be 0. A test that stops
a server stops one of its own (tests/servers.py), never the machine's.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aio_pika
import pytest

from chassis.bus import Topology
from chassis.bus.users import broker_user
from chassis.db import Database
from contracts import Envelope
from tests.bus.harness import (
    MACHINE_BROKER,
    Broker,
    Fleet,
    History,
    WorkerConfig,
    consumer_attached,
    database_maker,
    deliveries_logged,
    drain_queue,
    effect_counts,
    emit_samples,
    own_broker,
    prepare_database,
    publishing_connection,
    source_relay,
    unsent,
    wait_for_effects,
)
from tests.bus.probe import SampleRecorded
from tests.conftest import BUS_URL, wait_until
from tests.servers import PostgresServer, RabbitNode

pytestmark = pytest.mark.timeout(300)


async def test_consumer_killed_twice_during_5000_events(
    databases: tuple[Database, Database], prefix: str, fleet: Fleet, tmp_path: Path
) -> None:
    source, sink = databases
    log = tmp_path / "sink.log"
    config = WorkerConfig("sink", sink.url, prefix, str(log))
    consumer = fleet.start(config)
    await consumer_attached(prefix)
    async with source_relay(source, prefix):
        emitting = asyncio.create_task(emit_samples(source, 5000, per_transaction=100))
        for threshold in (1000, 3000):

            async def reached(threshold: int = threshold) -> bool:
                return sum((await effect_counts(sink)).values()) >= threshold

            await wait_until(reached, within=120)
            consumer.kill()
            consumer.join(10)
            consumer = fleet.start(config)
        committed = await emitting
        counts = await wait_for_effects(sink, set(committed), within=180)
    history = History(committed, counts, deliveries_logged(log) - len(counts))
    assert len(committed) == 5000
    assert history.lost == [], history.summary()
    assert history.duplicate_effects == [], history.summary()


@pytest.mark.parametrize(
    "point",
    [
        "consumer.before_commit",
        "consumer.after_commit_before_ack",
        "relay.after_publish_before_mark",
    ],
)
async def test_each_crash_point_fifty_times(
    point: str, databases: tuple[Database, Database], prefix: str, fleet: Fleet, tmp_path: Path
) -> None:
    source, sink = databases
    crashes_wanted = 50
    relay_crashes = point.startswith("relay")
    sink_log = tmp_path / "sink.log"
    # A crash returns every prefetched delivery to the queue and the broker counts it as a
    # delivery: fifty crashes in a row would dead-letter innocent events, which is what the
    # limit is for in production. Here the limit is raised so the test sees only the crash path.
    sink_config = WorkerConfig(
        "sink",
        sink.url,
        prefix,
        str(sink_log),
        prefetch=4,
        delivery_limit=100,
        crash_point=None if relay_crashes else point,
        crash_probability=0.1,
    )
    relay_config = WorkerConfig(
        "source",
        source.url,
        prefix,
        str(tmp_path / "source.log"),
        consume=False,
        delivery_limit=100,  # the broker's limit is one policy per prefix: the same for all
        crash_point=point if relay_crashes else None,
        crash_probability=0.3,
    )
    crashing_config = relay_config if relay_crashes else sink_config
    steady_config = sink_config if relay_crashes else relay_config
    fleet.start(steady_config)
    crashing = fleet.start(crashing_config)
    await consumer_attached(prefix)
    committed: list[uuid.UUID] = []
    crashes = 0
    deadline = time.monotonic() + 240
    while crashes < crashes_wanted and time.monotonic() < deadline:
        # Feed a trickle of events, so the crash point keeps being reached.
        committed += await emit_samples(source, 20, per_transaction=5, start=len(committed))
        await asyncio.sleep(0.05)
        if not crashing.is_alive():
            crashing.join()
            assert crashing.exitcode == -9, f"worker ended with {crashing.exitcode}, not SIGKILL"
            crashes += 1
            crashing = fleet.start(crashing_config)
    assert crashes == crashes_wanted, f"only {crashes} crashes in time"
    crashing_config = WorkerConfig(**{**crashing_config.__dict__, "crash_point": None})
    crashing.kill()
    crashing.join()
    fleet.start(crashing_config)
    counts = await wait_for_effects(sink, set(committed), within=120)
    history = History(committed, counts, deliveries_logged(sink_log) - len(counts))
    assert history.lost == [], history.summary()
    assert history.duplicate_effects == [], history.summary()
    assert history.redundant_deliveries > 0, f"the crash path did not run: {history.summary()}"
    assert await unsent(source) == 0


async def test_two_relays_on_one_outbox_publish_each_row_once(
    databases: tuple[Database, Database], prefix: str
) -> None:
    source, _ = databases
    audit = f"{prefix}.audit"
    connection = await aio_pika.connect(BUS_URL)
    try:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(
            Topology(prefix).exchange,
            aio_pika.ExchangeType.TOPIC,
            durable=True,
            arguments={"alternate-exchange": Topology(prefix).unrouted},
        )
        queue = await channel.declare_queue(audit, durable=True)
        await queue.bind(exchange, SampleRecorded.routing_key())
        second = Database(source.url)
        async with source_relay(source, prefix), source_relay(second, prefix):
            committed = await emit_samples(source, 3000, per_transaction=50)

            async def all_sent() -> bool:
                return await unsent(source) == 0

            await wait_until(all_sent, within=60)
        await second.dispose()
        published: list[uuid.UUID] = []

        async def all_arrived() -> bool:
            published.extend(uuid.UUID(m.message_id or "") for m in await drain_queue(audit))
            return len(published) >= len(committed)

        await wait_until(all_arrived, within=30)
        await asyncio.sleep(0.5)
        published.extend(uuid.UUID(m.message_id or "") for m in await drain_queue(audit))
        await queue.delete(if_unused=False, if_empty=False)
    finally:
        await connection.close()
    assert sorted(published) == sorted(committed), "a row was published twice or left behind"


async def test_broker_stopped_and_started_three_times(
    databases: tuple[Database, Database],
    prefix: str,
    fleet: Fleet,
    tmp_path: Path,
    own_rabbit: RabbitNode,
) -> None:
    source, sink = databases
    broker = own_broker([own_rabbit])
    log = tmp_path / "sink.log"
    fleet.start(WorkerConfig("sink", sink.url, prefix, str(log), broker=broker))
    await consumer_attached(prefix, broker=broker)
    reattached: list[float] = []
    committed: list[uuid.UUID] = []
    restarted = asyncio.Event()

    async def trickle() -> None:
        # Events keep coming until the last restart, so that each restart cuts into a flow
        # (a fixed batch could be all applied before the third, leaving nothing to progress).
        while not restarted.is_set():
            committed.extend(
                await emit_samples(source, 20, per_transaction=10, start=len(committed))
            )
            await asyncio.sleep(0.05)

    async with source_relay(source, prefix, broker):
        emitting = asyncio.create_task(trickle())
        for _ in range(3):

            async def some_progress(
                before: int = sum((await effect_counts(sink)).values()),
            ) -> bool:
                return sum((await effect_counts(sink)).values()) > before

            await wait_until(some_progress, within=60)
            await asyncio.to_thread(own_rabbit.stop_app)
            await asyncio.sleep(2)
            await asyncio.to_thread(own_rabbit.start_app)
            reattached.append(await consumer_attached(prefix, within=30, broker=broker))
        restarted.set()
        await emitting
        counts = await wait_for_effects(sink, set(committed), within=120)
    history = History(committed, counts, deliveries_logged(log) - len(counts))
    assert len(reattached) == 3 and max(reattached) < 30, reattached
    assert history.lost == [], history.summary()
    assert history.duplicate_effects == [], history.summary()


async def publish_samples(
    prefix: str, count: int, start: int, pace: float, broker: Broker = MACHINE_BROKER
) -> list[uuid.UUID]:
    """Publish envelopes straight to the exchange (the producer is elsewhere); their ids."""
    ids = []
    connection = await publishing_connection(prefix, broker)
    try:
        channel = await connection.channel()
        exchange = await channel.get_exchange(Topology(prefix).exchange)
        for n in range(start, start + count):
            envelope = Envelope.wrap(
                SampleRecorded(key=f"k{n % 31}", n=n), source="probe", sequence=n
            )
            await exchange.publish(
                aio_pika.Message(
                    envelope.to_json(),
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    message_id=str(envelope.id),
                    user_id=broker_user(prefix, "probe"),
                ),
                routing_key=SampleRecorded.routing_key(),
            )
            ids.append(envelope.id)
            await asyncio.sleep(pace)
    finally:
        await connection.close()
    return ids


@pytest.fixture
async def own_sink(own_postgres: PostgresServer) -> AsyncIterator[Database]:
    """The consumer's database, on a PostgreSQL server of the test's own."""
    sink = Database(await prepare_database(database_maker(own_postgres), "sink"))
    yield sink
    await sink.dispose()


async def test_database_stopped_for_20_seconds_pauses_consumption(
    own_sink: Database, own_postgres: PostgresServer, prefix: str, fleet: Fleet, tmp_path: Path
) -> None:
    fleet.start(WorkerConfig("sink", own_sink.url, prefix, str(tmp_path / "sink.log")))
    await consumer_attached(prefix)
    committed = await publish_samples(prefix, 100, 0, 0)
    await asyncio.to_thread(own_postgres.stop)
    # Events keep arriving for the 20 seconds the database is away.
    committed += await publish_samples(prefix, 200, 100, 0.1)
    await asyncio.to_thread(own_postgres.start)
    committed += await publish_samples(prefix, 100, 300, 0)
    counts = await wait_for_effects(own_sink, set(committed), within=120)
    history = History(committed, counts)
    assert history.lost == [], history.summary()
    assert history.duplicate_effects == [], history.summary()
    assert await drain_queue(Topology(prefix).dead_letter_queue("sink")) == []
