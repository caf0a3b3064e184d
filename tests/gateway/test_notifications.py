"""Live notifications: a signed-in person receives the events addressed to them, and only
those, within a second; after a reconnect with Last-Event-ID, what they missed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import aio_pika
import httpx

from chassis.bus import Topology
from contracts import MEDIA_TYPE, CreditCode, Envelope
from contracts.supervision import HouseholdAssigned
from gateway.app import create_gateway_app
from gateway.notifications import STREAMS_PER_PERSON
from tests.conftest import publisher_of, serving, wait_until
from tests.gateway.conftest import ADMIN_PASSWORD, GatewaySettingsFactory
from tests.gateway.signin import admin_access


@dataclass
class Listener:
    """One open event stream and what has come through it."""

    events: list[dict[str, Any]] = field(default_factory=list)
    arrived: list[float] = field(default_factory=list)


@asynccontextmanager
async def listening(
    client: httpx.AsyncClient, token: str, last_event_id: str | None = None
) -> AsyncIterator[Listener]:
    headers = {"Authorization": f"Bearer {token}"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    listener = Listener()
    opened = asyncio.Event()

    async def read() -> None:
        async with client.stream(
            "GET", "/api/notifications/stream", headers=headers, timeout=None
        ) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            opened.set()
            event: dict[str, Any] = {}
            async for line in response.aiter_lines():
                if line.startswith(("id:", "event:", "data:")):
                    name, _, value = line.partition(":")
                    event[name] = value.strip()
                elif not line and "data" in event:
                    event["data"] = json.loads(event["data"])
                    listener.events.append(event)
                    listener.arrived.append(time.monotonic())
                    event = {}

    reader = asyncio.create_task(read())
    await asyncio.wait_for(opened.wait(), 10)
    try:
        yield listener
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)


async def publish_assignment(prefix: str, owner: str, sequence: int) -> str:
    """What the supervision service's relay publishes when it routes a household."""
    assignment = HouseholdAssigned(
        credit_code=CreditCode.generate(category="9", region="510106", sequence=sequence),
        grid_code="510106005003002",
        office_code="office-01",
        owner=owner,
        claim_deadline=date(2026, 12, 3),
        assigned_at=datetime.now(UTC),
    )
    envelope = Envelope.wrap(assignment, source="supervision", sequence=1)
    url, user = await asyncio.to_thread(publisher_of, prefix, envelope.type)
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(Topology(prefix).exchange)
        await exchange.publish(
            aio_pika.Message(
                envelope.to_json(),
                content_type=MEDIA_TYPE,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=str(envelope.id),
                user_id=user,
            ),
            routing_key=envelope.routing_key,
        )
    return str(assignment.credit_code)


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> str:
    if username == "admin":
        return await admin_access(client)
    answer = await client.post(
        "/auth/token", data={"grant_type": "password", "username": username, "password": password}
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


async def test_people_receive_their_own_events_live_and_missed_ones_after_reconnecting(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    settings = await gateway_settings()
    app = create_gateway_app(settings)
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as client:
        admin = {"Authorization": f"Bearer {await sign_in(client, 'admin', ADMIN_PASSWORD)}"}
        for username in ("inspector01", "inspector02"):
            created = await client.post(
                "/api/admin/users",
                json={
                    "username": username,
                    "password": "Pass-word-9-of-the-bureau",
                    "name": username,
                    "roles": ["grid_inspector"],
                    "office": "office-01",
                },
                headers=admin,
            )
            assert created.status_code == 201

        async def consuming() -> bool:
            return bool(app.state.bus.consumer.attached)

        await wait_until(consuming)
        mine = await sign_in(client, "inspector01", "Pass-word-9-of-the-bureau")
        async with listening(client, mine) as stream:
            others = await publish_assignment(settings.bus_prefix, "inspector02", 1)
            published = time.monotonic()
            own = await publish_assignment(settings.bus_prefix, "inspector01", 2)

            async def arrived() -> bool:
                return bool(stream.events)

            await wait_until(arrived, within=5, interval=0.02)
            assert stream.arrived[0] - published < 1.0
            assert stream.events[0]["event"] == "supervision.household.assigned"
            assert stream.events[0]["data"]["subject"] == own
            assert stream.events[0]["data"]["data"]["owner"] == "inspector01"
            last_seen = stream.events[0]["id"]
        missed = await publish_assignment(settings.bus_prefix, "inspector01", 3)

        async def stored() -> bool:
            rows = await app.state.notifications.missed("inspector01", int(last_seen))
            return len(rows) == 1

        await wait_until(stored, within=5)
        async with listening(client, mine, last_event_id=last_seen) as replayed:

            async def caught_up() -> bool:
                return bool(replayed.events)

            await wait_until(caught_up, within=5, interval=0.02)
            assert [e["data"]["subject"] for e in replayed.events] == [missed]
        subjects = [e["data"]["subject"] for e in stream.events + replayed.events]
        assert others not in subjects
        unauthenticated = await client.get("/api/notifications/stream")
        assert unauthenticated.status_code == 401


async def test_a_stream_ends_when_its_token_expires(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    settings = await gateway_settings(access_token_minutes=0.05)  # 3 s
    async with (
        serving(create_gateway_app(settings)) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        token = await sign_in(client, "admin", ADMIN_PASSWORD)
        opened = time.monotonic()
        headers = {"Authorization": f"Bearer {token}"}
        async with client.stream(
            "GET", "/api/notifications/stream", headers=headers, timeout=20
        ) as response:
            assert response.status_code == 200
            await response.aread()  # returns only once the gateway ends the stream
        lasted = time.monotonic() - opened
    assert 1 < lasted < 10


async def test_a_person_may_keep_only_a_few_streams_open(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    async with (
        serving(create_gateway_app(await gateway_settings())) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        token = await sign_in(client, "admin", ADMIN_PASSWORD)
        async with contextlib.AsyncExitStack() as streams:
            for _ in range(STREAMS_PER_PERSON):
                await streams.enter_async_context(listening(client, token))
            refused = await client.get(
                "/api/notifications/stream", headers={"Authorization": f"Bearer {token}"}
            )
            assert refused.status_code == 429
            assert refused.headers["content-type"] == "application/problem+json"
            assert f"{STREAMS_PER_PERSON} notification streams" in refused.json()["detail"]
        # Closed ones count no more.
        async with listening(client, token):
            pass
