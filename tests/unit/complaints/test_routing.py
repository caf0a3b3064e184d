"""Routing: business grid, station area, office area, fallback; each decision names its rule."""

from __future__ import annotations

from typing import Any

import pytest

from chassis.errors import RuleViolated
from services.complaints.domain.routing import (
    INTAKE,
    Area,
    Bounds,
    Network,
    OfficeArea,
    Routing,
    Station,
    Unit,
    Where,
    area_shape,
)


def square(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


MALL = Station(
    "st-mall",
    "Sunrise Mall",
    "mall",
    "office-1",
    Area(polygon=area_shape(square(116.40, 39.90, 116.41, 39.91))),
)
VILLAGE = Station(
    "st-village", "Elm Village", "village", "office-2", Area(frozenset({"110105201"}))
)
NETWORK = Network(
    business_office={"CREDIT-1": "office-2"},
    stations=[MALL, VILLAGE],
    offices=[
        OfficeArea("office-1", Area(polygon=area_shape(square(116.3, 39.8, 116.5, 40.0)))),
        OfficeArea("office-2", Area(frozenset({"110105200", "110105201"}))),
    ],
)


def test_a_known_business_goes_to_its_grid_office_wherever_it_is() -> None:
    where = Where(credit_code="CREDIT-1", lon=116.405, lat=39.905)
    assert NETWORK.route(where) == Routing(Unit("office", "office-2"), "business_grid")


def test_by_location_to_the_station_whose_polygon_holds_the_point() -> None:
    where = Where(credit_code="UNKNOWN", lon=116.405, lat=39.905)
    assert NETWORK.route(where) == Routing(Unit("station", "st-mall"), "station_area")


def test_by_community_code_to_the_station() -> None:
    assert NETWORK.route(Where(community_code="110105201")) == Routing(
        Unit("station", "st-village"), "station_area"
    )


def test_else_the_office_whose_area_holds_it() -> None:
    assert NETWORK.route(Where(lon=116.35, lat=39.85)) == Routing(
        Unit("office", "office-1"), "office_area"
    )
    assert NETWORK.route(Where(community_code="110105200")) == Routing(
        Unit("office", "office-2"), "office_area"
    )


def test_else_the_bureaus_intake_desk() -> None:
    assert NETWORK.route(Where(lon=120.0, lat=30.0)) == Routing(INTAKE, "fallback")
    assert NETWORK.route(Where()) == Routing(INTAKE, "fallback")
    assert Unit("bureau", "intake") == INTAKE


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Station("s", "S", "airport", "o", Area(frozenset({"1"}))), "kind"),
        (lambda: Station("s", " ", "mall", "o", Area(frozenset({"1"}))), "name"),
        (lambda: Station("s", "S", "mall", "o", Area()), "community_codes"),
        (lambda: area_shape({"type": "Point", "coordinates": [1, 2]}), "polygon"),
        (lambda: area_shape({"type": "Polygon", "coordinates": "nonsense"}), "polygon"),
        (lambda: area_shape({"type": "Polygon"}), "polygon"),
        (lambda: area_shape(square(1, 1, 1, 1)), "polygon"),
    ],
)
def test_bad_stations_and_shapes_refused_by_field(make: Any, field: str) -> None:
    with pytest.raises(RuleViolated) as refused:
        make()
    assert refused.value.field == field


def test_a_place_outside_the_district_is_refused_even_for_a_known_business() -> None:
    bounded = Network(
        business_office={"CREDIT-1": "office-2"},
        offices=NETWORK.offices,
        bounds=Bounds(116.3, 39.8, 116.5, 40.0),
    )
    inside = Where(credit_code="CREDIT-1", lon=116.4, lat=39.9)
    assert bounded.route(inside) == Routing(Unit("office", "office-2"), "business_grid")
    for lon, lat in [(117.0, 39.9), (116.4, 41.0)]:
        with pytest.raises(RuleViolated) as refused:
            bounded.route(Where(credit_code="CREDIT-1", lon=lon, lat=lat))
        assert (refused.value.field, refused.value.code) == ("location", "outside_district")
    assert bounded.route(Where(community_code="110105200")).rule == "office_area"
