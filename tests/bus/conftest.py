"""Fixtures of the bus tests: a fresh prefix per test, cleaned off the broker afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.bus.harness import Fleet, delete_topology


@pytest.fixture
async def prefix(bus_prefix: str) -> AsyncIterator[str]:
    """A bus prefix of this test alone; its queues and exchanges are deleted afterwards."""
    name = f"{bus_prefix}-{uuid.uuid4().hex[:6]}"
    yield name
    await delete_topology(name, ["probe", "sink", "source"])


@pytest.fixture
def fleet() -> Iterator[Fleet]:
    """Worker processes of the test; all are killed at the end."""
    workers = Fleet()
    yield workers
    workers.stop_all()
