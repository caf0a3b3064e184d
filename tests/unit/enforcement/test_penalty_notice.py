"""Before a penalty decision, without a database: who may ask for a hearing (art. 63), when the
party's statement period lets the decision be made (art. 44, 45), the hearing's request period
and days (art. 64), no heavier penalty than the notice's; after it, cash to the bank (art. 71)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chassis.errors import Conflict, RuleViolated
from services.enforcement import domain
from services.enforcement.domain import (
    Case,
    CaseSource,
    HearingThresholds,
    Notice,
    OnTheSpotLimits,
    OnTheSpotPenalty,
    Party,
    Penalty,
    PenaltyNotice,
    Statement,
    StatementAnswer,
    Stop,
    Transfer,
    hearing_offered,
)
from services.enforcement.domain.penalty_notice import heavier_than

FILED = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)  # Tue 1 Sep 2026, 10:00 in Shanghai


def at(day: date) -> datetime:
    """10:00 in Shanghai on `day`."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def investigating() -> Case:
    transfer = Transfer(
        uuid.uuid4(), "supervision", None, "无照经营", (), "office-01", "inspector01", FILED
    )
    [case] = (
        CaseSource.receive(transfer, "office-01", 1, FILED)
        .file(["zhao", "qian"], "officer1", FILED)
        .added
    )
    assert isinstance(case, Case)
    case.deliver_notice(Notice("王某", FILED, "in_person", "officer1", FILED))
    return case


def told(case: Case, penalty: Penalty, served_on: date, party: str = "citizen") -> PenaltyNotice:
    notice = PenaltyNotice.served(
        facts="销售过期食品",
        legal_basis="《食品安全法》第一百二十四条",
        penalty=penalty,
        party_kind=party,  # type: ignore[arg-type]
        served_on=served_on,
        served_how="in_person",
        thresholds=HearingThresholds(),
        by="officer1",
        now=at(served_on),
    )
    case.serve_penalty_notice(notice, served_on)
    return notice


@pytest.mark.parametrize(
    ("party", "penalty", "offered"),
    [
        ("citizen", Penalty("fine", Decimal(9_999)), False),
        ("citizen", Penalty("fine", Decimal(10_000)), True),
        ("organisation", Penalty("fine", Decimal(99_999)), False),
        ("organisation", Penalty("fine", Decimal(100_000)), True),
        ("organisation", Penalty("confiscation", Decimal(100_000)), True),
        ("organisation", Penalty("confiscation"), False),
        ("citizen", Penalty("licence_revocation"), True),
        ("citizen", Penalty("suspension_of_business"), True),
        ("citizen", Penalty("warning"), False),
    ],
)
def test_art_63_gives_a_hearing_for_large_amounts_and_licences_and_business_suspended(
    party: domain.PartyKind, penalty: Penalty, offered: bool
) -> None:
    assert hearing_offered(party, penalty, HearingThresholds()) is offered


def test_a_decision_waits_for_the_statement_period_across_national_day() -> None:
    case = investigating()
    served = date(2026, 9, 28)  # Mon; 29, 30 Sep, 8, 9, 10 Oct are the 5 working days
    notice = told(case, Penalty("fine", Decimal(2_000)), served)
    assert notice.statement_deadline.due == date(2026, 10, 10)  # the make-up Saturday
    assert notice.hearing_request_deadline is None
    decision = domain.Decision(Penalty("fine", Decimal(2_000)), "依据", "officer1")
    with pytest.raises(Conflict) as refused:
        case.decide(decision, at(date(2026, 10, 10)))
    assert refused.value.extensions["rule_code"] == "enforcement.statement"
    assert "art. 44/45" in refused.value.detail
    case.decide(decision, at(date(2026, 10, 11)))
    assert case.status == "decided"


def test_a_statement_heard_and_answered_or_a_waiver_lets_the_decision_come_early() -> None:
    case = investigating()
    served = date(2026, 9, 7)
    told(case, Penalty("fine", Decimal(2_000)), served)
    statement = Statement(1, date(2026, 9, 8), "初次违法，请求从轻", "officer1")
    case.record_statement(statement, date(2026, 9, 8), at(date(2026, 9, 8)))
    decision = domain.Decision(Penalty("fine", Decimal(1_500)), "依据", "officer1")
    with pytest.raises(Conflict, match="not answered"):
        case.decide(decision, at(date(2026, 9, 9)))
    answer = StatementAnswer(True, "首次违法，减轻处罚", "officer1", at(date(2026, 9, 9)))
    case.answer_statement(1, answer)
    with pytest.raises(Conflict, match="answered already"):
        case.answer_statement(1, answer)
    case.decide(decision, at(date(2026, 9, 9)))
    assert case.decision == decision

    waived = investigating()
    told(waived, Penalty("warning"), served)
    with pytest.raises(RuleViolated) as refused:
        waived.record_waiver(date(2026, 9, 4), "officer1", at(served))
    assert refused.value.field == "received_on"
    waived.record_waiver(served, "officer1", at(served))
    waived.decide(domain.Decision(Penalty("warning"), "依据", "officer1"), at(served))


