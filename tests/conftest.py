"""Fixtures shared by every test: a bus prefix per run, fresh PostgreSQL databases, running apps."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

import aio_pika
import asyncpg
import httpx
import pytest
import sqlalchemy as sa
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from prometheus_client import REGISTRY

from chassis.app import ServiceSpec, create_service_app
from chassis.brokers import with_user
from chassis.bus import Topology
from chassis.bus.__main__ import consumed_routing_keys
from chassis.bus.topology import declare_exchanges
from chassis.bus.users import broker_user, delete_provisioned, provision
from chassis.db import Database, inbox
from chassis.migrations import alembic_config, upgrade
from chassis.platform import PROCESSES
from chassis.preflight import broker_answers
from chassis.settings import Settings
from contracts import MEDIA_TYPE, Envelope, PersonChanged, owner
from tests.tokens import mint_token

RUN_ID = uuid.uuid4().hex[:8]
PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_ADMIN_USER = os.environ.get("TEST_PG_USER", "postgres")
BUS_URL = os.environ.get("TEST_BUS_URL", "amqp://guest:guest@127.0.0.1:5672/")

CreateDatabase = Callable[[str], Awaitable[str]]
# The broker password of a process' user under a test's prefix (not production: no secret).
TEST_BUS_PASSWORDS = {process.name: f"test-bus-{process.name}" for process in PROCESSES}
# Prefixes whose processes' users exist on the broker (each provisioning costs one rabbitmqctl).
_provisioned: set[str] = set()


@pytest.fixture(scope="session")
async def bus_prefix() -> AsyncIterator[str]:
    """A bus prefix of this test run alone, so runs never see each other's messages.

    Every prefix a test builds starts with it; at the end of the run the queues and exchanges
    under it are deleted, so quorum queues do not pile up on the shared broker run after run.
    """
    prefix = f"test-{RUN_ID}"
    # A broker that accepts TCP and never answers would make every bus test wait out its own
    # timeout, and the run CI's whole budget: stop at once instead.
    if not await broker_answers(BUS_URL, within=15):
        pytest.exit(f"RabbitMQ at {BUS_URL} does not complete an AMQP handshake", 3)
    yield prefix
    await delete_broker_objects(prefix)


def broker_names(kind: str, prefix: str) -> list[str]:
    """Names of the broker's queues or exchanges under `prefix` (AMQP cannot list them)."""
    rabbitmqctl = shutil.which("rabbitmqctl")
    if rabbitmqctl is None:
        return []
    listed = subprocess.run(
        [rabbitmqctl, "-q", f"list_{kind}", "name", "--no-table-headers"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return [name for name in listed.stdout.split() if name.startswith(prefix)]


def bus_url_of(bus_prefix: str, process: str) -> str:
    """The BUS_URL a platform process connects with under `bus_prefix`: its own broker user,
    provisioned (as `make run` does, one request for them all) the first time it is asked for."""
    if bus_prefix not in _provisioned:
        provision(BUS_URL, Topology(bus_prefix), TEST_BUS_PASSWORDS, consumed_routing_keys())
        _provisioned.add(bus_prefix)
    return with_user(BUS_URL, broker_user(bus_prefix, process), TEST_BUS_PASSWORDS[process])


async def delete_broker_objects(prefix: str) -> None:
    """Delete every queue, exchange and user whose name starts with `prefix`."""
    await asyncio.to_thread(delete_provisioned, BUS_URL, prefix)
    _provisioned.difference_update({name for name in _provisioned if name.startswith(prefix)})
    queues = await asyncio.to_thread(broker_names, "queues", prefix)
    exchanges = await asyncio.to_thread(broker_names, "exchanges", prefix)
    connection = await aio_pika.connect(BUS_URL)
    try:
        channel = await connection.channel()
        for name in queues:
            await channel.queue_delete(name, if_unused=False, if_empty=False)
        for name in exchanges:
            await channel.exchange_delete(name)
    finally:
        await connection.close()


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


def staff_bearer(subject: str, *roles: str, office: str | None = None) -> dict[str, str]:
    """The Authorization header of a staff token signed with the development key."""
    token = mint_token(subject=subject, roles=list(roles), office=office)
    return {"Authorization": f"Bearer {token}"}


def service_settings(
    service: str,
    database_url: str,
    bus_prefix: str,
    cls: type[Settings] = Settings,
    /,
    **extra: object,
) -> Settings:
    """Settings of a service under test: the real broker (as the process' own user when it is
    one of the platform's), the given database, the run's prefix."""
    values: dict[str, object] = {
        "service": service,
        "environment": "test",
        "database_url": database_url,
        "bus_url": bus_url_of(bus_prefix, service) if service in TEST_BUS_PASSWORDS else BUS_URL,
        "bus_prefix": bus_prefix,
    }
    return cls(**(values | extra))  # type: ignore[arg-type]


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


async def appeared(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], within: float = 10.0
) -> dict[str, Any]:
    """The JSON of `path` once it answers 200: what the bus brings, once it has arrived."""
    found: dict[str, Any] = {}

    async def there() -> bool:
        answer = await client.get(path, headers=headers)
        if answer.status_code == 200:
            found.update(answer.json())
        return answer.status_code == 200

    await wait_until(there, within=within)
    return found


def fully_ready(answer: httpx.Response) -> bool:
    """Whether a /readyz answer says ready with nothing degraded: the broker linked and the
    queue consumed too (the gateway: every upstream ready), not only the database up."""
    return answer.status_code == 200 and answer.json()["status"] == "ready"


@asynccontextmanager
async def running_service(
    spec: ServiceSpec, settings: Settings
) -> AsyncIterator[httpx.AsyncClient]:
    """Migrate and start a service app; yield once its /readyz says ready (broker and consumer
    too)."""
    await migrate(spec, settings)
    async with running(create_service_app(spec, settings)) as client:

        async def ready() -> bool:
            return fully_ready(await client.get("/readyz"))

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


async def handled(database_url: str, *event_ids: uuid.UUID, within: float = 10.0) -> None:
    """Wait until a service's inbox holds these events: its consumer has handled them."""
    database = Database(database_url)
    try:

        async def all_in() -> bool:
            async with database.engine.connect() as connection:
                count = await connection.scalar(
                    sa.select(sa.func.count())
                    .select_from(inbox)
                    .where(inbox.c.event_id.in_(event_ids))
                )
            return count == len(set(event_ids))

        await wait_until(all_in, within=within)
    finally:
        await database.dispose()


def deadlines_missed(service: str, rule_code: str) -> float:
    """The missed deadlines of `rule_code` that `service` counted in this test process
    (`shijian_deadlines_missed_total`, as its /metrics shows it)."""
    labels = {"service": service, "kind": rule_code}
    return REGISTRY.get_sample_value("shijian_deadlines_missed_total", labels) or 0.0


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BusTap:
    """The envelopes published on a bus prefix's exchange under some routing-key patterns."""

    def __init__(self) -> None:
        self.envelopes: list[dict[str, Any]] = []

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        """The envelopes of one event type, in the order they arrived."""
        return [e for e in self.envelopes if e["type"] == event_type]

    async def wait_for(self, event_type: str, count: int = 1, within: float = 10.0) -> None:
        """Wait until `count` envelopes of the type have arrived."""

        async def arrived() -> bool:
            return len(self.of_type(event_type)) >= count

        await wait_until(arrived, within=within)


@asynccontextmanager
async def tapping(bus_prefix: str, *patterns: str) -> AsyncIterator[BusTap]:
    """Listen to the events exchange of `bus_prefix` with a private queue (gone when done)."""
    tap = BusTap()
    connection = await aio_pika.connect_robust(BUS_URL)
    try:
        channel = await connection.channel()
        exchange = await declare_exchanges(channel, Topology(bus_prefix))
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for pattern in patterns:
            await queue.bind(exchange, pattern)

        async def collect(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            async with message.process():
                tap.envelopes.append(json.loads(message.body))

        await queue.consume(collect)
        yield tap
    finally:
        await connection.close()


def publisher_of(bus_prefix: str, event_type: str) -> tuple[str, str]:
    """The BUS_URL and broker user to publish `event_type` with, as its owner's relay does."""
    process = owner(event_type)
    return bus_url_of(bus_prefix, process), broker_user(bus_prefix, process)


async def publish(bus_prefix: str, *envelopes: Envelope) -> None:
    """Publish envelopes on a bus prefix, in order, as their owners' relays would: each as the
    broker user of the process that owns its type."""
    for envelope in envelopes:
        url, user = await asyncio.to_thread(publisher_of, bus_prefix, envelope.type)
        connection = await aio_pika.connect_robust(url)
        try:
            channel = await connection.channel()
            exchange = await declare_exchanges(channel, Topology(bus_prefix))
            message = aio_pika.Message(
                body=envelope.to_json(),
                content_type=MEDIA_TYPE,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=str(envelope.id),
                type=envelope.type,
                user_id=user,
            )
            await exchange.publish(message, routing_key=envelope.routing_key)
        finally:
            await connection.close()


# Each person's events in a test run come in this one order, as the gateway numbers them.
_directory_sequence = itertools.count(1)


def person(
    username: str,
    role: str,
    office: str | None,
    *,
    active: bool = True,
    certified_until: date | None = None,
) -> PersonChanged:
    """A person as the gateway's directory would publish them (certified with a number when
    `certified_until` is given)."""
    return PersonChanged(
        username=username,
        roles=(role,),
        office=office,
        active=active,
        certificate_number="51010621000001" if certified_until else None,
        certificate_valid_until=certified_until,
        by="admin",
        at=datetime.now(UTC),
    )


async def directory_knows(settings: Settings, *people: PersonChanged) -> None:
    """A service's directory holds these people: published as the gateway's relay would (each
    later than anything published before it) and handled by the service."""
    envelopes = [
        Envelope.wrap(p, source="identity", sequence=next(_directory_sequence)) for p in people
    ]
    await publish(settings.bus_prefix, *envelopes)
    await handled(settings.database_url, *(e.id for e in envelopes))


async def feed_demo_map(spec: ServiceSpec, settings: Settings) -> None:
    """Publish the demo district's offices and grids as supervision does on first start, and
    wait until the service has handled those it takes: its copy of the map."""
    from services.supervision.demo import demo_map_events
    from services.supervision.settings import DEMO_DISTRICT

    envelopes = [
        Envelope.wrap(event, source="supervision", sequence=1)
        for event in demo_map_events(DEMO_DISTRICT, datetime.now(UTC))
        if spec.handlers.get(event.routing_key()) is not None
    ]
    await publish(settings.bus_prefix, *envelopes)
    await handled(settings.database_url, *(envelope.id for envelope in envelopes))
