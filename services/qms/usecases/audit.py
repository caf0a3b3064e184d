"""Reading the record of everything: its published checkpoint, entries, proofs, a trail, and
its verification against the stored rows and every signed checkpoint."""

from __future__ import annotations

import asyncio
import logging
import time
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
from services.qms.domain.verification import StoredLeaf, Verdict, Verifier
from services.qms.repositories.log import AuditLog
from services.qms.usecases.checkpoints import checkpoint_files

logger = logging.getLogger("shijian.qms.audit")
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


async def _row(stored: AuditLog, index: int) -> StoredLeaf | None:
    async for leaf in stored.leaves(index, index + 1):
        return leaf
    return None


async def _verified_from(
    ctx: QmsContext, uow: UnitOfWork, verified: Frontier | None
) -> tuple[Verdict, Frontier]:
    """The rows after the `verified` tree (every row when None) against the checkpoints
    signed beyond it, in the database and in the checkpoint directory outside it; the verdict
    and the tree of the rows that verified."""
    stored = AuditLog(uow.connection)
    above = verified.size if verified else 0
    # The checkpoints before the rows: every row a checkpoint covers is committed before it.
    notes = await stored.checkpoint_notes(above)
    notes += await asyncio.to_thread(checkpoint_files, ctx.settings.checkpoint_dir, above)
    verifier = Verifier(notes, ctx.signer.verifier_key(), verified)
    if verifier.resume(await _row(stored, above - 1)):
        async for leaf in stored.leaves(above):
            if not verifier.feed(leaf):
                break
    return verifier.verdict(), verifier.frontier


async def verify(ctx: QmsContext, uow: UnitOfWork) -> Verdict:
    """The live log, every row, against every checkpoint it signed (also what the periodic
    check goes on from)."""
    verdict, tree = await _verified_from(ctx, uow, None)
    ctx.record_check.record(verdict, tree, from_start=True, now=time.monotonic())
    return verdict


async def check_record(ctx: QmsContext) -> Verdict | None:
    """The periodic check: the rows appended since the last one, or every row when
    AUDIT_FULL_VERIFY_SECONDS have passed since every row was read. After a failure nothing
    until then (or until a verification asked for by an auditor): each check would only find
    it again."""
    check, now = ctx.record_check, time.monotonic()
    from_start = check.from_start_due(now, ctx.settings.audit_full_verify_seconds)
    if not from_start and check.verified is None:
        return None
    async with ctx.unit_of_work() as uow:
        verdict, tree = await _verified_from(ctx, uow, None if from_start else check.verified)
    check.record(verdict, tree, from_start=from_start, now=now)
    if not verdict.verified:
        logger.error(
            "the record of everything does not verify",
            extra={"first_bad_index": verdict.first_bad_index, "problem": verdict.problem},
        )
    return verdict
