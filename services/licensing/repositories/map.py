"""The bureau's map as licensing keeps it: offices' areas and grids' communities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.db import upsert
from services.licensing.domain.mobile import AreaMap
from services.licensing.tables import grids, offices


@dataclass
class Map:
    """Offices and grids on one connection, as supervision's events brought them."""

    connection: AsyncConnection

    async def keep_office(self, office_id: str, area: int, sequence: int) -> None:
        """Keep an office as the map's event `sequence` says, unless a later one is kept."""
        values = {"id": office_id, "area": area, "sequence": sequence}
        await upsert(self.connection, offices, values, ["id"], where=offices.c.sequence < sequence)

    async def keep_grid(
        self, grid_id: str, office_id: str, community_codes: Sequence[str], sequence: int
    ) -> None:
        """Keep a grid as the map's event `sequence` says, unless a later one is kept."""
        values = {
            "id": grid_id,
            "office_id": office_id,
            "community_codes": sorted(community_codes),
            "sequence": sequence,
        }
        await upsert(self.connection, grids, values, ["id"], where=grids.c.sequence < sequence)

    async def area_map(self) -> AreaMap:
        """Which area each community lies in, as the map stands."""
        areas = await self.connection.execute(sa.select(offices.c.id, offices.c.area))
        drawn = await self.connection.execute(sa.select(grids.c.office_id, grids.c.community_codes))
        return AreaMap.of(
            {found.id: found.area for found in areas},
            [(found.office_id, found.community_codes) for found in drawn],
        )
