"""The broker's shape: names under the bus prefix, queue arguments, and definitions.json."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chassis.bus.transport import (
    Channel,
    Exchange,
    ExchangeType,
    IncomingMessage,
    Message,
    Queue,
    persistent_message,
)


@dataclass(frozen=True)
class Topology:
    """Every exchange and queue name of one bus prefix, one service's queue arguments and the
    policy that limits its queue."""

    prefix: str
    delivery_limit: int = 5
    # Past this many ready events the broker refuses publishes (the outbox keeps them).
    max_length: int = 1_000_000

    @property
    def exchange(self) -> str:
        """The topic exchange every event is published to."""
        return f"{self.prefix}.events"

    @property
    def unrouted(self) -> str:
        """Alternate exchange and queue catching what no queue is bound to (nothing is dropped)."""
        return f"{self.prefix}.events.unrouted"

    @property
    def dead_letter_exchange(self) -> str:
        """The direct exchange dead letters go through to their service's DLQ."""
        return f"{self.prefix}.dlx"

    def queue(self, service: str) -> str:
        """The quorum queue of a consuming service."""
        return f"{self.prefix}.{service}.events"

    def dead_letter_queue(self, service: str) -> str:
        """Where a service's dead letters wait for an operator."""
        return f"{self.queue(service)}.dlq"

    @staticmethod
    def queue_arguments() -> dict[str, Any]:
        """What a service's queue is declared with, and never changes: quorum (replicated), one
        active consumer at a time (replicas of a service stand by, so one subject's events are
        handled in order). Limits are the policy's: changing one never makes a declaration
        fail (406 PRECONDITION_FAILED)."""
        return {"x-queue-type": "quorum", "x-single-active-consumer": True}

    def queue_policy(self, service: str) -> dict[str, Any]:
        """The broker policy of a service's queue: bounded redelivery, at-least-once
        dead-lettering to its DLQ (which needs reject-publish), a bounded length."""
        queue = self.queue(service)
        return {
            "name": queue,
            "pattern": f"^{re.escape(queue)}$",
            "apply-to": "queues",
            "priority": 0,
            "definition": {
                "delivery-limit": self.delivery_limit,
                "dead-letter-exchange": self.dead_letter_exchange,
                "dead-letter-routing-key": self.dead_letter_queue(service),
                "dead-letter-strategy": "at-least-once",
                "overflow": "reject-publish",
                "max-length": self.max_length,
            },
        }

    def policies(self, services: Iterable[str]) -> list[dict[str, Any]]:
        """The policies of `services`' queues, in the definitions format."""
        return [self.queue_policy(service) | {"vhost": "/"} for service in sorted(services)]

    @staticmethod
    def dead_letter_queue_arguments() -> dict[str, Any]:
        """A DLQ is a plain durable quorum queue: it never dead-letters further."""
        return {"x-queue-type": "quorum"}


def repost(message: IncomingMessage, headers: dict[str, Any], *, user_id: str) -> Message:
    """A persistent copy of a delivered message, with `headers` in place of its own, sent by
    `user_id` (the broker accepts only the connection's own user)."""
    return persistent_message(
        message.body,
        headers=headers,
        content_type=message.content_type,
        message_id=message.message_id,
        type=message.type,
        user_id=user_id,
    )


async def declare_exchanges(channel: Channel, topology: Topology) -> Exchange:
    """Declare the events exchange with its alternate exchange; return the events exchange."""
    unrouted = await channel.declare_exchange(topology.unrouted, ExchangeType.FANOUT, durable=True)
    unrouted_queue = await channel.declare_queue(
        topology.unrouted, durable=True, arguments=Topology.dead_letter_queue_arguments()
    )
    await unrouted_queue.bind(unrouted)
    await channel.declare_exchange(topology.dead_letter_exchange, ExchangeType.DIRECT, durable=True)
    return await channel.declare_exchange(
        topology.exchange,
        ExchangeType.TOPIC,
        durable=True,
        arguments={"alternate-exchange": topology.unrouted},
    )


async def declare_service_queue(
    channel: Channel, topology: Topology, service: str, routing_keys: Iterable[str]
) -> Queue:
    """Declare a service's queue and DLQ, bound to exactly `routing_keys`; return the queue."""
    events = await declare_exchanges(channel, topology)
    dead_letters = await channel.get_exchange(topology.dead_letter_exchange)
    dlq = await channel.declare_queue(
        topology.dead_letter_queue(service),
        durable=True,
        arguments=Topology.dead_letter_queue_arguments(),
    )
    await dlq.bind(dead_letters, topology.dead_letter_queue(service))
    queue = await channel.declare_queue(
        topology.queue(service), durable=True, arguments=Topology.queue_arguments()
    )
    for key in routing_keys:
        await queue.bind(events, key)
    return queue


async def declare_platform(
    channel: Channel, topology: Topology, services: dict[str, list[str]]
) -> None:
    """Declare every consuming service's queue before any process publishes.

    A queue declared by its consumer at start misses what was published before: events a
    service seeds as it starts (the demo licences) would go to the unrouted queue when their
    consumer starts second. A deployment loads definitions.json; `make run` and the tests
    declare the same shape here.
    """
    await declare_exchanges(channel, topology)
    for service, keys in sorted(services.items()):
        if keys:
            await declare_service_queue(channel, topology, service, keys)


def definitions(topology: Topology, services: dict[str, list[str]]) -> dict[str, Any]:
    """RabbitMQ definitions (the management import format) for `services` → routing keys."""
    vhost = "/"
    exchanges = [
        {"name": topology.unrouted, "type": "fanout", "arguments": {}},
        {"name": topology.dead_letter_exchange, "type": "direct", "arguments": {}},
        {
            "name": topology.exchange,
            "type": "topic",
            "arguments": {"alternate-exchange": topology.unrouted},
        },
    ]
    queues = [{"name": topology.unrouted, "arguments": Topology.dead_letter_queue_arguments()}]
    bindings = [{"source": topology.unrouted, "destination": topology.unrouted, "key": ""}]
    for service, keys in sorted(services.items()):
        if not keys:
            continue
        queues.append({"name": topology.queue(service), "arguments": Topology.queue_arguments()})
        queues.append(
            {
                "name": topology.dead_letter_queue(service),
                "arguments": Topology.dead_letter_queue_arguments(),
            }
        )
        bindings.append(
            {
                "source": topology.dead_letter_exchange,
                "destination": topology.dead_letter_queue(service),
                "key": topology.dead_letter_queue(service),
            }
        )
        bindings.extend(
            {"source": topology.exchange, "destination": topology.queue(service), "key": key}
            for key in sorted(keys)
        )
    return {
        "vhosts": [{"name": vhost}],
        "policies": topology.policies(service for service, keys in services.items() if keys),
        "exchanges": [
            x | {"vhost": vhost, "durable": True, "auto_delete": False, "internal": False}
            for x in exchanges
        ],
        "queues": [q | {"vhost": vhost, "durable": True, "auto_delete": False} for q in queues],
        "bindings": [
            b
            | {
                "vhost": vhost,
                "destination_type": "queue",
                "routing_key": b.pop("key"),
                "arguments": {},
            }
            for b in bindings
        ],
    }
