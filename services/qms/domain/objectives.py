"""Quality objectives (质量目标, ISO 9001 §6.2) measured from the events, never typed in.

Each event turns into observations: for one objective, the month (Asia/Shanghai) of the fact's
own date, the office when every event of that objective names one, and what it adds to the
numerator and the denominator. A month's figure is the sum of its observations. The live
measurement (observations stored as each event is handled) and the recomputation from the
record of everything run the same `observe`, so they agree by construction.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from chassis.legalclock.deadlines import SHANGHAI
from contracts import Contract, Envelope
from contracts.complaints import (
    TicketAccepted,
    TicketDeadlineMissed,
    TicketFollowedUp,
    TicketRejected,
)
from contracts.enforcement import (
    CaseClosed,
    CaseFiled,
    CaseNotFiled,
    DeadlineMissed,
    DeadlineMissedV2,
    PenaltyDecided,
    PenaltyPublished,
)
from contracts.licensing import LicenceIssued
from contracts.supervision import ClaimOverdue, HouseholdAssigned

Kind = Literal["rate", "count", "average"]
Comparison = Literal["at_least", "at_most"]
Status = Literal["met", "breached"]
DATA = Path(__file__).parent.parent / "data"
TREND_MONTHS = 12
SAME_DAY = "licensing.same_day"
AFTER_HOURS = "licensing.after_hours"
CLAIMS_ON_TIME = "supervision.claims_on_time"
ACCEPTED_IN_TIME = "complaints.accepted_in_time"
LEADS_VERIFIED = "enforcement.leads_verified_in_time"
DECIDED_IN_90_DAYS = "enforcement.decided_in_90_days"
RETURN_VISITS = "enforcement.return_visits"
PUBLICITY_ON_TIME = "enforcement.publicity_on_time"
SATISFACTION = "complaints.satisfaction"
ACCEPT_RULE = "complaints.accept"


@dataclass(frozen=True)
class Objective:
    """One objective of the data file: what it measures and the target it must meet."""

    code: str
    title: str
    kind: Kind
    target: float
    comparison: Comparison

    def met_by(self, value: float | None) -> bool:
        """A month with nothing measured has nothing to fall short of."""
        if value is None:
            return True
        return value >= self.target if self.comparison == "at_least" else value <= self.target


@cache
def objectives() -> tuple[Objective, ...]:
    """The objectives of the data file (read once), in its order."""
    return objectives_from_toml((DATA / "objectives.toml").read_text(encoding="utf-8"))


def objectives_from_toml(text: str) -> tuple[Objective, ...]:
    """Read the list; every code listed once, every kind and comparison known."""
    items = tuple(
        Objective(o["code"], o["title"], o["kind"], float(o["target"]), o["comparison"])
        for o in tomllib.loads(text)["objective"]
    )
    codes = [objective.code for objective in items]
    if len(set(codes)) != len(codes):
        raise ValueError("an objective code is listed twice")
    for objective in items:
        if objective.kind not in ("rate", "count", "average"):
            raise ValueError(f"objective {objective.code}: unknown kind {objective.kind!r}")
        if objective.comparison not in ("at_least", "at_most"):
            raise ValueError(f"objective {objective.code}: unknown comparison")
    return items


@dataclass(frozen=True)
class Observation:
    """What one event adds to one objective's month (and office, when it names one)."""

    objective: str
    period: str
    office: str | None
    numerator: int
    denominator: int


def month_of(instant: datetime | date) -> str:
    """YYYY-MM of an instant as the bureau's calendar has it, or of a calendar day."""
    day = instant.astimezone(SHANGHAI).date() if isinstance(instant, datetime) else instant
    return f"{day.year:04d}-{day.month:02d}"


def months_up_to(period: str, count: int = TREND_MONTHS) -> list[str]:
    """The `count` months ending with `period`, oldest first."""
    year, month = (int(part) for part in period.split("-"))
    index = year * 12 + month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def _one(code: str, on: datetime | date, good: bool, office: str | None = None) -> Observation:
    return Observation(code, month_of(on), office, int(good), 1)


def _miss(code: str, due: date, office: str | None = None) -> Observation:
    return Observation(code, month_of(due), office, -1, 0)


def _licence_issued(event: LicenceIssued) -> list[Observation]:
    found = []
    if event.same_day is not None:
        found.append(_one(SAME_DAY, event.issued_at, event.same_day, event.office_code))
    if event.after_hours is not None:
        found.append(_one(AFTER_HOURS, event.issued_at, event.after_hours, event.office_code))
    return found


def _ticket_missed(event: TicketDeadlineMissed) -> list[Observation]:
    return [_miss(ACCEPTED_IN_TIME, event.due)] if event.rule == ACCEPT_RULE else []


def _followed_up(event: TicketFollowedUp) -> list[Observation]:
    period = month_of(event.followed_up_at)
    return [Observation(SATISFACTION, period, None, event.satisfaction, 1)]


