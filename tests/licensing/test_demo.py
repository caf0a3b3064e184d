"""The demo register: licences inside the demo district's grids, published once."""

from __future__ import annotations

import json

import sqlalchemy as sa
from shapely.geometry import Point, shape

from chassis.db import Database
from services.licensing.app import spec
from services.licensing.settings import DEMO_DISTRICT
from services.licensing.tables import licences
from tests.conftest import CreateDatabase, running_service, tapping
from tests.licensing.conftest import licensing_settings, relayed


async def test_demo_licences_lie_in_the_grids_and_are_published_once(
    create_database: CreateDatabase, bus_prefix: str
) -> None:
    settings = await licensing_settings(
        create_database, bus_prefix, seed_demo=True, demo_licences=45
    )
    async with tapping(settings.bus_prefix, "licensing.licence.issued.v1") as bus:
        async with running_service(spec, settings):
            await bus.wait_for("licensing.licence.issued", count=45)
        # A restart finds the register full and issues nothing more.
        async with running_service(spec, settings):
            # Start-up is over (the seed ran, or found the register full): wait until all the
            # issues the service wrote are on the bus.
            await relayed(settings.database_url, bus, "licensing.licence.issued")
    assert len(bus.of_type("licensing.licence.issued")) == 45

    district = json.loads(DEMO_DISTRICT.read_text(encoding="utf-8"))
    grids = {community: grid for grid in district["grids"] for community in grid["community_codes"]}
    database = Database(settings.database_url)
    try:
        async with database.engine.connect() as connection:
            rows = (await connection.execute(sa.select(licences))).all()
    finally:
        await database.dispose()
    assert len(rows) == 45
    assert len({row.name for row in rows}) == 45
    for row in rows:
        grid = grids[row.address["community_code"]]
        point = Point(row.address["lon"], row.address["lat"])
        assert shape(grid["polygon"]).contains(point), (row.name, grid["id"])
    assert {grid["id"] for grid in district["grids"]} == {
        grids[row.address["community_code"]]["id"] for row in rows
    }
