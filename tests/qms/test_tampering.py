"""Whatever a database administrator does to the stored log (edit an entry's bytes, delete,
swap, insert or truncate rows, roll the table back), the live verification and the offline
verifier of an export both name the first bad index; an untouched log raises no alarm."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from chassis.db import Database
from services.qms.export import export
from tests.conftest import publish, wait_until
from tests.qms.conftest import AUDITOR, Qms
from tests.qms.test_record import received

ROOT = Path(__file__).resolve().parents[2]
SIZE = 30


@pytest.fixture
async def filled(qms: Qms) -> AsyncIterator[Qms]:
    """The log with SIZE entries and a checkpoint covering all of them."""
    for _ in range(SIZE):
        await publish(qms.settings.bus_prefix, received(uuid.uuid4()))

    async def checkpointed() -> bool:
        answer = await qms.client.get("/audit/verify", headers=AUDITOR)
        files = list(qms.settings.checkpoint_dir.glob("*.checkpoint"))
        return answer.json()["size"] == SIZE and any(
            f.name.endswith(f"{SIZE}.checkpoint") for f in files
        )

    await wait_until(checkpointed, within=20)
    yield qms


async def tamper(qms: Qms, *statements: str) -> None:
    """What a database administrator would run: the append-only trigger dropped first."""
    database = Database(qms.settings.database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(
                sa.text("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
            )
            for statement in statements:
                await connection.execute(sa.text(statement))
    finally:
        await database.dispose()


async def verdict(qms: Qms) -> tuple[bool, int | None]:
    found = (await qms.client.get("/audit/verify", headers=AUDITOR)).json()
    return found["verified"], found["first_bad_index"]


def verify_offline(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.qms", "audit", "verify", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_an_untouched_log_verifies_live_and_offline(filled: Qms, tmp_path: Path) -> None:
    assert await verdict(filled) == (True, None)
    await export(filled.settings, tmp_path / "export")
    checked = verify_offline(tmp_path / "export")
    assert checked.returncode == 0, checked.stderr
    assert f"{SIZE} entries" in checked.stdout


CASES = {
    "an entry's bytes edited": (
        [
            "UPDATE audit_log SET entry = convert_to(replace(convert_from(entry, 'UTF8'),"
            " 'complaint', 'report'), 'UTF8') WHERE leaf_index = 11"
        ],
        11,
    ),
    "a row deleted": (["DELETE FROM audit_log WHERE leaf_index = 5"], 5),
    "two rows' indexes swapped": (
        [
            "UPDATE audit_log SET leaf_index = -1 WHERE leaf_index = 3",
            "UPDATE audit_log SET leaf_index = 3 WHERE leaf_index = 17",
            "UPDATE audit_log SET leaf_index = 17 WHERE leaf_index = -1",
        ],
        3,
    ),
    "a row inserted": (
        [
            "UPDATE audit_log SET leaf_index = leaf_index + 1000 WHERE leaf_index >= 8",
            "UPDATE audit_log SET leaf_index = leaf_index - 999 WHERE leaf_index >= 1008",
            "INSERT INTO audit_log"
            " (leaf_index, entry, tree_root, event_id, event_type, appended_at)"
            " SELECT 8, convert_to('{\"forged\": true}', 'UTF8'), tree_root,"
            " gen_random_uuid(), 'forged', now() FROM audit_log WHERE leaf_index = 9",
        ],
        8,
    ),
    "the tail truncated": (
        [
            f"DELETE FROM audit_log WHERE leaf_index >= {SIZE - 4}",
            f"UPDATE log_state SET size = {SIZE - 4}",
        ],
        SIZE - 4,
    ),
    "the whole table rolled back to an earlier state": (
        [
            "DELETE FROM audit_log WHERE leaf_index >= 12",
            "DELETE FROM audit_refs WHERE leaf_index >= 12",
            "DELETE FROM checkpoints WHERE size > 12",
            "UPDATE log_state SET size = 12",
        ],
        12,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_tampering_is_named_at_its_first_bad_index(
    filled: Qms, tmp_path: Path, case: str
) -> None:
    statements, first_bad = CASES[case]
    await tamper(filled, *statements)
    assert await verdict(filled) == (False, first_bad)
    await export(filled.settings, tmp_path / "export")
    checked = verify_offline(tmp_path / "export")
    assert checked.returncode == 1
    assert f"first bad index {first_bad}" in checked.stderr, checked.stderr
