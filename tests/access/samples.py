"""Objects the matrix's sample requests need, made through the gateway before the calls."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from chassis.legalclock.deadlines import shanghai_today
from tests.access.matrix import (
    APPLICATION_SAMPLE,
    AUDIT_SAMPLE,
    DELEGATION_SAMPLE,
    DOCUMENT_SAMPLE,
    INSPECTION_SAMPLE,
    PNG_SAMPLE,
    RANDOM_PLAN_SAMPLE,
    SAMPLE_GRID,
    SAMPLE_OFFICE,
    SAMPLE_SECTION,
    SAMPLE_STATION,
    SAMPLE_STATION_COMMUNITY,
    SUBMISSION_SAMPLE,
    person_of,
    square,
)
from tests.conftest import wait_until

HANDLERS = ("zhao", "qian")  # the matrix's certified case handlers


async def supervision_samples(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, str]:
    """An office and a grid owned by the matrix's inspector, covering the sample community."""
    office = {"id": SAMPLE_OFFICE, "name": "样例所", "area": 1}
    answer = await client.post("/api/supervision/offices", json=office, headers=admin)
    assert answer.status_code == 201, answer.text
    grid = {
        "id": SAMPLE_GRID,
        "office_id": SAMPLE_OFFICE,
        "name": "样例网格",
        "polygon": square(104.0, 30.72),
        "community_codes": [APPLICATION_SAMPLE["address"]["community_code"]],
        "owner": person_of("grid_inspector"),
    }
    answer = await client.post("/api/supervision/grids", json=grid, headers=admin)
    assert answer.status_code == 201, answer.text
    await office_inspectors(client, admin)
    return {}


