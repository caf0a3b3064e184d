"""A probe service for bus tests: one contract, a handler writing one effect row per event."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import sqlalchemy as sa

from chassis.app import ServiceSpec
from chassis.bus import HandlerRegistry
from chassis.db import new_metadata
from chassis.uow import Work
from contracts import Contract, Envelope


class SampleRecorded(Contract):
    """A test fact; `poison` ones make the handler fail every time, `echo` ones emit a reply."""

    event_type = "probe.sample.recorded"
    subject_field: ClassVar[str] = "key"

    key: str
    n: int
    poison: bool = False
    echo: bool = False


class SampleEchoed(Contract):
    """Emitted by the handler of an `echo` sample, in the handler's transaction."""

    event_type = "probe.sample.echoed"
    subject_field: ClassVar[str] = "key"

    key: str
    n: int


metadata = new_metadata()
# No unique constraint on event_id on purpose: a duplicate effect must be countable.
effects = sa.Table(
    "probe_effects",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("event_id", sa.Uuid, nullable=False, index=True),
    sa.Column("subject", sa.String(100), nullable=False),
    sa.Column("sequence", sa.BigInteger, nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
    # When the handler ran: with the commit's time at the producer, an event's lag.
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)


# What a journal keeps: every event's exact bytes, whatever its type.
journal = sa.Table(
    "probe_journal",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("event_id", sa.Uuid, nullable=False),
    sa.Column("event_type", sa.String(100), nullable=False),
    sa.Column("entry", sa.LargeBinary, nullable=False),
)


# Set by a test once "the fix is deployed": poison samples are then handled like any other.
CURED = False


class PoisonError(ValueError):
    """What the handler raises for a poison sample."""


async def record_sample(
    context: object, work: Work, event: SampleRecorded, envelope: Envelope
) -> None:
    """Write the effect row; fail for poison; emit an echo when asked."""
    if event.poison and not CURED:
        raise PoisonError(f"sample {event.n} is poison")
    await work.connection.execute(
        sa.insert(effects).values(
            event_id=envelope.id,
            subject=envelope.subject,
            sequence=envelope.sequence,
            n=event.n,
            applied_at=datetime.now(UTC),
        )
    )
    if event.echo:
        work.emit(SampleEchoed(key=event.key, n=event.n))


async def keep_in_journal(
    context: object, work: Work, events: Sequence[tuple[Envelope, bytes]]
) -> None:
    """Keep every event as it arrived."""
    await work.connection.execute(
        sa.insert(journal),
        [{"event_id": env.id, "event_type": env.type, "entry": entry} for env, entry in events],
    )


def probe_spec(name: str = "probe", *, with_journal: bool = False) -> ServiceSpec:
    """The probe as a service (its own name, so several can share a broker prefix); with a
    journal, it also keeps every event on the bus."""
    registry = HandlerRegistry(name)
    registry.on(SampleRecorded)(record_sample)
    if with_journal:
        registry.every(keep_in_journal)
    return ServiceSpec(
        name=name,
        title="bus probe",
        package_dir=Path(__file__).parent / "no-migrations",
        metadata=metadata,
        handlers=registry,
    )


def new_key() -> str:
    """A random subject key."""
    return uuid.uuid4().hex[:12]
