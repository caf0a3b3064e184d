"""Wiring of the supervision service through the chassis."""

import asyncio
import logging
from pathlib import Path

from fastapi import FastAPI

from chassis.app import ServiceSpec
from chassis.legalclock.deadlines import shanghai_today
from chassis.uow import UnitOfWork
from services.supervision.api import router
from services.supervision.demo import seed_demo
from services.supervision.findings import Findings
from services.supervision.grids import GridMap
from services.supervision.handlers import handlers, serve
from services.supervision.inspections import Inspections
from services.supervision.onboarding import IMPORT
from services.supervision.settings import SupervisionSettings
from services.supervision.tables import metadata
from services.supervision.usecases import Supervision

log = logging.getLogger("shijian.supervision")


async def prepare(app: FastAPI) -> None:
    """The use cases, reachable from the routes and from the bus handlers."""
    app.state.supervision = Supervision(app.state.settings)
    app.state.grid_map = GridMap(app.state.supervision)
    app.state.inspections = Inspections(app.state.settings)
    app.state.findings = Findings()
    serve(app.state.database, app.state.supervision)


async def watch_claim_deadlines(app: FastAPI) -> None:
    """Raise each missed claim deadline once, checking every OVERDUE_CHECK_SECONDS."""
    settings: SupervisionSettings = app.state.settings
    supervision: Supervision = app.state.supervision
    while True:
        try:
            async with UnitOfWork(
                app.state.database, settings.service, after_commit=app.state.outbox_written.set
            ) as uow:
                await supervision.raise_overdue_claims(uow, shanghai_today())
        except Exception:
            # The database is away, most likely: the next round tries again.
            log.exception("claim deadline check failed")
        await asyncio.sleep(settings.overdue_check_seconds)


spec = ServiceSpec(
    name="supervision",
    title="shijian supervision",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
    routers=[router],
    settings_class=SupervisionSettings,
    on_startup=[prepare, seed_demo],
    background=[watch_claim_deadlines],
    commands=[IMPORT],
)
