"""`uow.emit` puts events in the outbox inside the caller's transaction, never beside it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from chassis import observability
from chassis.db import Database, outbox
from chassis.uow import UnitOfWork
from contracts import CreditCode, Envelope
from contracts.licensing import LicenceCancelled
from services.licensing.app import spec as licensing
from tests.conftest import CreateDatabase, deadlines_missed, migrate, service_settings


@pytest.fixture(scope="module")
async def database(create_database: CreateDatabase, bus_prefix: str) -> AsyncIterator[Database]:
    url = await create_database("uow")
    await migrate(licensing, service_settings("licensing", url, bus_prefix))
    db = Database(url)
    yield db
    await db.dispose()


def cancellation(sequence: int = 1) -> LicenceCancelled:
    code = CreditCode.generate(category="2", region="510106", sequence=sequence)
    return LicenceCancelled(credit_code=code, cancelled_at=datetime.now(UTC), reason="closed")


async def outbox_rows(database: Database, subject: str) -> list[sa.Row[tuple[object, ...]]]:
    async with database.engine.connect() as connection:
        statement = sa.select(outbox).where(outbox.c.subject == subject).order_by(outbox.c.sequence)
        return list((await connection.execute(statement)).all())


async def test_committed_events_are_in_the_outbox_with_their_envelope(database: Database) -> None:
    event = cancellation(uuid.uuid4().int % 10**6)
    woken: list[bool] = []
    correlation = uuid.uuid4()
    token = observability.correlation_id.set(correlation)
    try:
        async with UnitOfWork(
            database, "licensing", after_commit=lambda: woken.append(True)
        ) as uow:
            event_id = uow.emit(event)
            await uow.commit()
    finally:
        observability.correlation_id.reset(token)
    [row] = await outbox_rows(database, str(event.credit_code))
    assert row.published_at is None and woken == [True]
    envelope = Envelope.from_json(row.envelope)
    assert envelope.id == event_id == row.id
    assert envelope.source == "/services/licensing"
    assert envelope.type == "licensing.licence.cancelled"
    assert envelope.routing_key == row.routing_key == "licensing.licence.cancelled.v1"
    assert envelope.correlationid == correlation
    assert envelope.open() == event


async def test_rolled_back_or_uncommitted_work_emits_nothing(database: Database) -> None:
    event = cancellation(uuid.uuid4().int % 10**6)
    async with UnitOfWork(database, "licensing") as uow:
        uow.emit(event)
    async with UnitOfWork(database, "licensing") as uow:
        uow.emit(event)
        await uow.rollback()
    with pytest.raises(RuntimeError):
        async with UnitOfWork(database, "licensing") as uow:
            uow.emit(event)
            raise RuntimeError("the use case failed")
    assert await outbox_rows(database, str(event.credit_code)) == []


async def test_a_missed_deadline_is_counted_only_once_its_transaction_commits(
    database: Database,
) -> None:
    rule_code = f"test.rule_{uuid.uuid4().hex[:8]}"

    def counted() -> float:
        return deadlines_missed("licensing", rule_code)

    async with UnitOfWork(database, "licensing") as uow:
        observability.count_missed_deadline(uow.work, rule_code)
        await uow.rollback()
    async with UnitOfWork(database, "licensing") as uow:
        observability.count_missed_deadline(uow.work, rule_code)
    async with UnitOfWork(database, "licensing") as uow:
        observability.count_missed_deadline(uow.work, rule_code)
        observability.count_missed_deadline(uow.work, rule_code)
        assert counted() == 0
        await uow.commit()
    assert counted() == 2


async def test_sequence_increases_per_subject_across_transactions(database: Database) -> None:
    first, other = (
        cancellation(uuid.uuid4().int % 10**6),
        cancellation(1 + uuid.uuid4().int % 10**6),
    )
    for _ in range(2):
        async with UnitOfWork(database, "licensing") as uow:
            uow.emit(first)
            uow.emit(other)
            await uow.commit()
    async with UnitOfWork(database, "licensing") as uow:
        uow.emit(first)
        uow.emit(first)
        await uow.commit()
    first_rows = await outbox_rows(database, str(first.credit_code))
    assert [r.sequence for r in first_rows] == [1, 2, 3, 4]
    assert [r.sequence for r in await outbox_rows(database, str(other.credit_code))] == [1, 2]
