"""Events the supervision service reacts to: each becomes a use case's command."""

from __future__ import annotations

from chassis.bus import HandlerRegistry
from chassis.uow import Work
from contracts import Contract, Envelope
from contracts.complaints import ReportTransferred
from contracts.enforcement import PenaltyDecided
from contracts.licensing import LicenceCancelled, LicenceChanged, LicenceIssued
from services.supervision.context import SupervisionContext
from services.supervision.domain import LicenceFact
from services.supervision.usecases.findings import link_finding
from services.supervision.usecases.households import Note, note
from services.supervision.usecases.routing import RecordLicenceFact, record_licence_fact

handlers = HandlerRegistry("supervision")


def _licence_fact(
    ctx: SupervisionContext, event: Contract, envelope: Envelope, credit_code: str, kind: str
) -> RecordLicenceFact:
    """The licensing event in its place in the credit code's sequence."""
    fact = LicenceFact(envelope.sequence, kind, event.model_dump(mode="json"))
    return RecordLicenceFact(credit_code, fact, ctx.clock.now())


@handlers.on(LicenceIssued)
async def licence_issued(
    ctx: SupervisionContext, work: Work, event: LicenceIssued, envelope: Envelope
) -> None:
    """A new business: its household is opened and routed to its grid's owner."""
    code = str(event.credit_code)
    await record_licence_fact(ctx, work, _licence_fact(ctx, event, envelope, code, "issued"))
    if event.finding_id is not None:
        await link_finding(work, event.finding_id, code)


@handlers.on(LicenceChanged)
async def licence_changed(
    ctx: SupervisionContext, work: Work, event: LicenceChanged, envelope: Envelope
) -> None:
    """A change: the household follows it (a new address may move it to another grid)."""
    code = str(event.credit_code)
    await record_licence_fact(ctx, work, _licence_fact(ctx, event, envelope, code, "changed"))


@handlers.on(LicenceCancelled)
async def licence_cancelled(
    ctx: SupervisionContext, work: Work, event: LicenceCancelled, envelope: Envelope
) -> None:
    """A cancellation: the household is closed, its file kept."""
    code = str(event.credit_code)
    await record_licence_fact(ctx, work, _licence_fact(ctx, event, envelope, code, "cancelled"))


@handlers.on(PenaltyDecided)
async def penalty_decided(
    ctx: SupervisionContext, work: Work, event: PenaltyDecided, envelope: Envelope
) -> None:
    """Enforcement notifies the decision (通报): it goes into the business's file."""
    if event.credit_code is None:
        return
    detail = event.model_dump(mode="json", exclude={"credit_code"})
    await note(ctx, work, Note(str(event.credit_code), "penalty", detail))


@handlers.on(ReportTransferred)
async def report_transferred(
    ctx: SupervisionContext, work: Work, event: ReportTransferred, envelope: Envelope
) -> None:
    """A report about the business reached enforcement: it goes into the business's file."""
    if event.credit_code is None:
        return
    detail = {"report_id": str(event.report_id), "allegation": event.allegation}
    await note(ctx, work, Note(str(event.credit_code), "complaint", detail))
