"""The record of everything: each event on the bus appended once, as its exact bytes."""

from __future__ import annotations

from chassis.uow import Work
from contracts import Envelope
from services.qms.context import QmsContext
from services.qms.domain.trail import refs_of
from services.qms.repositories.log import Appended, AuditLog


async def keep(ctx: QmsContext, work: Work, envelope: Envelope, entry: bytes) -> None:
    """Append the event in the consumer's transaction (its inbox row makes it once)."""
    leaf = Appended(entry, envelope.id, envelope.type, refs_of(envelope.subject, envelope.data))
    await AuditLog(work.connection).append([leaf], ctx.clock.now())
