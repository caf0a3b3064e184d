"""What came of a transfer, folded from enforcement's events in whatever order and however
often the bus delivers them."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chassis.case_transfers import EnforcementNews, Outcome, discovery_day, folded, news_of
from chassis.errors import RuleViolated
from contracts.enforcement import CaseClosed, CaseFiled, CaseNotFiled, PenaltyDecided

SOURCE, CASE = uuid.uuid4(), uuid.uuid4()
T0 = datetime(2026, 10, 9, 8, 0, tzinfo=UTC)
TRANSFERRED = Outcome.transferred(T0)
FILED = CaseFiled(case_id=CASE, case_source_id=SOURCE, filed_at=T0 + timedelta(days=3))
DECIDED = PenaltyDecided(
    case_id=CASE,
    procedure="general",
    penalty_kinds=("fine",),
    fine_amount=Decimal(2000),
    legal_basis="《公司法》第二百五十条",
    source_department="licensing",
    decided_at=T0 + timedelta(days=30),
)
CLOSED = CaseClosed(
    case_id=CASE, case_source_id=SOURCE, satisfaction="satisfied", closed_at=T0 + timedelta(days=60)
)


def heard(*events: EnforcementNews) -> Outcome:
    outcome = TRANSFERRED
    for event in events:
        outcome = folded(outcome, news_of(event).outcome)
    return outcome


def test_a_decision_heard_before_the_filing_stays_decided() -> None:
    outcome = heard(DECIDED, FILED)
    assert outcome == heard(FILED, DECIDED)
    assert (outcome.status, outcome.case_id) == ("decided", CASE)
    assert (outcome.penalty_kinds, outcome.fine_amount) == (("fine",), Decimal("2000.00"))
    assert outcome.at == DECIDED.decided_at
    assert outcome.document()["fine_amount"] == "2000.00"


def test_any_order_and_any_redelivery_ends_closed_with_the_penalty_kept() -> None:
    events: list[EnforcementNews] = [FILED, DECIDED, CLOSED, DECIDED, FILED]
    endings = {heard(*order) for order in itertools.permutations(events)}
    assert len(endings) == 1
    (ending,) = endings
    assert (ending.status, ending.at, ending.penalty_kinds) == (
        "closed",
        CLOSED.closed_at,
        ("fine",),
    )


def test_the_same_news_heard_twice_changes_nothing() -> None:
    once = heard(FILED)
    assert heard(FILED, FILED) == once
    assert (once.status, once.case_id, once.at) == ("filed", CASE, FILED.filed_at)


def test_a_declined_source_tells_its_reasons() -> None:
    declined = CaseNotFiled(case_source_id=SOURCE, reasons=("证据不足",), decided_at=T0)
    news = news_of(declined)
    assert (news.case_source_id, news.case_id) == (SOURCE, None)
    outcome = heard(declined, declined)
    assert (outcome.status, outcome.reasons) == ("not_filed", ("证据不足",))


def test_a_decision_without_its_case_source_is_matched_by_its_case() -> None:
    news = news_of(DECIDED)
    assert (news.case_source_id, news.case_id) == (None, CASE)


def test_an_outcome_reads_back_from_its_document() -> None:
    outcome = heard(FILED, DECIDED)
    assert Outcome.from_document(outcome.document()) == outcome


def test_the_discovery_day_is_the_transfer_day_at_the_latest() -> None:
    today = date(2026, 10, 9)
    assert discovery_day(None, today) == today
    assert discovery_day(date(2026, 9, 29), today) == date(2026, 9, 29)
    with pytest.raises(RuleViolated) as refused:
        discovery_day(date(2026, 10, 10), today)
    assert refused.value.field == "discovered_on"
