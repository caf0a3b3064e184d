"""The deadline watch: each legal time limit a ticket misses is raised once, in the
transaction that records it."""

from __future__ import annotations

from services.complaints.context import ComplaintsContext
from services.complaints.domain.clocks import shanghai_day
from services.complaints.repositories.tickets import TicketRepository
from services.complaints.usecases.tickets import missed_events, save_step

# Tickets per transaction: a backlog is worked off in rounds, each committed.
ROUND = 200


async def raise_missed(ctx: ComplaintsContext) -> int:
    """Raise `complaints.deadline.missed` for every deadline newly missed; how many."""
    raised = 0
    while True:
        async with ctx.unit_of_work() as uow:
            now = ctx.clock.now()
            due = await TicketRepository(uow.connection).past_due(shanghai_day(now), ROUND)
            for stored in due:
                events = missed_events(stored.ticket, now)
                await save_step(uow.work, stored, len(stored.ticket.history), events)
                raised += len(events)
            await uow.commit()
        if len(due) < ROUND:
            return raised
