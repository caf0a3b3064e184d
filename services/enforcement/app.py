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
from services.enforcement.usecases.intake import route_waiting


async def watch_deadlines(ctx: EnforcementContext) -> None:
    """Raise each missed deadline once, checking every DEADLINE_CHECK_SECONDS."""

    async def check() -> None:
        async with ctx.unit_of_work() as uow:
            await raise_missed(uow, ctx.clock.today(), ctx.clock.now())

    await periodic("enforcement.deadlines", ctx.settings.deadline_check_seconds, check)


async def watch_waiting_sources(ctx: EnforcementContext) -> None:
    """Route the case sources whose office became known, checking every DEADLINE_CHECK_SECONDS
    (the map's own events route them at once; this catches one that crossed them)."""

    async def check() -> None:
        async with ctx.unit_of_work() as uow:
            await route_waiting(uow)

    await periodic("enforcement.waiting_sources", ctx.settings.deadline_check_seconds, check)


spec = ServiceSpec(
    name="enforcement",
    title="shijian enforcement",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
    routers=[router],
    settings_class=EnforcementSettings,
    background=[watch_deadlines, watch_waiting_sources],
    commands=[
        rekey_command(
            [SealedColumn(on_the_spot_penalties, "sealed_party_id_number", "id_number")],
            EnforcementSettings.data_keyring,
        )
    ],
)
