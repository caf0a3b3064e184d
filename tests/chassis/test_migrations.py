"""Every service's database is created and upgraded by `python -m services.<name> migrate`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from chassis.app import ServiceSpec
from chassis.db import chassis_metadata
from gateway.app import spec as gateway
from services.complaints.app import spec as complaints
from services.enforcement.app import spec as enforcement
from services.licensing.app import spec as licensing
from services.qms.app import spec as qms
from services.supervision.app import spec as supervision
from tests.conftest import CreateDatabase, service_settings
from tests.conftest import migrate as migrate_in_process

ROOT = Path(__file__).resolve().parents[2]
SPECS = [licensing, supervision, enforcement, complaints, qms]
CHASSIS_TABLES = {
    "outbox",
    "inbox",
    "event_sequences",
    "idempotency_keys",
    "delivery_failures",
    "revoked_token_ids",
    "token_cutoffs",
    "alembic_version",
}


def migrate(service: str, database_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", f"services.{service}", "migrate"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


async def tables(database_url: str) -> set[str]:
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
    await engine.dispose()
    return names


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
async def test_migrate_creates_and_reruns_on_postgresql(
    spec: object, create_database: CreateDatabase
) -> None:
    name = spec.name  # type: ignore[attr-defined]
    url = await create_database(name)
    migrate(name, url)
    expected = CHASSIS_TABLES | set(spec.metadata.tables)  # type: ignore[attr-defined]
    assert await tables(url) == expected
    migrate(name, url)  # a second run is a no-op, not an error
    assert await tables(url) == expected


async def test_migrate_works_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/licensing.db"
    migrate("licensing", url)
    assert await tables(url) >= CHASSIS_TABLES


@pytest.mark.parametrize("spec", [*SPECS, gateway], ids=lambda s: s.name)
async def test_the_migrations_build_exactly_the_tables_the_code_declares(
    spec: ServiceSpec, create_database: CreateDatabase
) -> None:
    url = await create_database(f"drift_{spec.name}")
    await migrate_in_process(spec, service_settings(spec.name, url, "drift"))
    engine = create_async_engine(url)

    declared = sa.MetaData()
    for table in [*chassis_metadata.tables.values(), *spec.metadata.tables.values()]:
        table.to_metadata(declared)

    def differences(connection: sa.Connection) -> list[object]:
        context = MigrationContext.configure(connection)
        return list(compare_metadata(context, declared))

    try:
        async with engine.connect() as connection:
            drift = await connection.run_sync(differences)
    finally:
        await engine.dispose()
    assert drift == [], f"{spec.name}: run `{spec.command} makemigration`"
