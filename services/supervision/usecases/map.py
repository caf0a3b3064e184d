"""The map: offices and their grids. Drawing or re-drawing a grid re-routes what it touches.

Every office and grid created or changed is published as it now stands: the other services
keep their own copy of the map from these events (`by` is who did it, for the record).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.errors import NotFound, RuleViolated
from chassis.uow import UnitOfWork
from services.supervision.context import SupervisionContext
from services.supervision.domain import Grid, GridClash, Office
from services.supervision.repositories.map import Map
from services.supervision.usecases.routing import reroute


async def create_office(
    ctx: SupervisionContext, uow: UnitOfWork, office: Office, *, by: str
) -> Office:
    """A new office (工商所) in area 1 or 2."""
    offices = Map(uow.connection)
    if await offices.office(office.id) is not None:
        raise GridClash("id", f"office {office.id} exists")
    await offices.add_office(office)
    uow.emit(office.changed(by, ctx.clock.now()))
    await uow.commit()
    return office


async def publish_map(ctx: SupervisionContext, uow: UnitOfWork, *, by: str) -> int:
    """Publish every office and grid as it stands, offices first: for a service whose copy of
    the map was lost, or kept before the map travelled on the bus. How many were published."""
    grid_map, now = Map(uow.connection), ctx.clock.now()
    offices, grids = await grid_map.offices(), await grid_map.grids()
    for office in offices:
        uow.emit(office.changed(by, now))
    for drawn in grids:
        uow.emit(drawn.changed(by, now))
    await uow.commit()
    return len(offices) + len(grids)


async def offices(connection: AsyncConnection) -> list[Office]:
    """Every office."""
    return await Map(connection).offices()


async def grid(connection: AsyncConnection, grid_id: str) -> Grid:
    """One grid; NotFound if absent."""
    found = await Map(connection).grid(grid_id)
    if found is None:
        raise NotFound("grid")
    return found


async def grids(connection: AsyncConnection, office_id: str | None) -> list[Grid]:
    """The grids, of one office if asked."""
    return await Map(connection).grids(office_id)


@dataclass(frozen=True)
class DrawGrid:
    """A new grid: its code, office, name, GeoJSON polygon, communities and owner."""

    id: str
    office_id: str
    name: str
    polygon: Mapping[str, Any]  # GeoJSON Polygon
    community_codes: Sequence[str]
    owner: str


async def create_grid(
    ctx: SupervisionContext, uow: UnitOfWork, command: DrawGrid, *, by: str
) -> Grid:
    """Draw a new grid; unrouted households that fall in it are routed to its owner."""
    grid_map = Map(uow.connection)
    if await grid_map.grid(command.id) is not None:
        raise GridClash("id", f"grid {command.id} exists")
    drawn = await _checked(ctx, uow, command)
    await grid_map.save_grid(drawn, new=True)
    uow.emit(drawn.changed(by, ctx.clock.now()))
    await reroute(ctx, uow.work, await grid_map.touched_by(drawn), ctx.clock.now())
    await uow.commit()
    return await grid(uow.connection, command.id)


@dataclass(frozen=True)
class RedrawGrid:
    """What changes of the grid `id` (None: stays as it is)."""

    id: str
    office_id: str | None = None
    name: str | None = None
    polygon: Mapping[str, Any] | None = None  # GeoJSON Polygon
    community_codes: Sequence[str] | None = None
    owner: str | None = None


async def update_grid(
    ctx: SupervisionContext, uow: UnitOfWork, command: RedrawGrid, *, by: str
) -> Grid:
    """Re-draw or re-assign a grid; the households it gains, loses or keeps are re-routed,
    their history kept."""
    grid_map = Map(uow.connection)
    current = await grid_map.grid(command.id, lock=True)
    if current is None:
        raise NotFound("grid")
    changed = DrawGrid(
        id=current.id,
        office_id=command.office_id or current.office_id,
        name=command.name or current.name,
        polygon=command.polygon or current.geojson,
        community_codes=(
            current.community_codes if command.community_codes is None else command.community_codes
        ),
        owner=command.owner or current.owner,
    )
    drawn = await _checked(ctx, uow, changed)
    await grid_map.save_grid(drawn, new=False)
    uow.emit(drawn.changed(by, ctx.clock.now()))
    await reroute(ctx, uow.work, await grid_map.touched_by(drawn), ctx.clock.now())
    await uow.commit()
    return await grid(uow.connection, command.id)


async def _checked(ctx: SupervisionContext, uow: UnitOfWork, command: DrawGrid) -> Grid:
    """The grid as drawn, refused unless its office exists, its shape is usable and its
    communities and area are its own."""
    grid_map = Map(uow.connection)
    if await grid_map.office(command.office_id) is None:
        raise RuleViolated("office_id", f"no office {command.office_id}")
    drawn = Grid.drawn(**asdict(command), updated_at=ctx.clock.now())
    drawn.check_against(await grid_map.grids())
    return drawn
