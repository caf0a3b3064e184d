"""Reading the record of everything: its published checkpoint, entries, proofs, a trail, and
its verification against the stored rows and every signed checkpoint."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from chassis.errors import NotFound, RuleViolated
from chassis.uow import UnitOfWork
from services.qms.context import QmsContext
from services.qms.domain.merkle import (
    Frontier,
    consistency_proof_after,
    inclusion_proof,
    leaf_hash,
)
from services.qms.domain.verification import Verdict, Verifier
from services.qms.repositories.log import AuditLog
from services.qms.usecases.checkpoints import checkpoint_files

# At most this many entries a call.
ENTRIES_MAX = 1000


async def published_checkpoint(uow: UnitOfWork) -> str:
    """The latest checkpoint the witnesses' quorum cosigned, as its signed note."""
    latest = await AuditLog(uow.connection).latest_checkpoint(published=True)
    if latest is None:
        raise NotFound("published checkpoint")
    return latest.note


async def entries(uow: UnitOfWork, start: int, end: int | None) -> list[tuple[int, bytes]]:
    """Entries [start, end), at most ENTRIES_MAX."""
    stop = start + ENTRIES_MAX if end is None else min(end, start + ENTRIES_MAX)
    if stop <= start:
        raise RuleViolated("end", "end is after start", "range", "query")
    return await AuditLog(uow.connection).entries(start, stop)


async def _size(log: AuditLog) -> int:
    return (await log.frontier()).size


@dataclass(frozen=True)
class Proof:
    """A proof with the sizes and roots it holds between."""

    hashes: list[bytes]
    size: int
    root: bytes
    old_size: int | None = None
    old_root: bytes | None = None


async def _leaf_hashes(log: AuditLog, start: int, end: int) -> list[bytes]:
    return [leaf_hash(leaf.entry) async for leaf in log.leaves(start, end)]


async def inclusion(uow: UnitOfWork, index: int, size: int) -> Proof:
    """The inclusion proof of leaf `index` in the tree of `size` leaves."""
    log = AuditLog(uow.connection)
    if not 0 < size <= await _size(log):
        raise RuleViolated("size", "no tree of that size yet", "size", "query")
    if not 0 <= index < size:
        raise RuleViolated("index", "the leaf is not in that tree", "index", "query")
    hashes = await _leaf_hashes(log, 0, size)
    frontier = Frontier()
    frontier.extend(hashes)
    return Proof(
        await asyncio.to_thread(inclusion_proof, index, size, hashes), size, frontier.root()
    )


async def consistency(uow: UnitOfWork, old_size: int, new_size: int) -> Proof:
    """The consistency proof between the trees of `old_size` and `new_size` leaves."""
    log = AuditLog(uow.connection)
    if not 0 < old_size <= new_size:
        raise RuleViolated("from", "from is at least 1 and at most to", "range", "query")
    if new_size > await _size(log):
        raise RuleViolated("to", "no tree of that size yet", "size", "query")
    stored = await log.checkpoint(old_size)
    if stored is not None:
        old = stored.frontier
    else:
        old = Frontier()
        old.extend(await _leaf_hashes(log, 0, old_size))
    new_hashes = await _leaf_hashes(log, old_size, new_size)
    new = Frontier(old.size, old.hashes)
    new.extend(new_hashes)
    hashes = consistency_proof_after(old, new_hashes)
    return Proof(hashes, new_size, new.root(), old_size, old.root())


async def trail(uow: UnitOfWork, subject: str, limit: int) -> list[tuple[int, bytes]]:
    """Every entry about a business, case or ticket, oldest first."""
    return await AuditLog(uow.connection).trail(subject, limit)


async def verify(ctx: QmsContext, uow: UnitOfWork) -> Verdict:
    """The live log against every checkpoint it signed, in the database and in the
    checkpoint directory outside it."""
    log = AuditLog(uow.connection)
    notes = await log.checkpoint_notes()
    notes += await asyncio.to_thread(checkpoint_files, ctx.settings.checkpoint_dir)
    verifier = Verifier(notes, ctx.signer.verifier_key())
    async for leaf in log.leaves():
        if not verifier.feed(leaf):
            break
    return verifier.verdict()
