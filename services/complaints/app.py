"""Wiring of the complaints (12315) service through the chassis."""

from pathlib import Path

from chassis.app import ServiceSpec
from chassis.periodic import periodic
from chassis.rekey import SealedColumn, rekey_command
from services.complaints import open311
from services.complaints.api import router
from services.complaints.context import ComplaintsContext
from services.complaints.handlers import handlers
from services.complaints.settings import ComplaintsSettings
from services.complaints.tables import metadata, submissions
from services.complaints.usecases.deadlines import raise_missed
from services.complaints.usecases.network import seed_demo_stations


async def prepare(ctx: ComplaintsContext) -> None:
    """With SEED_DEMO, the demo stations."""
    if ctx.settings.seed_demo:
        async with ctx.unit_of_work() as uow:
            await seed_demo_stations(ctx, uow)


async def watch_deadlines(ctx: ComplaintsContext) -> None:
    """Raise each missed deadline once, checking every DEADLINE_CHECK_SECONDS."""

    every = ctx.settings.deadline_check_seconds
    await periodic("complaints.deadlines", every, lambda: raise_missed(ctx))


spec = ServiceSpec(
    name="complaints",
    title="shijian complaints (12315)",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
    routers=[router, open311.router],
    settings_class=ComplaintsSettings,
    context_class=ComplaintsContext,
    on_startup=[prepare],
    background=[watch_deadlines],
    form_prefixes=["/open311/"],
    commands=[
        rekey_command(
            [
                SealedColumn(submissions, f"sealed_{field}", field)
                for field in ("name", "phone", "id_number")
            ],
            ComplaintsSettings.keyring,
        )
    ],
)
