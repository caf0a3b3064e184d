"""Mobile licensing (流动办照): where the van should call, and which area a place lies in."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from services.licensing.domain.places import Place


@dataclass(frozen=True)
class Visit:
    """A place where an inspector found unlicensed trading, on the van's list."""

    finding_id: uuid.UUID
    address: Place
    community_code: str
    street_code: str
    description: str
    found_at: datetime
    found_by: str
    status: str = "open"  # open → applied (an application names the finding)
    application_id: uuid.UUID | None = None
    # Looked up from the bureau's map when listed (a re-drawn map needs no rewrite).
    area: int | None = None


@dataclass(frozen=True)
class AreaMap:
    """Which area (片区) each community of the district lies in, from the bureau's map."""

    areas: Mapping[str, int]

    @classmethod
    def of(
        cls, office_areas: Mapping[str, int], grids: Iterable[tuple[str, Iterable[str]]]
    ) -> AreaMap:
        """The map of the offices' areas and the grids (office, community codes): a community
        lies in its grid's office's area (nowhere while that office is unknown)."""
        return cls(
            {
                community: office_areas[office]
                for office, communities in grids
                if office in office_areas
                for community in communities
            }
        )

    def area_of(self, community_code: str) -> int | None:
        """The area of a community; None when the map does not cover it."""
        return self.areas.get(community_code)

    def communities_of(self, area: int) -> list[str]:
        """The communities that lie in `area`."""
        return [code for code, found in self.areas.items() if found == area]
