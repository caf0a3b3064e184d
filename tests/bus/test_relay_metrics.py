"""The relay's series: the outbox's backlog gauges keep counting while the broker is away (the
operators' alert on the oldest unsent row's age must fire exactly then), and every event type
the process publishes is counted from 0 (so the first one shows as an increase)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from prometheus_client import REGISTRY

from chassis.bus import Topology
from chassis.bus.relay import Doorbell, Relay
from chassis.bus.transport import Transport
from chassis.db import Database, outbox
from contracts import all_contracts
from tests.conftest import free_port, wait_until


async def test_the_oldest_unsent_age_grows_while_the_broker_is_unreachable(
    tmp_path: Path,
) -> None:
    service = f"probe-{uuid.uuid4().hex[:6]}"
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}")
    written = datetime.now(UTC) - timedelta(minutes=2)
    async with database.engine.begin() as connection:
        await connection.run_sync(outbox.create)
        await connection.execute(
            sa.insert(outbox).values(
                id=uuid.uuid4(),
                routing_key="probe.sample.recorded.v1",
                subject="s-1",
                sequence=1,
                envelope=b"{}",
                created_at=written,
            )
        )
    # Nothing listens there: the relay waits for a connection that never comes.
    transport = Transport(f"amqp://guest:guest@127.0.0.1:{free_port()}/", name=service)
    transport.start()
    relay = Relay(
        service=service,
        database=database,
        transport=transport,
        topology=Topology(f"unreachable-{service}"),
        wake=Doorbell(),
    )
    relay.start()

    def gauge(name: str) -> float | None:
        return REGISTRY.get_sample_value(name, {"service": service})

    async def two_minutes_behind() -> bool:
        return (gauge("shijian_outbox_oldest_unsent_seconds") or 0) >= 120

    try:
        await wait_until(two_minutes_behind, within=10)
        assert gauge("shijian_outbox_backlog") == 1
    finally:
        await relay.stop()
        await transport.stop()
        await database.dispose()


async def test_every_type_the_process_publishes_is_counted_from_its_start(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}")
    async with database.engine.begin() as connection:
        await connection.run_sync(outbox.create)
    transport = Transport(f"amqp://guest:guest@127.0.0.1:{free_port()}/", name="qms")
    relay = Relay(
        service="qms",
        database=database,
        transport=transport,
        topology=Topology("unreachable-qms"),
        wake=Doorbell(),
    )
    relay.start()
    try:
        counted = {
            contract.event_type
            for contract in all_contracts()
            if REGISTRY.get_sample_value(
                "shijian_events_published_total", {"service": "qms", "type": contract.event_type}
            )
            is not None
        }
    finally:
        await relay.stop()
        await database.dispose()
    owned = {c.event_type for c in all_contracts() if c.event_type.startswith("qms.")}
    assert "qms.nonconformity.raised" in owned
    assert counted == owned
