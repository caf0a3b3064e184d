"""The record of everything: each event on the bus appended once, as its exact bytes."""

from __future__ import annotations

from collections.abc import Sequence

from chassis.uow import Work
from contracts import Envelope
from services.qms.context import QmsContext
from services.qms.domain.trail import refs_of
from services.qms.repositories.log import Appended, AuditLog


async def keep(ctx: QmsContext, work: Work, events: Sequence[tuple[Envelope, bytes]]) -> None:
    """Append a batch of events in the consumer's transaction, in arrival order, under one
    hold of the tree's lock (their inbox rows make each once)."""
    leaves = [
        Appended(entry, envelope.id, envelope.type, refs_of(envelope.subject, envelope.data))
        for envelope, entry in events
    ]
    await AuditLog(work.connection).append(leaves, ctx.clock.now())
