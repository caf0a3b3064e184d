"""Supervision rules, free of I/O: routing a household to its grid, the licence it follows,
the claim deadline, and who may see and act on what."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from chassis.legalclock import compute_deadline, rule


class HouseholdStatus(StrEnum):
    """Where a household stands with its inspector."""

    UNROUTED = "unrouted"  # no grid found: the office head assigns it by hand
    ASSIGNED = "assigned"  # routed to a grid's owner, waiting to be claimed
    CLAIMED = "claimed"  # 认领: in the owner's inspection plan
    CANCELLED = "cancelled"  # the licence was cancelled (注销)


class GridShapeError(ValueError):
    """A grid polygon that cannot be used (not a valid GeoJSON Polygon)."""


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
class Grid:
    """A grid as routing sees it."""

    id: str
    office_id: str
    owner: str
    polygon: BaseGeometry
    community_codes: tuple[str, ...]


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


def claim_deadline(assigned_on: date, workdays: int) -> date:
    """Last day to claim a household assigned on `assigned_on` (Asia/Shanghai)."""
    claim_rule = rule("supervision.claim").model_copy(update={"length": workdays})
    return compute_deadline(claim_rule, assigned_on).due


def is_overdue(status: HouseholdStatus, deadline: date | None, today: date) -> bool:
    """Whether an assigned household's claim deadline has passed unclaimed."""
    return status is HouseholdStatus.ASSIGNED and deadline is not None and today > deadline


@dataclass(frozen=True)
class Delegation:
    """A position agent (职位代理): `agent` acts for `officer` from `start` to `end`."""

    officer: str
    agent: str
    start: date
    end: date

    def runs_on(self, day: date) -> bool:
        """Whether the agent acts for the officer on `day` (both ends included)."""
        return self.start <= day <= self.end


def agent_of(officer: str, delegations: Iterable[Delegation], day: date) -> str | None:
    """Who acts for `officer` on `day` (the latest-starting delegation when several run)."""
    running = [d for d in delegations if d.officer == officer and d.runs_on(day)]
    return max(running, key=lambda d: d.start).agent if running else None


def represented(person: str, delegations: Iterable[Delegation], day: date) -> frozenset[str]:
    """The officers `person` may act as on `day`: themself and those they are agent for."""
    return frozenset(
        {person} | {d.officer for d in delegations if d.agent == person and d.runs_on(day)}
    )


# -- the licence a household follows -------------------------------------------------------


@dataclass(frozen=True)
class LicenceFact:
    """One licensing event about a credit code, in its place in the subject's sequence."""

    sequence: int
    kind: str  # "issued", "changed" or "cancelled"
    data: Mapping[str, Any]


@dataclass(frozen=True)
class LicenceState:
    """What the licensing events, applied in order, say about the business."""

    issued: bool = False
    cancelled: bool = False
    name: str | None = None
    entity_type: str | None = None
    operator_name: str | None = None
    address: Mapping[str, Any] | None = None
    business_scope: tuple[str, ...] = ()
    office_code: str | None = None
    issued_at: str | None = None


def fold_licence(facts: Iterable[LicenceFact]) -> LicenceState:
    """The business's state from its licence events, whatever order they arrived in.

    Facts are applied in sequence order, each sequence once, so duplicates and reordering on
    the bus leave the same state.
    """
    values: dict[str, Any] = {}
    seen: set[int] = set()
    for fact in sorted(facts, key=lambda f: f.sequence):
        if fact.sequence in seen:
            continue
        seen.add(fact.sequence)
        data = fact.data
        if fact.kind == "issued":
            values |= {
                "issued": True,
                "name": data["name"],
                "entity_type": data["entity_type"],
                "operator_name": data["operator_name"],
                "address": data["address"],
                "business_scope": tuple(data["business_scope"]),
                "office_code": data.get("office_code"),
                "issued_at": data["issued_at"],
            }
        elif fact.kind == "changed":
            for key in ("name", "address"):
                if data.get(key) is not None:
                    values[key] = data[key]
            if data.get("business_scope") is not None:
                values["business_scope"] = tuple(data["business_scope"])
        elif fact.kind == "cancelled":
            values["cancelled"] = True
    return LicenceState(**values)


# -- scope: who may see and act on what ----------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """Who is looking, as scope needs them."""

    subject: str
    roles: frozenset[str]
    office: str | None
    acts_for: frozenset[str]  # themself and the officers they are agent for today

    @property
    def sees_everything(self) -> bool:
        """Auditors and admins read the whole district."""
        return bool(self.roles & {"auditor", "admin"})


def may_see(viewer: Viewer, *, owner: str | None, office_id: str | None) -> bool:
    """Whether a household (or anything of a grid) with this owner and office is in scope.

    An agent sees through `acts_for` (today's delegations), never through the agent named on
    the household at assignment: that delegation may be over.
    """
    if viewer.sees_everything:
        return True
    if "office_head" in viewer.roles and office_id is not None and viewer.office == office_id:
        return True
    if "grid_inspector" in viewer.roles:
        return owner in viewer.acts_for
    return False


def may_act(viewer: Viewer, *, owner: str | None) -> bool:
    """Whether the viewer may act (claim, inspect) as the household's owner or their agent."""
    return "grid_inspector" in viewer.roles and owner in viewer.acts_for


# -- inspection records --------------------------------------------------------------------

# What an attachment may be, recognised by its first bytes (the declared type is not trusted).
MEDIA_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def media_type_of(head: bytes) -> str | None:
    """The media type of content starting with `head`, if it is one attachments may be."""
    return next((media for magic, media in MEDIA_SIGNATURES if head.startswith(magic)), None)


def due_for_visit(last_inspected: date | None, today: date, interval_days: int) -> bool:
    """Whether a claimed household is due an inspection: never visited, or not for a while."""
    return last_inspected is None or (today - last_inspected).days >= interval_days
