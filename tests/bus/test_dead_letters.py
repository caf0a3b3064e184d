"""Poison events reach the DLQ after the delivery limit with their error; operators replay them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from chassis.app import create_service_app
from chassis.bus import Topology
from chassis.bus.deadletters import list_dead_letters, replay
from chassis.db import Database
from chassis.settings import Settings
from tests.bus import probe as probe_module
from tests.bus.harness import (
    bus_settings,
    drain_queue,
    emit_samples,
    prepare_database,
    wait_for_effects,
)
from tests.bus.probe import probe_spec
from tests.conftest import CreateDatabase, running, wait_until

ROOT = Path(__file__).resolve().parents[2]
POISON = set(range(50, 2000, 100))  # 20 poison events among 2,000


@pytest.fixture
async def probe(
    create_database: CreateDatabase, prefix: str
) -> AsyncIterator[tuple[Settings, Database]]:
    url = await prepare_database(create_database, "dlq")
    settings = bus_settings("probe", url, prefix)
    app = create_service_app(probe_spec(), settings)
    async with running(app):

        async def attached() -> bool:
            # Before its queue is bound, published events would go to the unrouted queue.
            return bool(app.state.bus.consumer.attached)

        await wait_until(attached)
        yield settings, app.state.database


async def test_poison_events_are_dead_lettered_with_their_error_and_replayed(
    probe: tuple[Settings, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, database = probe
    ids = await emit_samples(database, 2000, poison=POISON)
    poisoned = {ids[n] for n in POISON}
    healthy = set(ids) - poisoned
    counts = await wait_for_effects(database, healthy, within=60)
    assert healthy <= counts.keys(), f"{len(healthy - counts.keys())} healthy events not handled"
    assert max(counts.values()) == 1
    assert not poisoned & counts.keys()

    letters: list[object] = []

    async def all_parked() -> bool:
        letters[:] = await list_dead_letters(settings, database)
        return len(letters) >= len(POISON)

    await wait_until(all_parked, within=60, interval=1.0)
    parked = await list_dead_letters(settings, database)
    assert {letter.event_id for letter in parked} == {str(i) for i in poisoned}
    for letter in parked:
        assert letter.reason == "broker: delivery_limit"
        assert letter.attempts == settings.bus_delivery_limit + 1
        assert letter.error is not None and "PoisonError: sample" in letter.error

    # The fix is deployed; the operator replays two chosen events, then the rest.
    monkeypatch.setattr(probe_module, "CURED", True)
    chosen = sorted(poisoned, key=str)[:2]
    assert await replay(settings, {str(i) for i in chosen}) == 2
    counts = await wait_for_effects(database, set(chosen), within=20)
    assert all(counts[i] == 1 for i in chosen)
    assert await replay(settings, None) == len(POISON) - 2
    counts = await wait_for_effects(database, poisoned, within=30)
    assert all(counts[i] == 1 for i in ids)
    assert await drain_queue(Topology(settings.bus_prefix).dead_letter_queue("probe")) == []


def test_dlq_command_of_a_service_not_yet_started_on_the_bus(prefix: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "services.qms", "dlq"],
        cwd=ROOT,
        env={**os.environ, "BUS_PREFIX": prefix, "DATABASE_URL": "sqlite+aiosqlite:///:memory:"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "qms: no dead letters"