async def office_inspectors(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """The matrix's inspector and their agent, grid inspectors of the sample office, once
    supervision's directory has learnt them from the gateway (over the bus)."""
    pair = (person_of("grid_inspector"), DELEGATION_SAMPLE["agent"])
    for username in pair:
        person = {"username": username, "password": "Pass-word-9-of-the-bureau", "name": username}
        created = await client.post(
            "/api/admin/users",
            json=person | {"roles": ["grid_inspector"], "office": SAMPLE_OFFICE},
            headers=admin,
        )
        assert created.status_code == 201, created.text

    async def known() -> bool:
        named = await client.post(
            "/api/supervision/delegations", json=DELEGATION_SAMPLE, headers=admin
        )
        return named.status_code == 201

    await wait_until(known, within=15)


async def household_samples(
    client: httpx.AsyncClient, admin: dict[str, str], credit_code: str
) -> None:
    """Wait until the licence issued for the samples is a household in the sample grid."""

    async def routed() -> bool:
        answer = await client.get(f"/api/supervision/households/{credit_code}", headers=admin)
        return answer.status_code == 200 and answer.json()["grid_id"] == SAMPLE_GRID

    await wait_until(routed, within=15)


async def random_inspection_samples(
    client: httpx.AsyncClient, head: dict[str, str]
) -> dict[str, str]:
    """Random inspection plans of the sample office, made by the matrix's office head: one for
    its first draw, one committed (to reveal), one drawn for each role that records a result
    (`drawn_plan@<role>`, with the household drawn in it), one with a result to publish. The
    matrix's inspector acts for their agent of the sample today, the inspector drawn for the
    sample household."""
    agent = RANDOM_PLAN_SAMPLE["inspectors"][1]
    today = shanghai_today().isoformat()
    standing_in = {
        "officer": agent,
        "agent": person_of("grid_inspector"),
        "start": today,
        "end": today,
    }
    answer = await client.post("/api/supervision/delegations", json=standing_in, headers=head)
    assert answer.status_code == 201, answer.text

    async def plan(*, committed: bool = False) -> str:
        answer = await client.post(
            "/api/supervision/random-inspections", json=RANDOM_PLAN_SAMPLE, headers=head
        )
        assert answer.status_code == 201, answer.text
        plan_id: str = answer.json()["id"]
        if committed:
            draws = f"/api/supervision/random-inspections/{plan_id}/draws"
            answer = await client.post(draws, json={}, headers=head)
            assert answer.status_code == 201, answer.text
        return plan_id

    async def drawn() -> tuple[str, str]:
        plan_id = await plan(committed=True)
        path = f"/api/supervision/random-inspections/{plan_id}/draws/1/reveal"
        answer = await client.post(path, headers=head)
        assert answer.status_code == 200, answer.text
        selected = answer.json()["selection"][0]
        assert selected["inspectors"] == [agent], selected
        code: str = selected["credit_code"]
        return plan_id, code

    made = {"plan_to_draw": await plan(), "plan_to_reveal": await plan(committed=True)}
    for role in ("", "@office_head", "@grid_inspector"):
        made[f"drawn_plan{role}"], made[f"drawn_code{role}"] = await drawn()
    made["plan_to_publish"], code = await drawn()
    answer = await client.post(
        f"/api/supervision/random-inspections/{made['plan_to_publish']}/results",
        json={"credit_code": code, "outcome": "problems_found"},
        headers=head,
    )
    assert answer.status_code == 201, answer.text
    return made


async def street_samples(
    client: httpx.AsyncClient, inspector: dict[str, str], credit_code: str
) -> dict[str, str]:
    """An attachment, an inspection record of the sample household, an unlicensed finding and
    an on-the-spot warning to a citizen (filed with the matrix officer's section), made by the
    matrix's inspector."""
    upload = {"file": ("sample.png", PNG_SAMPLE, "image/png")}
    answer = await client.post("/api/supervision/attachments", files=upload, headers=inspector)
    assert answer.status_code == 201, answer.text
    sha256: str = answer.json()["sha256"]
    record = INSPECTION_SAMPLE | {
        "households": [credit_code],
        "attachments": [f"sha256:{sha256}"],
    }
    answer = await client.post("/api/supervision/inspections", json=record, headers=inspector)
    assert answer.status_code == 201, answer.text
    inspection_id: str = answer.json()["id"]
    finding = {
        "address": APPLICATION_SAMPLE["address"] | {"text": "示范区营门口路 5 号"},
        "description": "无照经营小吃摊",
    }
    answer = await client.post(
        "/api/supervision/unlicensed-findings", json=finding, headers=inspector
    )
    assert answer.status_code == 201, answer.text
    finding_id: str = answer.json()["finding_id"]
    warning = {
        "party": {"kind": "citizen", "name": "李某", "id_number": "11010519491231002X"},
        "penalty": {"kind": "warning"},
        "facts": "占道经营",
        "legal_basis": "《无证无照经营查处办法》第十三条",
    }
    answer = await client.post(
        "/api/enforcement/on-the-spot-penalties", json=warning, headers=inspector
    )
    assert answer.status_code == 201, answer.text
    penalty: str = answer.json()["id"]
    transfer = {"credit_code": credit_code, "allegation": "超范围经营"}
    answer = await client.post("/api/supervision/case-transfers", json=transfer, headers=inspector)
    assert answer.status_code == 201, answer.text
    return {
        "sha256": sha256,
        "inspection_id": inspection_id,
        "finding_id": finding_id,
        "penalty": penalty,
        "office_transfer": answer.json()["case_source_id"],
    }


async def certified_handlers(
    client: httpx.AsyncClient, admin: dict[str, str], officer: dict[str, str]
) -> None:
    """The matrix's case handlers, zhao and qian: officers with certificates, once enforcement's
    directory has learnt them from the gateway (over the bus)."""
    for handler in HANDLERS:
        person = {"username": handler, "password": "Pass-word-9-of-the-bureau", "name": handler}
        created = await client.post(
            "/api/admin/users",
            json=person | {"roles": ["enforcement_officer"], "office": SAMPLE_SECTION},
            headers=admin,
        )
        assert created.status_code == 201, created.text
        certificate = {"number": "51010621000042", "valid_until": "2099-12-31"}
        recorded = await client.put(
            f"/api/admin/users/{handler}/certificate", json=certificate, headers=admin
        )
        assert recorded.status_code == 200, recorded.text
    body = {"source_department": "market", "allegation": "强买强卖", "office_id": SAMPLE_OFFICE}
    answer = await client.post("/api/enforcement/case-sources", json=body, headers=admin)
    probe = f"/api/enforcement/case-sources/{answer.json()['id']}/file"

    async def known() -> bool:
        filed = await client.post(probe, json={"handlers": list(HANDLERS)}, headers=officer)
        return filed.status_code == 201

    await wait_until(known, within=15)


async def enforcement_samples(
    client: httpx.AsyncClient, admin: dict[str, str], officer: dict[str, str]
) -> dict[str, str]:
    """Case sources of the sample office's area, so of the matrix officer's section (one to
    read, one for each decision), and cases at each step: filed, investigated (twice: one to
    decide, told of the intended penalty and waived), told (the party not heard yet), decided
    with a warning, decided with a fine and served; and today's date for steps that need it."""
    body = {"source_department": "market", "allegation": "强买强卖", "office_id": SAMPLE_OFFICE}
    cases = ("filed", "investigated", "to_decide", "told", "decided", "fined")
    made = {}
    for name in ("case_source", "to_extend", "to_file", "to_decline", *cases):
        answer = await client.post("/api/enforcement/case-sources", json=body, headers=admin)
        assert answer.status_code == 201, answer.text
        made[name] = answer.json()["id"]

    async def step(path: str, body: dict[str, Any], status: int = 200) -> Any:
        answer = await client.post(f"/api/enforcement{path}", json=body, headers=officer)
        assert answer.status_code == status, answer.text
        return answer.json()

    await certified_handlers(client, admin, officer)
    notice = {"delivered_to": "王某", "delivered_at": "2026-11-20T10:00:00+08:00", "method": "post"}
    decision = {"penalty": {"kind": "warning"}, "legal_basis": "《价格法》第四十二条"}
    for name in cases:
        filed = await step(f"/case-sources/{made[name]}/file", {"handlers": ["zhao", "qian"]}, 201)
        made[name] = filed["case_id"]
        if name != "filed":
            await step(f"/cases/{made[name]}/notice", notice)
    fine = {"penalty": {"kind": "fine", "amount": "800"}, "legal_basis": "《价格法》第四十二条"}
    today = str(shanghai_today())
    intended = {
        "to_decide": {"kind": "fine", "amount": "2000"},  # what the matrix's decision imposes
        "told": fine["penalty"],
        "decided": decision["penalty"],
        "fined": fine["penalty"],
    }
    for name, penalty in intended.items():
        told = {
            "facts": "强买强卖",
            "legal_basis": "《价格法》第四十二条",
            "penalty": penalty,
            "party_kind": "organisation",
            "served_on": today,
            "served_how": "in_person",
        }
        await step(f"/cases/{made[name]}/penalty-notice", told)
        if name != "told":
            await step(f"/cases/{made[name]}/waiver", {"received_on": today})
    await step(f"/cases/{made['decided']}/decision", decision)
    await step(f"/cases/{made['fined']}/decision", fine)
    await step(f"/cases/{made['fined']}/service", {"served_on": today, "served_how": "post"})
    return made | {"today": today}


async def licensing_samples(client: httpx.AsyncClient, clerk: dict[str, str]) -> dict[str, str]:
    """Applications in each state a clerk's step needs, a licence, and a health request."""
    made = 0

    async def submitted(**changes: Any) -> str:
        nonlocal made
        made += 1
        body = APPLICATION_SAMPLE | {"name": f"示范区样例{made}号店"} | changes
        answer = await client.post("/api/licensing/applications", json=body, headers=clerk)
        assert answer.status_code == 201, answer.text
        application_id: str = answer.json()["id"]
        return application_id

    async def step(application_id: str, name: str, body: dict[str, Any] | None = None) -> Any:
        path = f"/api/licensing/applications/{application_id}/{name}"
        answer = await client.post(path, json=body, headers=clerk)
        assert answer.status_code == 200, answer.text
        return answer.json()

    returned = await submitted(materials=["application_form", "operator_id"])
    await step(returned, "return", {"reasons": ["缺经营场所证明"]})
    accepted = await submitted()
    await step(accepted, "accept")
    licensed = await submitted()
    await step(licensed, "accept")
    issued = await step(licensed, "approve")
    food = await submitted(business_scope=["catering"])
    await step(food, "accept")
    waiting = await step(food, "approve")
    transfer = {"credit_code": issued["credit_code"], "allegation": "注册资本虚报"}
    answer = await client.post("/api/licensing/case-transfers", json=transfer, headers=clerk)
    assert answer.status_code == 201, answer.text
    return {
        "window_transfer": answer.json()["case_source_id"],
        "submitted": await submitted(),
        "to_return": await submitted(),
        "returned": returned,
        "accepted": accepted,
        "to_reject": await submitted(),
        "credit_code": issued["credit_code"],
        "health_request": waiting["partner_requests"][0]["id"],
    }


async def complaints_samples(client: httpx.AsyncClient, tokens: dict[str, str]) -> dict[str, str]:
    """The sample station, and for each role that handles tickets, a ticket at the station in
    the state each step needs (`<step sample>@<role>`); a ticket at intake to reassign."""
    desk = {"Authorization": f"Bearer {tokens['complaints_handler']}"}
    station = {
        "id": SAMPLE_STATION,
        "name": "样例商场投诉站",
        "kind": "mall",
        "office": SAMPLE_OFFICE,
        "community_codes": [SAMPLE_STATION_COMMUNITY],
    }
    answer = await client.post("/api/complaints/stations", json=station, headers=desk)
    assert answer.status_code == 201, answer.text

    async def ticket(kind: str = "complaint", **changes: Any) -> str:
        body = SUBMISSION_SAMPLE | {"kinds": [kind]} | changes
        answer = await client.post("/api/complaints/submissions", json=body, headers=desk)
        assert answer.status_code == 201, answer.text
        ticket_id: str = answer.json()["tickets"][0]["id"]
        return ticket_id

    async def step(ticket_id: str, name: str, body: dict[str, Any] | None = None) -> None:
        path = f"/api/complaints/tickets/{ticket_id}/{name}"
        answer = await client.post(path, json=body, headers=desk)
        assert answer.status_code == 200, answer.text

    async def closed_complaint() -> str:
        made = await ticket()
        await step(made, "accept")
        await step(made, "mediation", {"outcome": "settled", "summary": "退款"})
        await step(made, "reply", {"text": "已调解"})
        await step(made, "close")
        return made

    elsewhere = {"address": "示范区外", "community_code": "999999001001"}
    samples = {"ticket": await ticket(), "ticket_to_reassign": await ticket(location=elsewhere)}
    for role in tokens:
        accepted = await ticket()
        await step(accepted, "accept")
        replied = await ticket("consultation")
        await step(replied, "reply", {"text": "已答复"})
        followed = await closed_complaint()
        await step(followed, "follow-up", {"satisfaction": 1, "reopen_reason": "未退款"})
        made = {
            "ticket_to_accept": await ticket(),
            "ticket_to_reject": await ticket(),
            "ticket_to_return": await ticket(),
            "ticket_to_mediate": accepted,
            "ticket_to_reply": await ticket("consultation"),
            "ticket_to_close": replied,
            "ticket_to_follow_up": await closed_complaint(),
            "ticket_to_reopen": followed,
            "ticket_to_merge": await ticket(),
            "ticket_merge_into": await ticket(),
        }
        samples |= {f"{name}@{role}": value for name, value in made.items()}
    # The roles refused a step meet some ticket: the first role's.
    return made | samples


async def document_samples(
    client: httpx.AsyncClient, author: dict[str, str], manager: dict[str, str]
) -> dict[str, str]:
    """Two procedures written by another member of the quality office than the matrix's: one
    the matrix's approved (in force, for everyone to read), one left for it to approve."""

    async def written(body: dict[str, Any]) -> str:
        answer = await client.post("/api/qms/documents", json=body, headers=author)
        assert answer.status_code == 201, answer.text
        document_id: str = answer.json()["id"]
        return document_id

    in_force = await written(DOCUMENT_SAMPLE)
    path = f"/api/qms/documents/{in_force}/versions/1/approve"
    answer = await client.post(path, headers=manager)
    assert answer.status_code == 200, answer.text
    to_approve = await written(DOCUMENT_SAMPLE | {"code": "QP-S2", "process": "registration"})
    return {"document": in_force, "document_to_approve": to_approve}


async def nonconformity_samples(
    client: httpx.AsyncClient, manager: dict[str, str]
) -> dict[str, str]:
    """Nonconformities of the sample office, raised by the quality office: one to read and
    plan actions for, one with an action to complete, one whose action is done (to check);
    an audit of the office."""
    made: dict[str, str] = {}
    for name in ("nonconformity", "nonconformity_to_complete", "nonconformity_to_check"):
        body = {"subject": name, "description": "样例不合格", "office": SAMPLE_OFFICE}
        answer = await client.post("/api/qms/nonconformities", json=body, headers=manager)
        assert answer.status_code == 201, answer.text
        made[name] = answer.json()["id"]
    due = (shanghai_today() + timedelta(days=30)).isoformat()
    for name in ("nonconformity_to_complete", "nonconformity_to_check"):
        path = f"/api/qms/nonconformities/{made[name]}/actions"
        action = {"description": "整改", "owner": "office-head", "due": due}
        answer = await client.post(path, json=action, headers=manager)
        assert answer.status_code == 201, answer.text
    path = f"/api/qms/nonconformities/{made['nonconformity_to_check']}/actions/1/done"
    answer = await client.post(path, headers=manager)
    assert answer.status_code == 200, answer.text
    answer = await client.post("/api/qms/audits", json=AUDIT_SAMPLE, headers=manager)
    assert answer.status_code == 201, answer.text
    return made | {"audit": answer.json()["id"], "action_due": due}
