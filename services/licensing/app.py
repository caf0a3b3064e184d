"""Wiring of the licensing service through the chassis."""

from pathlib import Path

from chassis.app import ServiceSpec
from services.licensing.api import router
from services.licensing.context import LicensingContext
from services.licensing.demo import seed_demo
from services.licensing.domain import AreaMap
from services.licensing.handlers import handlers
from services.licensing.settings import LicensingSettings
from services.licensing.tables import metadata
from services.licensing.webhooks.api import router as webhook_router
from services.licensing.webhooks.push import push_webhooks


async def prepare(ctx: LicensingContext) -> None:
    """The bureau's map, from the settings."""
    ctx.area_map = AreaMap.from_file(ctx.settings.district_file)


spec = ServiceSpec(
    name="licensing",
    title="shijian licensing",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
    routers=[router, webhook_router],
    settings_class=LicensingSettings,
    context_class=LicensingContext,
    on_startup=[prepare, seed_demo],
    background=[push_webhooks],
)
