"""The broker's shape: names under the prefix, quorum queues with limits, definitions current."""

from __future__ import annotations

import json
from collections.abc import Awaitable

import aio_pika

from chassis.bus import Topology
from chassis.bus.__main__ import DEFINITIONS, current_definitions, declare
from chassis.bus.topology import definitions
from tests.conftest import BUS_URL, wait_until


def test_committed_definitions_are_current() -> None:
    assert DEFINITIONS.read_text(encoding="utf-8") == current_definitions(), (
        "deploy/rabbitmq/definitions.json is stale: run python -m chassis.bus definitions"
    )


def test_every_name_carries_the_prefix_and_queues_are_bounded() -> None:
    topology = Topology("shijian", delivery_limit=5)
    document = definitions(topology, {"supervision": ["licensing.licence.issued.v1"], "qms": []})
    names = [q["name"] for q in document["queues"]] + [x["name"] for x in document["exchanges"]]
    assert all(name.startswith("shijian.") for name in names)
    queues = {q["name"]: q["arguments"] for q in document["queues"]}
    assert queues["shijian.supervision.events"] == {
        "x-queue-type": "quorum",
        "x-delivery-limit": 5,
        "x-dead-letter-exchange": "shijian.dlx",
        "x-dead-letter-routing-key": "shijian.supervision.events.dlq",
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }
    assert queues["shijian.supervision.events.dlq"] == {"x-queue-type": "quorum"}
    assert "shijian.qms.events" not in queues  # a service with no handler has no queue
    exchanges = {x["name"]: x for x in document["exchanges"]}
    assert exchanges["shijian.events"]["type"] == "topic"
    assert exchanges["shijian.events"]["arguments"] == {
        "alternate-exchange": "shijian.events.unrouted"
    }
    bindings = {(b["source"], b["destination"], b["routing_key"]) for b in document["bindings"]}
    assert ("shijian.events", "shijian.supervision.events", "licensing.licence.issued.v1") in (
        bindings
    )
    assert json.loads(json.dumps(document)) == document


async def test_declared_platform_keeps_what_is_published_before_any_consumer_starts(
    bus_prefix: str,
) -> None:
    """`make migrate` declares every queue: a licence issued while supervision is still
    starting waits in supervision's queue, not in the unrouted one."""
    topology = Topology(f"{bus_prefix}-declared")
    await declare(BUS_URL, topology)
    connection = await aio_pika.connect(BUS_URL)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        events = await channel.get_exchange(topology.exchange)
        message = aio_pika.Message(b"{}", delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
        await events.publish(message, routing_key="licensing.licence.issued.v1")

        async def held(name: str) -> int:
            queue = await channel.declare_queue(name, passive=True)
            return queue.declaration_result.message_count or 0

        await wait_until(lambda: _nonzero(held(topology.queue("supervision"))), within=10)
        assert await held(topology.queue("qms")) == 1  # qms's journal takes every event
        assert await held(topology.queue("enforcement")) == 0  # it does not consume licences
        assert await held(topology.unrouted) == 0


async def _nonzero(count: Awaitable[int]) -> bool:
    return await count > 0
