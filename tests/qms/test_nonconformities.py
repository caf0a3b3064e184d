"""Nonconformities: a missed legal time limit reported on the bus opens exactly one, naming the
record and the rule, however often it is told; corrective actions lead to the effectiveness
check that alone closes one; each reader sees their scope; bad input stores nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chassis.db import Database
from chassis.legalclock.deadlines import shanghai_today
from chassis.uow import UnitOfWork
from contracts import Contract, CreditCode, Envelope
from contracts.complaints import TicketDeadlineMissed, UnitLevel
from contracts.enforcement import DeadlineMissed, DeadlineMissedV2
from contracts.licensing import ApplicationDeadlineMissed
from contracts.qms import ObjectiveBreached
from contracts.supervision import ClaimOverdue, SupervisionDeadlineMissed
from services.qms.usecases.nonconformities import open_for_objective_breach
from tests.conftest import handled, publish, staff_bearer, tapping
from tests.qms.conftest import AUDITOR, MANAGER, Qms

HEAD_03 = staff_bearer("head03", "office_head", office="office-03")
INSPECTOR = staff_bearer("inspector03", "grid_inspector", office="office-03")
# The day the module is read: a run crossing Shanghai's midnight reads the clock again where
# a day must not be past (an action's due day).
TODAY = shanghai_today()


def envelope_of(event: Contract, source: str) -> Envelope:
    return Envelope.wrap(event, source=f"/services/{source}", sequence=1)


def case_decided_on_day_91(case_id: uuid.UUID) -> DeadlineMissed:
    """A case filed 91 days ago and not decided within the 90 days the law gives."""
    filed = TODAY - timedelta(days=91)
    return DeadlineMissed(
        subject_id=case_id,
        deadline="decide",
        rule_code="enforcement.decide",
        basis="Administrative Penalty Law art. 60; SAMR provisions",
        due=filed + timedelta(days=90),
        section="section-1",
        detected_at=datetime.now(UTC),
    )


def claim_overdue(office: str) -> ClaimOverdue:
    return ClaimOverdue(
        credit_code=CreditCode.generate(
            category="9", region="510106", sequence=uuid.uuid4().int % 100_000
        ),
        grid_code="510106001003001",
        office_code=office,
        owner="inspector03",
        claim_deadline=TODAY - timedelta(days=1),
        detected_at=datetime.now(UTC),
    )


def ticket_missed(level: UnitLevel, unit: str) -> TicketDeadlineMissed:
    return TicketDeadlineMissed(
        ticket_id=uuid.uuid4(),
        kind="complaint",
        rule="complaints.accept",
        basis="Interim Measures for Handling Complaints and Reports art. 15",
        due=TODAY - timedelta(days=2),
        unit_level=level,
        unit_id=unit,
        detected_at=datetime.now(UTC),
    )


async def listed(qms: Qms, headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
    answer = await qms.client.get("/nonconformities", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["nonconformities"]
    return found


async def told(qms: Qms, *envelopes: Envelope) -> None:
    """Publish the envelopes as other services' relays would; wait until qms handled them."""
    for envelope in envelopes:
        await publish(qms.settings.bus_prefix, envelope)
    await handled(qms.settings.database_url, *(e.id for e in envelopes), within=15)


async def test_a_case_decided_on_day_91_opens_exactly_one_nonconformity(qms: Qms) -> None:
    case_id = uuid.uuid4()
    event = case_decided_on_day_91(case_id)
    first = envelope_of(event, "enforcement")
    async with tapping(qms.settings.bus_prefix, "qms.nonconformity.#") as bus:
        await told(qms, first)
        await bus.wait_for("qms.nonconformity.raised")
        (nonconformity,) = await listed(qms, MANAGER)
        assert nonconformity["subject"] == str(case_id)
        assert nonconformity["basis_code"] == "enforcement.decide"
        assert (nonconformity["source"], nonconformity["office"]) == (
            "time_limit_rule",
            "section-1",
        )
        assert (nonconformity["status"], nonconformity["stage"]) == ("open", "plan")
        assert nonconformity["evidence"]["event_id"] == str(first.id)
        assert nonconformity["evidence"]["event_type"] == "enforcement.deadline.missed"
        assert nonconformity["evidence"]["basis"] == event.basis
        assert nonconformity["evidence"]["facts"]["due"] == event.due.isoformat()
        (raised,) = bus.of_type("qms.nonconformity.raised")
        assert raised["data"]["nonconformity_id"] == nonconformity["id"]
        assert raised["data"]["subject_id"] == str(case_id)
        assert raised["data"]["basis_code"] == "enforcement.decide"
        assert raised["data"]["evidence_event_id"] == str(first.id)

        # The same envelope redelivered, and the same fact in a new envelope (a relay that
        # published it again after a crash): neither opens another.
        again = envelope_of(event, "enforcement")
        await told(qms, first, again)
        assert [n["id"] for n in await listed(qms, MANAGER)] == [nonconformity["id"]]
        # Another case's miss: qms publishes in order, so by the time its event arrives any
        # event the tellings above caused would have arrived before it.
        other = envelope_of(case_decided_on_day_91(uuid.uuid4()), "enforcement")
        await told(qms, other)
        await bus.wait_for("qms.nonconformity.raised", count=2)
        raised_for = [e["data"]["subject_id"] for e in bus.of_type("qms.nonconformity.raised")]
        assert raised_for == [str(case_id), other.subject]


