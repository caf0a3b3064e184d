"""The demo map (`SEED_DEMO=1`): offices and grids of deploy/demo/district.json, once.

They are drawn like any other, so each is published and the other services learn the map.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from contracts.supervision import GridChanged, OfficeChanged
from services.supervision.context import SupervisionContext
from services.supervision.domain import Grid, Office
from services.supervision.usecases import map as grid_map

log = logging.getLogger("shijian.supervision.demo")
SEEDED_BY = "system:demo"


def demo_map(district: Mapping[str, Any]) -> tuple[list[Office], list[grid_map.DrawGrid]]:
    """The offices and grids of a district file."""
    offices = [Office(**office) for office in district["offices"]]
    grids = [
        grid_map.DrawGrid(
            office_id=grid["office"],
            **{name: grid[name] for name in ("id", "name", "polygon", "community_codes", "owner")},
        )
        for grid in district["grids"]
    ]
    return offices, grids


def demo_map_events(district_file: Path, at: datetime) -> list[OfficeChanged | GridChanged]:
    """The events the demo map is published with on first start, offices first: what the
    other services are fed when they run without supervision (their tests, a benchmark)."""
    offices, grids = demo_map(json.loads(district_file.read_text(encoding="utf-8")))
    events: list[OfficeChanged | GridChanged] = [o.changed(SEEDED_BY, at) for o in offices]
    for drawn in grids:
        grid = Grid.drawn(**vars(drawn), updated_at=at)
        events.append(grid.changed(SEEDED_BY, at))
    return events


async def seed_demo(ctx: SupervisionContext) -> None:
    """Draw the demo district's offices and grids when the map is empty."""
    if not ctx.settings.seed_demo:
        return
    async with ctx.database.engine.connect() as connection:
        if await grid_map.offices(connection):
            return
    offices, grids = demo_map(json.loads(ctx.settings.district_file.read_text(encoding="utf-8")))
    for office in offices:
        async with ctx.unit_of_work() as uow:
            await grid_map.create_office(ctx, uow, office, by=SEEDED_BY)
    for command in grids:
        async with ctx.unit_of_work() as uow:
            await grid_map.create_grid(ctx, uow, command, by=SEEDED_BY)
    log.info("demo map drawn", extra={"grids": len(grids)})
