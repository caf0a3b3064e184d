"""The legal clocks of a ticket, from the chassis' legal clock (rules in rules.toml).

Interim Measures for Handling Market Regulation Complaints and Reports (2019, amended 2022):
accept or reject a complaint within 7 working days of receipt (art. 14); mediation ends after
45 working days without agreement and both parties are told within 7 (art. 21); a real-name
reporter is told within 5 working days of the decision whether to file (art. 31).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal

from chassis.legalclock import WorkdayCalendar, compute_deadline
from chassis.legalclock.deadlines import SHANGHAI

# The step of a ticket that starts a clock.
Step = Literal["received", "accepted", "mediation_ended", "filing_decided"]

# (kind, step) -> the rule whose clock that step starts.
RULE_OF_STEP: dict[tuple[str, Step], str] = {
    ("complaint", "received"): "complaints.accept",
    ("complaint", "accepted"): "complaints.mediation",
    ("complaint", "mediation_ended"): "complaints.mediation_notice",
    ("report", "filing_decided"): "complaints.tell_reporter",
}


@dataclass(frozen=True)
class LegalDeadline:
    """A deadline with the rule that sets it, its due day and its legal basis."""

    rule: str
    start: date
    due: date
    basis: str
    met_on: date | None = None

    @property
    def law(self) -> str:
        """The law or measures named by the basis (without the article)."""
        law, _, _ = self.basis.rpartition(" art. ")
        return law or self.basis

    @property
    def article(self) -> str:
        """The article the basis names (e.g. "art. 14")."""
        _, sep, number = self.basis.rpartition(" art. ")
        return f"art. {number}" if sep else ""

    def met(self, on: date) -> LegalDeadline:
        """The same deadline, kept on ``on`` (the first keeping counts)."""
        return self if self.met_on is not None else replace(self, met_on=on)


def shanghai_day(at: datetime) -> date:
    """The day in Asia/Shanghai of an aware instant (the day working days count from)."""
    return at.astimezone(SHANGHAI).date()


def deadline(rule: str, start: date, calendar: WorkdayCalendar | None = None) -> LegalDeadline:
    """The deadline of ``rule`` for a period starting on ``start`` (the day after counts first)."""
    computed = compute_deadline(rule, start, calendar=calendar)
    return LegalDeadline(
        rule=computed.rule_code, start=start, due=computed.due, basis=computed.basis
    )


def deadline_for(
    kind: str, step: Step, on: date, calendar: WorkdayCalendar | None = None
) -> LegalDeadline | None:
    """The deadline a ``step`` of a ticket of ``kind`` starts on day ``on``; None if none."""
    rule = RULE_OF_STEP.get((kind, step))
    return None if rule is None else deadline(rule, on, calendar)


def missed(deadlines: Iterable[LegalDeadline], today: date) -> list[LegalDeadline]:
    """The deadlines not kept by their due day: open ones past due, or ones kept late."""
    return [item for item in deadlines if (item.met_on or today) > item.due]
