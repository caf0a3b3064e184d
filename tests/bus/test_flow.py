"""Events flow outbox → relay → broker → inbox → handler once; invalid ones are parked at once."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import NamedTuple

import aio_pika
import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from chassis.app import create_service_app
from chassis.bus import Topology
from chassis.bus.consumer import ERROR_HEADER
from chassis.bus.users import broker_user
from chassis.db import Database, outbox
from chassis.uow import UnitOfWork
from contracts import Envelope
from tests.bus.harness import (
    bus_settings,
    drain_queue,
    emit_samples,
    prepare_database,
    publishing_connection,
    wait_for_effects,
)
from tests.bus.probe import SampleRecorded, effects, probe_spec
from tests.conftest import CreateDatabase, fully_ready, running, wait_until


class Probe(NamedTuple):
    client: httpx.AsyncClient
    database: Database
    app: FastAPI


@pytest.fixture
async def probe(create_database: CreateDatabase, prefix: str) -> AsyncIterator[Probe]:
    """The probe service running in-process: it publishes samples and consumes them itself."""
    url = await prepare_database(create_database, "flow")
    app = create_service_app(probe_spec(), bus_settings("probe", url, prefix))
    async with running(app) as client:

        async def ready() -> bool:
            return fully_ready(await client.get("/readyz"))

        await wait_until(ready)
        yield Probe(client, app.state.database, app)


async def publish_raw(prefix: str, body: bytes, routing_key: str) -> None:
    connection = await publishing_connection(prefix)
    try:
        channel = await connection.channel()
        exchange = await channel.get_exchange(Topology(prefix).exchange)
        await exchange.publish(
            aio_pika.Message(
                body,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                user_id=broker_user(prefix, "probe"),
            ),
            routing_key=routing_key,
        )
    finally:
        await connection.close()


async def test_each_event_has_its_effect_once(
    probe: Probe,
) -> None:
    client, database, _ = probe
    ids = await emit_samples(database, 300)
    counts = await wait_for_effects(database, set(ids), within=30)
    assert set(ids) <= counts.keys()
    assert max(counts.values()) == 1
    readiness = (await client.get("/readyz")).json()
    assert readiness["checks"] == {"database": "ok", "broker": "ok", "consumer": "ok"}


async def test_events_a_handler_emits_join_its_transaction(
    probe: Probe,
) -> None:
    _, database, _ = probe
    async with database.engine.connect() as connection:
        before = (await connection.execute(sa.select(sa.func.count()).select_from(outbox))).scalar()
    async with UnitOfWork(database, "probe") as uow:
        cause = uow.emit(SampleRecorded(key="echo-1", n=1, echo=True))
        await uow.commit()
    await wait_for_effects(database, {cause}, within=20)
    async with database.engine.connect() as connection:
        rows = (
            await connection.execute(
                sa.select(outbox.c.envelope).where(outbox.c.routing_key == "probe.sample.echoed.v1")
            )
        ).all()
        total = (await connection.execute(sa.select(sa.func.count()).select_from(outbox))).scalar()
    echoes = [Envelope.from_json(row.envelope) for row in rows]
    assert [e.causationid for e in echoes] == [cause]
    assert total == (before or 0) + 2


async def test_metrics_show_the_bus(probe: Probe) -> None:
    client, database, _ = probe
    ids = await emit_samples(database, 20)
    await wait_for_effects(database, set(ids), within=20)

    async def published() -> bool:
        text = (await client.get("/metrics")).text
        return (
            'shijian_events_published_total{service="probe",type="probe.sample.recorded"}' in text
        )

    await wait_until(published)
    families = {
        f.name: f for f in text_string_to_metric_families((await client.get("/metrics")).text)
    }
    consumed = {
        s.labels["outcome"]
        for s in families["shijian_events_consumed"].samples
        if s.labels.get("service") == "probe"
    }
    assert "processed" in consumed
    assert "shijian_outbox_backlog" in families
    assert "shijian_outbox_oldest_unsent_seconds" in families
    assert "shijian_handler_duration_seconds" in families
    attached = [
        s.value
        for s in families["shijian_bus_consumers_attached"].samples
        if s.labels.get("service") == "probe"
    ]
    assert attached == [1.0]


async def test_invalid_messages_go_to_the_dlq_at_once_with_their_reason(
    probe: Probe, prefix: str
) -> None:
    _, database, _ = probe
    key = SampleRecorded.routing_key()
    good = Envelope.wrap(SampleRecorded(key="ok", n=1), source="probe", sequence=1)
    wrong_schema = json.loads(good.to_json())
    wrong_schema["id"] = str(uuid.uuid4())
    wrong_schema["data"]["n"] = "not a number"
    unknown_type = json.loads(good.to_json())
    unknown_type["id"] = str(uuid.uuid4())
    unknown_type["type"] = "probe.sample.vanished"
    await publish_raw(prefix, b"this is not JSON", key)
    await publish_raw(prefix, json.dumps(wrong_schema).encode(), key)
    await publish_raw(prefix, json.dumps(unknown_type).encode(), key)
    await publish_raw(prefix, good.to_json(), key)
    # The consumer kept going: the valid event after the three bad ones is handled.
    counts = await wait_for_effects(database, {good.id}, within=20)
    assert counts[good.id] == 1
    dlq = Topology(prefix).dead_letter_queue("probe")
    parked: list[aio_pika.abc.AbstractIncomingMessage] = []

    async def three_parked() -> bool:
        parked.extend(await drain_queue(dlq))
        return len(parked) >= 3

    await wait_until(three_parked, within=10)
    reasons = sorted(str(m.headers[ERROR_HEADER]) for m in parked)
    assert len(parked) == 3
    assert any("not a valid CloudEvents envelope" in r for r in reasons)
    assert any("data does not match" in r and "n" in r for r in reasons)
    assert any("no handler for probe.sample.vanished.v1" in r for r in reasons)
    # Parked at once: no redelivery before.
    assert all("x-death" not in (m.headers or {}) for m in parked)


async def test_stale_events_can_be_recognised_by_sequence(
    probe: Probe,
) -> None:
    _, database, _ = probe
    ids = await emit_samples(database, 50)
    await wait_for_effects(database, set(ids), within=20)
    async with database.engine.connect() as connection:
        rows = (
            await connection.execute(
                sa.select(effects.c.subject, effects.c.sequence).where(effects.c.event_id.in_(ids))
            )
        ).all()
    by_subject: dict[str, list[int]] = {}
    for subject, sequence in rows:
        by_subject.setdefault(subject, []).append(sequence)
    # Every subject's events carry distinct, increasing sequence numbers from 1.
    for sequences in by_subject.values():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))


async def test_readiness_follows_the_consumer_and_it_comes_back(
    probe: Probe,
) -> None:
    client, database, app = probe
    consumer = app.state.bus.consumer
    await consumer._channel.close()  # as a channel error from the broker would

    async def degraded() -> bool:
        # The service still takes writes (its outbox keeps the events): degraded, not down.
        response = await client.get("/readyz")
        return response.status_code == 200 and response.json()["degraded"] == ["consumer"]

    async def ready() -> bool:
        return fully_ready(await client.get("/readyz"))

    await wait_until(degraded, within=5, interval=0.01)
    await wait_until(ready, within=10)
    ids = await emit_samples(database, 10)
    assert set(ids) <= (await wait_for_effects(database, set(ids), within=20)).keys()
