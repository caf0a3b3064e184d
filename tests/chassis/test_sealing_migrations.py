"""Rows stored before sealing began are sealed by the migrations that bring sealing: nothing
stays in clear, and each value opens with the data key."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import create_async_engine

from chassis.app import ServiceSpec
from chassis.migrations import alembic_config
from chassis.sealing import DataKeys
from gateway.app import spec as gateway
from services.enforcement.app import spec as enforcement
from services.licensing.app import spec as licensing
from tests.conftest import CreateDatabase

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
ID_NUMBER = "11010519491231002X"
KEYRING = DataKeys().data_keyring()


async def upgraded(spec: ServiceSpec, url: str, revision: str) -> None:
    config = alembic_config(spec.name, url, spec.metadata, spec.versions_dir)
    await asyncio.to_thread(command.upgrade, config, revision)


async def execute(url: str, *statements: str, **values: Any) -> list[Sequence[Any]]:
    """Run the statements in one transaction; the rows of the last."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for statement in statements:
                result = await connection.execute(sa.text(statement), values)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        await engine.dispose()


async def test_licensing_seals_the_operators_and_webhooks_stored_before(
    create_database: CreateDatabase,
) -> None:
    url = await create_database("licensing")
    await upgraded(licensing, url, "licensing_0003")
    await execute(
        url,
        "INSERT INTO applications (id, kind, entity_type, name, operator_name, "
        "operator_id_number, address, business_scope, channel, materials, status, "
        "submitted_by, submitted_at, updated_at) VALUES (:id, 'establishment', "
        "'individual_business', '示范区老店', '王某', :number, '{}', '[]', 'window', '[]', "
        "'submitted', 'clerk01', :now, :now)",
        "INSERT INTO webhooks (agency, url, secret, registered_by, registered_at) VALUES "
        "('health', 'https://hooks.example.org/', 'partner-secret', 'admin', :now)",
        id=uuid.uuid4(),
        number=ID_NUMBER,
        now=NOW,
    )
    await upgraded(licensing, url, "heads")
    [(masked, sealed, hashed)] = await execute(
        url,
        "SELECT operator_id_number, sealed_operator_id_number, operator_id_number_hash "
        "FROM applications",
    )
    assert masked == "110105********002X"
    assert KEYRING.open_text("id_number", sealed) == ID_NUMBER
    assert hashed == KEYRING.lookup_hash("id_number", ID_NUMBER)
    [(secret,)] = await execute(url, "SELECT secret FROM webhooks")
    assert KEYRING.open_text("webhook_secret", secret) == "partner-secret"


async def test_enforcement_seals_the_parties_stored_before(
    create_database: CreateDatabase,
) -> None:
    url = await create_database("enforcement")
    await upgraded(enforcement, url, "enforcement_0003")
    await execute(
        url,
        "INSERT INTO on_the_spot_penalties (id, party, penalty_kind, collected_on_spot, facts, "
        "legal_basis, decided_by, decided_at) VALUES (:id, :party, 'warning', false, '占道经营', "
        "'第十三条', 'inspector07', :now)",
        id=uuid.uuid4(),
        party=f'{{"kind": "citizen", "name": "李某", "id_number": "{ID_NUMBER}"}}',
        now=NOW,
    )
    await upgraded(enforcement, url, "heads")
    [(party, sealed)] = await execute(
        url, "SELECT party::text, sealed_party_id_number FROM on_the_spot_penalties"
    )
    assert ID_NUMBER not in party and "110105********002X" in party
    assert KEYRING.open_text("id_number", sealed) == ID_NUMBER


async def test_the_gateway_seals_the_second_factors_enrolled_before(
    create_database: CreateDatabase,
) -> None:
    url = await create_database("gateway")
    await upgraded(gateway, url, "gateway_0002")
    await execute(
        url,
        "INSERT INTO users (username, name, password_hash, roles, totp_secret, created_at) "
        "VALUES ('auditor01', '审计', 'x', '[\"auditor\"]', 'JBSWY3DPEHPK3PXP', :now)",
        now=NOW,
    )
    await upgraded(gateway, url, "heads")
    [(secret,)] = await execute(url, "SELECT totp_secret FROM users")
    assert KEYRING.open_text("totp_secret", secret) == "JBSWY3DPEHPK3PXP"
