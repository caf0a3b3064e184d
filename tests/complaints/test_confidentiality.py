"""The confidentiality wall (art. 33): a submitter's identity is nowhere in the database in
clear, opens only for the ticket's complaints handler with the read on the record; the same
submitter and the same matter are still recognised, and duplicates merge."""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from chassis.db import Database
from services.complaints.tables import identity_reads, tickets
from tests.complaints.conftest import (
    AUDITOR,
    DESK,
    OFFICE_01,
    OFFICE_02,
    Complaints,
    bearer,
    days_ago,
    new_credit_code,
    refused,
)
from tests.conftest import PG_ADMIN_USER, PG_HOST, tapping

NAME, PHONE, ID_NUMBER = "欧阳青蓝", "+86 139-8765-4321", "51010619880722118x"
# Every form the identity could take in a dump: as given, the phone's digits with and without
# the country code, the ID number in either case, the name escaped as JSON stores it.
FORMS = (
    NAME,
    json.dumps(NAME)[1:-1],
    PHONE,
    "13987654321",
    "8613987654321",
    "139 8765 4321",
    "139-8765-4321",
    ID_NUMBER,
    ID_NUMBER.upper(),
)
SUBMITTER = {"name": NAME, "phone": PHONE, "id_number": ID_NUMBER}


