"""A three-node RabbitMQ cluster of the tests' own, under BUS_URL listing its nodes.

A process connects to the first node that answers and moves to the next when its connection
is lost; with the queue replicated on all three nodes, a node killed, then another stopped
(never two down at once) costs no event and applies none twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from chassis.brokers import address, with_user
from chassis.bus import Topology
from chassis.bus.transport import connect
from chassis.bus.users import broker_user, delete_provisioned
from chassis.db import Database
from chassis.platform import PROCESSES
from tests.bus.harness import (
    Broker,
    Fleet,
    History,
    WorkerConfig,
    consumer_attached,
    deliveries_logged,
    effect_counts,
    emit_samples,
    own_broker,
    queue_consumers,
    source_relay,
    unsent,
    wait_for_effects,
)
from tests.conftest import wait_until
from tests.servers import RabbitNode, broker_urls, rabbit_nodes

pytestmark = pytest.mark.timeout(300)
BACK_WITHIN_SECONDS = 30.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[list[RabbitNode]]:
    """Three own RabbitMQ nodes in one cluster, for this module's tests."""
    with rabbit_nodes(3, clustered=True) as nodes:
        yield nodes


@pytest.fixture
def broker(cluster: list[RabbitNode]) -> Iterator[Broker]:
    """The cluster as a BUS_URL lists it; every node running again after the test."""
    yield own_broker(cluster)
    for node in cluster:
        node.restore()


async def steady_flow(source: Database, committed: list[uuid.UUID], stop: asyncio.Event) -> None:
    """Commit 20 samples every 0.2 s at the source until `stop` (about 100 events a second)."""
    while not stop.is_set():
        committed += await emit_samples(source, 20, per_transaction=20, start=len(committed))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.2)


async def applied(sink: Database) -> int:
    """Effect rows at the consumer."""
    return sum((await effect_counts(sink)).values())


async def consumer_back(sink: Database, prefix: str, broker: Broker) -> float:
    """Seconds until the consumer applies events again (new effects, a consumer on the queue)."""
    started = time.monotonic()
    before = await applied(sink)

    async def applying() -> bool:
        if await applied(sink) <= before:
            return False
        try:
            return await queue_consumers(prefix, "sink", broker) >= 1
        except ConnectionError:
            return False

    await wait_until(applying, within=BACK_WITHIN_SECONDS + 5, interval=0.2)
    return time.monotonic() - started


def queue_members(node: RabbitNode, queue: str) -> list[str]:
    """The nodes a quorum queue is replicated on."""
    for line in node.ctl("list_queues", "name", "members", "--no-table-headers").splitlines():
        name, _, members = line.partition("\t")
        if name == queue:
            return [m.strip(" []'\"") for m in members.split(",") if m.strip(" []'\"")]
    raise AssertionError(f"no queue {queue} on {node.node}")


async def test_the_relay_moves_to_the_next_node_when_its_node_stops(
    cluster: list[RabbitNode],
    broker: Broker,
    databases: tuple[Database, Database],
    prefix: str,
    fleet: Fleet,
    tmp_path: Path,
) -> None:
    source, sink = databases
    first, second = cluster[0], cluster[1]
    fleet.start(WorkerConfig("sink", sink.url, prefix, str(tmp_path / "sink.log"), broker=broker))
    # Its queue exists once it is attached: events published before would go unrouted.
    await consumer_attached(prefix, broker=broker)
    async with source_relay(source, prefix, broker) as relay:
        link = relay.relay_transport

        async def connected() -> bool:
            return link.is_up

        await wait_until(connected, within=30)
        assert link.broker == address(first.url), "not on the first node listed"
        committed = await emit_samples(source, 200)
        await asyncio.to_thread(first.stop_app)

        async def moved() -> bool:
            return link.is_up and link.broker == address(second.url)

        await wait_until(moved, within=BACK_WITHIN_SECONDS)
        committed += await emit_samples(source, 200, start=200)
        counts = await wait_for_effects(sink, set(committed), within=60)
        sent_all = await unsent(source) == 0
    history = History(committed, counts)
    assert history.lost == [], history.summary()
    assert history.duplicate_effects == [], history.summary()
    assert sent_all, "the relay left rows unsent"


async def test_a_node_killed_and_another_stopped_lose_nothing_and_apply_nothing_twice(
    cluster: list[RabbitNode],
    broker: Broker,
    databases: tuple[Database, Database],
    prefix: str,
    fleet: Fleet,
    tmp_path: Path,
) -> None:
    source, sink = databases
    log = tmp_path / "sink.log"
    fleet.start(WorkerConfig("sink", sink.url, prefix, str(log), broker=broker))
    await consumer_attached(prefix, broker=broker)
    committed: list[uuid.UUID] = []
    stop = asyncio.Event()
    back: list[float] = []
    async with source_relay(source, prefix, broker) as relay:
        link = relay.relay_transport

        async def on(node: RabbitNode) -> None:
            async def there() -> bool:
                return link.is_up and link.broker == address(node.url)

            await wait_until(there, within=BACK_WITHIN_SECONDS)

        flowing = asyncio.create_task(steady_flow(source, committed, stop))
        queue = Topology(prefix).queue("sink")
        assert sorted(queue_members(cluster[2], queue)) == sorted(n.node for n in cluster)
        # Every process is on the first node listed: kill it, without a goodbye to anyone.
        await on(cluster[0])
        await asyncio.to_thread(cluster[0].kill)
        back.append(await consumer_back(sink, prefix, broker))
        await on(cluster[1])
        await asyncio.to_thread(cluster[0].start)
        # The processes moved to the second node: stop it (the first is back: one down at a
        # time, so the queue keeps its majority).
        await asyncio.to_thread(cluster[1].stop_app)
        back.append(await consumer_back(sink, prefix, broker))
        await on(cluster[2])
        await asyncio.to_thread(cluster[1].start_app)
        back.append(await consumer_back(sink, prefix, broker))
        stop.set()
        await flowing
        counts = await wait_for_effects(sink, set(committed), within=90)
    history = History(committed, counts, deliveries_logged(log) - len(counts))
    assert len(committed) > 500, history.summary()
    assert history.lost == [], history.summary()
    assert history.duplicate_effects == [], history.summary()
    assert max(back) < BACK_WITHIN_SECONDS, back


async def test_provision_through_a_node_makes_users_every_node_takes(
    cluster: list[RabbitNode], prefix: str, tmp_path: Path
) -> None:
    # The cluster's nodes have no management API: `--node` provisions through rabbitmqctl.
    passwords = {
        process.name: f"test-{process.name}-{uuid.uuid4().hex[:6]}" for process in PROCESSES
    }
    users = tmp_path / "bus-users.json"
    users.write_text(json.dumps(passwords), encoding="utf-8")
    env = os.environ | {"BUS_URL": broker_urls(cluster), "BUS_PREFIX": prefix}
    command = ["provision", "--users", str(users), "--node", cluster[0].node]
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "chassis.bus", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    try:
        assert done.returncode == 0, done.stderr
        user = broker_user(prefix, "licensing")
        # Made on the cluster: the last node lets the user in with its password.
        connection = await connect(with_user(cluster[2].url, user, passwords["licensing"]))
        await connection.close()
    finally:
        await asyncio.to_thread(delete_provisioned, cluster[0].url, prefix, node=cluster[0].node)
