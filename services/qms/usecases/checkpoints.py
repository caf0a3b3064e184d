"""Checkpoints: the log signs its tree head every AUDIT_CHECKPOINT_EVERY entries or
AUDIT_CHECKPOINT_SECONDS, keeps it in the database and in a directory outside it, and
publishes it once the quorum of witnesses has cosigned it."""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import timedelta
from pathlib import Path

import httpx

from services.qms.context import QmsContext
from services.qms.domain.merkle import Frontier, consistency_proof_after, leaf_hash
from services.qms.domain.notes import Checkpoint, Note, Signature, parse_note
from services.qms.repositories.log import AuditLog, StoredCheckpoint
from services.qms.settings import Witness
from services.qms.usecases.witnessing import Cosigned, Refused, ask_witness

log = logging.getLogger("shijian.qms.checkpoints")
SUFFIX = ".checkpoint"


def write_checkpoint_file(directory: Path, size: int, note: str) -> Path:
    """`<size>.checkpoint` in `directory`, replaced whole (never half written)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{size:020d}{SUFFIX}"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(note, encoding="utf-8")
    os.replace(temporary, path)
    return path


def checkpoint_files(directory: Path, above: int = 0) -> list[str]:
    """The notes of the checkpoint files in `directory`, in the order of their names. With
    `above` (the log's own directory, whose files are named by size), only those of more than
    `above` leaves, and any whose name gives no size: whatever they say is checked."""
    if not directory.is_dir():
        return []
    return [
        path.read_text(encoding="utf-8")
        for path in sorted(directory.glob(f"*{SUFFIX}"))
        if above == 0 or not path.stem.isdigit() or int(path.stem) > above
    ]


async def sign_if_due(ctx: QmsContext) -> StoredCheckpoint | None:
    """Sign the tree head when enough entries or time have passed since the last one."""
    settings = ctx.settings
    async with ctx.unit_of_work() as uow:
        log_ = AuditLog(uow.connection)
        frontier = await log_.frontier()
        latest = await log_.latest_checkpoint(published=False)
        now = ctx.clock.now()
        if frontier.size == 0 or (latest is not None and latest.size >= frontier.size):
            return None
        if latest is not None:
            grown = frontier.size - latest.size >= settings.audit_checkpoint_every
            stale = now - latest.signed_at >= timedelta(seconds=settings.audit_checkpoint_seconds)
            if not (grown or stale):
                return None
        body = Checkpoint(settings.audit_origin, frontier.size, frontier.root()).text()
        note = Note(body).signed(ctx.signer).format()
        published = settings.audit_witness_quorum == 0
        if not await log_.add_checkpoint(frontier, note, now, published=published):
            return None  # another replica signed this size just now
        await asyncio.to_thread(write_checkpoint_file, settings.checkpoint_dir, frontier.size, note)
        await uow.commit()
    return StoredCheckpoint(
        frontier.size, frontier.root(), frontier, note, now, now if published else None
    )


async def _proof_for(log_: AuditLog, old_size: int, new: StoredCheckpoint) -> list[bytes]:
    """The consistency proof from the tree a witness holds to the checkpoint."""
    if old_size in (0, new.size):
        return []
    stored = await log_.checkpoint(old_size)
    if stored is not None:
        old = stored.frontier
    else:  # a size the witness reported that is no checkpoint of ours: from the leaves
        old = Frontier()
        old.extend([leaf_hash(leaf.entry) async for leaf in log_.leaves(0, old_size)])
    new_leaves = [leaf_hash(leaf.entry) async for leaf in log_.leaves(old_size, new.size)]
    return consistency_proof_after(old, new_leaves)


async def _cosignatures(
    log_: AuditLog, http: httpx.AsyncClient, witness: Witness, checkpoint: StoredCheckpoint
) -> tuple[Signature, ...]:
    """The witness's cosignatures, asking again once from the size it says it holds."""
    name = witness.key.name
    old_size = await log_.witness_size(name)
    for _ in range(2):
        if old_size > checkpoint.size:
            break
        proof = await _proof_for(log_, old_size, checkpoint)
        try:
            answer = await ask_witness(http, witness, old_size, proof, checkpoint.note)
        except httpx.HTTPError as error:
            log.warning("witness %s unreachable: %s", witness.url, error)
            return ()
        if isinstance(answer, Cosigned):
            await log_.set_witness_size(name, checkpoint.size)
            return answer.signatures
        if isinstance(answer, Refused):
            log.warning("witness %s refused size %d: %s", witness.url, checkpoint.size, answer)
            return ()
        old_size = answer.size
        await log_.set_witness_size(name, old_size)
    return ()


async def publish_when_cosigned(ctx: QmsContext, http: httpx.AsyncClient) -> bool:
    """Ask every witness to cosign the newest checkpoint; publish it, with their cosignatures,
    once the quorum has. Whether a checkpoint was published."""
    settings = ctx.settings
    async with ctx.unit_of_work() as uow:
        log_ = AuditLog(uow.connection)
        latest = await log_.latest_checkpoint(published=False)
        if latest is None or latest.published_at is not None:
            return False
        if not await log_.claim_for_publishing(latest.size):
            return False  # published meanwhile, or another replica is asking the witnesses
        signatures: list[Signature] = []
        cosigned = 0
        for witness in settings.witnesses:
            found = await _cosignatures(log_, http, witness, latest)
            cosigned += bool(found)
            signatures += found
        published = cosigned >= settings.audit_witness_quorum
        if published:
            note = parse_note(latest.note)
            full = Note(note.text, (*note.signatures, *signatures)).format()
            await log_.publish(latest.size, full, ctx.clock.now())
            await asyncio.to_thread(
                write_checkpoint_file, settings.checkpoint_dir, latest.size, full
            )
        await uow.commit()
    return published
