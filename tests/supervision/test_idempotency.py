"""A create retried with the same Idempotency-Key returns the first answer and creates once."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from chassis.legalclock import shanghai_today
from services.supervision.tables import case_transfers, inspections, unlicensed_findings
from tests.supervision.conftest import (
    GRIDS,
    PNG,
    Supervision,
    claimed_household,
    head,
    inspector,
    record,
    upload,
)


async def twice(
    supervision: Supervision, path: str, body: dict[str, Any], who: dict[str, str]
) -> tuple[httpx.Response, httpx.Response]:
    """POST the same body twice under one new Idempotency-Key."""
    headers = who | {"Idempotency-Key": f"retry-{uuid.uuid4()}"}
    first = await supervision.client.post(path, json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = await supervision.client.post(path, json=body, headers=headers)
    assert again.status_code == 201, again.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    return first, again


async def rows(supervision: Supervision, table: sa.Table, where: Any) -> int:
    async with supervision.transaction() as connection:
        count = await connection.scalar(sa.select(sa.func.count()).select_from(table).where(where))
    return int(count or 0)


async def test_a_retried_delegation_is_named_once(supervision: Supervision) -> None:
    today = shanghai_today()
    body = {
        "officer": "inspector15",
        "agent": "inspector16",
        "start": str(today),
        "end": str(today + timedelta(days=1)),
    }
    await twice(supervision, "/delegations", body, head(15))
    listed = await supervision.client.get("/delegations", headers=inspector(16))
    assert [(d["officer"], d["agent"]) for d in listed.json()["delegations"]] == [
        ("inspector15", "inspector16")
    ]


async def test_a_retried_inspection_and_correction_are_recorded_once(
    supervision: Supervision,
) -> None:
    code = await claimed_household(supervision, owner=6)
    findings = f"复查 {uuid.uuid4()}"
    first, _ = await twice(supervision, "/inspections", record([code], [], findings), inspector(6))
    inspection_id = first.json()["id"]
    assert await rows(supervision, inspections, inspections.c.findings == findings) == 1
    correction = record([code], [], findings) | {"reason": "补记"}
    corrected, _ = await twice(
        supervision, f"/inspections/{inspection_id}/corrections", correction, inspector(6)
    )
    assert [v["version"] for v in corrected.json()["versions"]] == [2, 1]
    assert await rows(supervision, inspections, inspections.c.id == uuid.UUID(inspection_id)) == 2


async def test_a_retried_finding_and_case_transfer_are_made_once(supervision: Supervision) -> None:
    grid = GRIDS["inspector06"]
    description = f"无照摊点 {uuid.uuid4()}"
    address = {"text": "示范区某路口", "community_code": grid["community_codes"][0]}
    body = {"address": address, "description": description}
    found, _ = await twice(supervision, "/unlicensed-findings", body, inspector(6))
    assert found.json()["description"] == description
    count = await rows(
        supervision, unlicensed_findings, unlicensed_findings.c.description == description
    )
    assert count == 1

    photo = (await upload(supervision, PNG, inspector(6))).json()["ref"]
    allegation = f"无照经营 {uuid.uuid4()}"
    transfer = {"finding_id": found.json()["finding_id"], "allegation": allegation}
    await twice(supervision, "/case-transfers", transfer | {"evidence": [photo]}, inspector(6))
    assert await rows(supervision, case_transfers, case_transfers.c.allegation == allegation) == 1


async def test_a_key_reused_for_another_request_is_refused(supervision: Supervision) -> None:
    headers = inspector(6) | {"Idempotency-Key": f"reused-{uuid.uuid4()}"}
    address = {"text": "示范区某路口", "community_code": GRIDS["inspector06"]["community_codes"][0]}
    first = await supervision.client.post(
        "/unlicensed-findings", json={"address": address, "description": "甲"}, headers=headers
    )
    assert first.status_code == 201, first.text
    other = await supervision.client.post(
        "/unlicensed-findings", json={"address": address, "description": "乙"}, headers=headers
    )
    assert other.status_code == 422
    assert other.json()["type"].endswith("idempotency-key-reused")
