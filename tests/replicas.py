"""Replicas of a service's watcher on one PostgreSQL database, each with its own connection
pool (as separate processes have), running their rounds at the same moment."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import sqlalchemy as sa

from chassis.db import Database, outbox
from tests.conftest import wait_until

Round = Callable[[Database], Awaitable[int]]


@asynccontextmanager
async def replicas(database_url: str, count: int = 2) -> AsyncIterator[list[Database]]:
    """`count` databases on one URL, one per replica, disposed of at the end."""
    databases = [Database(database_url) for _ in range(count)]
    try:
        yield databases
    finally:
        for database in databases:
            await database.dispose()


async def rounds_at_once(databases: list[Database], round_: Round, *, times: int) -> list[int]:
    """Every replica runs `round_` at once, `times` over; what each round of each replica
    acted on, in order."""
    acted: list[int] = []
    for _ in range(times):
        acted += await asyncio.gather(*(round_(database) for database in databases))
    return acted


async def released_together(
    databases: list[Database], round_: Round, table: sa.Table, *, within: float = 10.0
) -> list[int]:
    """Every replica runs `round_` while `table` is locked, so each waits at its first read of
    it; once all wait, they are let go together (PostgreSQL)."""
    holder = Database(databases[0].engine.url.render_as_string(hide_password=False))
    try:
        async with holder.engine.begin() as connection:
            await connection.execute(sa.text(f"LOCK TABLE {table.name} IN ACCESS EXCLUSIVE MODE"))
            rounds = asyncio.gather(*(round_(database) for database in databases))

            async def all_waiting() -> bool:
                waiting = await holder.engine.connect()
                try:
                    count = await waiting.scalar(
                        sa.text(
                            "SELECT count(*) FROM pg_locks"
                            " WHERE NOT granted AND relation = CAST(:table AS regclass)"
                        ),
                        {"table": table.name},
                    )
                finally:
                    await waiting.close()
                return bool(count == len(databases))

            await wait_until(all_waiting, within=within)
        return list(await rounds)
    finally:
        await holder.dispose()


async def events_by_subject(database_url: str, routing_key: str) -> Counter[str]:
    """How many events of `routing_key` the outbox holds about each subject."""
    database = Database(database_url)
    try:
        async with database.engine.connect() as connection:
            rows = await connection.execute(
                sa.select(outbox.c.subject).where(outbox.c.routing_key == routing_key)
            )
            return Counter(row.subject for row in rows)
    finally:
        await database.dispose()
