"""Fixtures shared by every test: a bus prefix per run, fresh PostgreSQL databases, running apps."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from chassis.app import ServiceSpec, create_service_app
from chassis.migrations import alembic_config, upgrade
from chassis.settings import Settings

RUN_ID = uuid.uuid4().hex[:8]
PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_ADMIN_USER = os.environ.get("TEST_PG_USER", "postgres")
BUS_URL = os.environ.get("TEST_BUS_URL", "amqp://guest:guest@127.0.0.1:5672/")

CreateDatabase = Callable[[str], Awaitable[str]]


@pytest.fixture(scope="session")
def bus_prefix() -> str:
    """A bus prefix of this test run alone, so runs never see each other's messages."""
    return f"test-{RUN_ID}"


@pytest.fixture(scope="session")
async def create_database() -> AsyncIterator[CreateDatabase]:
    """Makes fresh PostgreSQL databases for this run (dropped at the end); gives their URLs."""
    created: list[str] = []

    async def create(label: str) -> str:
        name = f"sj_{RUN_ID}_{label}_{uuid.uuid4().hex[:6]}"
        admin = await asyncpg.connect(host=PG_HOST, user=PG_ADMIN_USER, database="postgres")
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        created.append(name)
        return f"postgresql+asyncpg://{PG_ADMIN_USER}@{PG_HOST}:5432/{name}"

    yield create
    admin = await asyncpg.connect(host=PG_HOST, user=PG_ADMIN_USER, database="postgres")
    try:
        for name in created:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def service_settings(service: str, database_url: str, bus_prefix: str, **extra: object) -> Settings:
    """Settings of a service under test: the real broker, the given database, the run's prefix."""
    values: dict[str, object] = {
        "service": service,
        "environment": "test",
        "database_url": database_url,
        "bus_url": BUS_URL,
        "bus_prefix": bus_prefix,
    }
    return Settings(**(values | extra))  # type: ignore[arg-type]


async def migrate(spec: ServiceSpec, settings: Settings) -> None:
    """Run the service's migrations (Alembic runs its own event loop, so in a thread)."""
    config = alembic_config(spec.name, settings.database_url, spec.metadata, spec.versions_dir)
    await asyncio.to_thread(upgrade, config)


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Start `app`'s lifespan and give an HTTP client talking to it in-process."""
    async with LifespanManager(app, startup_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client


async def wait_until(
    condition: Callable[[], Awaitable[bool]], *, within: float = 30.0, interval: float = 0.1
) -> None:
    """Wait for `condition` to hold, failing after `within` seconds (never a bare sleep)."""
    deadline = asyncio.get_running_loop().time() + within
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(interval)


@asynccontextmanager
async def running_service(
    spec: ServiceSpec, settings: Settings
) -> AsyncIterator[httpx.AsyncClient]:
    """Migrate and start a service app; yield once its /readyz says ready."""
    await migrate(spec, settings)
    async with running(create_service_app(spec, settings)) as client:

        async def ready() -> bool:
            return (await client.get("/readyz")).status_code == 200

        await wait_until(ready)
        yield client


@asynccontextmanager
async def serving(app: FastAPI, port: int = 0) -> AsyncIterator[str]:
    """Serve `app` over real HTTP on a loopback port (a free one by default); yield its URL."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    )
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return server.started

    await wait_until(started)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