def dump(database_url: str) -> str:
    """What a plain `pg_dump` of the database's data shows anyone who gets hold of it."""
    name = sa.engine.make_url(database_url).database
    assert name is not None
    done = subprocess.run(
        ["pg_dump", "--data-only", "-h", PG_HOST, "-U", PG_ADMIN_USER, name],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return done.stdout.decode()


async def reads_of(complaints: Complaints, ticket_id: str) -> list[Any]:
    """Who opened the ticket's submitter, and when."""
    database = Database(complaints.settings.database_url)
    try:
        async with database.engine.connect() as connection:
            rows = await connection.execute(
                sa.select(identity_reads.c.read_by, identity_reads.c.read_at).where(
                    identity_reads.c.ticket_id == uuid.UUID(ticket_id)
                )
            )
            return list(rows)
    finally:
        await database.dispose()


async def age(complaints: Complaints, days: int, *ticket_ids: str) -> None:
    """Move tickets `days` into the past, as time passing would: their receipt and every day
    of their clocks (in one transaction, so the deadline watch sees them all at once)."""

    def earlier(day: str | None) -> str | None:
        return None if day is None else (date.fromisoformat(day) - timedelta(days)).isoformat()

    database = Database(complaints.settings.database_url)
    try:
        async with database.engine.begin() as connection:
            for ticket_id in ticket_ids:
                row = (
                    await connection.execute(
                        sa.select(tickets).where(tickets.c.id == uuid.UUID(ticket_id))
                    )
                ).one()
                clocks = [
                    d | {key: earlier(d[key]) for key in ("start", "due", "met_on")}
                    for d in row.deadlines
                ]
                await connection.execute(
                    sa.update(tickets)
                    .where(tickets.c.id == row.id)
                    .values(
                        received_at=row.received_at - timedelta(days),
                        deadlines=clocks,
                        next_due=None if row.next_due is None else row.next_due - timedelta(days),
                    )
                )
    finally:
        await database.dispose()


async def test_the_identity_is_sealed_and_opened_only_on_the_record(
    complaints: Complaints,
) -> None:
    retried = {"Idempotency-Key": f"call-{uuid.uuid4()}"}
    (complaint,) = (await complaints.submit(DESK | retried, submitter=SUBMITTER))["tickets"]
    await complaints.submit(DESK | retried, submitter=SUBMITTER)  # a retry, answered the same
    mixed = await complaints.submit(kinds=["complaint", "report"], submitter=SUBMITTER)
    await complaints.act(mixed["tickets"][1]["id"], "accept")  # the report goes to enforcement
    ticket_id = complaint["id"]
    path = f"/tickets/{ticket_id}/submitter"

    before = datetime.now(UTC)
    opened = await complaints.client.get(path, headers=OFFICE_01)
    assert opened.status_code == 200, opened.text
    assert opened.json() == SUBMITTER | {"anonymous": False}
    ((read_by, read_at),) = await reads_of(complaints, ticket_id)
    assert read_by == "handler-o1" and before <= read_at <= datetime.now(UTC)

    station_staff = bearer("staff-1", "station_staff", office="some-station")
    for outsider, status in ((station_staff, 403), (AUDITOR, 403), (OFFICE_02, 404)):
        refused(await complaints.client.get(path, headers=outsider), status)
    assert len(await reads_of(complaints, ticket_id)) == 1

    dumped = await asyncio.to_thread(dump, complaints.settings.database_url)
    # The dump is of this database, its text in clear: the description is there, as given.
    assert ticket_id in dumped and "买到过期牛奶，要求退款" in dumped
    for form in FORMS:
        assert form not in dumped, form


async def test_a_serial_submitter_is_flagged_on_each_ticket(complaints: Complaints) -> None:
    threshold = complaints.settings.serial_submitter_tickets
    forms = ["13611112222", "+86 136 1111 2222", "136-1111-2222"]
    ids = []
    for index in range(threshold - 1):
        who = {"name": "李雷", "phone": forms[index % len(forms)]}
        ids.append((await complaints.submit(submitter=who))["tickets"][0]["id"])
    assert not (await complaints.ticket(ids[0]))["serial_submitter"]
    last = {"name": "李雷", "phone": "+8613611112222"}
    ids.append((await complaints.submit(submitter=last))["tickets"][0]["id"])
    for ticket_id in ids:
        assert (await complaints.ticket(ticket_id))["serial_submitter"], ticket_id
    (other,) = (await complaints.submit(submitter={"name": "韩梅梅", "phone": "13722223333"}))[
        "tickets"
    ]
    assert not (await complaints.ticket(other["id"]))["serial_submitter"]


async def test_duplicates_are_proposed_and_merged_keeping_both_histories(
    complaints: Complaints,
) -> None:
    business = {"credit_code": str(new_credit_code()), "name": "老王超市"}
    (first,) = (await complaints.submit(business=business))["tickets"]
    (second,) = (await complaints.submit(business=business))["tickets"]
    (report,) = (await complaints.submit(business=business, kinds=["report"]))["tickets"]
    (control,) = (await complaints.submit())["tickets"]
    assert (await complaints.ticket(first["id"]))["duplicates"] == [second["id"]]
    assert (await complaints.ticket(second["id"]))["duplicates"] == [first["id"]]
    assert (await complaints.ticket(report["id"]))["duplicates"] == []

    merged = await complaints.act(first["id"], "merge", {"into": second["id"]})
    assert (merged["status"], merged["merged_into"]) == ("merged", second["id"])
    assert [e["action"] for e in merged["history"]] == ["received", "merged"]
    assert merged["history"][-1]["details"] == {"into": second["id"]}
    kept = await complaints.ticket(second["id"])
    assert kept["status"] == "received" and kept["duplicates"] == []
    assert [(e["action"], e["details"]) for e in kept["history"]][-1] == (
        "merged_in",
        {"ticket": first["id"]},
    )
    refused(await complaints.client.post(f"/tickets/{first['id']}/accept", headers=DESK), 409)

    # A month later the merged ticket's accept clock has not run out: it no longer runs. The
    # control ticket, aged alike, is raised.
    async with tapping(complaints.settings.bus_prefix, "complaints.deadline.#") as tap:
        await age(complaints, 30, first["id"], control["id"])
        await tap.wait_for("complaints.deadline.missed")
        # One more round, after the one that saw both aged tickets.
        (late,) = (await complaints.submit(received_at=days_ago(30)))["tickets"]
        await tap.wait_for("complaints.deadline.missed", count=2)
    assert [e["subject"] for e in tap.envelopes] == [control["id"], late["id"]]