async def test_each_missed_time_limit_opens_its_own_nonconformity_with_its_office(
    qms: Qms,
) -> None:
    claim = claim_overdue("office-03")
    at_office, at_station = ticket_missed("office", "office-03"), ticket_missed("station", "s-1")
    later = case_decided_on_day_91(uuid.uuid4())
    extended = later.model_copy(update={"due": later.due + timedelta(days=30)})
    await told(
        qms,
        envelope_of(claim, "supervision"),
        envelope_of(at_office, "complaints"),
        envelope_of(at_station, "complaints"),
        envelope_of(later, "enforcement"),
        envelope_of(extended, "enforcement"),
    )
    everything = await listed(qms, MANAGER)
    found = sorted((n["subject"], n["basis_code"], n["office"] or "") for n in everything)
    assert found == sorted(
        [
            (claim.credit_code, "supervision.claim", "office-03"),
            (str(at_office.ticket_id), "complaints.accept", "office-03"),
            (str(at_station.ticket_id), "complaints.accept", ""),
            (str(later.subject_id), "enforcement.decide", "section-1"),
            # The extended due day missed too: another miss, another nonconformity.
            (str(later.subject_id), "enforcement.decide", "section-1"),
        ]
    )
    (claimed,) = [n for n in everything if n["subject"] == claim.credit_code]
    assert claimed["evidence"]["basis"].startswith("local setting")
    assert claimed["evidence"]["facts"]["owner"] == "inspector03"


async def test_an_objective_breach_opens_one_nonconformity_per_objective_office_and_period(
    qms: Qms,
) -> None:
    breach = ObjectiveBreached(
        objective_code="complaints.answered_in_time",
        period="2026-11",
        office="office-03",
        value=0.92,
        target=0.98,
        measured_at=datetime.now(UTC),
    )
    database = Database(qms.settings.database_url)
    try:
        for _ in range(2):  # measured twice: the second opens none
            async with UnitOfWork(database, "qms") as uow:
                event_id = uow.emit(breach)
                await open_for_objective_breach(uow.work, breach, event_id, datetime.now(UTC))
                await uow.commit()
    finally:
        await database.dispose()
    (opened,) = await listed(qms, MANAGER, source="quality_objective")
    assert (opened["basis_code"], opened["subject"], opened["office"]) == (
        "complaints.answered_in_time",
        "2026-11",
        "office-03",
    )
    assert opened["evidence"]["event_type"] == "qms.objective.breached"
    assert opened["evidence"]["facts"] == {"period": "2026-11", "value": "0.92", "target": "0.98"}


