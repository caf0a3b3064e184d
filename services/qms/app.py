"""Wiring of the qms service through the chassis."""

import logging
import sys
from pathlib import Path

import httpx

from chassis.app import ServiceSpec
from chassis.periodic import periodic
from chassis.settings import Settings
from services.qms.api import audit, audits, documents, nonconformities, objectives, reports
from services.qms.context import QmsContext
from services.qms.export import AUDIT
from services.qms.handlers import handlers
from services.qms.settings import QmsSettings
from services.qms.tables import metadata
from services.qms.usecases.audit import check_record
from services.qms.usecases.checkpoints import publish_when_cosigned, sign_if_due
from services.qms.usecases.objectives import evaluate_ended_month
from services.qms.witness import WITNESS, WITNESS_KEY

log = logging.getLogger("shijian.qms")
WITNESS_TIMEOUT_SECONDS = 10.0
# How often the month just ended is looked at for objectives below target (each breach once).
OBJECTIVES_EVERY_SECONDS = 60.0


async def sign_checkpoints(ctx: QmsContext) -> None:
    """Sign the tree head when it is due, and have the witnesses cosign it (looked at every
    second, or more often)."""
    every = min(1.0, ctx.settings.audit_checkpoint_seconds)
    async with httpx.AsyncClient(timeout=WITNESS_TIMEOUT_SECONDS) as http:

        async def step() -> None:
            await sign_if_due(ctx)
            await publish_when_cosigned(ctx, http)

        await periodic("qms.checkpoints", every, step)


async def evaluate_objectives(ctx: QmsContext) -> None:
    """Once a month has ended, its objectives below target open nonconformities."""

    async def step() -> None:
        async with ctx.unit_of_work() as uow:
            await evaluate_ended_month(uow, ctx.clock)

    await periodic("qms.objectives", OBJECTIVES_EVERY_SECONDS, step)


async def verify_record(ctx: QmsContext) -> None:
    """Verify the rows appended to the record of everything every AUDIT_VERIFY_SECONDS,
    every row at start and every AUDIT_FULL_VERIFY_SECONDS (Prometheus shows the verdict)."""
    await periodic("qms.record", ctx.settings.audit_verify_seconds, lambda: check_record(ctx))


def check_witnesses(settings: Settings) -> None:
    """Refuse a quorum larger than the witnesses configured; warn when there is none."""
    assert isinstance(settings, QmsSettings)
    quorum, witnesses = settings.audit_witness_quorum, len(settings.witnesses)
    if quorum > witnesses:
        print(
            f"qms: AUDIT_WITNESS_QUORUM is {quorum} but AUDIT_WITNESSES names {witnesses}",
            file=sys.stderr,
        )
        raise SystemExit(2)
    if quorum == 0:
        log.warning("AUDIT_WITNESS_QUORUM=0: checkpoints are published without any witness")


spec = ServiceSpec(
    name="qms",
    title="shijian qms (ISO 9001)",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
    routers=[
        audit.router,
        documents.router,
        nonconformities.router,
        audits.router,
        objectives.router,
        reports.router,
    ],
    settings_class=QmsSettings,
    context_class=QmsContext,
    background=[sign_checkpoints, evaluate_objectives, verify_record],
    before_serve=check_witnesses,
    commands=[AUDIT, WITNESS, WITNESS_KEY],
)
