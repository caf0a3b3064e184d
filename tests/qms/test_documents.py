"""Document control over HTTP: a version is not in force before its approval nor before its
effective day; approving the next version supersedes the one in force, which stays readable;
the author never approves their own version; bad input is refused by name with nothing
stored; staff outside the quality office read only what has taken effect."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import httpx

from chassis.legalclock.deadlines import shanghai_today
from tests.conftest import staff_bearer, wait_until
from tests.qms.conftest import AUDITOR, MANAGER, Qms

# A second member of the quality office: the one who approves what MANAGER writes.
REVIEWER = staff_bearer("quality02", "qms_manager", office="quality")
INSPECTOR = staff_bearer("inspector01", "grid_inspector", office="office-01")
PROCEDURE: dict[str, Any] = {
    "kind": "procedure",
    "code": "QP-07",
    "title": "12315 投诉处理程序",
    "process": "complaints-12315",
    "text": "1. 受理：七个工作日内决定是否受理。\n2. 调解。\n3. 答复。",
}


async def write(client: httpx.AsyncClient, body: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = await client.post("/documents", json=body or PROCEDURE, headers=MANAGER)
    assert answer.status_code == 201, answer.text
    written: dict[str, Any] = answer.json()
    return written


async def document(
    client: httpx.AsyncClient, document_id: str, headers: dict[str, str] = AUDITOR
) -> dict[str, Any]:
    answer = await client.get(f"/documents/{document_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def statuses(found: dict[str, Any]) -> list[str]:
    return [version["status"] for version in found["versions"]]


async def approve(
    client: httpx.AsyncClient, path: str, headers: dict[str, str] = REVIEWER, **body: str
) -> httpx.Response:
    return await client.post(f"{path}/approve", json=body or None, headers=headers)


async def test_a_version_is_in_force_only_once_approved_and_its_day_has_come(qms: Qms) -> None:
    client = qms.client
    written = await write(client)
    versions = f"/documents/{written['id']}/versions"
    assert (statuses(written), written["in_force_version"]) == (["draft"], None)
    assert written["versions"][0]["author"] == "quality01"
    in_force = {"in_force": "true"}
    listed = await client.get("/documents", params=in_force, headers=AUDITOR)
    assert listed.json()["documents"] == []

    approved = await approve(client, f"{versions}/1")
    assert approved.status_code == 200, approved.text
    assert approved.json() | {"created_at": None, "approved_at": None} == {
        "document_id": written["id"],
        "number": 1,
        "status": "in_force",
        "author": "quality01",
        "created_at": None,
        "change_note": None,
        "approver": "quality02",
        "approved_at": None,
        "effective_date": shanghai_today().isoformat(),
    }
    listed = await client.get("/documents", params=in_force, headers=INSPECTOR)
    assert [(d["code"], d["in_force_version"]) for d in listed.json()["documents"]] == [
        ("QP-07", 1)
    ]

    second = {"text": "1. 受理（含网络渠道）。\n2. 调解。\n3. 答复。", "change_note": "加网络渠道"}
    drafted = await client.post(versions, json=second, headers=MANAGER)
    assert drafted.status_code == 201, drafted.text
    assert (drafted.json()["number"], drafted.json()["status"]) == (2, "draft")
    tomorrow = (shanghai_today() + timedelta(days=1)).isoformat()
    approved = await approve(client, f"{versions}/2", effective_date=tomorrow)
    assert approved.status_code == 200, approved.text
    # Approved, but its day has not come: version 1 is still the one in force.
    assert approved.json()["status"] == "approved"
    found = await document(client, written["id"])
    assert (statuses(found), found["in_force_version"]) == (["in_force", "approved"], 1)

    third = {"text": "1. 受理（含网络、小程序渠道）。", "change_note": "加小程序"}
    drafted = await client.post(versions, json=third, headers=MANAGER)
    approved = await approve(client, f"{versions}/3")
    assert approved.json()["status"] == "in_force"
    found = await document(client, written["id"])
    assert (statuses(found), found["in_force_version"]) == (
        ["superseded", "approved", "in_force"],
        3,
    )
    # The superseded version is kept as it was written.
    old = await client.get(f"{versions}/1", headers=AUDITOR)
    assert (old.json()["status"], old.json()["text"]) == ("superseded", PROCEDURE["text"])


async def test_approval_is_published_as_an_event(qms: Qms) -> None:
    client = qms.client
    written = await write(client)
    approved = await approve(client, f"/documents/{written['id']}/versions/1")
    assert approved.status_code == 200, approved.text
    kept: list[dict[str, Any]] = []

    async def in_the_log() -> bool:
        answer = await client.get("/audit/entries", headers=AUDITOR)
        entries = [json.loads(entry["entry"]) for entry in answer.json()["entries"]]
        kept[:] = [e for e in entries if e["type"] == "qms.document.approved"]
        return bool(kept)

    await wait_until(in_the_log, within=15)
    (event,) = kept
    assert event["subject"] == written["id"]
    assert {k: v for k, v in event["data"].items() if k != "approved_at"} == {
        "document_id": written["id"],
        "version": 1,
        "kind": "procedure",
        "code": "QP-07",
        "title": PROCEDURE["title"],
        "process": "complaints-12315",
        "effective_date": shanghai_today().isoformat(),
        "approved_by": "quality02",
    }


async def test_the_author_may_not_approve_their_own_version(qms: Qms) -> None:
    client = qms.client
    written = await write(client)
    path = f"/documents/{written['id']}/versions/1"
    refused = await approve(client, path, headers=MANAGER)
    assert refused.status_code == 403, refused.text
    problem = refused.json()
    assert (problem["type"], problem["rule"]) == ("/problems/forbidden", "separation_of_duties")
    assert "Separation of duties" in problem["detail"]
    found = await document(client, written["id"])
    assert (statuses(found), found["versions"][0]["approver"]) == (["draft"], None)
    assert (await approve(client, path)).status_code == 200


async def test_refusals_name_the_field_and_store_nothing(qms: Qms) -> None:
    client = qms.client
    refusals = [
        (PROCEDURE | {"code": "qp 07"}, "body.code"),
        (PROCEDURE | {"process": "nowhere"}, "body.process"),
        (PROCEDURE | {"title": ""}, "body.title"),
        (PROCEDURE | {"text": "质" * 40_000}, "body.text"),
        (PROCEDURE | {"kind": "work_instruction"}, "body.procedure_id"),
        (PROCEDURE | {"kind": "memo"}, "body.kind"),
    ]
    for body, field in refusals:
        answer = await client.post("/documents", json=body, headers=MANAGER)
        assert answer.status_code == 422, answer.text
        assert field in [error["field"] for error in answer.json()["errors"]], answer.text
    assert (await client.get("/documents", headers=AUDITOR)).json()["documents"] == []

    written = await write(client)
    versions = f"/documents/{written['id']}/versions"
    answer = await client.post(versions, json={"text": "新版"}, headers=MANAGER)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body.change_note"
    yesterday = (shanghai_today() - timedelta(days=1)).isoformat()
    answer = await approve(client, f"{versions}/1", effective_date=yesterday)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body.effective_date"
    assert (await approve(client, f"{versions}/2")).status_code == 404
    found = await document(client, written["id"])
    assert (statuses(found), found["versions"][0]["approver"]) == (["draft"], None)

    # One procedure per process, and one document per code.
    again = await client.post("/documents", json=PROCEDURE | {"code": "QP-08"}, headers=MANAGER)
    assert again.status_code == 409
    assert again.json()["procedure_id"] == written["id"]
    taken = await client.post(
        "/documents", json=PROCEDURE | {"process": "reports-12315"}, headers=MANAGER
    )
    assert taken.status_code == 409
    listed = (await client.get("/documents", headers=AUDITOR)).json()["documents"]
    assert [d["code"] for d in listed] == ["QP-07"]


async def test_each_process_names_the_procedure_it_follows(qms: Qms) -> None:
    client = qms.client
    procedure = await write(client)
    instruction = {
        "kind": "work_instruction",
        "code": "WI-07-01",
        "title": "电话受理作业指导书",
        "process": "complaints-12315",
        "procedure_id": procedure["id"],
        "text": "接听电话时先告知工号。",
    }
    written = await write(client, instruction)
    assert written["procedure_id"] == procedure["id"]

    def of(answer: httpx.Response) -> dict[str, Any]:
        listed = {process["code"]: process for process in answer.json()["processes"]}
        found: dict[str, Any] = listed["complaints-12315"]
        return found

    gap = of(await client.get("/processes", headers=MANAGER))
    assert (gap["status"], gap["procedure"]["code"]) == ("none_in_force", "QP-07")
    assert gap["procedure"]["in_force_version"] is None
    # Staff do not see a procedure that is not in force, only the gap.
    assert of(await client.get("/processes", headers=INSPECTOR))["procedure"] is None

    await approve(client, f"/documents/{procedure['id']}/versions/1")
    followed = of(await client.get("/processes", headers=INSPECTOR))
    assert followed["status"] == "in_force"
    assert followed["procedure"] == {
        "document_id": procedure["id"],
        "code": "QP-07",
        "title": PROCEDURE["title"],
        "in_force_version": 1,
        "effective_date": shanghai_today().isoformat(),
    }
    processes = (await client.get("/processes", headers=AUDITOR)).json()["processes"]
    others = [p for p in processes if p["code"] != "complaints-12315"]
    assert others and {(p["status"], p["procedure"]) for p in others} == {("none_in_force", None)}
    instructions = await client.get(
        "/documents",
        params={"process": "complaints-12315", "kind": "work_instruction"},
        headers=AUDITOR,
    )
    assert [d["code"] for d in instructions.json()["documents"]] == ["WI-07-01"]
    unknown = await client.get("/documents", params={"process": "nowhere"}, headers=AUDITOR)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "query.process"


async def test_staff_read_what_has_taken_effect_and_only_the_quality_office_writes(
    qms: Qms,
) -> None:
    client = qms.client
    written = await write(client)
    versions = f"/documents/{written['id']}/versions"
    hidden = await client.get(f"/documents/{written['id']}", headers=INSPECTOR)
    assert hidden.status_code == 404
    assert (await client.get("/documents", headers=INSPECTOR)).json()["documents"] == []

    await approve(client, f"{versions}/1")
    change = {"text": "草稿", "change_note": "修订中"}
    assert (await client.post(versions, json=change, headers=MANAGER)).status_code == 201
    seen = await document(client, written["id"], INSPECTOR)
    assert (statuses(seen), seen["latest_version"]) == (["in_force"], 1)
    assert (await client.get(f"{versions}/2", headers=INSPECTOR)).status_code == 404
    assert (await client.get(f"{versions}/2", headers=AUDITOR)).json()["status"] == "draft"
    assert (await client.get(f"{versions}/1", headers=INSPECTOR)).json()["text"] == (
        PROCEDURE["text"]
    )

    for headers in (INSPECTOR, AUDITOR):
        refused = [
            await client.post("/documents", json=PROCEDURE | {"code": "QP-99"}, headers=headers),
            await client.post(versions, json=change, headers=headers),
            await approve(client, f"{versions}/2", headers=headers),
        ]
        assert [answer.status_code for answer in refused] == [403, 403, 403]
    assert (await document(client, written["id"]))["latest_version"] == 2


async def test_concurrent_writers_get_one_procedure_a_process_and_distinct_numbers(
    qms: Qms,
) -> None:
    client = qms.client
    bodies = [PROCEDURE | {"code": f"QP-0{n}"} for n in range(1, 5)]
    answers = await asyncio.gather(
        *(client.post("/documents", json=body, headers=MANAGER) for body in bodies)
    )
    assert sorted(answer.status_code for answer in answers) == [201, 409, 409, 409]
    (written,) = [answer.json() for answer in answers if answer.status_code == 201]
    versions = f"/documents/{written['id']}/versions"
    drafted = await asyncio.gather(
        *(
            client.post(versions, json={"text": f"第{n}稿", "change_note": "改"}, headers=MANAGER)
            for n in range(2, 6)
        )
    )
    assert sorted(answer.json()["number"] for answer in drafted) == [2, 3, 4, 5]
    listed = (await client.get("/documents", headers=AUDITOR)).json()["documents"]
    assert [(d["code"], d["latest_version"]) for d in listed] == [(written["code"], 5)]
