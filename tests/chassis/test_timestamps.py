"""`UtcDateTime` reads every stored timestamp back aware and in UTC, on PostgreSQL (whatever
the session's time zone) and on SQLite (which keeps no zone)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from chassis.db import Database, UtcDateTime, new_metadata

metadata = new_metadata()
visits = sa.Table(
    "visits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UtcDateTime, nullable=True),
)
BEIJING = timezone(timedelta(hours=8))


@pytest.fixture
def schema() -> sa.MetaData:
    return metadata


@pytest.fixture
def database(database_of_each_kind: Database) -> Database:
    return database_of_each_kind


async def test_a_timestamp_is_read_back_aware_in_utc(database: Database) -> None:
    in_beijing = datetime(2026, 12, 7, 9, 30, 15, 123456, tzinfo=BEIJING)
    async with database.engine.begin() as connection:
        if database.dialect == "postgresql":
            # A session in another zone: what is read back must still be in UTC.
            await connection.execute(sa.text("SET TIME ZONE 'Asia/Shanghai'"))
        await connection.execute(
            sa.insert(visits), [{"id": 1, "at": in_beijing}, {"id": 2, "at": None}]
        )
        rows = (await connection.execute(sa.select(visits.c.id, visits.c.at))).all()
    read = {visit_id: at for visit_id, at in rows}
    assert read[1] == in_beijing
    assert read[1].utcoffset() == timedelta(0)
    assert read[1].isoformat() == "2026-12-07T01:30:15.123456+00:00"
    assert read[2] is None


async def test_a_naive_timestamp_is_taken_as_utc(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(sa.insert(visits), {"id": 3, "at": datetime(2026, 12, 7, 1, 30)})
        at = (await connection.execute(sa.select(visits.c.at))).scalar_one()
    assert at == datetime(2026, 12, 7, 1, 30, tzinfo=UTC)