async def test_corrective_actions_then_an_effectiveness_check_close_a_nonconformity(
    qms: Qms,
) -> None:
    client = qms.client
    body = {"subject": "91510106MA6CXXXX01", "description": "Licence displayed late"}
    answer = await client.post("/nonconformities", json=body, headers=MANAGER)
    assert answer.status_code == 201, answer.text
    raised = answer.json()
    assert (raised["source"], raised["raised_by"], raised["office"]) == (
        "person",
        "quality01",
        None,
    )
    path = f"/nonconformities/{raised['id']}"

    async def step(suffix: str, payload: dict[str, Any] | None, status: int) -> dict[str, Any]:
        answer = await client.post(path + suffix, json=payload, headers=MANAGER)
        assert answer.status_code == status, answer.text
        document: dict[str, Any] = answer.json()
        return document

    check = {"effective": True, "evidence": "no late display in December"}
    refused = await step("/effectiveness", check, 409)
    assert "no corrective action" in refused["detail"]
    action = {"description": "Remind every shop", "owner": "head03", "due": str(shanghai_today())}
    planned = await step("/actions", action, 201)
    assert (planned["status"], planned["stage"]) == ("in_progress", "do")
    assert planned["actions"][0] | {"planned_at": None} == {
        "number": 1,
        "description": "Remind every shop",
        "owner": "head03",
        "due": str(shanghai_today()),
        "planned_by": "quality01",
        "planned_at": None,
        "done": False,
        "done_by": None,
        "done_at": None,
    }
    refused = await step("/effectiveness", check, 409)
    assert "not done" in refused["detail"]
    done = await step("/actions/1/done", None, 200)
    assert (done["status"], done["stage"], done["actions"][0]["done"]) == (
        "awaiting_check",
        "check",
        True,
    )
    await step("/actions/1/done", None, 409)
    await step("/actions/2/done", None, 404)
    async with tapping(qms.settings.bus_prefix, "qms.nonconformity.closed.#") as bus:
        ineffective = {"effective": False, "evidence": "two shops still late"}
        reopened = await step("/effectiveness", ineffective, 201)
        assert (reopened["status"], reopened["stage"], reopened["closed_at"]) == (
            "open",
            "plan",
            None,
        )
        await step("/actions", action | {"description": "Inspect the two shops"}, 201)
        await step("/actions/2/done", None, 200)
        closed = await step("/effectiveness", check, 201)
        assert (closed["status"], closed["stage"]) == ("closed", "act")
        assert [c["effective"] for c in closed["checks"]] == [False, True]
        await bus.wait_for("qms.nonconformity.closed")
        (event,) = bus.of_type("qms.nonconformity.closed")
        assert event["data"]["nonconformity_id"] == raised["id"]
        assert (event["data"]["corrective_actions"], event["data"]["effectiveness_checks"]) == (
            2,
            2,
        )
    await step("/actions", action, 409)
    fetched = (await client.get(path, headers=AUDITOR)).json()
    assert fetched == closed
    assert [n["id"] for n in await listed(qms, AUDITOR, status="closed")] == [raised["id"]]
    assert await listed(qms, AUDITOR, status="open") == []


async def test_office_heads_see_and_raise_their_office_s_only_auditors_only_read(
    qms: Qms,
) -> None:
    await told(
        qms,
        envelope_of(claim_overdue("office-03"), "supervision"),
        envelope_of(claim_overdue("office-05"), "supervision"),
    )
    client = qms.client
    mine = await listed(qms, HEAD_03)
    assert [n["office"] for n in mine] == ["office-03"]
    others = [n for n in await listed(qms, AUDITOR) if n["office"] == "office-05"]
    assert len(others) == 1
    answer = await client.get(f"/nonconformities/{others[0]['id']}", headers=HEAD_03)
    assert answer.status_code == 404
    answer = await client.get(f"/nonconformities/{mine[0]['id']}", headers=HEAD_03)
    assert answer.status_code == 200

    body = {"subject": "inspection-route-7", "description": "Route not walked on 3 Dec"}
    answer = await client.post("/nonconformities", json=body, headers=HEAD_03)
    assert answer.status_code == 201 and answer.json()["office"] == "office-03"
    answer = await client.post(
        "/nonconformities", json=body | {"office": "office-05"}, headers=HEAD_03
    )
    assert answer.status_code == 403
    action = {"description": "x", "owner": "head03", "due": str(shanghai_today())}
    for who in (HEAD_03, AUDITOR):
        answer = await client.post(
            f"/nonconformities/{mine[0]['id']}/actions", json=action, headers=who
        )
        assert answer.status_code == 403
    for who in (AUDITOR, INSPECTOR):
        answer = await client.post("/nonconformities", json=body, headers=who)
        assert answer.status_code == 403
    assert (await client.get("/nonconformities", headers=INSPECTOR)).status_code == 403
    assert len(await listed(qms, AUDITOR)) == 3


