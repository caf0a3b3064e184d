"""Wiring of the licensing service through the chassis."""

from pathlib import Path

from fastapi import FastAPI

from chassis.app import ServiceSpec
from services.licensing.api import router
from services.licensing.demo import seed_demo
from services.licensing.domain import AreaMap
from services.licensing.handlers import handlers
from services.licensing.joint import JointLicensing
from services.licensing.settings import LicensingSettings
from services.licensing.tables import metadata
from services.licensing.usecases import Licensing
from services.licensing.webhooks.api import router as webhook_router
from services.licensing.webhooks.push import push_webhooks


async def prepare(app: FastAPI) -> None:
    """The use cases and the bureau's map, from the settings."""
    settings: LicensingSettings = app.state.settings
    app.state.licensing = Licensing(settings)
    app.state.joint_licensing = JointLicensing(app.state.licensing)
    app.state.area_map = AreaMap.from_file(settings.district_file)


spec = ServiceSpec(
    name="licensing",
    title="shijian licensing",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
    routers=[router, webhook_router],
    settings_class=LicensingSettings,
    on_startup=[prepare, seed_demo],
    background=[push_webhooks],
)
