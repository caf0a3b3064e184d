"""Enforcement's rules without a database: legal clocks over the 2026 National Day holiday and
its make-up working days, the steps of a case, on-the-spot limits, the late-payment surcharge.

The 2026 schedule: Sun 20 Sep and Sat 10 Oct are working days (调休); Fri 25 Sep (Mid-Autumn)
and 1-7 Oct are days off.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from chassis.legalclock import Deadline, Interval
from services.enforcement import domain
from services.enforcement.domain import CaseStatus, CaseStepError, OnTheSpotLimits

LIMITS = OnTheSpotLimits()


def test_a_case_source_is_decided_within_15_working_days_over_the_holiday() -> None:
    # From Mon 21 Sep: 22-24 Sep, 28-30 Sep, 8-10 Oct (Sat 10 Oct works), 12-16 Oct, 19 Oct.
    deadline = domain.verify_deadline(date(2026, 9, 21))
    assert deadline.due == date(2026, 10, 19)
    assert deadline.rule_code == "enforcement.verify"
    assert "SAMR Administrative Penalty Procedure Provisions art. 18" in deadline.basis
    assert not deadline.provisional


def test_an_approved_extension_adds_15_working_days_once() -> None:
    extended = domain.verify_deadline(date(2026, 9, 21), extended=True)
    assert (extended.due, extended.extended_by) == (date(2026, 11, 9), 15)


def test_testing_time_does_not_count_towards_verification() -> None:
    testing = [Interval(kind="testing", start=date(2026, 9, 28), end=date(2026, 9, 30))]
    deadline = domain.verify_deadline(date(2026, 9, 21), testing=testing)
    assert (deadline.due, deadline.excluded_days) == (date(2026, 10, 22), 3)


def test_a_decision_is_due_90_calendar_days_after_filing() -> None:
    deadline = domain.decision_deadline(date(2026, 8, 1))
    assert deadline.due == date(2026, 10, 30)
    assert deadline.unit == "days"
    assert "Administrative Penalty Law art. 60" in deadline.basis


def test_a_decision_due_in_the_holiday_moves_to_the_next_working_day() -> None:
    deadline = domain.decision_deadline(date(2026, 7, 4))  # day 90 is Fri 2 Oct, a day off
    assert (deadline.due, deadline.rolled_to_workday) == (date(2026, 10, 8), True)


def test_a_suspension_stops_the_decision_clock_and_an_extension_adds_30_days() -> None:
    suspension = Interval(kind="suspension", start=date(2026, 8, 10), end=date(2026, 8, 19))
    stopped = domain.decision_deadline(date(2026, 8, 1), stopped=[suspension])
    assert (stopped.due, stopped.excluded_days) == (date(2026, 11, 9), 10)
    extended = domain.decision_deadline(date(2026, 8, 1), extensions=1)
    # 90 + 30 days ends on Sun 29 Nov: the next working day.
    assert extended.due == date(2026, 11, 30)


def test_beyond_the_extension_only_a_collective_decision_sets_the_time() -> None:
    collective = domain.decision_deadline(date(2026, 8, 1), extensions=2, collective_days=20)
    assert collective.extended_by == 50
    assert collective.beyond_extension == "collective_decision"
    with pytest.raises(ValueError, match="does not exclude"):
        domain.decision_deadline(
            date(2026, 8, 1),
            stopped=[Interval(kind="holiday", start=date(2026, 8, 2), end=date(2026, 8, 3))],
        )


def test_a_warning_is_not_published_and_other_penalties_are_within_20_working_days() -> None:
    assert domain.publicity_deadline(date(2026, 9, 28), ["warning"]) is None
    published = domain.publicity_deadline(date(2026, 9, 28), ["warning", "fine"])
    assert published is not None
    # 29, 30 Sep, 8-10 Oct, 12-16 Oct, 19-23 Oct, 26-30 Oct.
    assert published.due == date(2026, 10, 30)
    assert domain.withdrawal_deadline(date(2026, 9, 30)).due == date(2026, 10, 10)


@pytest.mark.parametrize(
    ("handlers", "refused"),
    [([], True), (["zhao"], True), (["zhao", "zhao"], True), (["zhao", "qian"], False)],
)
def test_every_case_has_two_different_handlers(handlers: list[str], refused: bool) -> None:
    assert (domain.handlers_problem(handlers) is not None) is refused


def test_no_investigation_record_before_the_supervision_notice() -> None:
    with pytest.raises(CaseStepError, match="supervision notice"):
        domain.next_status(CaseStatus.FILED, "investigation_record")
    with pytest.raises(CaseStepError):
        domain.next_status(CaseStatus.FILED, "decision")
    status = domain.next_status(CaseStatus.FILED, "notice")
    assert status is CaseStatus.INVESTIGATING
    assert domain.next_status(status, "investigation_record") is CaseStatus.INVESTIGATING
    decided = domain.next_status(status, "decision")
    assert decided is CaseStatus.DECIDED
    with pytest.raises(CaseStepError):
        domain.next_status(decided, "decision")
    with pytest.raises(CaseStepError):
        domain.next_status(decided, "investigation_record")
    assert domain.next_status(decided, "return_visit") is CaseStatus.CLOSED
    with pytest.raises(CaseStepError):
        domain.next_status(CaseStatus.CLOSED, "return_visit")


@pytest.mark.parametrize(
    ("party", "kind", "amount", "cash", "field"),
    [
        ("citizen", "fine", "200", False, None),
        ("citizen", "fine", "201", False, "penalty.amount"),
        ("citizen", "fine", "200.01", False, "penalty.amount"),
        ("organisation", "fine", "3000", False, None),
        ("organisation", "fine", "3000.01", False, "penalty.amount"),
        ("citizen", "fine", "100", True, None),
        ("citizen", "fine", "100.01", True, "collected_on_spot"),
        ("citizen", "fine", "0", False, "penalty.amount"),
        ("citizen", "fine", None, False, "penalty.amount"),
        ("organisation", "warning", None, False, None),
        ("organisation", "warning", "50", False, "penalty.amount"),
        ("citizen", "warning", None, True, "collected_on_spot"),
        ("citizen", "confiscation", None, False, "penalty.kind"),
    ],
)
def test_on_the_spot_penalties_stay_within_articles_51_and_68(
    party: domain.PartyKind, kind: str, amount: str | None, cash: bool, field: str | None
) -> None:
    money = None if amount is None else Decimal(amount)
    refusal = domain.on_the_spot_refusal(party, kind, money, cash, LIMITS)
    assert (refusal.field if refusal else None) == field


def test_the_on_the_spot_limits_are_settings() -> None:
    stricter = OnTheSpotLimits(citizen_fine_max=Decimal(50))
    refusal = domain.on_the_spot_refusal("citizen", "fine", Decimal(60), False, stricter)
    assert refusal is not None and "at most 50 CNY" in refusal.message


@pytest.mark.parametrize(
    ("paid_on", "surcharge"),
    [
        (date(2026, 10, 1), "0.00"),  # the due day itself
        (date(2026, 9, 20), "0.00"),  # early
        (date(2026, 10, 2), "37.50"),  # one day: 3% of 1,250
        (date(2026, 10, 11), "375.00"),  # ten days
        (date(2026, 11, 30), "1250.00"),  # capped at the fine
    ],
)
def test_late_payment_accrues_3_percent_a_day_capped_at_the_fine(
    paid_on: date, surcharge: str
) -> None:
    fine = Decimal("1250")
    assert domain.late_payment_surcharge(fine, date(2026, 10, 1), paid_on) == Decimal(surcharge)


def test_case_sources_go_to_the_section_of_their_office_area() -> None:
    assert [domain.section_for(area) for area in (1, 2, None, 3)] == [
        "section-1",
        "section-2",
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 10, 20), "overdue"),
        (date(2026, 10, 19), "due_soon"),
        (date(2026, 10, 14), "due_soon"),  # 15, 16 and 19 Oct left: three working days
        (date(2026, 10, 13), "on_time"),
    ],
)
def test_deadlines_are_overdue_due_soon_or_on_time(today: date, state: str) -> None:
    assert domain.deadline_state(date(2026, 10, 19), today, soon_days=3) == state


def test_due_soon_counts_working_days_across_the_holiday() -> None:
    # Ten calendar days before Fri 9 Oct, but only 30 Sep, 8 and 9 Oct are working days.
    assert domain.deadline_state(date(2026, 10, 9), date(2026, 9, 29), soon_days=3) == "due_soon"
    assert domain.deadline_state(date(2026, 10, 9), date(2026, 9, 28), soon_days=3) == "on_time"


def test_the_watch_lists_up_to_the_last_day_still_due_soon_across_the_holiday() -> None:
    # From Wed 30 Sep, 3 working days ahead are 8, 9 and Sat 10 Oct (a make-up day); Sun 11
    # Oct is still within them, Mon 12 Oct is the fourth working day: the first not listed.
    horizon = domain.soon_horizon(date(2026, 9, 30), soon_days=3)
    assert horizon == date(2026, 10, 12)
    for due in (date(2026, 10, 8), date(2026, 10, 10), date(2026, 10, 11)):
        assert domain.deadline_state(due, date(2026, 9, 30), soon_days=3) == "due_soon"
    assert domain.deadline_state(horizon, date(2026, 9, 30), soon_days=3) == "on_time"


@pytest.mark.parametrize(
    ("clock", "start", "due", "rule_code", "article"),
    [
        # 15 days from Wed 16 Sep end on Thu 1 Oct, a holiday: moved to Thu 8 Oct.
        (domain.payment_deadline, date(2026, 9, 16), date(2026, 10, 8), "payment", "art. 67"),
        # 7 working days from Fri 25 Sep: 28-30 Sep, 8-10 Oct (Sat 10 Oct works), 12 Oct.
        (domain.service_deadline, date(2026, 9, 25), date(2026, 10, 12), "serve", "art. 61"),
        # 5 working days from Tue 29 Sep: 30 Sep, 8, 9, 10 and 12 Oct.
        (
            domain.statement_deadline,
            date(2026, 9, 29),
            date(2026, 10, 12),
            "statement",
            "art. 44, 45",
        ),
        (
            domain.hearing_request_deadline,
            date(2026, 9, 29),
            date(2026, 10, 12),
            "hearing_request",
            "art. 63, 64",
        ),
        # 2 working days from Wed 30 Sep: Thu 8 and Fri 9 Oct.
        (
            domain.cash_handover_deadline,
            date(2026, 9, 30),
            date(2026, 10, 9),
            "cash_handover",
            "art. 71",
        ),
        # 30 days from Sat 5 Sep end on Mon 5 Oct, a holiday: moved to Thu 8 Oct.
        (
            domain.return_visit_deadline,
            date(2026, 9, 5),
            date(2026, 10, 8),
            "return_visit",
            "local",
        ),
        # 3 working days from Wed 30 Sep: 8, 9 and Sat 10 Oct (a make-up working day).
        (
            domain.withdrawal_deadline,
            date(2026, 9, 30),
            date(2026, 10, 10),
            "publicity_withdraw",
            "SAMR Order 45",
        ),
    ],
)
def test_each_clock_of_a_case_across_national_day(
    clock: Callable[[date], Deadline], start: date, due: date, rule_code: str, article: str
) -> None:
    deadline = clock(start)
    assert (deadline.due, deadline.rule_code) == (due, f"enforcement.{rule_code}")
    assert article in deadline.basis
    assert not deadline.provisional


@pytest.mark.parametrize(
    ("paid_on", "surcharge"),
    [(date(2026, 10, 8), "0.00"), (date(2026, 10, 9), "60.00"), (date(2026, 10, 12), "240.00")],
)
def test_a_fine_served_before_national_day_is_paid_on_time_after_it(
    paid_on: date, surcharge: str
) -> None:
    due = domain.payment_deadline(date(2026, 9, 16)).due
    assert domain.late_payment_surcharge(Decimal(2000), due, paid_on) == Decimal(surcharge)
