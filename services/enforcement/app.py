"""Wiring of the enforcement service through the chassis."""

from pathlib import Path

from fastapi import FastAPI

from chassis.app import ServiceSpec
from chassis.uow import UnitOfWork
from services.enforcement.api import router
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


spec = ServiceSpec(
    name="enforcement",
    title="shijian enforcement",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
    routers=[router],
    settings_class=EnforcementSettings,
    on_startup=[prepare],
)
