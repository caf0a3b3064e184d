"""A running supervision service on PostgreSQL and RabbitMQ, its demo map, and its people."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from contracts import Envelope
from contracts.licensing import LicenceIssued
from contracts.values import Address, CreditCode, GeoPoint
from services.supervision.app import spec
from services.supervision.settings import DEMO_DISTRICT, SupervisionSettings
from tests.conftest import (
    BUS_URL,
    BusTap,
    CreateDatabase,
    publish,
    running_service,
    staff_bearer,
    tapping,
    wait_until,
)

DISTRICT: dict[str, Any] = json.loads(DEMO_DISTRICT.read_text(encoding="utf-8"))
GRIDS: dict[str, dict[str, Any]] = {grid["owner"]: grid for grid in DISTRICT["grids"]}


bearer = staff_bearer


def inspector(number: int) -> dict[str, str]:
    """The demo inspector of office-0N, owner of its grid."""
    return bearer(f"inspector{number:02d}", "grid_inspector", office=f"office-{number:02d}")


ADMIN = bearer("admin", "admin")
AUDITOR = bearer("auditor01", "auditor")
_sequence = iter(range(1, 10**9))


def new_credit_code() -> CreditCode:
    """A credit code no other test uses."""
    return CreditCode.generate(category="2", region="510106", sequence=next(_sequence) + 5_000_000)


def licence_issued(
    credit_code: str, *, lon: float | None, lat: float | None, community: str
) -> LicenceIssued:
    """A licence issued at a point (or without one) in a community."""
    location = GeoPoint(lon=lon, lat=lat) if lon is not None and lat is not None else None
    return LicenceIssued(
        credit_code=CreditCode(credit_code),
        name=f"示范区测试商户{credit_code[-6:]}",
        entity_type="individual_business",
        operator_name="王某",
        address=Address(text="示范区某路 1 号", community_code=community, location=location),
        business_scope=("日用百货零售 General retail",),
        issued_at=datetime.now(UTC),
    )


@dataclass
class Supervision:
    """The service's HTTP client, what it published, and a way to feed it licensing events."""

    client: httpx.AsyncClient
    bus: BusTap
    settings: SupervisionSettings

    async def licensing_publishes(self, event: Any, sequence: int) -> uuid.UUID:
        """Publish a licensing event as licensing's relay would (subject = credit code); the
        envelope's id."""
        envelope = Envelope.wrap(event, source="licensing", sequence=sequence)
        await publish(self.settings.bus_prefix, envelope)
        return envelope.id

    async def other_service_publishes(self, event: Any, source: str) -> None:
        """Publish another service's event (sequence 1 of its subject)."""
        await publish(self.settings.bus_prefix, Envelope.wrap(event, source=source, sequence=1))

    async def household(self, credit_code: str, who: dict[str, str] = AUDITOR) -> dict[str, Any]:
        """The household once it exists (waits for the bus)."""
        found: dict[str, Any] = {}

        async def exists() -> bool:
            answer = await self.client.get(f"/households/{credit_code}", headers=who)
            if answer.status_code == 200:
                found.update(answer.json())
            return answer.status_code == 200

        await wait_until(exists, within=10)
        return found

    async def published(
        self, event_type: str, subject: str, count: int = 1
    ) -> list[dict[str, Any]]:
        """The events of the type about `subject` the service published, once there are
        `count` of them (waits for the bus)."""

        def about() -> list[dict[str, Any]]:
            return [e for e in self.bus.of_type(event_type) if e["subject"] == subject]

        async def arrived() -> bool:
            return len(about()) >= count

        await wait_until(arrived, within=10)
        return about()

    async def delegate(
        self, officer: str, agent: str, span: tuple[date, date], who: dict[str, str]
    ) -> httpx.Response:
        """`who` names `agent` to act for `officer` from the first day of `span` to its last."""
        start, end = span
        body = {"officer": officer, "agent": agent, "start": str(start), "end": str(end)}
        return await self.client.post("/delegations", json=body, headers=who)


async def supervision_settings(
    create_database: CreateDatabase, bus_prefix: str, **extra: object
) -> SupervisionSettings:
    """Settings of a supervision service under test, with the demo map drawn on start."""
    values: dict[str, object] = {
        "service": "supervision",
        "environment": "test",
        "database_url": await create_database("supervision"),
        "bus_url": BUS_URL,
        "bus_prefix": f"{bus_prefix}-sup-{uuid.uuid4().hex[:4]}",
        "relay_poll_seconds": 0.2,
        "seed_demo": True,
        "overdue_check_seconds": 0.2,
    }
    return SupervisionSettings(**(values | extra))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
async def supervision(
    create_database: CreateDatabase, bus_prefix: str
) -> AsyncIterator[Supervision]:
    """The supervision service with the demo map, its own database and bus prefix."""
    settings = await supervision_settings(create_database, bus_prefix)
    async with (
        tapping(settings.bus_prefix, "supervision.#") as bus,
        running_service(spec, settings) as client,
    ):
        yield Supervision(client, bus, settings)