def test_no_heavier_penalty_than_the_notice_announced() -> None:
    intended = Penalty("fine", Decimal(2_000))
    assert heavier_than(Penalty("fine", Decimal(2_001)), intended)
    assert heavier_than(Penalty("licence_revocation"), intended)
    assert not heavier_than(Penalty("fine", Decimal(2_000)), intended)
    assert not heavier_than(Penalty("warning"), intended)
    assert heavier_than(Penalty("warning"), Penalty("order_to_correct"))
    case = investigating()
    told(case, intended, date(2026, 9, 7))
    case.record_waiver(date(2026, 9, 7), "officer1", at(date(2026, 9, 7)))
    heavier = domain.Decision(Penalty("fine", Decimal(5_000)), "依据", "officer1")
    with pytest.raises(RuleViolated) as refused:
        case.decide(heavier, at(date(2026, 9, 8)))
    assert (refused.value.field, refused.value.code) == ("penalty", "heavier_than_notice")


def test_a_hearing_is_asked_within_5_working_days_and_its_days_stop_the_decision_clock() -> None:
    case = investigating()
    served = date(2026, 9, 28)
    notice = told(case, Penalty("fine", Decimal(20_000)), served)
    assert notice.hearing_request_deadline is not None
    assert notice.hearing_request_deadline.due == date(2026, 10, 10)
    with pytest.raises(RuleViolated) as late:
        case.request_hearing(date(2026, 10, 12), "officer1", at(date(2026, 10, 12)))
    assert (late.value.field, late.value.code) == ("requested_on", "hearing_request_late")
    assert "enforcement.hearing_request" in late.value.message
    case.request_hearing(date(2026, 10, 9), "officer1", at(date(2026, 10, 12)))
    decision = domain.Decision(Penalty("fine", Decimal(20_000)), "依据", "officer1")
    with pytest.raises(Conflict, match="not concluded"):
        case.decide(decision, at(date(2026, 10, 13)))
    before = case.decision_due
    stop = Stop(
        uuid.uuid4(), case.id, date(2026, 10, 20), date(2026, 10, 22), "听证", "hearing", "o",
        at(date(2026, 10, 22)),
    )  # fmt: skip
    case.hold_hearing(stop, "维持拟处罚意见")
    assert (case.decision_due - before).days == 3
    case.decide(decision, at(date(2026, 10, 23)))


def test_no_hearing_for_a_penalty_art_63_does_not_list() -> None:
    case = investigating()
    told(case, Penalty("fine", Decimal(2_000)), date(2026, 9, 7))
    with pytest.raises(RuleViolated) as refused:
        case.request_hearing(date(2026, 9, 8), "officer1", at(date(2026, 9, 8)))
    assert (refused.value.field, refused.value.code) == ("requested_on", "no_hearing")


def test_cash_collected_on_the_spot_is_due_at_the_bank_within_2_working_days() -> None:
    collected = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)  # Wed 30 Sep, the eve of National Day
    penalty, _ = OnTheSpotPenalty.impose(
        Party("citizen", "李某", id_number="11010519491231002X"),
        "fine",
        Decimal(50),
        collected_on_spot=True,
        facts="占道经营",
        legal_basis="依据",
        office_id="office-01",
        section="section-1",
        by="inspector01",
        now=collected,
        limits=OnTheSpotLimits(),
    )
    assert penalty.cash_handover_due == date(2026, 10, 9)
    with pytest.raises(RuleViolated) as refused:
        penalty.handed_over(date(2026, 10, 12), "R-1", today=date(2026, 10, 9))
    assert refused.value.field == "handed_over_on"
    handed = penalty.handed_over(date(2026, 10, 8), "R-1", today=date(2026, 10, 9))
    assert (handed.handed_over_on, handed.cash_receipt) == (date(2026, 10, 8), "R-1")
    with pytest.raises(Conflict):
        handed.handed_over(date(2026, 10, 8), "R-1", today=date(2026, 10, 9))
