"""qms killed with SIGKILL twice while it appends under load: the log it leaves verifies, and
holds every published event exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import aio_pika
import httpx
import pytest
import sqlalchemy as sa

from chassis.bus import Topology
from chassis.db import Database
from contracts import Envelope
from services.qms.domain.notes import ED25519
from services.qms.domain.verification import Verifier
from services.qms.keys import signer_key_from_file
from services.qms.repositories.log import AuditLog
from services.qms.tables import audit_log
from services.qms.usecases.checkpoints import checkpoint_files
from tests.conftest import BUS_URL, CreateDatabase, free_port, fully_ready, publisher_of, wait_until
from tests.qms.conftest import qms_settings
from tests.qms.test_record import received

ROOT = Path(__file__).resolve().parents[2]
EVENTS = 2000


@contextlib.contextmanager
def qms_process(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m services.qms serve`, killed at the end if still running."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.qms", "serve"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


async def publish_events(prefix: str, envelopes: list[Envelope]) -> None:
    # All of one type's owner (complaints): published as its broker user.
    url, user = await asyncio.to_thread(publisher_of, prefix, envelopes[0].type)
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(Topology(prefix).exchange)
        for envelope in envelopes:
            await exchange.publish(
                aio_pika.Message(
                    envelope.to_json(),
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    message_id=str(envelope.id),
                    user_id=user,
                ),
                routing_key=envelope.routing_key,
            )
    finally:
        await connection.close()


async def ready(port: str) -> None:
    """Until the process answers /readyz: its queue and bindings exist."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:

        async def answers() -> bool:
            try:
                return fully_ready(await client.get("/readyz"))
            except httpx.HTTPError:
                return False

        await wait_until(answers, within=60, interval=0.2)


async def rows(database: Database) -> int:
    async with database.engine.connect() as connection:
        return int(await connection.scalar(sa.select(sa.func.count()).select_from(audit_log)) or 0)


@pytest.mark.timeout(300)
async def test_killed_twice_while_appending_the_log_verifies_and_holds_each_event_once(
    create_database: CreateDatabase, bus_prefix: str, tmp_path: Path
) -> None:
    prefix = f"{bus_prefix}-qms-crash"
    settings = qms_settings(await create_database("qms"), prefix, tmp_path)
    env = dict(os.environ) | {
        "ENVIRONMENT": "test",
        "DATABASE_URL": settings.database_url,
        "BUS_URL": BUS_URL,
        "BUS_PREFIX": prefix,
        "PORT": str(free_port()),
        "DATA_DIR": str(tmp_path),
        "AUDIT_WITNESS_QUORUM": "0",
        "AUDIT_CHECKPOINT_EVERY": "100",
        "AUDIT_CHECKPOINT_SECONDS": "0.5",
    }
    migrated = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "services.qms", "migrate"],
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert migrated.returncode == 0
    database = Database(settings.database_url)
    log = tmp_path / "qms.log"
    envelopes = [received(uuid.uuid4()) for _ in range(EVENTS)]
    try:
        for threshold in (400, 1200):
            with qms_process(env, log) as process:
                await ready(env["PORT"])
                if threshold == 400:
                    publishing = asyncio.create_task(publish_events(prefix, envelopes))

                async def reached(threshold: int = threshold) -> bool:
                    return await rows(database) >= threshold

                await wait_until(reached, within=120)
                os.kill(process.pid, signal.SIGKILL)
        await publishing
        with qms_process(env, log):

            async def all_in() -> bool:
                return await rows(database) >= EVENTS

            await wait_until(all_in, within=120)
        async with database.engine.connect() as connection:
            kept = [
                row.event_id for row in await connection.execute(sa.select(audit_log.c.event_id))
            ]
            notes = await AuditLog(connection).checkpoint_notes()
            key = signer_key_from_file(
                settings.key_file, settings.audit_origin, ED25519
            ).verifier_key()
            verifier = Verifier(notes + checkpoint_files(settings.checkpoint_dir), key)
            async for leaf in AuditLog(connection).leaves():
                assert verifier.feed(leaf), verifier.verdict()
        verdict = verifier.verdict()
        assert verdict.verified and verdict.size == EVENTS, verdict
        assert sorted(kept) == sorted(envelope.id for envelope in envelopes)
    finally:
        await database.dispose()
