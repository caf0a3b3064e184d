"""Wiring of the enforcement service through the chassis."""

import asyncio
import logging
from pathlib import Path

from fastapi import FastAPI

from chassis.app import ServiceSpec
from chassis.legalclock.deadlines import shanghai_today
from chassis.uow import UnitOfWork
from services.enforcement.api import router
from services.enforcement.deadlines import raise_missed
from services.enforcement.handlers import handlers
from services.enforcement.intake import load_offices
from services.enforcement.settings import EnforcementSettings
from services.enforcement.tables import metadata


async def prepare(app: FastAPI) -> None:
    """The bureau's offices and their areas, from the shared seed."""
    settings: EnforcementSettings = app.state.settings
    if settings.district_file is None:
        return
    async with UnitOfWork(app.state.database, "enforcement") as uow:
        await load_offices(uow.connection, settings.district_file)
        await uow.commit()


log = logging.getLogger("shijian.enforcement")


async def watch_deadlines(app: FastAPI) -> None:
    """Raise each missed deadline once, checking every DEADLINE_CHECK_SECONDS."""
    settings: EnforcementSettings = app.state.settings
    while True:
        try:
            async with UnitOfWork(
                app.state.database, settings.service, after_commit=app.state.outbox_written.set
            ) as uow:
                await raise_missed(uow, shanghai_today())
        except Exception:
            # The database is away, most likely: the next round tries again.
            log.exception("deadline check failed")
        await asyncio.sleep(settings.deadline_check_seconds)


spec = ServiceSpec(
    name="enforcement",
    title="shijian enforcement",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
    routers=[router],
    settings_class=EnforcementSettings,
    on_startup=[prepare],
    background=[watch_deadlines],
)
