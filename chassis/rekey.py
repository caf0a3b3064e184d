"""`python -m services.<name> rekey`: every sealed value re-sealed under the current key, so an
old key can be removed from the settings once this has run."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from chassis.app import Command
from chassis.db import Database
from chassis.sealing import Keyring
from chassis.settings import Settings

BATCH = 500


@dataclass(frozen=True)
class SealedColumn:
    """A column holding sealed values (or null), and what its values are (the associated data
    they were sealed with)."""

    table: sa.Table
    column: str
    field: str


async def rekey(database: Database, keyring: Keyring, columns: Sequence[SealedColumn]) -> int:
    """Re-seal every value not under the current key, a batch per transaction; how many."""
    count = 0
    for sealed in columns:
        table = sealed.table
        keys = list(table.primary_key.columns)
        column = table.c[sealed.column]
        # Key ids hold no dot, so a value under the current key starts with exactly this.
        stale = sa.and_(column.is_not(None), sa.not_(column.startswith(f"{keyring.current}.")))
        while True:
            async with database.engine.begin() as connection:
                rows = (
                    await connection.execute(sa.select(*keys, column).where(stale).limit(BATCH))
                ).all()
                for row in rows:
                    *identity, token = row
                    fresh = keyring.resealed(sealed.field, token)
                    match = sa.and_(
                        *(key == value for key, value in zip(keys, identity, strict=True))
                    )
                    await connection.execute(
                        sa.update(table).where(match).values({sealed.column: fresh})
                    )
                count += len(rows)
            if len(rows) < BATCH:
                break
    return count


def rekey_command(columns: Sequence[SealedColumn], keyring_of: Callable[[Any], Keyring]) -> Command:
    """The `rekey` command of a service whose `columns` hold sealed values."""

    def run(settings: Settings, _: argparse.Namespace) -> int:
        keyring = keyring_of(settings)

        async def everything() -> int:
            database = Database(settings.database_url)
            try:
                return await rekey(database, keyring, columns)
            finally:
                await database.dispose()

        count = asyncio.run(everything())
        print(
            f"{settings.service}: {count} value(s) re-sealed under key {keyring.current!r}",
            file=sys.stderr,
        )
        return 0

    return Command(
        name="rekey",
        help="re-seal every sealed value under the current key\n\nRun after moving the "
        "current key id to a new key; an old key may be removed from the settings once this "
        "has run on every database that used it.",
        configure=lambda _: None,
        run=run,
    )
