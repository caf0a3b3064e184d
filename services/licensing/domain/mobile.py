"""Mobile licensing (流动办照): where the van should call, and which area a place lies in."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

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
    def from_district(cls, document: Mapping[str, Any]) -> AreaMap:
        """Read a district file: grids name their office and communities, offices their area."""
        office_area = {office["id"]: int(office["area"]) for office in document["offices"]}
        return cls(
            {
                community: office_area[grid["office"]]
                for grid in document.get("grids", ())
                for community in grid["community_codes"]
            }
        )

    @classmethod
    def from_file(cls, path: Path | None) -> AreaMap:
        """The map in `path`, or an empty one when there is none."""
        if path is None:
            return cls({})
        return cls.from_district(json.loads(path.read_text(encoding="utf-8")))

    def area_of(self, community_code: str) -> int | None:
        """The area of a community; None when the map does not cover it."""
        return self.areas.get(community_code)

    def communities_of(self, area: int) -> list[str]:
        """The communities that lie in `area`."""
        return [code for code, found in self.areas.items() if found == area]
