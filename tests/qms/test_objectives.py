"""Quality objectives measured from the events other services publish: the live figures equal
the figures recomputed from the record of everything; a month ended below target opens one
nonconformity, once; each reader sees their scope."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from chassis.db import Database
from chassis.legalclock.deadlines import SHANGHAI
from chassis.uow import UnitOfWork
from contracts import Contract, CreditCode, Envelope
from contracts.complaints import TicketAccepted, TicketDeadlineMissed, TicketFollowedUp
from contracts.examples import example
from contracts.licensing import LicenceIssued
from contracts.supervision import ClaimOverdue, HouseholdAssigned
from services.qms.usecases.objectives import evaluate_ended_month
from tests.conftest import handled, publish, staff_bearer, tapping
from tests.qms.conftest import AUDITOR, MANAGER, Qms

HEAD_03 = staff_bearer("head03", "office_head", office="office-03")
INSPECTOR = staff_bearer("inspector03", "grid_inspector", office="office-03")
NOVEMBER = datetime(2025, 11, 12, 2, 0, tzinfo=UTC)
DECEMBER = datetime(2025, 12, 3, 2, 0, tzinfo=UTC)


def envelope_of(event: Contract, source: str) -> Envelope:
    return Envelope.wrap(event, source=f"/services/{source}", sequence=1)


async def told(qms: Qms, *envelopes: Envelope) -> None:
    """Publish the envelopes as other services' relays would; wait until qms handled them."""
    for envelope in envelopes:
        await publish(qms.settings.bus_prefix, envelope)
    await handled(qms.settings.database_url, *(e.id for e in envelopes), within=15)


def issued(same_day: bool, at: datetime, office: str = "office-03") -> Envelope:
    licence = example(LicenceIssued).model_copy(
        update={"same_day": same_day, "after_hours": False, "office_code": office, "issued_at": at}
    )
    return envelope_of(licence, "licensing")


def household(office: str, deadline: date, *, overdue: bool) -> list[Envelope]:
    shop = CreditCode.generate(category="9", region="510106", sequence=uuid.uuid4().int % 99_999)
    facts: dict[str, Any] = {
        "credit_code": shop,
        "grid_code": "510106001003001",
        "office_code": office,
        "owner": "inspector03",
        "claim_deadline": deadline,
    }
    told = [envelope_of(HouseholdAssigned(**facts, assigned_at=NOVEMBER), "supervision")]
    if overdue:
        told.append(envelope_of(ClaimOverdue(**facts, detected_at=DECEMBER), "supervision"))
    return told


def ticket_facts(at: datetime) -> list[Envelope]:
    ticket = uuid.uuid4()
    accepted = TicketAccepted(ticket_id=ticket, kind="complaint", accepted_at=at)
    missed = example(TicketDeadlineMissed).model_copy(update={"ticket_id": uuid.uuid4()})
    followed = TicketFollowedUp(
        ticket_id=ticket, kind="complaint", satisfaction=3, followed_up_at=at
    )
    return [envelope_of(e, "complaints") for e in (accepted, missed, followed)]


