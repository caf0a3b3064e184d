"""`holds` and `elements_of` read a JSON array column alike on PostgreSQL and on SQLite."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from chassis.db import Database, elements_of, holds, new_metadata

metadata = new_metadata()
people = sa.Table(
    "people",
    metadata,
    sa.Column("username", sa.String(50), primary_key=True),
    sa.Column("roles", sa.JSON, nullable=False),
)


@pytest.fixture
def schema() -> sa.MetaData:
    return metadata


@pytest.fixture
async def database(database_of_each_kind: Database) -> Database:
    db = database_of_each_kind
    async with db.engine.begin() as connection:
        await connection.execute(
            sa.insert(people),
            [
                {"username": "clerk01", "roles": ["licensing_clerk"]},
                {"username": "head01", "roles": ["office_head", "grid_inspector"]},
                {"username": "nobody", "roles": []},
            ],
        )
    return db


async def test_a_row_is_kept_when_its_array_holds_the_value(database: Database) -> None:
    statement = (
        sa.select(people.c.username)
        .where(holds(people.c.roles, "grid_inspector", database.dialect))
        .order_by(people.c.username)
    )
    async with database.engine.connect() as connection:
        assert list((await connection.execute(statement)).scalars()) == ["head01"]


async def test_the_elements_of_an_array_are_rows_of_text(database: Database) -> None:
    held = elements_of(people.c.roles, database.dialect).alias("held")
    statement = (
        sa.select(people.c.username, held.c.value)
        .select_from(people.join(held, sa.true()))
        .order_by(people.c.username, held.c.value)
    )
    async with database.engine.connect() as connection:
        assert [tuple(found) for found in await connection.execute(statement)] == [
            ("clerk01", "licensing_clerk"),
            ("head01", "grid_inspector"),
            ("head01", "office_head"),
        ]
