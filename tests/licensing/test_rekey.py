"""`python -m services.licensing rekey`: every sealed value moves to the current key, after
which the old key can be dropped from the settings and everything still opens."""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from chassis.sealing import DEV_DATA_KEYS, keyring_of
from services.licensing.tables import applications, webhooks
from tests.licensing.conftest import CLERK, OPERATOR_ID, Licensing, shop, unique

ROOT = Path(__file__).resolve().parents[2]
NEW_KEY = "new:" + base64.b64encode(b"n" * 32).decode()


async def sealed_values(database_url: str) -> list[str]:
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        ids = await connection.scalars(sa.select(applications.c.sealed_operator_id_number))
        secrets = await connection.scalars(sa.select(webhooks.c.secret))
        values = [*ids, *secrets]
    await engine.dispose()
    return values


async def test_rekey_moves_every_value_to_the_current_key(licensing: Licensing) -> None:
    created = await licensing.client.post(
        "/applications", json=shop(unique("杂货店")), headers=CLERK
    )
    assert created.status_code == 201, created.text
    old = licensing.settings.data_keyring()
    engine = create_async_engine(licensing.settings.database_url)
    async with engine.begin() as connection:
        await connection.execute(
            sa.insert(webhooks).values(
                agency=unique("agency"),
                url="https://hooks.example.org/",
                secret=old.seal_text("webhook_secret", "partner-secret"),
                registered_by="admin",
                registered_at=datetime.now(UTC),
            )
        )
    await engine.dispose()
    assert all(
        value.startswith("dev.") for value in await sealed_values(licensing.settings.database_url)
    )

    environment = {
        **os.environ,
        "DATABASE_URL": licensing.settings.database_url,
        "DATA_KEYS": f"{DEV_DATA_KEYS},{NEW_KEY}",
        "DATA_KEY_ID": "new",
    }
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "services.licensing", "rekey"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "re-sealed under key 'new'" in result.stderr

    values = await sealed_values(licensing.settings.database_url)
    assert values and all(value.startswith("new.") for value in values)
    # The development key is gone from the keyring: every value still opens.
    new_only = keyring_of(NEW_KEY, "new", licensing.settings.data_hash_key)
    opened = set()
    for value in values:
        for field in ("id_number", "webhook_secret"):
            try:
                opened.add(new_only.open_text(field, value))
            except ValueError:
                continue
    assert {OPERATOR_ID, "partner-secret"} <= opened