async def objectives(
    qms: Qms, path: str, headers: dict[str, str], **params: str
) -> dict[str, dict[str, Any]]:
    answer = await qms.client.get(path, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return {item["code"]: item for item in answer.json()["items"]}


async def test_objectives_recomputed_from_the_log_equal_the_live_figures(qms: Qms) -> None:
    envelopes = [
        *(issued(True, NOVEMBER) for _ in range(3)),
        issued(False, NOVEMBER, office="office-07"),
        issued(True, DECEMBER),
        *household("office-03", date(2025, 11, 28), overdue=False),
        *household("office-03", date(2025, 11, 28), overdue=True),
        *ticket_facts(NOVEMBER),
        envelope_of(example(TicketFollowedUp), "complaints"),
    ]
    await told(qms, *envelopes)
    await told(qms, envelopes[0])  # told again: it counts once

    for period in ("2025-11", "2025-12"):
        for office in ({}, {"office": "office-03"}, {"office": "office-07"}):
            live = await objectives(qms, "/objectives", MANAGER, period=period, **office)
            again = await objectives(
                qms, "/objectives/recomputed", AUDITOR, period=period, **office
            )
            assert live == again

    november = await objectives(qms, "/objectives", AUDITOR, period="2025-11")
    same_day = november["licensing.same_day"]
    assert (same_day["numerator"], same_day["denominator"], same_day["value"]) == (3, 4, 0.75)
    assert (same_day["target"], same_day["status"]) == (0.9, "breached")
    assert [m["period"] for m in same_day["trend"]][-2:] == ["2025-10", "2025-11"]
    claims = november["supervision.claims_on_time"]
    assert (claims["numerator"], claims["denominator"], claims["value"]) == (1, 2, 0.5)
    assert november["complaints.satisfaction"]["value"] == 3.0
    december = await objectives(qms, "/objectives", MANAGER, period="2025-12")
    assert december["licensing.same_day"]["trend"][-2]["value"] == 0.75
    assert (december["licensing.same_day"]["value"], december["licensing.same_day"]["status"]) == (
        1.0,
        "met",
    )
    # An office head reads their own office's figures, by default or by name; no other's.
    mine = await objectives(qms, "/objectives", HEAD_03, period="2025-11")
    assert mine == await objectives(
        qms, "/objectives", MANAGER, period="2025-11", office="office-03"
    )
    assert mine["licensing.same_day"]["value"] == 1.0
    other = await qms.client.get("/objectives", params={"office": "office-07"}, headers=HEAD_03)
    assert other.status_code == 404
    refused = await qms.client.get("/objectives", headers=INSPECTOR)
    assert refused.status_code == 403
    bad = await qms.client.get("/objectives", params={"period": "2025-13"}, headers=MANAGER)
    assert bad.status_code == 422


class December2025:
    """The bureau's clock on 10 December 2025: November has ended."""

    def now(self) -> datetime:
        return datetime(2025, 12, 10, 2, 0, tzinfo=UTC)

    def today(self) -> date:
        return self.now().astimezone(SHANGHAI).date()


async def test_a_month_ended_below_target_opens_one_nonconformity_once(qms: Qms) -> None:
    await told(qms, *(issued(i < 7, NOVEMBER) for i in range(10)))
    database = Database(qms.settings.database_url)
    try:
        async with tapping(qms.settings.bus_prefix, "qms.#") as bus:
            async with UnitOfWork(database, "qms") as uow:
                found = await evaluate_ended_month(uow, December2025())
            assert [(f.code, f.value) for f in found] == [("licensing.same_day", 0.7)]
            await bus.wait_for("qms.objective.breached")
            await bus.wait_for("qms.nonconformity.raised")
            async with UnitOfWork(database, "qms") as uow:
                assert await evaluate_ended_month(uow, December2025()) == []
            # Evaluated again, the month told nothing more: qms publishes in order, so by the
            # time a person's nonconformity raised later arrives, a second breach would have.
            body = {"subject": "2025-11", "description": "Counter queue too long"}
            answer = await qms.client.post("/nonconformities", json=body, headers=MANAGER)
            assert answer.status_code == 201, answer.text
            await bus.wait_for("qms.nonconformity.raised", count=2)
        (breach,) = bus.of_type("qms.objective.breached")
        assert breach["data"] | {"measured_at": None} == {
            "objective_code": "licensing.same_day",
            "period": "2025-11",
            "office": None,
            "value": 0.7,
            "target": 0.9,
            "measured_at": None,
        }
        raised = [e["data"]["basis"] for e in bus.of_type("qms.nonconformity.raised")]
        assert raised == ["quality_objective", "person"]
    finally:
        await database.dispose()
    answer = await qms.client.get(
        "/nonconformities", params={"source": "quality_objective"}, headers=MANAGER
    )
    (opened,) = answer.json()["nonconformities"]
    assert (opened["basis_code"], opened["subject"], opened["office"]) == (
        "licensing.same_day",
        "2025-11",
        None,
    )
    assert opened["evidence"]["event_id"] == breach["id"]
    assert opened["evidence"]["facts"] == {"period": "2025-11", "value": "0.7", "target": "0.9"}
