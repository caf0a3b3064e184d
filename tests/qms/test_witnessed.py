"""A checkpoint is published only once the quorum of witnesses has cosigned it; a witness
that is away holds publication back, and the log catches it up with one consistency proof."""

from __future__ import annotations

import uuid
from pathlib import Path

import sqlalchemy as sa

from chassis.db import Database
from services.qms.app import spec
from services.qms.domain.notes import ED25519, parse_checkpoint, parse_note, verify_note
from services.qms.keys import signer_key_from_file
from services.qms.tables import checkpoints
from services.qms.witness import WitnessSettings, create_witness_app
from tests.conftest import (
    CreateDatabase,
    free_port,
    publish,
    running_service,
    serving,
    wait_until,
)
from tests.qms.conftest import MANAGER, qms_settings
from tests.qms.test_record import received


async def test_checkpoints_are_published_once_the_witness_cosigned_them(
    create_database: CreateDatabase, bus_prefix: str, tmp_path: Path
) -> None:
    prefix = f"{bus_prefix}-qms-witnessed-{uuid.uuid4().hex[:4]}"
    database_url = await create_database("qms")
    unwitnessed = qms_settings(database_url, prefix, tmp_path / "qms")
    log_key = signer_key_from_file(unwitnessed.key_file, unwitnessed.audit_origin, ED25519)
    witness_settings = WitnessSettings(
        witness_name="witness.office-02",
        witness_key_file=tmp_path / "witness" / "key.txt",
        witness_state=tmp_path / "witness" / "state.db",
        witness_logs=log_key.verifier_key().text(),
    )
    witness_key = witness_settings.key().verifier_key()
    port = free_port()
    settings = qms_settings(
        database_url,
        prefix,
        tmp_path / "qms",
        audit_witnesses=f"http://127.0.0.1:{port} {witness_key.text()}",
        audit_witness_quorum=1,
    )
    async with running_service(spec, settings) as client:

        async def grow_to(size: int) -> None:
            while (
                len((await client.get("/audit/entries", headers=MANAGER)).json()["entries"]) < size
            ):
                await publish(prefix, received(uuid.uuid4()))

        async def published_size() -> int:
            answer = await client.get("/audit/checkpoint", headers=MANAGER)
            if answer.status_code != 200:
                return 0
            return parse_checkpoint(parse_note(answer.text).text).size

        async with serving(create_witness_app(witness_settings), port=port):
            await grow_to(12)

            async def first() -> bool:
                return await published_size() >= 12

            await wait_until(first, within=20)
        held = await published_size()
        await grow_to(30)

        async def signed_unwitnessed() -> bool:
            """The log signed a checkpoint of the 30 entries, which no witness cosigned."""
            database = Database(database_url)
            try:
                async with database.engine.connect() as connection:
                    size = await connection.scalar(
                        sa.select(sa.func.max(checkpoints.c.size)).where(
                            checkpoints.c.published_at.is_(None)
                        )
                    )
            finally:
                await database.dispose()
            return (size or 0) >= 30

        await wait_until(signed_unwitnessed, within=20)
        assert await published_size() == held
        async with serving(create_witness_app(witness_settings), port=port):

            async def caught_up() -> bool:
                return await published_size() >= 30

            await wait_until(caught_up, within=20)
        note = parse_note((await client.get("/audit/checkpoint", headers=MANAGER)).text)
        signers = verify_note(note, [log_key.verifier_key(), witness_key])
        assert {signed.key.name for signed in signers} == {log_key.name, witness_key.name}
