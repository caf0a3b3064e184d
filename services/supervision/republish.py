"""`python -m services.supervision publish-map`: publish the whole map again, so that the
services that keep a copy of it (licensing, enforcement, complaints) have every office and
grid: after upgrading a deployment whose map came from DISTRICT_FILE, or to rebuild a copy."""

from __future__ import annotations

import argparse
import asyncio

from chassis.app import Command
from chassis.db import Database
from chassis.settings import Settings
from chassis.uow import UnitOfWork
from services.supervision.context import SupervisionContext
from services.supervision.settings import SupervisionSettings
from services.supervision.usecases import map as grid_map

REPUBLISHED_BY = "system:publish-map"


async def republish(settings: SupervisionSettings) -> int:
    """Write every office's and grid's event to the outbox; how many (the running service's
    relay publishes them)."""
    database = Database(settings.database_url)
    try:
        ctx = SupervisionContext(settings=settings, database=database)
        async with UnitOfWork(database, settings.service) as uow:
            return await grid_map.publish_map(ctx, uow, by=REPUBLISHED_BY)
    finally:
        await database.dispose()


def run_publish_map(settings: Settings, args: argparse.Namespace) -> int:
    """The exit status of publishing the map again."""
    if not isinstance(settings, SupervisionSettings):
        raise TypeError("publish-map needs the supervision settings")
    count = asyncio.run(republish(settings))
    print(f"supervision publish-map: {count} offices and grids in the outbox")
    return 0


PUBLISH_MAP = Command(
    name="publish-map",
    help="publish every office and grid again (the running service's relay sends them)",
    configure=lambda parser: None,
    run=run_publish_map,
)
