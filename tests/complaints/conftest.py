"""A running complaints service on PostgreSQL and RabbitMQ, with the demo district's offices,
fed events as other services' relays would publish them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from contracts import Envelope
from contracts.values import CreditCode
from services.complaints.app import spec
from services.complaints.settings import ComplaintsSettings
from tests.conftest import (
    BUS_URL,
    CreateDatabase,
    feed_demo_map,
    publish,
    running_service,
    staff_bearer,
)

bearer = staff_bearer
DESK = bearer("handler01", "complaints_handler", office="complaints")  # the bureau's 12315 desk
OFFICE_01 = bearer("handler-o1", "complaints_handler", office="office-01")
OFFICE_02 = bearer("handler-o2", "complaints_handler", office="office-02")
AUDITOR = bearer("auditor01", "auditor")
INSPECTOR = bearer("inspector01", "grid_inspector", office="office-01")
# A point inside grid 510106001001001 of office-01, and one of its community codes.
IN_OFFICE_01 = {"lon": 104.01, "lat": 30.73}
OFFICE_01_COMMUNITY = "510106001001"
_sequence = iter(range(1, 10**9))


def new_credit_code() -> CreditCode:
    """A credit code no other test uses."""
    return CreditCode.generate(category="2", region="510106", sequence=next(_sequence) + 8_000_000)


def days_ago(days: int) -> str:
    """An instant `days` ago, as a submission's `received_at`."""
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


def refused(answer: httpx.Response, status: int) -> dict[str, Any]:
    """The problem+json body of an answer refused with `status`."""
    assert answer.status_code == status, (answer.status_code, answer.text)
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.headers
    body: dict[str, Any] = answer.json()
    return body


def fields_of(problem: dict[str, Any]) -> list[str]:
    """The fields a 422 problem names."""
    return [error["field"] for error in problem.get("errors", [])]


def submission(**changes: Any) -> dict[str, Any]:
    """A phone complaint from a real-name submitter about a place in office-01's grid."""
    body: dict[str, Any] = {
        "channel": "phone",
        "kinds": ["complaint"],
        "submitter": {"name": "王芳", "phone": "13800138000", "id_number": "11010519491231002X"},
        "description": "买到过期牛奶，要求退款",
        "location": IN_OFFICE_01,
    }
    return body | changes


@dataclass
class Complaints:
    """The service's HTTP client and a way to feed it other services' events."""

    client: httpx.AsyncClient
    settings: ComplaintsSettings

    async def receives(self, event: Any, source: str) -> uuid.UUID:
        """Publish another service's event as its relay would; the envelope's id."""
        envelope = Envelope.wrap(event, source=source, sequence=1)
        await publish(self.settings.bus_prefix, envelope)
        return envelope.id

    async def submit(self, headers: dict[str, str] = DESK, **changes: Any) -> dict[str, Any]:
        answer = await self.client.post("/submissions", json=submission(**changes), headers=headers)
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def ticket(self, ticket_id: str, headers: dict[str, str] = DESK) -> dict[str, Any]:
        """The ticket as `headers`' caller sees it (asserting they may)."""
        answer = await self.client.get(f"/tickets/{ticket_id}", headers=headers)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def act(
        self,
        ticket_id: str,
        step: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] = DESK,
    ) -> dict[str, Any]:
        answer = await self.client.post(f"/tickets/{ticket_id}/{step}", json=body, headers=headers)
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result


def complaints_settings(database_url: str, bus_prefix: str, **changes: Any) -> ComplaintsSettings:
    values: dict[str, Any] = {
        "service": "complaints",
        "environment": "test",
        "database_url": database_url,
        "bus_url": BUS_URL,
        "bus_prefix": bus_prefix,
        "relay_poll_seconds": 0.2,
        "deadline_check_seconds": 0.2,
    }
    return ComplaintsSettings(**(values | changes))


@pytest.fixture(scope="module")
async def complaints(create_database: CreateDatabase, bus_prefix: str) -> AsyncIterator[Complaints]:
    """The complaints service with the demo offices, its own database and bus prefix."""
    settings = complaints_settings(
        await create_database("complaints"), f"{bus_prefix}-cmp-{uuid.uuid4().hex[:4]}"
    )
    async with running_service(spec, settings) as client:
        await feed_demo_map(spec, settings)
        yield Complaints(client, settings)
