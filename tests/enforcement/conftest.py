"""A running enforcement service on PostgreSQL and RabbitMQ, fed events as other services'
relays would publish them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from chassis.app import create_service_app
from chassis.legalclock.deadlines import SHANGHAI
from contracts import Envelope, PersonChanged
from contracts.values import CreditCode
from services.enforcement.app import spec
from services.enforcement.settings import EnforcementSettings
from tests.conftest import (
    BUS_URL,
    CreateDatabase,
    appeared,
    directory_knows,
    feed_demo_map,
    fully_ready,
    migrate,
    person,
    publish,
    running,
    staff_bearer,
    wait_until,
)

bearer = staff_bearer


def officer(section: int) -> dict[str, str]:
    """An enforcement officer of section-N (the token's office is the section)."""
    return bearer(f"officer{section}", "enforcement_officer", office=f"section-{section}")


def certified(username: str) -> PersonChanged:
    """An officer of section-1 holding a certificate valid for years."""
    return person(username, "enforcement_officer", "section-1", certified_until=date(2099, 12, 31))


# The handlers the tests file cases with, certified as the gateway's directory says; `lapsed`
# held a certificate that ran out.
DIRECTORY = [
    *(certified(name) for name in ("zhao", "qian", "officer1", "officer2")),
    person("lapsed", "enforcement_officer", "section-1", certified_until=date(2020, 12, 31)),
    person("trainee", "enforcement_officer", "section-1"),
]  # fmt: skip
AUDITOR = bearer("auditor01", "auditor")
ADMIN = bearer("admin", "admin")
_sequence = iter(range(1, 10**9))


def new_credit_code() -> CreditCode:
    """A credit code no other test uses."""
    return CreditCode.generate(category="2", region="510106", sequence=next(_sequence) + 7_000_000)


@dataclass
class Enforcement:
    """The service's HTTP client and a way to feed it other services' events."""

    client: httpx.AsyncClient
    settings: EnforcementSettings
    app: FastAPI

    async def receives(self, event: Any, source: str) -> uuid.UUID:
        """Publish another service's event as its relay would (a fresh envelope each time);
        the envelope's id."""
        envelope = Envelope.wrap(event, source=source, sequence=1)
        await publish(self.settings.bus_prefix, envelope)
        return envelope.id

    async def certify(self, *usernames: str) -> None:
        """These officers of section-1 hold a valid certificate, as the directory now says."""
        await directory_knows(self.settings, *(certified(name) for name in usernames))

    async def case_source(self, case_source_id: uuid.UUID) -> dict[str, Any]:
        """The case source once it has arrived (waits for the bus), as an auditor sees it."""
        return await appeared(self.client, f"/case-sources/{case_source_id}", AUDITOR)


@pytest.fixture(scope="module")
async def enforcement(
    create_database: CreateDatabase, bus_prefix: str
) -> AsyncIterator[Enforcement]:
    """The enforcement service with the demo offices, its own database and bus prefix."""
    settings = EnforcementSettings(
        service="enforcement",
        environment="test",
        database_url=await create_database("enforcement"),
        bus_url=BUS_URL,
        bus_prefix=f"{bus_prefix}-enf-{uuid.uuid4().hex[:4]}",
        relay_poll_seconds=0.2,
        deadline_check_seconds=0.2,
    )
    await migrate(spec, settings)
    app = create_service_app(spec, settings)
    async with running(app) as client:

        async def ready() -> bool:
            return fully_ready(await client.get("/readyz"))

        await wait_until(ready)
        await directory_knows(settings, *DIRECTORY)
        await feed_demo_map(spec, settings)
        yield Enforcement(client, settings, app)


class FixedClock:
    """The service's clock held on a day of the bureau's calendar (10:00 in Shanghai), moved
    on by the test."""

    def __init__(self, day: date) -> None:
        self.day = day

    def now(self) -> datetime:
        return datetime.combine(self.day, time(10), SHANGHAI)

    def today(self) -> date:
        return self.day


@pytest.fixture
def clock(enforcement: Enforcement) -> Iterator[FixedClock]:
    """The service's clock fixed for one test (the machine's again after it); set `.day`."""
    context = enforcement.app.state.context
    kept, context.clock = context.clock, FixedClock(date(2026, 9, 1))
    yield context.clock
    context.clock = kept
