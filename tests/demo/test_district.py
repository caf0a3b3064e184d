"""The demo district's map: grids that tile it, owned by its inspectors, in its communities."""

from __future__ import annotations

import itertools
import json
from typing import Any

from shapely.geometry import box, shape
from shapely.ops import unary_union

from services.licensing.settings import DEMO_DISTRICT

DISTRICT: dict[str, Any] = json.loads(DEMO_DISTRICT.read_text(encoding="utf-8"))


def test_the_grids_tile_the_district_without_gaps_or_overlaps() -> None:
    bounds = DISTRICT["bounds"]
    district = box(bounds["west"], bounds["south"], bounds["east"], bounds["north"])
    polygons = {grid["id"]: shape(grid["polygon"]) for grid in DISTRICT["grids"]}
    for grid_id, polygon in polygons.items():
        assert polygon.is_valid, grid_id
        assert district.contains(polygon), f"{grid_id} reaches outside the district"
    for (a, first), (b, second) in itertools.combinations(polygons.items(), 2):
        assert first.intersection(second).area == 0, f"{a} and {b} overlap"
    assert unary_union(list(polygons.values())).symmetric_difference(district).area < 1e-12


def test_every_office_has_one_grid_owned_by_its_inspector() -> None:
    people = {person["username"]: person for person in DISTRICT["people"]}
    offices = [grid["office"] for grid in DISTRICT["grids"]]
    assert sorted(offices) == sorted(office["id"] for office in DISTRICT["offices"])
    for grid in DISTRICT["grids"]:
        owner = people[grid["owner"]]
        assert "grid_inspector" in owner["roles"], grid["id"]
        assert owner["office"] == grid["office"], f"{grid['owner']} is not of {grid['office']}"
        assert grid["roads"], f"{grid['id']} has no roads to write addresses on"


def test_codes_nest_district_street_community_grid() -> None:
    region = DISTRICT["district"]["region_code"]
    streets = {street["code"] for street in DISTRICT["streets"]}
    assert all(code.startswith(region) and len(code) == 9 for code in streets)
    communities = [code for grid in DISTRICT["grids"] for code in grid["community_codes"]]
    assert len(communities) == len(set(communities)), "a community lies in two grids"
    for grid in DISTRICT["grids"]:
        for community in grid["community_codes"]:
            assert len(community) == 12 and community.isdigit(), community
            assert community[:9] in streets, f"{community} is in no street"
        assert len(grid["id"]) == 15 and grid["id"][:12] in grid["community_codes"], grid["id"]
