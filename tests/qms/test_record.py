"""Every event published on the bus is appended to the log once, as its exact bytes; the log
signs checkpoints, proves inclusion and consistency, verifies, and finds a subject's trail."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime

from contracts import Envelope
from contracts.complaints import TicketReceived
from services.qms.domain.merkle import leaf_hash, verify_consistency, verify_inclusion
from services.qms.domain.notes import parse_checkpoint, parse_note
from tests.conftest import publish, wait_until
from tests.qms.conftest import AUDITOR, MANAGER, Qms


def received(ticket_id: uuid.UUID) -> Envelope:
    event = TicketReceived(
        ticket_id=ticket_id,
        kind="complaint",
        credit_code=None,
        channel="phone",
        received_at=datetime.now(UTC),
    )
    return Envelope.wrap(event, source="/services/complaints", sequence=1)


async def test_events_are_kept_once_and_the_log_proves_and_verifies_itself(qms: Qms) -> None:
    client = qms.client
    tickets = [uuid.uuid4() for _ in range(25)]
    envelopes = [received(ticket) for ticket in tickets]
    for envelope in envelopes:
        await publish(qms.settings.bus_prefix, envelope)
    await publish(qms.settings.bus_prefix, envelopes[0])  # redelivered: kept once

    async def all_kept() -> bool:
        answer = await client.get("/audit/entries", params={"start": 0}, headers=AUDITOR)
        return len(answer.json()["entries"]) >= 25

    await wait_until(all_kept, within=15)

    async def checkpointed() -> bool:
        answer = await client.get("/audit/checkpoint", headers=MANAGER)
        return (
            answer.status_code == 200 and parse_checkpoint(parse_note(answer.text).text).size == 25
        )

    await wait_until(checkpointed, within=15)
    entries = (await client.get("/audit/entries", headers=AUDITOR)).json()["entries"]
    assert [e["leaf_index"] for e in entries] == list(range(25))
    assert {e["entry"].encode() for e in entries} == {env.to_json() for env in envelopes}

    checkpoint = parse_checkpoint(
        parse_note((await client.get("/audit/checkpoint", headers=MANAGER)).text).text
    )
    proof = (
        await client.get(
            "/audit/proofs/inclusion", params={"index": 7, "size": 25}, headers=AUDITOR
        )
    ).json()
    verify_inclusion(
        leaf_hash(entries[7]["entry"].encode()),
        7,
        25,
        [base64.b64decode(h) for h in proof["proof"]],
        checkpoint.root_hash,
    )
    consistency = (
        await client.get(
            "/audit/proofs/consistency", params={"from": 10, "to": 25}, headers=AUDITOR
        )
    ).json()
    verify_consistency(
        10,
        25,
        base64.b64decode(consistency["old_root"]),
        checkpoint.root_hash,
        [base64.b64decode(h) for h in consistency["proof"]],
    )
    verdict = (await client.get("/audit/verify", headers=AUDITOR)).json()
    assert verdict == {"verified": True, "size": 25, "first_bad_index": None, "problem": None}
    trail = (
        await client.get("/audit/trail", params={"subject": str(tickets[3])}, headers=AUDITOR)
    ).json()["entries"]
    assert [e["leaf_index"] for e in trail] == [
        e["leaf_index"] for e in entries if str(tickets[3]) in e["entry"]
    ]
    files = sorted((qms.settings.checkpoint_dir).glob("*.checkpoint"))
    assert files and parse_checkpoint(parse_note(files[-1].read_text()).text).size == 25
