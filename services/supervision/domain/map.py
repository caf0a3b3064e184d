"""The map: offices, their grids, and routing a point or a community to its grid."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from chassis.errors import RuleViolated
from contracts.supervision import GridChanged, OfficeChanged
from contracts.values import GeoPolygon


class GridShapeError(ValueError):
    """A grid polygon that cannot be used (not a valid GeoJSON Polygon)."""


class GridClash(RuleViolated):
    """A grid (or office) that clashes with the stored map: a 409 naming the field at fault."""

    kind = "conflict"
    status = 409

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.detail = message


def grid_shape(polygon: Mapping[str, Any]) -> BaseGeometry:
    """The shape of a GeoJSON Polygon, refused unless it is a valid polygon with area."""
    if polygon.get("type") != "Polygon":
        raise GridShapeError("polygon must be a GeoJSON Polygon")
    try:
        geometry = shape(dict(polygon))
    except (ValueError, TypeError, IndexError, AttributeError) as error:
        raise GridShapeError(f"polygon is not valid GeoJSON: {error}") from None
    if geometry.is_empty or not geometry.is_valid or geometry.area <= 0:
        raise GridShapeError("polygon must be a valid, non-empty ring (no self-intersection)")
    return geometry


@dataclass(frozen=True)
class Office:
    """An office (工商所) in area (片区) 1 or 2."""

    id: str
    name: str
    area: int

    def changed(self, by: str, at: datetime) -> OfficeChanged:
        """The office as it stands now, for the services that keep a copy of the map."""
        return OfficeChanged(
            office_code=self.id, name=self.name, area=self.area, changed_by=by, changed_at=at
        )


@dataclass(frozen=True)
class Grid:
    """A grid: its code, office, owner, shape and communities (what routing needs), and as
    drawn on the map: its name, its GeoJSON polygon and when it last changed."""

    id: str
    office_id: str
    owner: str
    polygon: BaseGeometry
    community_codes: tuple[str, ...]
    name: str = ""
    # The polygon as drawn (GeoJSON, WGS 84): free-form JSON kept as given.
    geojson: Mapping[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None

    @classmethod
    def drawn(
        cls,
        *,
        id: str,
        office_id: str,
        name: str,
        polygon: Mapping[str, Any],
        community_codes: Sequence[str],
        owner: str,
        updated_at: datetime | None,
    ) -> Grid:
        """A grid as drawn; RuleViolated naming `polygon` unless its shape is usable."""
        try:
            area = grid_shape(polygon)
        except GridShapeError as error:
            raise RuleViolated("polygon", str(error)) from None
        return cls(
            id=id,
            office_id=office_id,
            owner=owner,
            polygon=area,
            community_codes=tuple(community_codes),
            name=name,
            geojson=polygon,
            updated_at=updated_at,
        )

    def changed(self, by: str, at: datetime) -> GridChanged:
        """The grid as it stands now, for the services that keep a copy of the map."""
        return GridChanged(
            grid_code=self.id,
            office_code=self.office_id,
            name=self.name,
            owner=self.owner,
            community_codes=self.community_codes,
            polygon=GeoPolygon.model_validate(dict(self.geojson)),
            changed_by=by,
            changed_at=at,
        )

    def check_against(self, others: Sequence[Grid]) -> None:
        """GridClash unless its communities and area are its own."""
        for other in others:
            if other.id == self.id:
                continue
            taken = set(self.community_codes) & set(other.community_codes)
            if taken:
                raise GridClash(
                    "community_codes", f"{', '.join(sorted(taken))} already in grid {other.id}"
                )
            if self.polygon.intersection(other.polygon).area > 0:
                raise GridClash("polygon", f"overlaps grid {other.id}")


@dataclass(frozen=True)
class Route:
    """Where a household goes: a grid (and how it was found), or unrouted."""

    grid: Grid | None
    by: str  # "point", "community" or "none"


@dataclass
class GridMap:
    """Every grid, with a spatial index: a point is located without a loop over grids."""

    grids: Sequence[Grid]
    _tree: STRtree = field(init=False, repr=False)
    _by_community: dict[str, Grid] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Sorted by id, so that a point on a shared border always goes to the same grid.
        self.grids = sorted(self.grids, key=lambda grid: grid.id)
        self._tree = STRtree([grid.polygon for grid in self.grids])
        self._by_community = {code: grid for grid in self.grids for code in grid.community_codes}

    def route(self, lon: float | None, lat: float | None, community_code: str | None) -> Route:
        """The grid containing the point (its border included); else the one covering the
        community; else none."""
        if lon is not None and lat is not None:
            hits = self._tree.query(Point(lon, lat), predicate="intersects")
            if len(hits):
                return Route(self.grids[int(min(hits))], "point")
        if community_code is not None and community_code in self._by_community:
            return Route(self._by_community[community_code], "community")
        return Route(None, "none")

    def route_many(
        self,
        lons: Sequence[float | None],
        lats: Sequence[float | None],
        community_codes: Sequence[str | None],
    ) -> list[Route]:
        """`route` of many households at once (the i-th of each sequence is one household), the
        points located in one vectorised query of the spatial index."""
        count = len(community_codes)
        if not len(lons) == len(lats) == count:
            raise ValueError("lons, lats and community_codes must have the same length")
        located = [i for i in range(count) if lons[i] is not None and lats[i] is not None]
        # Per household, the lowest index of a grid containing its point; len(grids) for none.
        best = np.full(count, len(self.grids), dtype=np.int64)
        if located and self.grids:
            coordinates = np.array([(lons[i], lats[i]) for i in located], dtype=np.float64)
            found, hit = self._tree.query(shapely.points(coordinates), predicate="intersects")
            np.minimum.at(best, np.asarray(located, dtype=np.int64)[found], hit)
        by_point = [Route(grid, "point") for grid in self.grids]
        by_community = {code: Route(grid, "community") for code, grid in self._by_community.items()}
        nowhere = Route(None, "none")
        routes = []
        for index, code in zip(best.tolist(), community_codes, strict=True):
            if index < len(by_point):
                routes.append(by_point[index])
            elif code is not None:
                routes.append(by_community.get(code, nowhere))
            else:
                routes.append(nowhere)
        return routes

    def get(self, grid_id: str) -> Grid | None:
        """The grid with this id, if any."""
        return next((grid for grid in self.grids if grid.id == grid_id), None)
