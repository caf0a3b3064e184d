"""Offices and grids as stored, and the spatial index of the map."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.copying import made_from
from chassis.db import dialect_of
from chassis.rows import values_for
from services.supervision.domain import Grid, GridMap, HouseholdStatus, Office
from services.supervision.tables import grid_map_version, grids, households, offices


def grid_of(row: sa.Row[Any]) -> Grid:
    """A stored grid."""
    return Grid.drawn(**row._asdict())


@dataclass
class GridIndex:
    """The spatial index of the grid map, rebuilt when the map's stamp changes.

    The stamp is random, not a counter: an index built inside a transaction that rolled back
    must never pass for the map of a later change that happens to reach the same number.
    """

    version: int = -1
    grid_map: GridMap = field(default_factory=lambda: GridMap([]))

    async def current(self, connection: AsyncConnection) -> GridMap:
        """The index of the map as stored now."""
        version = await connection.scalar(sa.select(grid_map_version.c.version)) or 0
        if version != self.version:
            self.grid_map = GridMap(await Map(connection).grids())
            self.version = version
        return self.grid_map


@dataclass
class Map:
    """Offices and grids on one connection."""

    connection: AsyncConnection

    async def office(self, office_id: str) -> Office | None:
        """One office, if it exists."""
        row = (
            await self.connection.execute(sa.select(offices).where(offices.c.id == office_id))
        ).first()
        return made_from(Office, row) if row is not None else None

    async def offices(self) -> list[Office]:
        """Every office, by id."""
        rows = await self.connection.execute(sa.select(offices).order_by(offices.c.id))
        return [made_from(Office, row) for row in rows]

    async def add_office(self, office: Office) -> None:
        """Store a new office."""
        await self.connection.execute(sa.insert(offices).values(values_for(offices, office)))

    async def grid(self, grid_id: str, *, lock: bool = False) -> Grid | None:
        """One grid, if it exists (locked for the transaction if asked)."""
        statement = sa.select(grids).where(grids.c.id == grid_id)
        if lock:
            statement = statement.with_for_update()
        row = (await self.connection.execute(statement)).first()
        return grid_of(row) if row is not None else None

    async def grids(self, office_id: str | None = None) -> list[Grid]:
        """The grids by id, of one office if asked."""
        statement = sa.select(grids).order_by(grids.c.id)
        if office_id is not None:
            statement = statement.where(grids.c.office_id == office_id)
        return [grid_of(row) for row in await self.connection.execute(statement)]

    async def save_grid(self, grid: Grid, *, new: bool) -> None:
        """Store a grid as drawn, and stamp the map as changed."""
        # The polygon is stored as drawn (GeoJSON), not as the shape routing uses.
        drawn = {"polygon": dict(grid.geojson), "community_codes": list(grid.community_codes)}
        values = values_for(grids, grid, **drawn)
        if new:
            await self.connection.execute(sa.insert(grids).values(values))
        else:
            del values["id"]
            await self.connection.execute(
                sa.update(grids).where(grids.c.id == grid.id).values(values)
            )
        stamp = secrets.randbits(62)
        statement = dialect_of(self.connection).insert(grid_map_version).values(id=1, version=stamp)
        await self.connection.execute(
            statement.on_conflict_do_update(
                index_elements=[grid_map_version.c.id], set_={"version": stamp}
            )
        )

    async def touched_by(self, grid: Grid) -> Sequence[str]:
        """The households a change of `grid` can move, by credit code.

        This grid's households, those routed only by community (their point was in no grid),
        those in no grid at all, and those whose point lies within the grid's bounds (the
        index decides exactly; this only narrows the scan).
        """
        west, south, east, north = grid.polygon.bounds
        location = households.c.address["location"]
        lon, lat = location["lon"].as_float(), location["lat"].as_float()
        candidates = await self.connection.scalars(
            sa.select(households.c.credit_code)
            .where(
                households.c.licensed,
                households.c.status != HouseholdStatus.CANCELLED,
                sa.or_(
                    households.c.grid_id == grid.id,
                    households.c.grid_id.is_(None),
                    households.c.routed_by == "community",
                    sa.and_(lon.between(west, east), lat.between(south, north)),
                ),
            )
            .order_by(households.c.credit_code)
        )
        return list(candidates)
