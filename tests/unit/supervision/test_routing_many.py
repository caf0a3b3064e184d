"""GridMap.route_many routes a batch exactly as GridMap.route routes each household."""

from __future__ import annotations

import random

import pytest
from shapely.geometry import box

from services.supervision.domain import Grid, GridMap


def square(grid_id: str, lon: float, lat: float, *codes: str, size: float = 1.0) -> Grid:
    """A square grid with its south-west corner at (lon, lat)."""
    return Grid(
        id=grid_id,
        office_id="office-01",
        owner=f"owner-{grid_id[-3:]}",
        polygon=box(lon, lat, lon + size, lat + size),
        community_codes=codes,
    )


# Four squares around (1, 1), given out of order: the lowest id wins on a shared border.
WEST = square("510106001001002", 0, 0, "510106001001")
EAST = square("510106001001001", 1, 0, "510106001002")
NORTH_WEST = square("510106001001004", 0, 1, "510106001003")
NORTH_EAST = square("510106001001003", 1, 1)
MAP = GridMap([NORTH_EAST, WEST, NORTH_WEST, EAST])


def routes_of(
    grid_map: GridMap, households: list[tuple[float | None, float | None, str | None]]
) -> list[tuple[str | None, str]]:
    lons, lats, codes = (list(column) for column in zip(*households, strict=True))
    return [(r.grid.id if r.grid else None, r.by) for r in grid_map.route_many(lons, lats, codes)]


def test_each_case_routes_as_the_live_rule() -> None:
    households: list[tuple[float | None, float | None, str | None]] = [
        (0.5, 0.5, None),  # inside WEST
        (1.5, 0.5, "510106001001"),  # inside EAST; its point wins over the community
        (1.0, 0.5, None),  # on the WEST | EAST border: the lower id (EAST)
        (1.0, 1.0, None),  # the corner of all four: the lowest id (EAST)
        (0.5, 2.0, None),  # on NORTH_WEST's outer edge: the border counts
        (None, None, "510106001003"),  # only a community code: NORTH_WEST
        (5.0, 5.0, "510106001001"),  # a point in no grid: its community (WEST)
        (0.5, None, "510106001002"),  # half a point is no point: the community (EAST)
        (5.0, 5.0, "999999999999"),  # nothing usable
        (None, None, None),  # nothing at all
    ]
    expected = [
        (WEST.id, "point"),
        (EAST.id, "point"),
        (EAST.id, "point"),
        (EAST.id, "point"),
        (NORTH_WEST.id, "point"),
        (NORTH_WEST.id, "community"),
        (WEST.id, "community"),
        (EAST.id, "community"),
        (None, "none"),
        (None, "none"),
    ]
    assert routes_of(MAP, households) == expected
    assert [(r.grid.id if r.grid else None, r.by) for r in (MAP.route(*h) for h in households)] == (
        expected
    )


def test_a_batch_agrees_with_one_by_one_on_random_and_border_points() -> None:
    picker = random.Random(20261128)
    households: list[tuple[float | None, float | None, str | None]] = []
    for _ in range(3000):
        # Half on the lattice of borders and corners (x.0 and x.5), half anywhere around.
        if picker.random() < 0.5:
            lon: float | None = picker.choice([-0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5])
            lat: float | None = picker.choice([-0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5])
        else:
            lon, lat = picker.uniform(-0.5, 2.5), picker.uniform(-0.5, 2.5)
        if picker.random() < 0.1:
            lon = lat = None
        code = picker.choice([None, "510106001001", "510106001003", "000000000000"])
        households.append((lon, lat, code))
    one_by_one = [MAP.route(*h) for h in households]
    assert routes_of(MAP, households) == [(r.grid.id if r.grid else None, r.by) for r in one_by_one]


def test_an_empty_map_or_batch_routes_nothing() -> None:
    assert routes_of(GridMap([]), [(0.5, 0.5, "510106001001")]) == [(None, "none")]
    assert MAP.route_many([], [], []) == []


def test_columns_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="same length"):
        MAP.route_many([0.5], [0.5, 0.5], [None])