def _case_filed(event: CaseFiled) -> list[Observation]:
    # A case filed without a case source (found in the act) had no lead to verify.
    return [] if event.case_source_id is None else [_one(LEADS_VERIFIED, event.filed_at, True)]


# The enforcement deadlines an objective counts the misses of (the others raise only a
# nonconformity).
_OBJECTIVE_OF_DEADLINE = {"verify": LEADS_VERIFIED, "decide": DECIDED_IN_90_DAYS}


def _case_deadline_missed(event: DeadlineMissed | DeadlineMissedV2) -> list[Observation]:
    objective = _OBJECTIVE_OF_DEADLINE.get(event.deadline)
    return [] if objective is None else [_miss(objective, event.due)]


def _penalty_decided(event: PenaltyDecided) -> list[Observation]:
    # An on-the-spot penalty is decided there and then: no 90 days to keep.
    general = event.procedure == "general"
    return [_one(DECIDED_IN_90_DAYS, event.decided_at, True)] if general else []


# What each event the objectives count adds to them.
_OBSERVERS: dict[type[Contract], Callable[[Any], list[Observation]]] = {
    LicenceIssued: _licence_issued,
    HouseholdAssigned: lambda e: [_one(CLAIMS_ON_TIME, e.claim_deadline, True, e.office_code)],
    ClaimOverdue: lambda e: [_miss(CLAIMS_ON_TIME, e.claim_deadline, e.office_code)],
    TicketAccepted: lambda e: [_one(ACCEPTED_IN_TIME, e.accepted_at, True)],
    TicketRejected: lambda e: [_one(ACCEPTED_IN_TIME, e.rejected_at, True)],
    TicketDeadlineMissed: _ticket_missed,
    TicketFollowedUp: _followed_up,
    CaseFiled: _case_filed,
    CaseNotFiled: lambda e: [_one(LEADS_VERIFIED, e.decided_at, True)],
    DeadlineMissed: _case_deadline_missed,
    DeadlineMissedV2: _case_deadline_missed,
    PenaltyDecided: _penalty_decided,
    PenaltyPublished: lambda e: [_one(PUBLICITY_ON_TIME, e.published_at, e.on_time)],
    CaseClosed: lambda e: [_one(RETURN_VISITS, e.closed_at, True)],
}
_COUNTED = {contract.routing_key(): contract for contract in _OBSERVERS}


def observe(envelope: Envelope) -> list[Observation]:
    """What one event on the bus adds to the objectives (nothing, for most events)."""
    contract = _COUNTED.get(envelope.routing_key)
    if contract is None:
        return []
    try:
        event = envelope.open_as(contract)
    except ValidationError:
        return []  # malformed: it measures nothing (the record of everything still keeps it)
    return _OBSERVERS[contract](event)


# (objective, period) → (numerator, denominator)
Totals = Mapping[tuple[str, str], tuple[int, int]]


def tally(observations: Iterable[Observation], office: str | None = None) -> Totals:
    """Sum observations by objective and month (of one office's only, when given)."""
    sums: dict[tuple[str, str], tuple[int, int]] = defaultdict(lambda: (0, 0))
    for seen in observations:
        if office is not None and seen.office != office:
            continue
        numerator, denominator = sums[seen.objective, seen.period]
        sums[seen.objective, seen.period] = (
            numerator + seen.numerator,
            denominator + seen.denominator,
        )
    return dict(sums)


@dataclass(frozen=True)
class Month:
    """One month of an objective's figure."""

    period: str
    value: float | None
    numerator: int
    denominator: int


@dataclass(frozen=True)
class Figure:
    """An objective's figure for a period, with its status and the 12 months up to it."""

    code: str
    title: str
    target: float
    value: float | None
    numerator: int
    denominator: int
    period: str
    status: Status
    trend: tuple[Month, ...]


def value_of(objective: Objective, numerator: int, denominator: int) -> float | None:
    """A count is its numerator; a rate or an average needs something to divide by."""
    if objective.kind == "count":
        return float(numerator)
    return None if denominator == 0 else round(numerator / denominator, 4)


def figure(objective: Objective, totals: Totals, period: str) -> Figure:
    """The objective's figure for `period` from the summed observations."""
    trend = tuple(
        Month(month, value_of(objective, *sums), *sums)
        for month, sums in (
            (month, totals.get((objective.code, month), (0, 0))) for month in months_up_to(period)
        )
    )
    current = trend[-1]
    return Figure(
        code=objective.code,
        title=objective.title,
        target=objective.target,
        value=current.value,
        numerator=current.numerator,
        denominator=current.denominator,
        period=period,
        status="met" if objective.met_by(current.value) else "breached",
        trend=trend,
    )


def figures(totals: Totals, period: str) -> list[Figure]:
    """Every objective's figure for `period`."""
    return [figure(objective, totals, period) for objective in objectives()]
