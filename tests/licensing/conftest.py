"""A running licensing service on PostgreSQL and RabbitMQ, and the people who call it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from chassis.db import Database, outbox
from services.licensing.app import spec
from services.licensing.settings import LicensingSettings
from tests.conftest import (
    BusTap,
    CreateDatabase,
    feed_demo_map,
    running_service,
    service_settings,
    tapping,
    wait_until,
)
from tests.tokens import mint_token


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


CLERK = bearer(mint_token(subject="clerk01", roles=["licensing_clerk"], office="office-01"))
AUDITOR = bearer(mint_token(subject="auditor01", roles=["auditor"]))
INSPECTOR = bearer(mint_token(subject="inspector01", roles=["grid_inspector"], office="office-01"))
HEALTH = bearer(
    mint_token(subject="health", roles=["partner_agency"], kind="partner", agency="health")
)
FIRE = bearer(mint_token(subject="fire", roles=["partner_agency"], kind="partner", agency="fire"))

# Resident IDs with valid check characters (GB 11643).
OPERATOR_ID = "11010519491231002X"
OTHER_ID = "440524188001010014"


def food_shop(name: str, **changes: Any) -> dict[str, Any]:
    """A complete establishment application of an individual business selling food."""
    application: dict[str, Any] = {
        "kind": "establishment",
        "entity_type": "individual_business",
        "name": name,
        "operator": {"name": "王某", "id_number": OPERATOR_ID},
        "address": {
            "text": "示范区营门口路 18 号",
            "community_code": "510106001001",
            "lon": 104.015,
            "lat": 30.735,
        },
        "business_scope": ["catering", "retail_general"],
        "channel": "window",
        "materials": ["application_form", "operator_id", "premises_proof"],
    }
    return application | changes


def shop(name: str, **changes: Any) -> dict[str, Any]:
    """A complete establishment that needs no partner permit."""
    return food_shop(name, business_scope=["retail_general"]) | changes


def unique(label: str) -> str:
    """A business name no other test uses."""
    return f"示范区{label}{uuid.uuid4().hex[:6]}"


@dataclass
class Licensing:
    """The service's HTTP client and what it published on the bus."""

    client: httpx.AsyncClient
    bus: BusTap
    settings: LicensingSettings

    async def published(self, event_type: str, key: str, value: object) -> list[dict[str, Any]]:
        """The envelopes of a type about `value` (data[key]), once at least one has arrived.

        It then waits until the tap holds every event the service has written so far, so that
        a duplicate would be seen too.
        """

        def about() -> list[dict[str, Any]]:
            return [e for e in self.bus.of_type(event_type) if e["data"][key] == value]

        async def arrived() -> bool:
            return bool(about())

        await wait_until(arrived, within=10)
        await relayed(self.settings.database_url, self.bus)
        return about()

    async def issued(self, application: dict[str, Any], who: dict[str, str] = CLERK) -> str:
        """Take a no-partner application from submission to licence; its credit code."""
        created = await self.client.post("/applications", json=application, headers=who)
        assert created.status_code == 201, created.text
        application_id = created.json()["id"]
        for step in ("accept", "approve"):
            moved = await self.client.post(f"/applications/{application_id}/{step}", headers=who)
            assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == "issued"
        code: str = moved.json()["credit_code"]
        return code


async def relayed(
    database_url: str, bus: BusTap, event_type: str | None = None, *, within: float = 10.0
) -> None:
    """Wait until the service's relay has published every event in its outbox (of one type, if
    given) and the tap holds each: all the service has emitted so far, duplicates included."""
    database = Database(database_url)
    try:

        async def all_tapped() -> bool:
            async with database.engine.connect() as connection:
                rows = (
                    await connection.execute(
                        sa.select(outbox.c.id, outbox.c.routing_key, outbox.c.published_at)
                    )
                ).all()
            tapped = {envelope["id"] for envelope in bus.envelopes}
            return all(
                row.published_at is not None and str(row.id) in tapped
                for row in rows
                if event_type is None or row.routing_key.startswith(f"{event_type}.")
            )

        await wait_until(all_tapped, within=within)
    finally:
        await database.dispose()


async def licensing_settings(
    create_database: CreateDatabase, bus_prefix: str, **extra: object
) -> LicensingSettings:
    """Settings of a licensing service under test: a fresh database and a bus prefix of its own."""
    quick = {
        "relay_poll_seconds": 0.2,
        "webhook_poll_seconds": 0.05,
        "webhook_backoff_seconds": 0.05,
    }
    database_url = await create_database("licensing")
    prefix = f"{bus_prefix}-lic-{uuid.uuid4().hex[:4]}"
    settings = service_settings(
        "licensing", database_url, prefix, LicensingSettings, **(quick | extra)
    )
    assert isinstance(settings, LicensingSettings)
    return settings


@pytest.fixture(scope="module")
async def licensing(create_database: CreateDatabase, bus_prefix: str) -> AsyncIterator[Licensing]:
    """The licensing service with its own database and bus prefix, and a tap on its events."""
    settings = await licensing_settings(create_database, bus_prefix)
    async with (
        tapping(settings.bus_prefix, "licensing.#") as bus,
        running_service(spec, settings) as client,
    ):
        await feed_demo_map(spec, settings)
        yield Licensing(client, bus, settings)
