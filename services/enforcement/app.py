"""Wiring of the enforcement service through the chassis."""

from pathlib import Path

from chassis.app import ServiceSpec
from chassis.periodic import periodic
from chassis.rekey import SealedColumn, rekey_command
from services.enforcement.api import router
from services.enforcement.handlers import handlers
from services.enforcement.settings import EnforcementContext, EnforcementSettings
from services.enforcement.tables import metadata, on_the_spot_penalties
from services.enforcement.usecases.deadlines import raise_missed
from services.enforcement.usecases.intake import load_offices


async def prepare(ctx: EnforcementContext) -> None:
    """The bureau's offices and their areas, from the shared seed."""
    settings = ctx.settings
    if settings.district_file is None:
        return
    async with ctx.unit_of_work() as uow:
        await load_offices(uow, settings.district_file)


async def watch_deadlines(ctx: EnforcementContext) -> None:
    """Raise each missed deadline once, checking every DEADLINE_CHECK_SECONDS."""

    async def check() -> None:
        async with ctx.unit_of_work() as uow:
            await raise_missed(uow, ctx.clock.today(), ctx.clock.now())

    await periodic("enforcement.deadlines", ctx.settings.deadline_check_seconds, check)


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
    commands=[
        rekey_command(
            [SealedColumn(on_the_spot_penalties, "sealed_party_id_number", "id_number")],
            EnforcementSettings.data_keyring,
        )
    ],
)
