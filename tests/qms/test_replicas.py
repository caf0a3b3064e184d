"""Two replicas of qms on one database, their watchers' rounds at the same moment: a month's
breach is told and opens a nonconformity once; each checkpoint is signed once, put to the
witness once and published once (its cosigned note never replaced by another)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
import sqlalchemy as sa

from chassis.db import Database
from chassis.uow import UnitOfWork
from contracts.qms import NonconformityRaised, ObjectiveBreached
from services.qms.app import spec
from services.qms.context import QmsContext
from services.qms.domain.notes import ED25519, parse_note
from services.qms.domain.witnessing import parse_add_checkpoint
from services.qms.keys import signer_key_from_file
from services.qms.repositories.log import Appended, AuditLog
from services.qms.tables import checkpoints, objective_observations
from services.qms.usecases.checkpoints import checkpoint_files, publish_when_cosigned, sign_if_due
from services.qms.usecases.objectives import evaluate_ended_month
from services.qms.witness import WitnessSettings, create_witness_app
from tests.conftest import CreateDatabase, free_port, migrate, serving
from tests.qms.conftest import Qms, qms_settings
from tests.qms.test_objectives import NOVEMBER, December2025, issued, told
from tests.replicas import events_by_subject, released_together, replicas, rounds_at_once


async def test_two_replicas_tell_a_month_s_breach_once(qms: Qms) -> None:
    await told(qms, *(issued(i < 7, NOVEMBER) for i in range(10)))

    async def round_(database: Database) -> int:
        async with UnitOfWork(database, "qms") as uow:
            return len(await evaluate_ended_month(uow, December2025()))

    # Both read the month's figures at the same instant; a replica that then met the other's
    # breach would fail its round (gather would raise).
    async with replicas(qms.settings.database_url) as databases:
        acted = await released_together(databases, round_, objective_observations)
        acted += await rounds_at_once(databases, round_, times=2)

    url = qms.settings.database_url
    breached = await events_by_subject(url, ObjectiveBreached.routing_key())
    assert breached == Counter({"licensing.same_day": 1})
    assert sum(acted) == 1
    assert sum((await events_by_subject(url, NonconformityRaised.routing_key())).values()) == 1


async def grown(database: Database, count: int) -> None:
    """`count` entries more in the log, as the consumer appends them."""
    async with UnitOfWork(database, "qms") as uow:
        await AuditLog(uow.connection).append(
            [
                Appended(f"entry {uuid.uuid4()}".encode(), uuid.uuid4(), "test.entry", frozenset())
                for _ in range(count)
            ],
            datetime.now(UTC),
        )
        await uow.commit()


async def test_two_replicas_sign_put_to_the_witness_and_publish_each_checkpoint_once(
    create_database: CreateDatabase, bus_prefix: str, tmp_path: Path
) -> None:
    database_url = await create_database("qms")
    unwitnessed = qms_settings(database_url, bus_prefix, tmp_path / "qms")
    log_key = signer_key_from_file(unwitnessed.key_file, unwitnessed.audit_origin, ED25519)
    witness = WitnessSettings(
        witness_name="witness.office-02",
        witness_key_file=tmp_path / "witness" / "key.txt",
        witness_state=tmp_path / "witness" / "state.db",
        witness_logs=log_key.verifier_key().text(),
    )
    port = free_port()
    settings = qms_settings(
        database_url,
        bus_prefix,
        tmp_path / "qms",
        audit_witnesses=f"http://127.0.0.1:{port} {witness.key().verifier_key().text()}",
        audit_witness_quorum=1,
    )
    await migrate(spec, settings)
    # What the witness was asked to cosign: the size of each request's checkpoint.
    asked: list[int] = []

    async def note_size(request: httpx.Request) -> None:
        asked.append(parse_add_checkpoint(await request.aread()).checkpoint.size)

    sizes = (10, 20, 30, 40, 50)
    signed: list[bool] = []
    published: list[bool] = []
    async with (
        serving(create_witness_app(witness), port=port),
        replicas(database_url) as databases,
        httpx.AsyncClient(timeout=10, event_hooks={"request": [note_size]}) as http,
    ):
        contexts = [QmsContext(settings=settings, database=database) for database in databases]
        for _ in sizes:
            await grown(databases[0], 10)
            signed += [
                found is not None
                for found in await asyncio.gather(*(sign_if_due(ctx) for ctx in contexts))
            ]
            published += await asyncio.gather(
                *(publish_when_cosigned(ctx, http) for ctx in contexts)
            )
        async with databases[0].engine.connect() as connection:
            kept = list(
                await connection.execute(
                    sa.select(checkpoints.c.size, checkpoints.c.note).order_by(checkpoints.c.size)
                )
            )

    assert [row.size for row in kept] == list(sizes)
    assert signed.count(True) == published.count(True) == len(sizes)
    assert asked == list(sizes)
    # The note kept is the one cosigned once, and the one in the folder outside the database.
    for row in kept:
        assert [s.name for s in parse_note(row.note).signatures] == [
            settings.audit_origin,
            "witness.office-02",
        ]
    assert checkpoint_files(settings.checkpoint_dir) == [row.note for row in kept]
