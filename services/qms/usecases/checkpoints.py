"""Checkpoints: the log signs its tree head every AUDIT_CHECKPOINT_EVERY entries or
AUDIT_CHECKPOINT_SECONDS, keeps it in the database and in a directory outside it, and
publishes it once the quorum of witnesses has cosigned it."""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import timedelta
from pathlib import Path

from services.qms.context import QmsContext
from services.qms.domain.notes import Checkpoint, Note
from services.qms.repositories.log import AuditLog, StoredCheckpoint

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


def checkpoint_files(directory: Path) -> list[str]:
    """The notes of the checkpoint files in `directory`, smallest size first."""
    if not directory.is_dir():
        return []
    return [path.read_text(encoding="utf-8") for path in sorted(directory.glob(f"*{SUFFIX}"))]


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
        await log_.add_checkpoint(frontier, note, now, published=published)
        await asyncio.to_thread(write_checkpoint_file, settings.checkpoint_dir, frontier.size, note)
        await uow.commit()
    return StoredCheckpoint(
        frontier.size, frontier.root(), frontier, note, now, now if published else None
    )