async def test_bad_input_is_refused_by_field_and_nothing_is_stored(qms: Qms) -> None:
    client = qms.client

    async def refused(path: str, body: dict[str, Any], field: str) -> None:
        answer = await client.post(path, json=body, headers=MANAGER)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert field in [error["field"] for error in answer.json()["errors"]], answer.text

    await refused("/nonconformities", {"subject": "  ", "description": "x"}, "body.subject")
    await refused("/nonconformities", {"subject": "s", "description": ""}, "body.description")
    await refused("/nonconformities", {"description": "x"}, "body.subject")
    assert await listed(qms, MANAGER) == []

    body = {"subject": "s", "description": "d"}
    nc = (await client.post("/nonconformities", json=body, headers=MANAGER)).json()
    actions = f"/nonconformities/{nc['id']}/actions"
    yesterday = str(TODAY - timedelta(days=1))
    await refused(actions, {"description": "x", "owner": "o", "due": yesterday}, "body.due")
    await refused(actions, {"description": "x", "owner": "o", "due": "soon"}, "body.due")
    await refused(
        actions, {"description": "x", "owner": " ", "due": str(shanghai_today())}, "body.owner"
    )
    effectiveness = f"/nonconformities/{nc['id']}/effectiveness"
    await refused(effectiveness, {"evidence": "x"}, "body.effective")
    fetched = (await client.get(f"/nonconformities/{nc['id']}", headers=MANAGER)).json()
    assert (fetched["actions"], fetched["checks"], fetched["status"]) == ([], [], "open")
    answer = await client.get("/nonconformities", params={"status": "shut"}, headers=MANAGER)
    assert answer.status_code == 422
    answer = await client.post(
        f"/nonconformities/{uuid.uuid4()}/actions",
        json={"description": "x", "owner": "o", "due": str(shanghai_today())},
        headers=MANAGER,
    )
    assert answer.status_code == 404


async def test_an_audit_s_major_and_minor_findings_raise_nonconformities(qms: Qms) -> None:
    client = qms.client
    audit = {
        "title": "Office 3: grid supervision",
        "process": "supervision",
        "office": "office-03",
        "planned_on": str(date(TODAY.year, 12, 3)),
        "auditors": ["auditor01", "quality02"],
        "checklist": [
            {"question": "Are claim deadlines watched daily?", "reference": "QP-07"},
            {"question": "Is every inspection record signed?"},
        ],
    }
    answer = await client.post("/audits", json=audit, headers=MANAGER)
    assert answer.status_code == 201, answer.text
    planned = answer.json()
    assert [(i["number"], i["reference"]) for i in planned["checklist"]] == [
        (1, "QP-07"),
        (2, None),
    ]
    findings = f"/audits/{planned['id']}/findings"
    major = {"checklist_item": 1, "description": "Overdue claims unseen", "severity": "major"}
    answer = await client.post(findings, json=major, headers=MANAGER)
    assert answer.status_code == 201, answer.text
    recorded = answer.json()
    assert recorded["number"] == 1 and recorded["nonconformity_id"] is not None
    note = {"description": "Photos could carry captions", "severity": "observation"}
    answer = await client.post(findings, json=note, headers=MANAGER)
    assert answer.status_code == 201 and answer.json()["nonconformity_id"] is None
    bad = {"checklist_item": 3, "description": "x", "severity": "minor"}
    answer = await client.post(findings, json=bad, headers=MANAGER)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body.checklist_item"
    answer = await client.post(findings, json=major, headers=AUDITOR)
    assert answer.status_code == 403

    (raised,) = await listed(qms, AUDITOR, source="audit_finding")
    assert raised["id"] == recorded["nonconformity_id"]
    assert (raised["subject"], raised["basis_code"], raised["office"]) == (
        planned["id"],
        "QP-07",
        "office-03",
    )
    assert raised["evidence"]["basis"] == "Are claim deadlines watched daily?"
    assert (
        await client.get(f"/nonconformities/{raised['id']}", headers=HEAD_03)
    ).status_code == 200

    fetched = (await client.get(f"/audits/{planned['id']}", headers=AUDITOR)).json()
    assert [(f["number"], f["severity"]) for f in fetched["findings"]] == [
        (1, "major"),
        (2, "observation"),
    ]
    programme = (await client.get("/audits", params={"year": TODAY.year}, headers=AUDITOR)).json()
    assert [a["id"] for a in programme["audits"]] == [planned["id"]]
    assert (await client.get("/audits", params={"year": 2001}, headers=AUDITOR)).json() == {
        "audits": []
    }
    assert (await client.get("/audits", headers=HEAD_03)).status_code == 403
    assert (await client.get(f"/audits/{uuid.uuid4()}", headers=AUDITOR)).status_code == 404

    nothing = audit | {"process": None, "office": None}
    answer = await client.post("/audits", json=nothing, headers=MANAGER)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body.process"
    answer = await client.post("/audits", json=audit | {"checklist": []}, headers=MANAGER)
    assert answer.status_code == 422
    assert len((await client.get("/audits", headers=AUDITOR)).json()["audits"]) == 1


