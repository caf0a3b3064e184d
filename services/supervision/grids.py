"""The map: offices and their grids. Drawing or re-drawing a grid re-routes what it touches."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.db import dialect_of
from chassis.problems import Problem, invalid_field, not_found
from chassis.uow import UnitOfWork
from services.supervision import domain
from services.supervision.domain import HouseholdStatus
from services.supervision.tables import grid_map_version, grids, households, offices
from services.supervision.usecases import Supervision, grid_of


def clash(field_name: str, message: str) -> Problem:
    """A 409 naming the body field that clashes with the stored map."""
    return Problem(
        "conflict",
        409,
        message,
        errors=[{"field": f"body.{field_name}", "message": message, "code": "rule"}],
    )


@dataclass
class GridMap:
    """Office and grid use cases."""

    supervision: Supervision

    async def create_office(self, uow: UnitOfWork, office: dict[str, Any]) -> dict[str, Any]:
        """A new office (工商所) in area 1 or 2."""
        connection = uow.connection
        if await connection.scalar(sa.select(offices.c.id).where(offices.c.id == office["id"])):
            raise clash("id", f"office {office['id']} exists")
        await connection.execute(sa.insert(offices).values(office))
        await uow.commit()
        return office

    async def offices(self, connection: AsyncConnection) -> list[dict[str, Any]]:
        """Every office."""
        rows = await connection.execute(sa.select(offices).order_by(offices.c.id))
        return [row._asdict() for row in rows]

    async def grid(self, connection: AsyncConnection, grid_id: str) -> dict[str, Any]:
        """One grid; 404 if absent."""
        row = (await connection.execute(sa.select(grids).where(grids.c.id == grid_id))).first()
        if row is None:
            raise not_found("grid")
        return row._asdict()

    async def grids(
        self, connection: AsyncConnection, office_id: str | None
    ) -> list[dict[str, Any]]:
        """The grids, of one office if asked."""
        statement = sa.select(grids).order_by(grids.c.id)
        if office_id is not None:
            statement = statement.where(grids.c.office_id == office_id)
        return [row._asdict() for row in await connection.execute(statement)]

    async def create_grid(self, uow: UnitOfWork, grid: dict[str, Any]) -> dict[str, Any]:
        """Draw a new grid; unrouted households that fall in it are routed to its owner."""
        connection = uow.connection
        if await connection.scalar(sa.select(grids.c.id).where(grids.c.id == grid["id"])):
            raise clash("id", f"grid {grid['id']} exists")
        now = datetime.now(UTC)
        await self._check(connection, grid, replacing=None)
        await connection.execute(sa.insert(grids).values(grid | {"updated_at": now}))
        await self._map_changed(uow, grid, now)
        await uow.commit()
        return await self.grid(connection, grid["id"])

    async def update_grid(
        self, uow: UnitOfWork, grid_id: str, changes: dict[str, Any]
    ) -> dict[str, Any]:
        """Re-draw or re-assign a grid; the households it gains, loses or keeps are re-routed,
        their history kept."""
        connection = uow.connection
        current = (
            await connection.execute(
                sa.select(grids).where(grids.c.id == grid_id).with_for_update()
            )
        ).first()
        if current is None:
            raise not_found("grid")
        grid = current._asdict() | changes
        now = datetime.now(UTC)
        await self._check(connection, grid, replacing=grid_id)
        await connection.execute(
            sa.update(grids).where(grids.c.id == grid_id).values(**changes, updated_at=now)
        )
        await self._map_changed(uow, grid, now)
        await uow.commit()
        return await self.grid(connection, grid_id)

    async def _check(
        self, connection: AsyncConnection, grid: dict[str, Any], *, replacing: str | None
    ) -> None:
        if not await connection.scalar(
            sa.select(offices.c.id).where(offices.c.id == grid["office_id"])
        ):
            raise invalid_field("office_id", f"no office {grid['office_id']}")
        try:
            shape = domain.grid_shape(grid["polygon"])
        except domain.GridShapeError as error:
            raise invalid_field("polygon", str(error)) from None
        others = (
            await connection.execute(sa.select(grids).where(grids.c.id != (replacing or "")))
        ).all()
        for other in others:
            taken = set(grid["community_codes"]) & set(other.community_codes)
            if taken:
                raise clash(
                    "community_codes", f"{', '.join(sorted(taken))} already in grid {other.id}"
                )
            if shape.intersection(grid_of(other).polygon).area > 0:
                raise clash("polygon", f"overlaps grid {other.id}")

    async def _map_changed(self, uow: UnitOfWork, grid: dict[str, Any], now: datetime) -> None:
        connection = uow.connection
        stamp = secrets.randbits(62)
        statement = dialect_of(connection).insert(grid_map_version).values(id=1, version=stamp)
        await connection.execute(
            statement.on_conflict_do_update(
                index_elements=[grid_map_version.c.id], set_={"version": stamp}
            )
        )
        # What the change can move: this grid's households, those routed only by community
        # (their point was in no grid), those in no grid at all, and those whose point lies
        # within the grid's new bounds (the index decides exactly; this only narrows the scan).
        west, south, east, north = domain.grid_shape(grid["polygon"]).bounds
        location = households.c.address["location"]
        lon, lat = location["lon"].as_float(), location["lat"].as_float()
        candidates = await connection.scalars(
            sa.select(households.c.credit_code)
            .where(
                households.c.licensed,
                households.c.status != HouseholdStatus.CANCELLED,
                sa.or_(
                    households.c.grid_id == grid["id"],
                    households.c.grid_id.is_(None),
                    households.c.routed_by == "community",
                    sa.and_(lon.between(west, east), lat.between(south, north)),
                ),
            )
            .order_by(households.c.credit_code)
        )
        await self.supervision.reroute(uow.work, list(candidates), now)
