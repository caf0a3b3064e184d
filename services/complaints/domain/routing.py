"""Where a ticket goes: a pure decision over bureau, offices and community stations.

A ticket about a known business goes to the office of the business's grid; otherwise, by
location, to the station whose area holds it, else the office whose area holds it, else the
bureau's intake desk. The decision names the rule that matched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from chassis.errors import RuleViolated

Level = Literal["bureau", "office", "station"]
StationKind = Literal["mall", "market", "township", "village"]
Rule = Literal["business_grid", "station_area", "office_area", "fallback"]
STATION_KINDS: frozenset[str] = frozenset(get_args(StationKind))


@dataclass(frozen=True)
class Unit:
    """A unit of the network that owns tickets."""

    level: Level
    id: str


INTAKE = Unit("bureau", "intake")


def area_shape(polygon: Mapping[str, Any], field_name: str = "polygon") -> BaseGeometry:
    """The shape of a GeoJSON Polygon, refused unless it is a valid polygon with area."""
    if polygon.get("type") != "Polygon":
        raise RuleViolated(field_name, "polygon must be a GeoJSON Polygon")
    try:
        geometry = shape(dict(polygon))
    except (ValueError, TypeError, IndexError, KeyError, AttributeError):
        raise RuleViolated(field_name, "polygon is not valid GeoJSON") from None
    if geometry.is_empty or not geometry.is_valid or geometry.area <= 0:
        raise RuleViolated(field_name, "polygon must be a valid, non-empty ring")
    return geometry


@dataclass(frozen=True)
class Area:
    """Community codes and/or a polygon that a unit covers."""

    community_codes: frozenset[str] = frozenset()
    polygon: BaseGeometry | None = None

    def holds(self, lon: float | None, lat: float | None, community_code: str | None) -> bool:
        if community_code is not None and community_code in self.community_codes:
            return True
        if self.polygon is None or lon is None or lat is None:
            return False
        return bool(self.polygon.intersects(Point(lon, lat)))


@dataclass(frozen=True)
class Station:
    """A community complaint station (a mall, market, township or village) under an office."""

    id: str
    name: str
    kind: str
    office: str
    area: Area

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise RuleViolated("name", "a station has a name")
        if self.kind not in STATION_KINDS:
            raise RuleViolated("kind", f"kind must be one of {sorted(STATION_KINDS)}")
        if not self.area.community_codes and self.area.polygon is None:
            raise RuleViolated("community_codes", "give community codes or a polygon")


@dataclass(frozen=True)
class OfficeArea:
    """An office and the area it covers."""

    id: str
    area: Area


@dataclass(frozen=True)
class Where:
    """What routing needs of a submission: the business's credit code and the place."""

    credit_code: str | None = None
    lon: float | None = None
    lat: float | None = None
    community_code: str | None = None


@dataclass(frozen=True)
class Routing:
    """Where a ticket goes and which rule sent it there."""

    unit: Unit
    rule: Rule


@dataclass(frozen=True)
class Bounds:
    """The district's extent (west, south, east, north in degrees): places outside are refused."""

    west: float
    south: float
    east: float
    north: float

    def check(self, lon: float | None, lat: float | None) -> None:
        if lon is None or lat is None:
            return
        if not (self.west <= lon <= self.east and self.south <= lat <= self.north):
            raise RuleViolated("location", "the place is outside the district", "outside_district")


@dataclass(frozen=True)
class Network:
    """The units as routing sees them: the grid's offices by credit code, stations, offices."""

    business_office: Mapping[str, str] = field(default_factory=dict)
    stations: Sequence[Station] = ()
    offices: Sequence[OfficeArea] = ()
    intake: Unit = INTAKE
    bounds: Bounds | None = None

    def route(self, where: Where) -> Routing:
        """The first rule that matches: business grid, station area, office area, fallback.

        A place outside the district is refused, whatever the business."""
        if self.bounds is not None:
            self.bounds.check(where.lon, where.lat)
        if where.credit_code is not None and where.credit_code in self.business_office:
            return Routing(Unit("office", self.business_office[where.credit_code]), "business_grid")
        place = (where.lon, where.lat, where.community_code)
        for station in self.stations:
            if station.area.holds(*place):
                return Routing(Unit("station", station.id), "station_area")
        for office in self.offices:
            if office.area.holds(*place):
                return Routing(Unit("office", office.id), "office_area")
        return Routing(self.intake, "fallback")
