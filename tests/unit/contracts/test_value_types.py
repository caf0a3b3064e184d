"""Places, instants and amounts shared by the contracts."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from contracts import Address, GeoPoint, Money, UtcDateTime


@pytest.mark.parametrize(
    ("lon", "lat"), [(-181, 0), (181, 0), (0, -91), (0, 91), (float("nan"), 0), (0, float("inf"))]
)
def test_geopoint_rejects_points_off_the_globe(lon: float, lat: float) -> None:
    with pytest.raises(ValidationError):
        GeoPoint(lon=lon, lat=lat)


def test_geopoint_bounds_are_inclusive_and_frozen() -> None:
    point = GeoPoint(lon=180, lat=-90)
    with pytest.raises(ValidationError):
        point.lon = 0  # type: ignore[misc]


def test_address() -> None:
    address = Address(text="  成都市金牛区营门口路 18 号 ", community_code="510106005003")
    assert address.text == "成都市金牛区营门口路 18 号"
    assert address.location is None
    assert (address.district_code, address.street_code) == ("510106", "510106005")


@pytest.mark.parametrize(
    "fields",
    [
        {"text": " ", "community_code": "510106005003"},
        {"text": "x", "community_code": "51010600500"},
        {"text": "x", "community_code": "5101060050031"},
        {"text": "x", "community_code": "51010600500a"},
        {"text": "x", "community_code": "５１０１０６００５００３"},
    ],
)
def test_address_rejects_bad_fields(fields: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        Address.model_validate(fields)


def test_instants_must_be_aware_and_are_held_in_utc() -> None:
    adapter = TypeAdapter(UtcDateTime)
    beijing = timezone(timedelta(hours=8))
    instant = adapter.validate_python(datetime(2025, 3, 12, 10, 30, tzinfo=beijing))
    assert instant == datetime(2025, 3, 12, 2, 30, tzinfo=UTC)
    assert instant.utcoffset() == timedelta(0)
    assert adapter.dump_json(instant) == b'"2025-03-12T02:30:00Z"'
    with pytest.raises(ValidationError):
        adapter.validate_python(datetime(2025, 3, 12, 10, 30))


def test_money_is_a_decimal_string_on_the_wire() -> None:
    class Fine(BaseModel):
        amount: Money

    assert Fine(amount=Decimal("1E+3")).model_dump_json() == '{"amount":"1000"}'
    assert Fine.model_validate_json('{"amount": "200.50"}').amount == Decimal("200.50")
    for bad in ("-1", "0.001", "abc"):
        with pytest.raises(ValidationError):
            Fine(amount=bad)
