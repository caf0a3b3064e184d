"""The network's map: offices and their grids as supervision publishes them, community
stations, and which office supervises each business (from supervision)."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chassis.auth import Principal
from chassis.errors import Conflict, Forbidden, RuleViolated
from chassis.uow import UnitOfWork, Work
from services.complaints.context import ComplaintsContext
from services.complaints.domain.routing import Area, Station, area_shape
from services.complaints.repositories.network import NetworkRepository
from services.complaints.repositories.scope import at_bureau


@dataclass(frozen=True)
class OfficeOnMap:
    """An office as supervision's map published it, with the number of that event."""

    office_id: str
    name: str
    sequence: int


async def keep_office(work: Work, command: OfficeOnMap) -> None:
    """Keep the office (a later event of it wins): tickets may be routed to it."""
    await NetworkRepository(work.connection).keep_office(
        command.office_id, command.name, command.sequence
    )


@dataclass(frozen=True)
class GridOnMap:
    """A grid as supervision's map published it, with the number of that event."""

    grid_id: str
    office_id: str
    community_codes: tuple[str, ...]
    polygon: dict[str, Any]  # GeoJSON Polygon
    sequence: int


async def keep_grid(work: Work, command: GridOnMap) -> None:
    """Keep the grid (a later event of it wins): its office covers its area from now on."""
    await NetworkRepository(work.connection).keep_grid(
        command.grid_id,
        command.office_id,
        command.community_codes,
        command.polygon,
        command.sequence,
    )


async def seed_demo_stations(ctx: ComplaintsContext, uow: UnitOfWork) -> int:
    """Register the demo district's stations that are not registered yet."""
    text = await asyncio.to_thread(ctx.settings.demo_district_file.read_text, encoding="utf-8")
    district = json.loads(text)
    repository = NetworkRepository(uow.connection)
    known = {found.id for found in await repository.station_rows()}
    added = 0
    for seeded in district.get("stations", []):
        if seeded["id"] in known:
            continue
        station = Station(
            id=seeded["id"],
            name=seeded["name"],
            kind=seeded["kind"],
            office=seeded["office"],
            area=Area(frozenset(seeded["community_codes"])),
        )
        await repository.add_station(station, None, created_by="demo", created_at=ctx.clock.now())
        added += 1
    await uow.commit()
    return added


@dataclass(frozen=True)
class BusinessAssigned:
    """Supervision assigned a business to an office: where tickets about it go."""

    credit_code: str
    office_id: str
    at: datetime


async def note_business_office(work: Work, command: BusinessAssigned) -> None:
    """Remember which office supervises a business (the latest assignment wins)."""
    await NetworkRepository(work.connection).assign_business(
        command.credit_code, command.office_id, command.at
    )


@dataclass(frozen=True)
class NewStation:
    """A community complaint station to register."""

    by: Principal
    id: str | None
    name: str
    kind: str
    office: str
    community_codes: tuple[str, ...]
    polygon: dict[str, Any] | None


async def register_station(ctx: ComplaintsContext, uow: UnitOfWork, command: NewStation) -> Any:
    """Register a station under an office of the bureau; its area routes tickets from now on.
    Only the bureau's desk (or an admin) draws the network: an office's handler could
    otherwise take another office's tickets by drawing a station over its area."""
    if not at_bureau(command.by):
        raise Forbidden("only the bureau's 12315 desk registers stations")
    repository = NetworkRepository(uow.connection)
    known = await repository.office_ids()
    if known and command.office not in known:
        raise RuleViolated("office", "no such office of the bureau", "unknown")
    polygon = None if command.polygon is None else area_shape(command.polygon)
    station = Station(
        id=command.id or str(uuid.uuid4()),
        name=command.name,
        kind=command.kind,
        office=command.office,
        area=Area(frozenset(command.community_codes), polygon),
    )
    for found in await repository.station_rows():
        if found.name == station.name or found.id == station.id:
            raise Conflict(f"a station {station.id!r} or named {station.name!r} exists already")
    await repository.add_station(
        station, command.polygon, created_by=command.by.subject, created_at=ctx.clock.now()
    )
    await uow.commit()
    (stored,) = [found for found in await repository.station_rows() if found.id == station.id]
    return stored


async def stations(uow: UnitOfWork) -> list[Any]:
    """Every registered station, oldest first."""
    return await NetworkRepository(uow.connection).station_rows()
