"""Events the supervision service reacts to (registered with `@handlers.on(Contract)`)."""

from __future__ import annotations

from chassis.bus import HandlerRegistry
from chassis.uow import Work
from contracts import Envelope
from contracts.complaints import ReportTransferred
from contracts.enforcement import PenaltyDecided
from contracts.licensing import LicenceCancelled, LicenceChanged, LicenceIssued
from services.supervision.context import SupervisionContext
from services.supervision.domain import LicenceFact
from services.supervision.findings import Findings

handlers = HandlerRegistry("supervision")


async def _licence_fact(ctx: SupervisionContext, work: Work, envelope: Envelope, kind: str) -> None:
    fact = LicenceFact(envelope.sequence, kind, envelope.data)
    await ctx.supervision.record_licence_fact(work, envelope.subject, fact, ctx.clock.now())


@handlers.on(LicenceIssued)
async def licence_issued(
    ctx: SupervisionContext, work: Work, event: LicenceIssued, envelope: Envelope
) -> None:
    """A new business: its household is opened and routed to its grid's owner."""
    await _licence_fact(ctx, work, envelope, "issued")
    if event.finding_id is not None:
        await Findings.link_finding(work.connection, event.finding_id, event.credit_code)


@handlers.on(LicenceChanged)
async def licence_changed(
    ctx: SupervisionContext, work: Work, event: LicenceChanged, envelope: Envelope
) -> None:
    """A change: the household follows it (a new address may move it to another grid)."""
    await _licence_fact(ctx, work, envelope, "changed")


@handlers.on(LicenceCancelled)
async def licence_cancelled(
    ctx: SupervisionContext, work: Work, event: LicenceCancelled, envelope: Envelope
) -> None:
    """A cancellation: the household is closed, its file kept."""
    await _licence_fact(ctx, work, envelope, "cancelled")


@handlers.on(PenaltyDecided)
async def penalty_decided(
    ctx: SupervisionContext, work: Work, event: PenaltyDecided, envelope: Envelope
) -> None:
    """Enforcement notifies the decision (通报): it goes into the business's file."""
    if event.credit_code is None:
        return
    await ctx.supervision.note(
        work, event.credit_code, "penalty", event.model_dump(mode="json", exclude={"credit_code"})
    )


@handlers.on(ReportTransferred)
async def report_transferred(
    ctx: SupervisionContext, work: Work, event: ReportTransferred, envelope: Envelope
) -> None:
    """A report about the business reached enforcement: it goes into the business's file."""
    if event.credit_code is None:
        return
    detail = {"report_id": str(event.report_id), "allegation": event.allegation}
    await ctx.supervision.note(work, event.credit_code, "complaint", detail)
