"""The demo district's map: grids that tile it, owned by its inspectors, in its communities."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from shapely.geometry import Polygon, box, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

DISTRICT_FILE = Path(__file__).resolve().parents[3] / "deploy" / "demo" / "district.json"
DISTRICT: dict[str, Any] = json.loads(DISTRICT_FILE.read_text(encoding="utf-8"))
GRIDS: list[dict[str, Any]] = DISTRICT["grids"]


def bounds_box() -> Polygon:
    bounds = DISTRICT["bounds"]
    return box(bounds["west"], bounds["south"], bounds["east"], bounds["north"])


def grid_polygons() -> dict[str, BaseGeometry]:
    return {grid["id"]: shape(grid["polygon"]) for grid in GRIDS}


def test_every_grid_is_a_valid_polygon_inside_the_district() -> None:
    district = bounds_box()
    for grid_id, polygon in grid_polygons().items():
        assert polygon.is_valid, f"grid {grid_id}'s polygon is not valid"
        assert polygon.within(district), f"grid {grid_id} reaches outside the district's bounds"


def test_no_two_grids_overlap() -> None:
    for (a, first), (b, second) in itertools.combinations(grid_polygons().items(), 2):
        overlap = first.intersection(second).area
        assert overlap == 0, f"grids {a} and {b} overlap by {overlap} square degrees"


def test_the_grids_cover_the_whole_district() -> None:
    district = bounds_box()
    union = unary_union(list(grid_polygons().values()))
    assert abs(union.area - district.area) < 1e-12, "the grids' area is not the district's"
    gap = union.symmetric_difference(district).area
    assert gap < 1e-12, f"the grids leave {gap} square degrees uncovered or outside"


def test_every_office_has_exactly_one_grid() -> None:
    offices = sorted(office["id"] for office in DISTRICT["offices"])
    grid_offices = sorted(grid["office"] for grid in GRIDS)
    assert grid_offices == offices, f"grids by office {grid_offices} != offices {offices}"


def test_each_grid_is_owned_by_its_offices_grid_inspector() -> None:
    people = {person["username"]: person for person in DISTRICT["people"]}
    for grid in GRIDS:
        owner = people.get(grid["owner"])
        assert owner is not None, f"grid {grid['id']}'s owner {grid['owner']} is nobody"
        assert "grid_inspector" in owner["roles"], f"{grid['owner']} is no grid inspector"
        assert owner["office"] == grid["office"], f"{grid['owner']} is not of {grid['office']}"


def test_street_codes_lie_in_the_district() -> None:
    region = DISTRICT["district"]["region_code"]
    for street in DISTRICT["streets"]:
        code = street["code"]
        assert len(code) == 9 and code.isdigit(), f"street code {code} is not 9 digits"
        assert code.startswith(region), f"street {code} is not in district {region}"


def test_community_codes_are_distinct_and_lie_in_a_street() -> None:
    streets = {street["code"] for street in DISTRICT["streets"]}
    communities = [code for grid in GRIDS for code in grid["community_codes"]]
    repeated = sorted({code for code in communities if communities.count(code) > 1})
    assert not repeated, f"communities {repeated} appear more than once"
    for code in communities:
        assert len(code) == 12 and code.isdigit(), f"community code {code} is not 12 digits"
        assert code[:9] in streets, f"community {code} is in no street"


def test_grid_ids_extend_one_of_their_community_codes() -> None:
    for grid in GRIDS:
        grid_id = grid["id"]
        assert len(grid_id) == 15 and grid_id.isdigit(), f"grid id {grid_id} is not 15 digits"
        assert grid_id[:12] in grid["community_codes"], (
            f"grid {grid_id} is in none of its communities"
        )


def test_every_grid_has_roads_to_write_addresses_on() -> None:
    for grid in GRIDS:
        assert grid["roads"], f"grid {grid['id']} has no roads to write addresses on"
