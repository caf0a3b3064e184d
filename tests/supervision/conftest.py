"""A running supervision service on PostgreSQL and RabbitMQ, its demo map, and its people."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.db import Database
from contracts import Envelope
from contracts.licensing import LicenceIssued
from contracts.values import Address, CreditCode, GeoPoint
from services.supervision.app import spec
from services.supervision.settings import DEMO_DISTRICT, SupervisionSettings
from tests.conftest import (
    BusTap,
    CreateDatabase,
    appeared,
    directory_knows,
    person,
    publish,
    running_service,
    service_settings,
    staff_bearer,
    tapping,
    wait_until,
)

DISTRICT: dict[str, Any] = json.loads(DEMO_DISTRICT.read_text(encoding="utf-8"))
GRIDS: dict[str, dict[str, Any]] = {grid["owner"]: grid for grid in DISTRICT["grids"]}


bearer = staff_bearer


def head(office: int) -> dict[str, str]:
    """The demo head of office-0N."""
    return bearer(f"head{office:02d}", "office_head", office=f"office-{office:02d}")


def inspector(number: int) -> dict[str, str]:
    """The demo inspector of office-0N, owner of its grid."""
    return bearer(f"inspector{number:02d}", "grid_inspector", office=f"office-{number:02d}")


def standby(number: int) -> dict[str, str]:
    """A second grid inspector of office-0N, who owns no grid: the office's position agent."""
    return bearer(f"standby{number:02d}", "grid_inspector", office=f"office-{number:02d}")


# The directory the tests' delegations name, as the gateway publishes it: each demo office's
# inspector and standby; office-11 has three inspectors, office-15 two.
DIRECTORY = [
    *(person(f"{who}{n:02d}", "grid_inspector", f"office-{n:02d}")
      for n in range(1, 10) for who in ("inspector", "standby")),
    *(person(f"inspector{n}", "grid_inspector", "office-11") for n in (11, 12, 13)),
    *(person(f"inspector{n}", "grid_inspector", "office-15") for n in (15, 16)),
    *(person(f"head{n:02d}", "office_head", f"office-{n:02d}") for n in range(1, 10)),
]  # fmt: skip


ADMIN = bearer("admin", "admin")
AUDITOR = bearer("auditor01", "auditor")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ASSIGNED = "supervision.household.assigned"
UNKNOWN_COMMUNITY = "510106009001"  # a community no grid covers
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
        return await appeared(self.client, f"/households/{credit_code}", who)

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

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A transaction on the service's database, committed at the end (for what no route
        says or does)."""
        database = Database(self.settings.database_url)
        try:
            async with database.engine.begin() as connection:
                yield connection
        finally:
            await database.dispose()

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
    quick = {"relay_poll_seconds": 0.2, "seed_demo": True, "overdue_check_seconds": 0.2}
    database_url = await create_database("supervision")
    prefix = f"{bus_prefix}-sup-{uuid.uuid4().hex[:4]}"
    settings = service_settings(
        "supervision", database_url, prefix, SupervisionSettings, **(quick | extra)
    )
    assert isinstance(settings, SupervisionSettings)
    return settings


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
        await directory_knows(settings, *DIRECTORY)
        yield Supervision(client, bus, settings)


# -- helpers the test modules share ------------------------------------------------------


def assignments(supervision: Supervision, code: str) -> list[dict[str, Any]]:
    """The data of every `supervision.household.assigned` published for a household."""
    return [e["data"] for e in supervision.bus.of_type(ASSIGNED) if e["subject"] == code]


async def assigned_times(supervision: Supervision, code: str, count: int) -> list[dict[str, Any]]:
    """Wait until `count` assignments of the household were published; give their data."""
    return [e["data"] for e in await supervision.published(ASSIGNED, code, count)]


async def household_where(supervision: Supervision, code: str, **expected: Any) -> dict[str, Any]:
    """Wait until the household (as an auditor sees it) has the expected fields."""
    found: dict[str, Any] = {}

    async def matches() -> bool:
        answer = await supervision.client.get(f"/households/{code}", headers=AUDITOR)
        found.update(answer.json())
        return answer.status_code == 200 and all(found.get(k) == v for k, v in expected.items())

    await wait_until(matches, within=10)
    return found


async def issued(
    supervision: Supervision,
    owner: int,
    *,
    point: tuple[float, float] | None,
    community: int = 0,
) -> str:
    """A licence issued in inspector0N's grid (at a point, or only by community); its code."""
    code = new_credit_code()
    lon, lat = point if point is not None else (None, None)
    community_code = GRIDS[f"inspector{owner:02d}"]["community_codes"][community]
    await supervision.licensing_publishes(
        licence_issued(code, lon=lon, lat=lat, community=community_code), 1
    )
    return code


async def file_of(supervision: Supervision, code: str) -> list[dict[str, Any]]:
    """The household's supervision file, as an auditor reads it."""
    answer = await supervision.client.get(f"/households/{code}/file", headers=AUDITOR)
    assert answer.status_code == 200, answer.text
    entries: list[dict[str, Any]] = answer.json()["entries"]
    return entries


async def claimed_household(supervision: Supervision, owner: int = 4) -> str:
    """A household of inspector0N's grid, claimed by them."""
    grid = GRIDS[f"inspector{owner:02d}"]
    code = new_credit_code()
    await supervision.licensing_publishes(
        licence_issued(code, lon=None, lat=None, community=grid["community_codes"][1]), 1
    )
    await supervision.household(code)
    claimed = await supervision.client.post(f"/households/{code}/claim", headers=inspector(owner))
    assert claimed.status_code == 200, claimed.text
    return code


async def upload(supervision: Supervision, content: bytes, who: dict[str, str]) -> Any:
    """Upload a file as an attachment."""
    files = {"file": ("photo.png", content, "image/png")}
    return await supervision.client.post("/attachments", files=files, headers=who)


def record(
    households: list[str], attachments: list[str], findings: str = "证照齐全"
) -> dict[str, Any]:
    """An inspection record of the last hour."""
    ended = datetime.now(UTC)
    return {
        "started_at": (ended - timedelta(hours=1)).isoformat(),
        "ended_at": ended.isoformat(),
        "route": [[104.05, 30.70], [104.055, 30.705]],
        "households": households,
        "findings": findings,
        "actions": ["现场告知"],
        "attachments": attachments,
    }
