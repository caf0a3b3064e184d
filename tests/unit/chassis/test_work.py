"""Who commits is structural: a handler's Work cannot; timestamps come back aware on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from chassis.db import Database, UtcDateTime, chassis_metadata, new_metadata, outbox
from chassis.uow import UnitOfWork, Work
from contracts.examples import example
from contracts.qms import NonconformityRaised

metadata = new_metadata()
stamps = sa.Table(
    "stamps",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UtcDateTime, nullable=False),
)


def test_the_work_a_handler_gets_has_no_commit() -> None:
    assert not hasattr(Work, "commit")
    assert not hasattr(Work, "rollback")
    assert hasattr(UnitOfWork, "commit")


async def test_sqlite_hands_back_aware_utc_whatever_zone_was_stored(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'stamps.db'}")
    shanghai = timezone(timedelta(hours=8))
    stored = datetime(2026, 10, 1, 9, 30, tzinfo=shanghai)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        async with UnitOfWork(database, "probe") as uow:
            await uow.connection.execute(sa.insert(stamps).values(id=1, at=stored))
            await uow.commit()
        async with UnitOfWork(database, "probe") as uow:
            read = await uow.connection.scalar(sa.select(stamps.c.at))
    finally:
        await database.dispose()
    assert read is not None
    assert read.tzinfo is not None
    assert read == stored
    assert read.utcoffset() == timedelta(0)
    assert read == datetime(2026, 10, 1, 1, 30, tzinfo=UTC)


async def test_work_emits_into_its_unit_of_works_outbox_only_on_commit(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'work.db'}")
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(chassis_metadata.create_all)
        event = example(NonconformityRaised)
        async with UnitOfWork(database, "qms") as uow:
            uow.work.emit(event)
        async with UnitOfWork(database, "qms") as uow:
            assert await uow.connection.scalar(sa.select(sa.func.count()).select_from(outbox)) == 0
            uow.work.emit(event)
            await uow.commit()
        async with UnitOfWork(database, "qms") as uow:
            assert await uow.connection.scalar(sa.select(sa.func.count()).select_from(outbox)) == 1
    finally:
        await database.dispose()
