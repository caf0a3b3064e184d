"""Events the qms service reacts to, on the batch's Work (the consumer commits): every event
into the record of everything and measured against the quality objectives, and each missed
legal time limit into one nonconformity."""

from collections.abc import Sequence

from chassis.bus import HandlerRegistry
from chassis.uow import Work
from contracts import Envelope
from contracts.complaints import TicketDeadlineMissed
from contracts.enforcement import DeadlineMissed
from contracts.supervision import ClaimOverdue
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


@handlers.on(DeadlineMissed)
async def enforcement_deadline_missed(
    ctx: QmsContext, work: Work, event: DeadlineMissed, envelope: Envelope
) -> None:
    """A case source not verified, or a case not decided, in time."""
    origin = nonconformities.enforcement_deadline(event, envelope)
    await nonconformities.open_for_missed_deadline(ctx, work, origin, envelope)


@handlers.on(ClaimOverdue)
async def claim_overdue(
    ctx: QmsContext, work: Work, event: ClaimOverdue, envelope: Envelope
) -> None:
    """A household not claimed by its grid's owner in time."""
    origin = nonconformities.supervision_claim(event, envelope)
    await nonconformities.open_for_missed_deadline(ctx, work, origin, envelope)


@handlers.on(TicketDeadlineMissed)
async def complaints_deadline_missed(
    ctx: QmsContext, work: Work, event: TicketDeadlineMissed, envelope: Envelope
) -> None:
    """A 12315 ticket's legal time limit missed."""
    origin = nonconformities.complaints_deadline(event, envelope)
    await nonconformities.open_for_missed_deadline(ctx, work, origin, envelope)
