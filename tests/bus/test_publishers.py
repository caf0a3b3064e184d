"""Who speaks on the bus: each process publishes as its own broker user, the broker refuses it
another process' routing keys, and a consumer parks (with the reason, without effect) an event
not published by the process that owns its type, under that process' own source."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aio_pika
import pytest
import sqlalchemy as sa
from aiormq.exceptions import ChannelAccessRefused, ChannelPreconditionFailed

from chassis.app import create_service_app
from chassis.bus import Topology
from chassis.bus.consumer import ERROR_HEADER
from chassis.bus.topology import declare_exchanges
from chassis.bus.users import broker_user
from chassis.db import Database
from contracts import Envelope, LicenceCancelled
from tests.bus.harness import (
    bus_settings,
    drain_queue,
    effect_counts,
    prepare_database,
    probe_bus_url,
    wait_for_effects,
)
from tests.bus.probe import SampleRecorded, journal, probe_spec
from tests.conftest import BUS_URL, CreateDatabase, bus_url_of, running, wait_until


@pytest.fixture
async def probe(create_database: CreateDatabase, prefix: str) -> AsyncIterator[Database]:
    """The probe keeping a journal (so its queue takes every routing key), attached."""
    url = await prepare_database(create_database, "publishers")
    app = create_service_app(probe_spec(with_journal=True), bus_settings("probe", url, prefix))
    async with running(app):

        async def attached() -> bool:
            return bool(app.state.bus.consumer.attached)

        await wait_until(attached)
        yield app.state.database


async def send(
    url: str,
    prefix: str,
    envelope: Envelope | bytes,
    routing_key: str,
    *,
    user_id: str | None = None,
) -> None:
    """Publish as the user of `url`, with publisher confirms (a refusal raises here)."""
    body = envelope if isinstance(envelope, bytes) else envelope.to_json()
    message_id = None if isinstance(envelope, bytes) else str(envelope.id)
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await declare_exchanges(channel, Topology(prefix))
        await exchange.publish(
            aio_pika.Message(
                body,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=message_id,
                user_id=user_id,
            ),
            routing_key=routing_key,
            timeout=10,
        )
    finally:
        await connection.close()


async def parked_reasons(prefix: str, count: int) -> dict[str, str]:
    """Event id → the reason of the first `count` letters parked in the probe's DLQ."""
    parked: list[aio_pika.abc.AbstractIncomingMessage] = []

    async def all_parked() -> bool:
        parked.extend(await drain_queue(Topology(prefix).dead_letter_queue("probe")))
        return len(parked) >= count

    await wait_until(all_parked, within=15)
    return {str(m.message_id): str(m.headers[ERROR_HEADER]) for m in parked}


def sample(n: int, source: str = "probe") -> Envelope:
    return Envelope.wrap(SampleRecorded(key=f"forged-{n}", n=n), source=source, sequence=10**9)


async def test_forged_events_change_nothing_and_are_parked_with_their_reason(
    probe: Database, prefix: str
) -> None:
    key = SampleRecorded.routing_key()
    owner = broker_user(prefix, "probe")
    sink = broker_user(prefix, "sink")
    # The right routing key from the broker's administrator, named or not.
    unnamed, administrator = sample(1), sample(2)
    await send(BUS_URL, prefix, unnamed, key)
    await send(BUS_URL, prefix, administrator, key, user_id="guest")
    # A real process' user publishing, under its own routing key, a type the probe owns.
    other_type = sample(3)
    await send(
        probe_bus_url(prefix, "sink"),
        prefix,
        other_type,
        "sink.sample.recorded.v1",
        user_id=sink,
    )
    # The owner's user, under a source that is not the owner's.
    other_source = sample(4, source="licensing")
    await send(
        probe_bus_url(prefix, "probe"),
        prefix,
        other_source,
        key,
        user_id=owner,
    )
    # The genuine event after them is handled: the forged ones held nothing up.
    genuine = sample(5)
    await send(probe_bus_url(prefix, "probe"), prefix, genuine, key, user_id=owner)
    await wait_for_effects(probe, {genuine.id}, within=15)

    reasons = await parked_reasons(prefix, 4)
    assert set(reasons) == {str(e.id) for e in (unnamed, administrator, other_type, other_source)}
    expected = f"probe.sample.recorded is published by probe (broker user {owner}), not by"
    assert reasons[str(unnamed.id)] == f"{expected} an unnamed user"
    assert reasons[str(administrator.id)] == f"{expected} guest"
    assert reasons[str(other_type.id)] == f"{expected} {sink}"
    assert reasons[str(other_source.id)] == (
        "probe.sample.recorded comes from /services/probe, "
        "not from the source /services/licensing it claims"
    )
    # No effect, not even in the journal, which keeps every event it accepts.
    assert set(await effect_counts(probe)) == {genuine.id}
    async with probe.engine.connect() as connection:
        kept = set((await connection.execute(sa.select(journal.c.event_id))).scalars())
    assert kept == {genuine.id}


async def test_a_process_user_cannot_publish_another_process_routing_key(prefix: str) -> None:
    supervision = bus_url_of(prefix, "supervision")
    cancelled = json.dumps({"forged": True}).encode()
    # The routing key of licensing's event: the broker closes the channel.
    with pytest.raises(ChannelAccessRefused, match="ACCESS_REFUSED"):
        await send(
            supervision,
            prefix,
            cancelled,
            LicenceCancelled.routing_key(),
            user_id=broker_user(prefix, "supervision"),
        )
    # Nor may it name licensing's user as the publisher.
    with pytest.raises(ChannelPreconditionFailed, match="user_id property"):
        await send(
            supervision,
            prefix,
            cancelled,
            "supervision.household.assigned.v1",
            user_id=broker_user(prefix, "licensing"),
        )
    # Its own routing keys it may publish.
    await send(
        supervision,
        prefix,
        cancelled,
        "supervision.household.assigned.v1",
        user_id=broker_user(prefix, "supervision"),
    )


async def test_a_process_user_cannot_read_another_process_queue(prefix: str) -> None:
    topology = Topology(prefix)
    admin = await aio_pika.connect(BUS_URL)
    try:
        channel = await admin.channel()
        await channel.declare_queue(topology.queue("sink"), durable=True)
    finally:
        await admin.close()
    intruder = await aio_pika.connect(probe_bus_url(prefix, "probe"))
    try:
        channel = await intruder.channel()
        queue = await channel.get_queue(topology.queue("sink"))
        with pytest.raises(ChannelAccessRefused, match="ACCESS_REFUSED"):
            await queue.get(fail=False)
    finally:
        await intruder.close()
