"""The steps around a general-procedure decision on a fixed clock across the 2026 National Day
holiday (1-7 Oct off, Sat 10 Oct a make-up working day): the notice of the intended penalty and
the party's statement period (art. 44, 45), the hearing (art. 63, 64), the decision's service
(art. 61), the fine's payment from it (art. 67, 72), the return visit, the withdrawal of its
publication, and cash collected on the spot handed to the bank (art. 71)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tests.enforcement.conftest import Enforcement, FixedClock, bearer, officer
from tests.enforcement.test_filing import investigated, told

FINE = {"kind": "fine", "amount": "2000"}
DECISION = {"penalty": FINE, "legal_basis": "《价格法》第四十二条"}


async def post(enforcement: Enforcement, path: str, body: dict[str, Any], status: int = 200) -> Any:
    answer = await enforcement.client.post(path, json=body, headers=officer(1))
    assert answer.status_code == status, answer.text
    return answer.json()


def deadline(case: dict[str, Any], step: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [d for d in case["deadlines"] if d["step"] == step]
    assert len(found) == 1, case["deadlines"]
    return found[0]


async def decided_on(
    enforcement: Enforcement, clock: FixedClock, day: date, penalty: dict[str, Any] = FINE
) -> str:
    """A case filed on 1 Sep 2026, told and waived, decided on `day`."""
    clock.day = date(2026, 9, 1)
    case_id = await investigated(enforcement)
    await told(enforcement, case_id, penalty, served_on=clock.day)
    clock.day = day
    await post(enforcement, f"/cases/{case_id}/decision", DECISION | {"penalty": penalty})
    return case_id


async def test_a_fine_served_on_16_september_is_due_on_the_first_working_day_after_national_day(
    enforcement: Enforcement, clock: FixedClock
) -> None:
    on_time = await decided_on(enforcement, clock, date(2026, 9, 16))
    late = await decided_on(enforcement, clock, date(2026, 9, 16))
    case = (await enforcement.client.get(f"/cases/{on_time}", headers=officer(1))).json()
    # Served within 7 working days (Sun 20 Sep a make-up working day), visited within 30 days.
    assert (case["service_due"], case["return_visit_due"]) == ("2026-09-24", "2026-10-16")
    serve = deadline(case, "serve")
    assert (serve["rule_code"], serve["due"], serve["state"]) == (
        "enforcement.serve",
        "2026-09-24",
        "on_time",
    )
    assert "art. 61" in serve["basis"]
    visit = deadline(case, "return_visit")
    assert (visit["rule_code"], visit["due"]) == ("enforcement.return_visit", "2026-10-16")
    assert case["payment_due"] is None  # its 15 days run from service
    await post(enforcement, f"/cases/{on_time}/payment", {"paid_on": "2026-09-16"}, 409)
    for refused in ("2026-09-15", "2026-09-17"):  # before the decision; tomorrow
        answer = await post(
            enforcement,
            f"/cases/{on_time}/service",
            {"served_on": refused, "served_how": "in_person"},
            422,
        )
        assert [e["field"] for e in answer["errors"]] == ["body.served_on"]

    for case_id in (on_time, late):
        served = {"served_on": "2026-09-16", "served_how": "in_person"}
        case = await post(enforcement, f"/cases/{case_id}/service", served)
        assert case["payment_due"] == "2026-10-08"
        payment = deadline(case, "payment")
        assert payment["rule_code"] == "enforcement.payment"
        assert "art. 67" in payment["basis"]
        assert deadline(case, "serve")["state"] == "done"
    await post(
        enforcement,
        f"/cases/{on_time}/service",
        {"served_on": "2026-09-16", "served_how": "post"},
        409,
    )

    clock.day = date(2026, 10, 9)
    paid = await post(enforcement, f"/cases/{on_time}/payment", {"paid_on": "2026-10-08"})
    assert Decimal(paid["late_payment_surcharge"]) == 0
    paid = await post(enforcement, f"/cases/{late}/payment", {"paid_on": "2026-10-09"})
    assert Decimal(paid["late_payment_surcharge"]) == Decimal("60.00")
    assert deadline(paid, "payment")["state"] == "done"


async def test_no_decision_while_the_party_s_statement_period_runs(
    enforcement: Enforcement, clock: FixedClock
) -> None:
    clock.day = date(2026, 9, 28)
    case_id = await investigated(enforcement)
    case = await told(enforcement, case_id, FINE, served_on=clock.day, waived=False)
    statement = deadline(case, "statement")
    # Mon 28 Sep: 29, 30 Sep, 8, 9 Oct and the make-up Saturday 10 Oct.
    assert (statement["rule_code"], statement["due"]) == ("enforcement.statement", "2026-10-10")
    assert "art. 44, 45" in statement["basis"]
    assert case["penalty_notice"]["hearing_offered"] is False
    clock.day = date(2026, 10, 10)
    refused = await post(enforcement, f"/cases/{case_id}/decision", DECISION, 409)
    assert "enforcement.statement" in refused["detail"]
    assert "art. 44/45" in refused["detail"]
    assert refused["rule_code"] == "enforcement.statement"
    # A statement received is answered before any decision.
    said = {"received_on": "2026-10-09", "content": "初次违法，请求从轻处罚"}
    case = await post(enforcement, f"/cases/{case_id}/statements", said)
    assert case["penalty_notice"]["statements"][0]["number"] == 1
    clock.day = date(2026, 10, 12)
    refused = await post(enforcement, f"/cases/{case_id}/decision", DECISION, 409)
    assert "not answered" in refused["detail"]
    answer = {"accepted": False, "reasons": "违法事实清楚，不予采纳"}
    await post(enforcement, f"/cases/{case_id}/statements/1/answer", answer)
    heavier = DECISION | {"penalty": {"kind": "fine", "amount": "3000"}}
    refused = await post(enforcement, f"/cases/{case_id}/decision", heavier, 422)
    assert [e["field"] for e in refused["errors"]] == ["body.penalty"]
    case = await post(enforcement, f"/cases/{case_id}/decision", DECISION)
    assert case["status"] == "decided"
    steps = [step["step"] for step in case["history"]]
    assert steps[-4:] == [
        "penalty_notice_served",
        "statement_received",
        "statement_answered",
        "decided",
    ]


async def test_a_hearing_asked_in_time_stops_the_decision_clock_and_comes_before_it(
    enforcement: Enforcement, clock: FixedClock
) -> None:
    clock.day = date(2026, 9, 28)
    case_id = await investigated(enforcement)
    large = {"kind": "fine", "amount": "20000"}
    case = await told(
        enforcement, case_id, large, served_on=clock.day, party_kind="citizen", waived=False
    )
    assert case["penalty_notice"]["hearing_offered"] is True
    asked = deadline(case, "hearing_request")
    assert (asked["rule_code"], asked["due"]) == ("enforcement.hearing_request", "2026-10-10")
    assert "art. 63, 64" in asked["basis"]
    clock.day = date(2026, 10, 12)
    late = await post(
        enforcement, f"/cases/{case_id}/hearing-request", {"requested_on": "2026-10-12"}, 422
    )
    [error] = late["errors"]
    assert error["field"] == "body.requested_on"
    assert "enforcement.hearing_request" in error["message"]
    case = await post(
        enforcement, f"/cases/{case_id}/hearing-request", {"requested_on": "2026-10-10"}
    )
    decision = DECISION | {"penalty": large}
    refused = await post(enforcement, f"/cases/{case_id}/decision", decision, 409)
    assert "hearing" in refused["detail"]
    before = date.fromisoformat(case["decision_due"])
    clock.day = date(2026, 10, 23)
    hearing = {"start": "2026-10-20", "end": "2026-10-22", "conclusion": "维持拟处罚意见"}
    case = await post(enforcement, f"/cases/{case_id}/hearing", hearing)
    # 90 days from 28 Sep end on Sun 27 Dec (rolled to Mon 28 Dec); 3 hearing days more: 30 Dec.
    assert (before, case["decision_due"]) == (date(2026, 12, 28), "2026-12-30")
    assert case["decision_deadline"]["excluded_days"] == 3
    assert case["penalty_notice"]["hearing"]["conclusion"] == "维持拟处罚意见"
    case = await post(enforcement, f"/cases/{case_id}/decision", decision)
    assert case["status"] == "decided"


async def test_no_hearing_on_a_fine_art_63_does_not_list(
    enforcement: Enforcement, clock: FixedClock
) -> None:
    clock.day = date(2026, 9, 28)
    case_id = await investigated(enforcement)
    await told(enforcement, case_id, FINE, served_on=clock.day, waived=False)
    refused = await post(
        enforcement, f"/cases/{case_id}/hearing-request", {"requested_on": "2026-09-29"}, 422
    )
    assert [e["field"] for e in refused["errors"]] == ["body.requested_on"]


async def test_a_withdrawal_is_due_3_working_days_from_the_change_not_from_its_recording(
    enforcement: Enforcement, clock: FixedClock
) -> None:
    case_id = await decided_on(enforcement, clock, date(2026, 9, 16))
    clock.day = date(2026, 10, 12)
    future = {"change": "changed", "changed_on": "2026-10-13", "reason": "复议变更"}
    refused = await post(enforcement, f"/cases/{case_id}/publicity-withdrawal", future, 422)
    assert [e["field"] for e in refused["errors"]] == ["body.changed_on"]
    change = future | {"changed_on": "2026-09-30"}
    case = await post(enforcement, f"/cases/{case_id}/publicity-withdrawal", change)
    withdrawn = case["history"][-1]["detail"]
    # Wed 30 Sep: 8, 9 Oct and the make-up Saturday 10 Oct; recorded on 12 Oct, late.
    assert (withdrawn["due"], withdrawn["on_time"]) == ("2026-10-10", False)


async def test_cash_collected_on_the_spot_is_due_at_the_bank_within_2_working_days(
    enforcement: Enforcement, clock: FixedClock
) -> None:
    inspector = bearer("inspector07", "grid_inspector", office="office-07")
    clock.day = date(2026, 9, 30)
    body = {
        "party": {"kind": "citizen", "name": "李某", "id_number": "11010519491231002X"},
        "penalty": {"kind": "fine", "amount": "50"},
        "facts": "占道经营",
        "legal_basis": "《无证无照经营查处办法》第十三条",
        "collected_on_spot": True,
    }
    answer = await enforcement.client.post("/on-the-spot-penalties", json=body, headers=inspector)
    assert answer.status_code == 201, answer.text
    penalty = answer.json()
    assert penalty["cash_handover_due"] == "2026-10-09"
    path = f"/on-the-spot-penalties/{penalty['id']}/cash-handover"
    clock.day = date(2026, 10, 9)
    other = bearer("inspector08", "grid_inspector", office="office-07")
    handover = {"handed_over_on": "2026-10-08", "receipt": "ICBC-20261008-0042"}
    assert (await enforcement.client.post(path, json=handover, headers=other)).status_code == 404
    tomorrow = handover | {"handed_over_on": "2026-10-10"}
    refused = await enforcement.client.post(path, json=tomorrow, headers=inspector)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["body.handed_over_on"]
    answer = await enforcement.client.post(path, json=handover, headers=inspector)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["handed_over_on"], answer.json()["cash_receipt"]) == (
        "2026-10-08",
        "ICBC-20261008-0042",
    )
    again = await enforcement.client.post(path, json=handover, headers=inspector)
    assert again.status_code == 409
