"""The demo map (`SEED_DEMO=1`): offices and grids of deploy/demo/district.json, once."""

from __future__ import annotations

import json
import logging

import sqlalchemy as sa

from services.supervision.context import SupervisionContext
from services.supervision.tables import offices

log = logging.getLogger("shijian.supervision.demo")


async def seed_demo(ctx: SupervisionContext) -> None:
    """Draw the demo district's offices and grids when the map is empty."""
    settings = ctx.settings
    if not settings.seed_demo:
        return
    database = ctx.database
    async with database.engine.connect() as connection:
        if await connection.scalar(sa.select(sa.func.count()).select_from(offices)):
            return
    district = json.loads(settings.district_file.read_text(encoding="utf-8"))
    grid_map = ctx.grid_map
    for office in district["offices"]:
        async with ctx.unit_of_work() as uow:
            await grid_map.create_office(uow, office)
    for grid in district["grids"]:
        async with ctx.unit_of_work() as uow:
            await grid_map.create_grid(
                uow,
                {
                    "id": grid["id"],
                    "office_id": grid["office"],
                    "name": grid["name"],
                    "polygon": grid["polygon"],
                    "community_codes": grid["community_codes"],
                    "owner": grid["owner"],
                },
            )
    log.info("demo map drawn", extra={"grids": len(district["grids"])})
