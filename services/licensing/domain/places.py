"""Where a business trades, as the licensing service stores it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contracts.values import Address, GeoPoint


@dataclass(frozen=True)
class Place:
    """An address as written, its community and the map point if one was picked."""

    text: str
    community_code: str
    lon: float | None = None
    lat: float | None = None

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> Place:
        """A place from its stored JSON."""
        return cls(**stored)

    def to_json(self) -> dict[str, object]:
        """The stored JSON of the place."""
        return dataclasses.asdict(self)

    @classmethod
    def of(cls, address: Address) -> Place:
        """A place from the published language."""
        point = address.location
        return cls(
            address.text,
            address.community_code,
            point.lon if point else None,
            point.lat if point else None,
        )

    def contract(self) -> Address:
        """The place in the published language."""
        point = None
        if self.lon is not None and self.lat is not None:
            point = GeoPoint(lon=self.lon, lat=self.lat)
        return Address(text=self.text, community_code=self.community_code, location=point)
