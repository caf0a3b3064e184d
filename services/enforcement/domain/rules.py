"""Enforcement's pure rules: where a case source goes, the legal clocks of case sources, cases
and publicity, what an on-the-spot penalty may be, and the late-payment surcharge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from chassis.legalclock import (
    Deadline,
    Interval,
    WorkdayCalendar,
    compute_deadline,
    default_calendar,
)

# -- case sources --------------------------------------------------------------------------

# Each area's cases go to its linked section of the Fair Trade Enforcement sub-bureau.
SECTION_OF_AREA = {1: "section-1", 2: "section-2"}


def section_for(area: int | None) -> str | None:
    """The section that takes the cases of an office's area; None when the area is unknown
    (the case source then waits for the sub-bureau's head to route it)."""
    return None if area is None else SECTION_OF_AREA.get(area)


def verify_deadline(
    discovered_on: date,
    *,
    extended: bool = False,
    testing: Sequence[Interval] = (),
    calendar: WorkdayCalendar | None = None,
) -> Deadline:
    """Decide whether to file within 15 working days of the day the lead was discovered or the
    materials received, +15 once with approval, testing and appraisal time excluded (SAMR
    Administrative Penalty Procedure Provisions art. 18)."""
    return compute_deadline(
        "enforcement.verify",
        discovered_on,
        extensions=1 if extended else 0,
        excluded=testing,
        calendar=calendar,
    )


# -- cases ---------------------------------------------------------------------------------


def decision_deadline(
    filed_on: date,
    *,
    extensions: int = 0,
    collective_days: int | None = None,
    stopped: Sequence[Interval] = (),
    calendar: WorkdayCalendar | None = None,
) -> Deadline:
    """Decide within 90 days of filing, +30 with approval, beyond that as a recorded collective
    decision sets; suspensions, hearings and testing do not count (Administrative Penalty Law
    art. 60; SAMR provisions)."""
    return compute_deadline(
        "enforcement.decide",
        filed_on,
        extensions=extensions,
        excluded=stopped,
        beyond_length=collective_days,
        calendar=calendar,
    )


DecisionKind = Literal[
    "warning",
    "fine",
    "confiscation",
    "order_to_correct",
    "licence_suspension",
    "licence_revocation",
    "suspension_of_business",
]


def publicity_deadline(
    decided_on: date, kinds: Sequence[DecisionKind], calendar: WorkdayCalendar | None = None
) -> Deadline | None:
    """Publish a general-procedure penalty within 20 working days (SAMR Order 45); a warning
    alone is not published."""
    if set(kinds) <= {"warning"}:
        return None
    return compute_deadline("enforcement.publicity", decided_on, calendar=calendar)


def withdrawal_deadline(changed_on: date, calendar: WorkdayCalendar | None = None) -> Deadline:
    """Withdraw a published penalty within 3 working days of its change or annulment."""
    return compute_deadline("enforcement.publicity_withdraw", changed_on, calendar=calendar)


DeadlineState = Literal["overdue", "due_soon", "on_time"]


def deadline_state(
    due: date, today: date, soon_days: int, calendar: WorkdayCalendar | None = None
) -> DeadlineState:
    """Overdue once `today` is past the due day; due soon when at most `soon_days` working
    days are left before it (a weekend or holiday between gives no one more time to act)."""
    if today > due:
        return "overdue"
    cal = default_calendar() if calendar is None else calendar
    if cal.workdays_between(today, due) <= soon_days:
        return "due_soon"
    return "on_time"


def soon_horizon(today: date, soon_days: int, calendar: WorkdayCalendar | None = None) -> date:
    """The first day that is no longer due soon from `today`: the working day after the
    `soon_days` working days ahead (a deadline before it is overdue or due soon)."""
    cal = default_calendar() if calendar is None else calendar
    return cal.add_workdays(today, soon_days + 1)


# -- before and after the decision --------------------------------------------------------


def statement_deadline(notice_served_on: date, calendar: WorkdayCalendar | None = None) -> Deadline:
    """The party states its case and defends itself within 5 working days of receiving the
    notice of the intended penalty; no decision before that period has run (art. 44, 45)."""
    return compute_deadline("enforcement.statement", notice_served_on, calendar=calendar)


def hearing_request_deadline(
    notice_served_on: date, calendar: WorkdayCalendar | None = None
) -> Deadline:
    """A hearing is asked for within 5 working days of the notice (art. 64, days per art. 85)."""
    return compute_deadline("enforcement.hearing_request", notice_served_on, calendar=calendar)


def service_deadline(decided_on: date, calendar: WorkdayCalendar | None = None) -> Deadline:
    """The decision is served on the party within 7 working days (art. 61, art. 85)."""
    return compute_deadline("enforcement.serve", decided_on, calendar=calendar)


def payment_deadline(served_on: date, calendar: WorkdayCalendar | None = None) -> Deadline:
    """The fine is paid within 15 days of the party receiving the decision; a last day off
    moves to the next working day (art. 67)."""
    return compute_deadline("enforcement.payment", served_on, calendar=calendar)


def return_visit_deadline(decided_on: date, calendar: WorkdayCalendar | None = None) -> Deadline:
    """The return visit (案件回访) follows the decision within the bureau's set days."""
    return compute_deadline("enforcement.return_visit", decided_on, calendar=calendar)


def cash_handover_deadline(collected_on: date, calendar: WorkdayCalendar | None = None) -> Deadline:
    """Cash collected on the spot reaches the designated bank within 2 working days (art. 71)."""
    return compute_deadline("enforcement.cash_handover", collected_on, calendar=calendar)


# -- penalties -----------------------------------------------------------------------------

CENT = Decimal("0.01")


def late_payment_surcharge(
    fine: Decimal, due: date, today: date, daily_rate: Decimal = Decimal("0.03")
) -> Decimal:
    """加处罚款: 3% of the fine for each day past its due day, never more than the fine
    (Administrative Penalty Law art. 72)."""
    days_late = max((today - due).days, 0)
    return min(fine * daily_rate * days_late, fine).quantize(CENT, rounding=ROUND_HALF_UP)


PartyKind = Literal["citizen", "organisation"]


@dataclass(frozen=True)
class OnTheSpotLimits:
    """The simple procedure's limits (Administrative Penalty Law art. 51 and 68), settings."""

    citizen_fine_max: Decimal = Decimal(200)
    organisation_fine_max: Decimal = Decimal(3000)
    cash_max: Decimal = Decimal(100)


@dataclass(frozen=True)
class Refusal:
    """Why a request cannot be granted, naming the field at fault."""

    field: str
    message: str


def on_the_spot_refusal(
    party: PartyKind,
    kind: str,
    amount: Decimal | None,
    collected_on_spot: bool,
    limits: OnTheSpotLimits,
) -> Refusal | None:
    """Why an on-the-spot penalty may not be imposed as asked, or None when it may."""
    if kind == "warning":
        return _warning_refusal(amount, collected_on_spot)
    if kind == "fine":
        return _fine_refusal(party, amount, collected_on_spot, limits)
    return Refusal(
        "penalty.kind",
        "only a warning or a fine may be imposed on the spot; transfer the case for the general"
        " procedure",
    )


def _warning_refusal(amount: Decimal | None, collected_on_spot: bool) -> Refusal | None:
    if amount is not None:
        return Refusal("penalty.amount", "a warning carries no amount")
    if collected_on_spot:
        return Refusal("collected_on_spot", "a warning collects nothing")
    return None


def _fine_refusal(
    party: PartyKind, amount: Decimal | None, collected_on_spot: bool, limits: OnTheSpotLimits
) -> Refusal | None:
    if amount is None or amount <= 0:
        return Refusal("penalty.amount", "a fine needs an amount above zero")
    cap = limits.citizen_fine_max if party == "citizen" else limits.organisation_fine_max
    if amount > cap:
        return Refusal(
            "penalty.amount",
            f"an on-the-spot fine on a {party} is at most {cap} CNY (Administrative Penalty Law"
            " art. 51); transfer the case for the general procedure",
        )
    if collected_on_spot and amount > limits.cash_max:
        return Refusal(
            "collected_on_spot",
            f"cash is collected on the spot only up to {limits.cash_max} CNY (Administrative"
            " Penalty Law art. 68); the party pays at the bank",
        )
    return None
