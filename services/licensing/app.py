"""Wiring of the licensing service through the chassis."""

import asyncio
from pathlib import Path

from chassis.app import ServiceSpec
from chassis.periodic import periodic
from chassis.rekey import SealedColumn, rekey_command
from services.licensing.addresses import interface_addresses
from services.licensing.api import routers
from services.licensing.context import LicensingContext
from services.licensing.demo import seed_demo
from services.licensing.handlers import handlers
from services.licensing.push import push_webhooks
from services.licensing.settings import LicensingSettings
from services.licensing.tables import applications, metadata, webhooks
from services.licensing.usecases.deadlines import raise_missed


async def prepare(ctx: LicensingContext) -> None:
    """The addresses that are the platform's own."""
    interfaces = await asyncio.to_thread(interface_addresses)
    ctx.own_addresses = interfaces | frozenset(ctx.settings.platform_addresses)


async def watch_deadlines(ctx: LicensingContext) -> None:
    """Raise each missed registration or joint-decision deadline once, checking every
    DEADLINE_CHECK_SECONDS."""

    async def check() -> None:
        async with ctx.unit_of_work() as uow:
            await raise_missed(uow, ctx.clock.today(), ctx.clock.now())

    await periodic("licensing.deadlines", ctx.settings.deadline_check_seconds, check)


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
    background=[push_webhooks, watch_deadlines],
    commands=[
        rekey_command(
            [
                SealedColumn(applications, "sealed_operator_id_number", "id_number"),
                SealedColumn(webhooks, "secret", "webhook_secret"),
            ],
            LicensingSettings.data_keyring,
        )
    ],
)
