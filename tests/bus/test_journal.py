"""A service with a journal receives every event on the bus, of a contract it knows or not, as
the exact bytes published, once each, in the same transaction as its own handler's effect."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from chassis.app import create_service_app
from chassis.db import Database
from contracts import Envelope
from tests.bus.harness import bus_settings, emit_samples, prepare_database, wait_for_effects
from tests.bus.probe import journal, probe_spec
from tests.bus.test_flow import publish_raw
from tests.conftest import CreateDatabase, fully_ready, running, wait_until


async def test_the_journal_keeps_every_event_as_published_once(
    create_database: CreateDatabase, prefix: str
) -> None:
    url = await prepare_database(create_database, "journal")
    app = create_service_app(probe_spec(with_journal=True), bus_settings("probe", url, prefix))
    database = Database(url)
    unknown = Envelope.model_validate(
        {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": "/services/probe",
            "type": "probe.thing.happened",
            "subject": "thing-1",
            "sequence": 1,
            "dataversion": 1,
            "time": "2026-12-05T08:00:00Z",
            "datacontenttype": "application/json",
            "correlationid": str(uuid.uuid4()),
            "data": {"what": "a fact no contract of this service describes"},
        }
    )
    body = unknown.to_json()
    try:
        async with running(app) as client:

            async def ready() -> bool:
                return fully_ready(await client.get("/readyz"))

            await wait_until(ready)
            ids = await emit_samples(app.state.database, 20)
            await wait_for_effects(database, set(ids), within=15)
            for _ in range(2):  # a redelivery of the same envelope is kept once
                await publish_raw(prefix, body, "probe.thing.happened")

            async def kept() -> dict[uuid.UUID, tuple[str, bytes]]:
                async with database.engine.connect() as connection:
                    rows = await connection.execute(sa.select(journal))
                    return {row.event_id: (row.event_type, row.entry) for row in rows}

            async def all_kept() -> bool:
                return len(await kept()) == 21

            await wait_until(all_kept)
            entries = await kept()
            assert entries[unknown.id] == ("probe.thing.happened", body)
            assert {entries[i][0] for i in ids} == {"probe.sample.recorded"}
            async with database.engine.connect() as connection:
                count = await connection.scalar(sa.select(sa.func.count()).select_from(journal))
            assert count == 21
    finally:
        await database.dispose()
