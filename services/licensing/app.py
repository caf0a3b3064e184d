"""Wiring of the licensing service through the chassis."""

from pathlib import Path

from chassis.app import ServiceSpec
from services.licensing.api import routers
from services.licensing.context import LicensingContext
from services.licensing.demo import seed_demo
from services.licensing.domain.mobile import AreaMap
from services.licensing.handlers import handlers
from services.licensing.push import push_webhooks
from services.licensing.settings import LicensingSettings
from services.licensing.tables import metadata


async def prepare(ctx: LicensingContext) -> None:
    """The bureau's map, from the settings."""
    ctx.area_map = AreaMap.from_file(ctx.settings.district_file)


spec = ServiceSpec(
    name="licensing",
    title="shijian licensing",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
    routers=routers,
    settings_class=LicensingSettings,
    context_class=LicensingContext,
    on_startup=[prepare, seed_demo],
    background=[push_webhooks],
)
