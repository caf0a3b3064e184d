"""The network's map: offices and their grids from the shared seed, the district's bounds,
community stations, and which office supervises each business (from supervision)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from chassis.auth import Principal
from chassis.errors import Conflict, Forbidden, RuleViolated
from chassis.uow import UnitOfWork, Work
from services.complaints.context import ComplaintsContext
from services.complaints.domain.routing import Area, Bounds, Station, area_shape
from services.complaints.repositories.network import NetworkRepository
from services.complaints.repositories.scope import at_bureau


@cache
def _district(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


async def district_bounds(ctx: ComplaintsContext) -> Bounds | None:
    """The district's extent, or None when no map is configured."""
    path = ctx.settings.district_file
    if path is None:
        return None
    district = await asyncio.to_thread(_district, path)
    return Bounds(**district["bounds"])


async def load_offices(ctx: ComplaintsContext, uow: UnitOfWork) -> int:
    """Keep the seed's offices, each with the community codes and polygons of its grids."""
    path = ctx.settings.district_file
    if path is None:
        return 0
    district = await asyncio.to_thread(_district, path)
    codes: dict[str, set[str]] = defaultdict(set)
    polygons: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for grid in district["grids"]:
        codes[grid["office"]].update(grid["community_codes"])
        polygons[grid["office"]].append(grid["polygon"])
    seeded = [
        {
            "id": office["id"],
            "name": office["name"],
            "community_codes": sorted(codes[office["id"]]),
            "polygons": polygons[office["id"]],
        }
        for office in district["offices"]
    ]
    await NetworkRepository(uow.connection).keep_offices(seeded)
    await uow.commit()
    return len(seeded)


async def seed_demo_stations(ctx: ComplaintsContext, uow: UnitOfWork) -> int:
    """Register the district file's demo stations that are not registered yet."""
    path = ctx.settings.district_file
    if path is None:
        return 0
    district = await asyncio.to_thread(_district, path)
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
