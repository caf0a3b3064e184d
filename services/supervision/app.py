"""Wiring of the supervision service through the chassis."""

from pathlib import Path

from chassis.app import ServiceSpec
from chassis.periodic import periodic
from services.supervision.api import router
from services.supervision.context import SupervisionContext
from services.supervision.demo import seed_demo
from services.supervision.handlers import handlers
from services.supervision.onboarding import IMPORT
from services.supervision.republish import PUBLISH_MAP
from services.supervision.settings import SupervisionSettings
from services.supervision.tables import metadata
from services.supervision.usecases.deadlines import raise_missed
from services.supervision.usecases.draws import enrol_unplanned
from services.supervision.usecases.households import raise_overdue_claims
from services.supervision.verify import DRAW


async def watch_claim_deadlines(ctx: SupervisionContext) -> None:
    """Raise each missed claim deadline once, checking every OVERDUE_CHECK_SECONDS."""

    async def step() -> None:
        async with ctx.unit_of_work() as uow:
            await raise_overdue_claims(ctx, uow, ctx.clock.today())

    await periodic("claim deadlines", ctx.settings.overdue_check_seconds, step)


async def watch_deadlines(ctx: SupervisionContext) -> None:
    """Raise each missed publication and plan visit once, checking every
    DEADLINE_CHECK_SECONDS."""

    async def step() -> None:
        async with ctx.unit_of_work() as uow:
            await raise_missed(uow, ctx.clock.today(), ctx.clock.now())

    await periodic("supervision deadlines", ctx.settings.deadline_check_seconds, step)


spec = ServiceSpec(
    name="supervision",
    title="shijian supervision",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
    routers=[router],
    settings_class=SupervisionSettings,
    context_class=SupervisionContext,
    on_startup=[seed_demo, enrol_unplanned],
    background=[watch_claim_deadlines, watch_deadlines],
    commands=[IMPORT, PUBLISH_MAP, DRAW],
)