async def test_a_missed_cash_hand_over_and_a_missed_registration_each_open_one(
    qms: Qms,
) -> None:
    penalty_id, application_id = uuid.uuid4(), uuid.uuid4()
    cash = DeadlineMissedV2(
        subject_id=penalty_id,
        deadline="cash_handover",
        rule_code="enforcement.cash_handover",
        basis="Administrative Penalty Law art. 71 (2 days; working days per art. 85)",
        due=TODAY - timedelta(days=1),
        section="section-2",
        detected_at=datetime.now(UTC),
    )
    registration = ApplicationDeadlineMissed(
        application_id=application_id,
        rule_code="registration.on_the_spot",
        basis="Market Entity Registration Regulations (2021) art. 19",
        due=TODAY - timedelta(days=1),
        channel="window",
        office_code="office-03",
        detected_at=datetime.now(UTC),
    )
    await told(qms, envelope_of(cash, "enforcement"), envelope_of(registration, "licensing"))
    await told(qms, envelope_of(cash, "enforcement"), envelope_of(registration, "licensing"))
    found = {
        n["subject"]: n
        for n in await listed(qms, MANAGER)
        if n["subject"] in (str(penalty_id), str(application_id))
    }
    assert len(found) == 2
    on_the_spot, application = found[str(penalty_id)], found[str(application_id)]
    assert (on_the_spot["basis_code"], on_the_spot["office"]) == (
        "enforcement.cash_handover",
        "section-2",
    )
    assert "on-the-spot penalty" in on_the_spot["description"]
    assert (application["basis_code"], application["office"]) == (
        "registration.on_the_spot",
        "office-03",
    )
    assert application["evidence"]["basis"] == registration.basis
    assert [n["subject"] for n in await listed(qms, HEAD_03)].count(str(application_id)) == 1


async def test_a_result_not_published_and_a_visit_not_made_in_time_each_open_one_for_the_office(
    qms: Qms,
) -> None:
    household = CreditCode.generate(
        category="9", region="510106", sequence=uuid.uuid4().int % 100_000
    )
    plan_id = uuid.uuid4()
    unpublished = SupervisionDeadlineMissed(
        subject_id=f"{plan_id}/1/{household}",
        deadline="publish_results",
        rule_code="supervision.draw_results",
        basis="Interim Regulations on Enterprise Information Publicity art. 6",
        due=TODAY - timedelta(days=1),
        office_code="office-03",
        credit_code=household,
        plan_id=plan_id,
        draw_number=1,
        detected_at=datetime.now(UTC),
    )
    not_visited = SupervisionDeadlineMissed(
        subject_id=str(household),
        deadline="inspection_visit",
        rule_code="supervision.plan_d",
        basis="local setting (risk class D: about every month)",
        due=TODAY - timedelta(days=2),
        office_code="office-03",
        credit_code=household,
        owner="inspector03",
        detected_at=datetime.now(UTC),
    )
    envelopes = [envelope_of(e, "supervision") for e in (unpublished, not_visited)]
    await told(qms, *envelopes)
    await told(qms, *(envelope_of(e, "supervision") for e in (unpublished, not_visited)))
    subjects = (unpublished.subject_id, not_visited.subject_id)
    found = [n for n in await listed(qms, MANAGER) if n["subject"] in subjects]
    assert len(found) == 2
    by_subject = {n["subject"]: n for n in found}
    result, visit = by_subject[unpublished.subject_id], by_subject[not_visited.subject_id]
    assert (result["basis_code"], result["office"]) == ("supervision.draw_results", "office-03")
    assert result["evidence"]["basis"] == unpublished.basis
    assert "random inspection result" in result["description"]
    assert (visit["basis_code"], visit["office"]) == ("supervision.plan_d", "office-03")
    assert "risk class D" in visit["evidence"]["basis"]
    # The office answers: its head sees both, another office's head neither.
    mine = [n["subject"] for n in await listed(qms, HEAD_03)]
    assert sorted(s for s in mine if s in subjects) == sorted(subjects)
    other = staff_bearer("head04", "office_head", office="office-04")
    assert not {n["subject"] for n in await listed(qms, other)} & set(subjects)
