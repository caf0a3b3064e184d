"""Events the qms service reacts to, on the batch's Work (the consumer commits): every event
into the record of everything and measured against the quality objectives, and each missed
legal time limit into one nonconformity."""

from collections.abc import Sequence

from chassis.bus import HandlerRegistry
from chassis.uow import Work
from contracts import Envelope
from contracts.complaints import TicketDeadlineMissed
from contracts.enforcement import DeadlineMissed, DeadlineMissedV2
from contracts.licensing import ApplicationDeadlineMissed
from contracts.supervision import ClaimOverdue, SupervisionDeadlineMissed
from services.qms.context import QmsContext
from services.qms.usecases import nonconformities, objectives
from services.qms.usecases.journal import keep

handlers = HandlerRegistry("qms")


@handlers.every
async def keep_and_measure(
    ctx: QmsContext, work: Work, events: Sequence[tuple[Envelope, bytes]]
) -> None:
    """Kept in the record of everything; what they add to the objectives stored with them."""
    await keep(ctx, work, events)
    await objectives.measure(work, [envelope for envelope, _ in events])


@handlers.on(DeadlineMissedV2)
async def enforcement_deadline_missed(
    ctx: QmsContext, work: Work, event: DeadlineMissedV2, envelope: Envelope
) -> None:
    """A case source, a case or an on-the-spot penalty's time limit missed."""
    origin = nonconformities.enforcement_deadline(event, envelope)
    await nonconformities.open_for_missed_deadline(ctx, work, origin, envelope)


@handlers.on(DeadlineMissed)
async def enforcement_deadline_missed_v1(
    ctx: QmsContext, work: Work, event: DeadlineMissed, envelope: Envelope
) -> None:
    """A case source not verified, or a case not decided, in time: version 1, still queued
    from before version 2 was published."""
    origin = nonconformities.enforcement_deadline(event, envelope)
    await nonconformities.open_for_missed_deadline(ctx, work, origin, envelope)


@handlers.on(ApplicationDeadlineMissed)
async def licensing_deadline_missed(
    ctx: QmsContext, work: Work, event: ApplicationDeadlineMissed, envelope: Envelope
) -> None:
    """An accepted application not registered, or not jointly decided, in time."""
    origin = nonconformities.licensing_deadline(event, envelope)
    await nonconformities.open_for_missed_deadline(ctx, work, origin, envelope)


@handlers.on(ClaimOverdue)
async def claim_overdue(
    ctx: QmsContext, work: Work, event: ClaimOverdue, envelope: Envelope
) -> None:
    """A household not claimed by its grid's owner in time."""
    origin = nonconformities.supervision_claim(event, envelope)
    await nonconformities.open_for_missed_deadline(ctx, work, origin, envelope)


@handlers.on(SupervisionDeadlineMissed)
async def supervision_deadline_missed(
    ctx: QmsContext, work: Work, event: SupervisionDeadlineMissed, envelope: Envelope
) -> None:
    """A random inspection's result not published, or a planned visit not made, in time."""
    origin = nonconformities.supervision_deadline(event, envelope)
    await nonconformities.open_for_missed_deadline(ctx, work, origin, envelope)


@handlers.on(TicketDeadlineMissed)
async def complaints_deadline_missed(
    ctx: QmsContext, work: Work, event: TicketDeadlineMissed, envelope: Envelope
) -> None:
    """A 12315 ticket's legal time limit missed."""
    origin = nonconformities.complaints_deadline(event, envelope)
    await nonconformities.open_for_missed_deadline(ctx, work, origin, envelope)
