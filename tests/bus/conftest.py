"""Fixtures of the bus tests: a fresh prefix per test, cleaned off the broker afterwards; servers
of a test's own for the tests that stop or kill them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from chassis.db import Database
from tests.bus.harness import Fleet, delete_topology, prepare_database
from tests.conftest import CreateDatabase
from tests.servers import PostgresServer, RabbitNode, postgres_server, rabbit_nodes


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


@pytest.fixture
def own_rabbit() -> Iterator[RabbitNode]:
    """A RabbitMQ node of this test alone, which it may stop, kill or pause."""
    with rabbit_nodes(1, clustered=False) as (node,):
        yield node


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test alone, which it may stop."""
    with postgres_server() as server:
        yield server


@pytest.fixture
async def databases(create_database: CreateDatabase) -> AsyncIterator[tuple[Database, Database]]:
    """The producer's (source) and the consumer's (sink) databases."""
    source = Database(await prepare_database(create_database, "source"))
    sink = Database(await prepare_database(create_database, "sink"))
    yield source, sink
    await source.dispose()
    await sink.dispose()
