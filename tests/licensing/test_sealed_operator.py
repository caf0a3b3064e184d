"""The operator's ID number is sealed at rest, shown masked, and read in clear only by a
registration clerk, each read published for the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from services.licensing.tables import applications
from tests.licensing.conftest import AUDITOR, CLERK, OPERATOR_ID, Licensing, shop, unique


async def test_the_id_number_is_stored_sealed_and_shown_masked(licensing: Licensing) -> None:
    created = await licensing.client.post(
        "/applications", json=shop(unique("便利店")), headers=CLERK
    )
    assert created.status_code == 201, created.text
    application_id = created.json()["id"]
    for who in (CLERK, AUDITOR):
        shown = await licensing.client.get(f"/applications/{application_id}", headers=who)
        assert shown.json()["operator_id_number"] == "110105********002X"
    listed = await licensing.client.get("/applications", headers=AUDITOR)
    assert OPERATOR_ID not in listed.text

    engine = create_async_engine(licensing.settings.database_url)
    async with engine.connect() as connection:
        stored = (
            await connection.execute(
                sa.select(applications).where(applications.c.id == application_id)
            )
        ).one()
    await engine.dispose()
    assert OPERATOR_ID not in str(tuple(stored))
    keyring = licensing.settings.data_keyring()
    assert keyring.open_text("id_number", stored.sealed_operator_id_number) == OPERATOR_ID
    assert stored.operator_id_number_hash == keyring.lookup_hash("id_number", OPERATOR_ID)


async def test_a_clerk_reads_the_id_number_and_the_read_is_published(
    licensing: Licensing,
) -> None:
    created = await licensing.client.post(
        "/applications", json=shop(unique("五金店")), headers=CLERK
    )
    application_id = created.json()["id"]
    operator = f"/applications/{application_id}/operator"

    refused = await licensing.client.get(operator, headers=AUDITOR)
    assert refused.status_code == 403
    read = await licensing.client.get(operator, headers=CLERK)
    assert read.status_code == 200, read.text
    assert read.json() == {"name": "王某", "id_number": OPERATOR_ID}

    [event] = await licensing.published("licensing.operator.read", "record_id", application_id)
    assert event["data"]["read_by"] == "clerk01"
    assert event["data"]["fields"] == ["id_number"]
    assert OPERATOR_ID not in str(event)
