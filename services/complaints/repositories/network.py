"""The 12315 network as routing sees it: offices and their grids' areas, community stations,
and which office supervises each business."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from shapely.ops import unary_union
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.copying import made_from
from chassis.db import upsert
from chassis.rows import values_for
from services.complaints.domain.routing import (
    INTAKE,
    Area,
    Bounds,
    Network,
    OfficeArea,
    Station,
    Unit,
    area_shape,
)
from services.complaints.tables import business_offices, grids, offices, stations


def _area(community_codes: Sequence[str], polygons: Sequence[dict[str, Any]]) -> Area:
    shapes = [area_shape(polygon) for polygon in polygons]
    return Area(frozenset(community_codes), unary_union(shapes) if shapes else None)


class NetworkRepository:
    """Offices, stations and business offices of the complaints database."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def keep_office(self, office_id: str, name: str, sequence: int) -> None:
        """Keep an office as the map's event `sequence` says, unless a later one is kept."""
        values = {"id": office_id, "name": name, "sequence": sequence}
        await upsert(self.connection, offices, values, ["id"], where=offices.c.sequence < sequence)

    async def keep_grid(
        self,
        grid_id: str,
        office_id: str,
        community_codes: Sequence[str],
        polygon: dict[str, Any],
        sequence: int,
    ) -> None:
        """Keep a grid as the map's event `sequence` says, unless a later one is kept."""
        values = {
            "id": grid_id,
            "office_id": office_id,
            "community_codes": sorted(community_codes),
            "polygon": polygon,
            "sequence": sequence,
        }
        await upsert(self.connection, grids, values, ["id"], where=grids.c.sequence < sequence)

    async def office_ids(self) -> set[str]:
        rows = await self.connection.execute(sa.select(offices.c.id))
        return {found.id for found in rows}

    async def has_unit(self, unit: Unit) -> bool:
        """Whether a unit is in the network: the intake desk, a registered station, or an
        office of the map (any office while no map is known, as stations are registered)."""
        if unit.level == "station":
            found = await self.connection.scalar(
                sa.select(stations.c.id).where(stations.c.id == unit.id)
            )
            return found is not None
        if unit.level == "office":
            known = await self.office_ids()
            return not known or unit.id in known
        return unit == INTAKE

    async def assign_business(self, credit_code: str, office_id: str, at: datetime) -> None:
        """The latest assignment wins (an older one delivered late changes nothing)."""
        values = {"credit_code": credit_code, "office_id": office_id, "updated_at": at}
        await upsert(
            self.connection,
            business_offices,
            values,
            ["credit_code"],
            where=business_offices.c.updated_at <= at,
        )

    async def add_station(
        self, station: Station, polygon: dict[str, Any] | None, **given: Any
    ) -> None:
        values = values_for(
            stations,
            station,
            community_codes=sorted(station.area.community_codes),
            polygon=polygon,
            **given,
        )
        await self.connection.execute(sa.insert(stations).values(values))

    async def stations(self) -> list[Station]:
        rows = await self.connection.execute(sa.select(stations).order_by(stations.c.created_at))
        return [
            made_from(
                Station,
                found,
                area=_area(found.community_codes, [found.polygon] if found.polygon else []),
            )
            for found in rows
        ]

    async def station_rows(self) -> list[Any]:
        """The stations as stored (for listing, with their polygons as given)."""
        return list(
            await self.connection.execute(sa.select(stations).order_by(stations.c.created_at))
        )

    async def network(self, credit_code: str | None) -> Network:
        """What routing needs for one submission: its business's office, stations, offices'
        areas (their grids') and the district's bounds (around every grid; none without)."""
        business_office: dict[str, str] = {}
        if credit_code is not None:
            found = (
                await self.connection.execute(
                    sa.select(business_offices.c.office_id).where(
                        business_offices.c.credit_code == credit_code
                    )
                )
            ).first()
            if found is not None:
                business_office[credit_code] = found.office_id
        codes: dict[str, list[str]] = defaultdict(list)
        polygons: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for found in await self.connection.execute(sa.select(grids).order_by(grids.c.id)):
            codes[found.office_id] += found.community_codes
            polygons[found.office_id].append(found.polygon)
        areas = [
            OfficeArea(office, _area(codes[office], polygons[office])) for office in sorted(codes)
        ]
        drawn = [area.area.polygon for area in areas if area.area.polygon is not None]
        return Network(
            business_office=business_office,
            stations=await self.stations(),
            offices=areas,
            bounds=Bounds(*unary_union(drawn).bounds) if drawn else None,
        )
