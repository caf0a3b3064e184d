"""The record of everything as stored: leaves, the tree's state, checkpoints, witnesses."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.db import dialect_of, upsert
from services.qms.domain.merkle import HASH_SIZE, Frontier, leaf_hash
from services.qms.domain.verification import StoredLeaf
from services.qms.tables import audit_log, audit_refs, checkpoints, log_state, witness_sizes

# Rows read at a time when streaming the whole log.
CHUNK = 5000


def _hashes(packed: bytes) -> list[bytes]:
    return [packed[i : i + HASH_SIZE] for i in range(0, len(packed), HASH_SIZE)]


@dataclass(frozen=True)
class Appended:
    """A leaf to append: the exact bytes, and what the trail looks it up by."""

    entry: bytes
    event_id: uuid.UUID
    event_type: str
    refs: frozenset[str]


@dataclass(frozen=True)
class StoredCheckpoint:
    """A checkpoint as kept: its size, root, the frontier at that size and its note."""

    size: int
    root: bytes
    frontier: Frontier
    note: str
    signed_at: datetime
    published_at: datetime | None


class AuditLog:
    """Appending to the log, and reading it back."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def frontier(self, *, lock: bool = False) -> Frontier:
        """The tree's state; locked, every other appender waits for this transaction."""
        statement = sa.select(log_state).where(log_state.c.id == 1)
        if lock:
            statement = statement.with_for_update()
        state = (await self.connection.execute(statement)).one()
        return Frontier(state.size, _hashes(state.frontier))

    async def append(self, appended: Sequence[Appended], at: datetime) -> Frontier:
        """Append leaves in this transaction, in order, under the state's lock."""
        frontier = await self.frontier(lock=True)
        rows, refs = [], []
        for leaf in appended:
            index = frontier.size
            frontier.append(leaf_hash(leaf.entry))
            rows.append(
                {
                    "leaf_index": index,
                    "entry": leaf.entry,
                    "tree_root": frontier.root(),
                    "event_id": leaf.event_id,
                    "event_type": leaf.event_type,
                    "appended_at": at,
                }
            )
            refs += [{"ref": ref, "leaf_index": index} for ref in sorted(leaf.refs)]
        if rows:
            await self.connection.execute(sa.insert(audit_log), rows)
            if refs:
                await self.connection.execute(sa.insert(audit_refs), refs)
            await self.connection.execute(
                sa.update(log_state)
                .where(log_state.c.id == 1)
                .values(
                    size=frontier.size,
                    frontier=b"".join(frontier.hashes),
                    root=frontier.root(),
                )
            )
        return frontier

    async def leaves(self, start: int = 0, end: int | None = None) -> AsyncIterator[StoredLeaf]:
        """The stored rows in leaf order, read a chunk at a time."""
        after = start - 1
        while True:
            statement = (
                sa.select(audit_log.c.leaf_index, audit_log.c.entry, audit_log.c.tree_root)
                .where(audit_log.c.leaf_index > after)
                .order_by(audit_log.c.leaf_index)
                .limit(CHUNK)
            )
            if end is not None:
                statement = statement.where(audit_log.c.leaf_index < end)
            rows = list(await self.connection.execute(statement))
            for row in rows:
                yield StoredLeaf(row.leaf_index, bytes(row.entry), bytes(row.tree_root))
            if len(rows) < CHUNK:
                return
            after = rows[-1].leaf_index

    async def entries(self, start: int, end: int) -> list[tuple[int, bytes]]:
        """The entries with index in [start, end)."""
        rows = await self.connection.execute(
            sa.select(audit_log.c.leaf_index, audit_log.c.entry)
            .where(audit_log.c.leaf_index >= start, audit_log.c.leaf_index < end)
            .order_by(audit_log.c.leaf_index)
        )
        return [(row.leaf_index, bytes(row.entry)) for row in rows]

    async def trail(self, ref: str, limit: int) -> list[tuple[int, bytes]]:
        """The entries about `ref` (a credit code, case, ticket...), oldest first."""
        rows = await self.connection.execute(
            sa.select(audit_log.c.leaf_index, audit_log.c.entry)
            .join(audit_refs, audit_refs.c.leaf_index == audit_log.c.leaf_index)
            .where(audit_refs.c.ref == ref)
            .order_by(audit_log.c.leaf_index)
            .limit(limit)
        )
        return [(row.leaf_index, bytes(row.entry)) for row in rows]

    # -- checkpoints ------------------------------------------------------------------------

    async def add_checkpoint(
        self, frontier: Frontier, note: str, at: datetime, *, published: bool
    ) -> bool:
        """Keep the signed checkpoint; False if another replica kept this size first."""
        inserted = await self.connection.execute(
            dialect_of(self.connection)
            .insert(checkpoints)
            .values(
                size=frontier.size,
                root=frontier.root(),
                frontier=b"".join(frontier.hashes),
                note=note,
                signed_at=at,
                published_at=at if published else None,
            )
            .on_conflict_do_nothing()
            .returning(checkpoints.c.size)
        )
        return inserted.first() is not None

    async def claim_for_publishing(self, size: int) -> bool:
        """Lock the unpublished checkpoint of `size` until this transaction ends; False if it
        is published, or another replica holds it (that one asks the witnesses, not this)."""
        found = await self.connection.execute(
            sa.select(checkpoints.c.size)
            .where(checkpoints.c.size == size, checkpoints.c.published_at.is_(None))
            .with_for_update(skip_locked=True)
        )
        return found.first() is not None

    async def publish(self, size: int, note: str, at: datetime) -> None:
        """The checkpoint with its cosignatures, published."""
        await self.connection.execute(
            sa.update(checkpoints)
            .where(checkpoints.c.size == size)
            .values(note=note, published_at=at)
        )

    async def checkpoint(self, size: int) -> StoredCheckpoint | None:
        found = (
            await self.connection.execute(sa.select(checkpoints).where(checkpoints.c.size == size))
        ).first()
        return None if found is None else _checkpoint(found)

    async def latest_checkpoint(self, *, published: bool) -> StoredCheckpoint | None:
        statement = sa.select(checkpoints).order_by(checkpoints.c.size.desc()).limit(1)
        if published:
            statement = statement.where(checkpoints.c.published_at.is_not(None))
        found = (await self.connection.execute(statement)).first()
        return None if found is None else _checkpoint(found)

    async def checkpoint_notes(self, above: int = 0) -> list[str]:
        """The notes of the checkpoints of more than `above` leaves, smallest first."""
        rows = await self.connection.execute(
            sa.select(checkpoints.c.note)
            .where(checkpoints.c.size > above)
            .order_by(checkpoints.c.size)
        )
        return [row.note for row in rows]

    async def witness_size(self, witness: str) -> int:
        found = await self.connection.scalar(
            sa.select(witness_sizes.c.size).where(witness_sizes.c.witness == witness)
        )
        return int(found or 0)

    async def set_witness_size(self, witness: str, size: int) -> None:
        await upsert(
            self.connection, witness_sizes, {"witness": witness, "size": size}, ["witness"]
        )


def _checkpoint(found: sa.Row[tuple[object, ...]]) -> StoredCheckpoint:
    return StoredCheckpoint(
        size=found.size,
        root=bytes(found.root),
        frontier=Frontier(found.size, _hashes(bytes(found.frontier))),
        note=found.note,
        signed_at=found.signed_at,
        published_at=found.published_at,
    )
