"""The demo map (`SEED_DEMO=1`): offices and grids of deploy/demo/district.json, once."""

from __future__ import annotations

import json
import logging

from services.supervision.context import SupervisionContext
from services.supervision.domain import Office
from services.supervision.usecases import map as grid_map

log = logging.getLogger("shijian.supervision.demo")


async def seed_demo(ctx: SupervisionContext) -> None:
    """Draw the demo district's offices and grids when the map is empty."""
    if not ctx.settings.seed_demo:
        return
    async with ctx.database.engine.connect() as connection:
        if await grid_map.offices(connection):
            return
    district = json.loads(ctx.settings.district_file.read_text(encoding="utf-8"))
    for office in district["offices"]:
        async with ctx.unit_of_work() as uow:
            await grid_map.create_office(ctx, uow, Office(**office))
    for grid in district["grids"]:
        drawn = {name: grid[name] for name in ("id", "name", "polygon", "community_codes", "owner")}
        command = grid_map.DrawGrid(office_id=grid["office"], **drawn)
        async with ctx.unit_of_work() as uow:
            await grid_map.create_grid(ctx, uow, command)
    log.info("demo map drawn", extra={"grids": len(district["grids"])})
