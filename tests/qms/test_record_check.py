"""qms checks its record of everything by itself: every row at start, then each minute the rows
appended since (cheap), and every row again each AUDIT_FULL_VERIFY_SECONDS. Its /metrics shows
the verdict, which the operators' alert reads: 1 while the record verifies, 0 once it does
not, and when it last verified."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from services.qms.app import spec
from services.qms.usecases.checkpoints import checkpoint_files, write_checkpoint_file
from tests.conftest import (
    CreateDatabase,
    delete_broker_objects,
    publish,
    running_service,
    wait_until,
)
from tests.qms.conftest import AUDITOR, Qms, qms_settings
from tests.qms.test_record import received
from tests.qms.test_tampering import tamper

# A size no other test's log has: the gauges are the test process's, shared by every test.
SIZE = 23


async def shown(qms: Qms) -> dict[str, float]:
    """qms's record gauges as its /metrics shows them."""
    answer = await qms.client.get("/metrics")
    assert answer.status_code == 200
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(answer.text)
        if family.name.startswith("shijian_audit_log_")
        for sample in family.samples
        if sample.labels.get("service") == "qms"
    }


async def showing(qms: Qms, **expected: float) -> dict[str, float]:
    """The gauges once they show `expected` (names without `shijian_audit_log_`)."""
    found: dict[str, float] = {}

    async def there() -> bool:
        found.update(await shown(qms))
        return all(found.get(f"shijian_audit_log_{k}") == v for k, v in expected.items())

    await wait_until(there, within=20)
    return found


@pytest.fixture
async def watched(
    create_database: CreateDatabase, bus_prefix: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Qms]:
    """qms checking its record every 0.2 s, every row again every `full` seconds (the test's
    parameter), with SIZE entries verified."""
    prefix = f"{bus_prefix}-qms-check-{uuid.uuid4().hex[:4]}"
    settings = qms_settings(
        await create_database("qms"),
        prefix,
        tmp_path,
        audit_verify_seconds=0.2,
        audit_full_verify_seconds=request.param,
    )
    async with running_service(spec, settings) as client:
        qms = Qms(client, settings)
        for _ in range(SIZE):
            await publish(prefix, received(uuid.uuid4()))
        await showing(qms, verified=1, verified_leaves=SIZE)
        yield qms
    await delete_broker_objects(prefix)


@pytest.mark.parametrize("watched", [86_400.0], indirect=True)
async def test_the_record_shows_verified_and_a_cut_tail_fails_the_next_check(
    watched: Qms,
) -> None:
    gauges = await shown(watched)
    assert time.time() - gauges["shijian_audit_log_verified_timestamp_seconds"] < 10
    await tamper(watched, f"DELETE FROM audit_log WHERE leaf_index >= {SIZE - 3}")
    # The rows checked before are not read again: the last of them is gone, so it fails.
    gauges = await showing(watched, verified=0)
    assert gauges["shijian_audit_log_verified_leaves"] == SIZE


@pytest.mark.parametrize("watched", [1.0], indirect=True)
async def test_an_edit_of_a_row_verified_before_fails_the_next_check_of_every_row(
    watched: Qms,
) -> None:
    await tamper(
        watched,
        "UPDATE audit_log SET entry = convert_to(replace(convert_from(entry, 'UTF8'),"
        " 'complaint', 'report'), 'UTF8') WHERE leaf_index = 4",
    )
    await showing(watched, verified=0)
    # An auditor's verification says the same, and where.
    answer = await watched.client.get("/audit/verify", headers=AUDITOR)
    assert (answer.json()["verified"], answer.json()["first_bad_index"]) == (False, 4)


def test_a_check_reads_only_the_checkpoints_beyond_what_it_verified(tmp_path: Path) -> None:
    for size in (5, 12, 30):
        write_checkpoint_file(tmp_path / "log", size, f"note of {size}")
    (tmp_path / "log" / "forged.checkpoint").write_text("a note named by no size")
    assert checkpoint_files(tmp_path / "log", above=12) == ["note of 30", "a note named by no size"]
    # An export numbers its files from 0: read whole.
    for number in (0, 1):
        write_checkpoint_file(tmp_path / "export", number, f"note {number}")
    assert checkpoint_files(tmp_path / "export") == ["note 0", "note 1"]
