"""The broker's shape: names under the prefix, quorum queues with limits, definitions current."""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Awaitable, Callable
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from chassis.bus import Topology
from chassis.bus.__main__ import DEFINITIONS, current_definitions, declare
from chassis.bus.topology import declare_service_queue, definitions
from chassis.bus.users import delete_provisioned, provision
from tests.conftest import BUS_URL, delete_broker_objects, wait_until


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
    # Declared with what never changes; the limits are a policy's.
    assert queues["shijian.supervision.events"] == {
        "x-queue-type": "quorum",
        "x-single-active-consumer": True,
    }
    policies = {p["name"]: p for p in document["policies"]}
    assert set(policies) == {"shijian.supervision.events"}
    assert policies["shijian.supervision.events"]["pattern"] == r"^shijian\.supervision\.events$"
    assert policies["shijian.supervision.events"]["definition"] == {
        "delivery-limit": 5,
        "dead-letter-exchange": "shijian.dlx",
        "dead-letter-routing-key": "shijian.supervision.events.dlq",
        "dead-letter-strategy": "at-least-once",
        "overflow": "reject-publish",
        "max-length": 1_000_000,
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


def rabbitmqctl_rows(*command: str) -> list[list[str]]:
    """The tab-separated rows `rabbitmqctl` lists."""
    listed = subprocess.run(
        ["rabbitmqctl", "-q", *command, "--no-table-headers"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return [line.split("\t") for line in listed.splitlines()]


def effective_policy(queue: str) -> dict[str, Any]:
    """The definition of the policy the broker applies to `queue` ({} if none)."""
    applied = {name: policy for name, policy in rabbitmqctl_rows("list_queues", "name", "policy")}
    definitions = {row[1]: row[4] for row in rabbitmqctl_rows("list_policies") if len(row) > 4}
    return dict(json.loads(definitions.get(applied[queue], "{}")))


async def test_a_changed_limit_is_a_policy_change_and_redeclaring_never_fails(
    bus_prefix: str,
) -> None:
    prefix = f"{bus_prefix}-policy"
    consumed = {"supervision": ["licensing.licence.issued.v1"]}
    passwords = {"supervision": "test-policy"}
    try:
        await asyncio.to_thread(provision, BUS_URL, Topology(prefix), passwords, consumed)
        await declare(BUS_URL, Topology(prefix))
        queue = Topology(prefix).queue("supervision")
        await wait_until(lambda: _true(effective_policy(queue).get("delivery-limit") == 5))
        raised = Topology(prefix, delivery_limit=7, max_length=5000)
        await asyncio.to_thread(provision, BUS_URL, raised, passwords, consumed)
        # A process of the new version declares its queue again: no 406 PRECONDITION_FAILED.
        await declare(BUS_URL, raised)
        await wait_until(lambda: _true(effective_policy(queue).get("delivery-limit") == 7))
        assert effective_policy(queue)["max-length"] == 5000
        assert effective_policy(queue)["overflow"] == "reject-publish"
    finally:
        await delete_broker_objects(prefix)
    assert await asyncio.to_thread(delete_provisioned, BUS_URL, prefix) == 0


async def test_one_consumer_of_a_queue_is_active_and_another_takes_over(bus_prefix: str) -> None:
    """Two replicas of a service consume its queue: one at a time, so one subject's events
    are handled in order; when it goes, the other takes over."""
    topology = Topology(f"{bus_prefix}-sac")
    connection = await aio_pika.connect(BUS_URL)
    try:
        async with connection:
            channel = await connection.channel(publisher_confirms=True)
            queue = await declare_service_queue(channel, topology, "supervision", ["sample.#"])
            events = await channel.get_exchange(topology.exchange)
            received: dict[str, list[int]] = {"first": [], "second": []}

            def taking(replica: str) -> Callable[[AbstractIncomingMessage], Awaitable[None]]:
                async def take(message: AbstractIncomingMessage) -> None:
                    received[replica].append(int(message.body))
                    await message.ack()

                return take

            first = await queue.consume(taking("first"))
            second_channel = await connection.channel()
            second_queue = await second_channel.get_queue(topology.queue("supervision"))
            await second_queue.consume(taking("second"))
            for number in range(10):
                await events.publish(aio_pika.Message(str(number).encode()), "sample.a")
            await wait_until(lambda: _true(len(received["first"]) == 10))
            await queue.cancel(first)
            for number in range(10, 20):
                await events.publish(aio_pika.Message(str(number).encode()), "sample.a")
            await wait_until(lambda: _true(len(received["second"]) == 10))
    finally:
        await delete_broker_objects(topology.prefix)
    assert received == {"first": list(range(10)), "second": list(range(10, 20))}


async def _true(value: bool) -> bool:
    return value
