"""Computed deadlines: a rule applied to a start day, extensions and intervals that do not count.

Chinese law counts a period from the day after the event (the day of receipt or filing is not
counted). Days of an excluded interval (suspension, hearing, testing…) stop the clock; the
deadline records the rule, the calendar version and whether it is provisional.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chassis.legalclock.rules import DeadlineRule, Unit
from chassis.legalclock.rules import rule as lookup_rule
from chassis.legalclock.workdays import WorkdayCalendar, default_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai_today() -> date:
    """Today's date in Asia/Shanghai, the zone every working day is counted in."""
    return datetime.now(SHANGHAI).date()


class Interval(BaseModel):
    """Days (both ends inclusive) that do not count towards a deadline, of a named kind."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(min_length=1)
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if self.end < self.start:
            raise ValueError(
                f"interval {self.kind} ends ({self.end}) before it starts ({self.start})"
            )
        return self


class Deadline(BaseModel):
    """A computed deadline and everything needed to explain it later."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_code: str
    basis: str
    unit: Unit
    start: date
    due: date
    calendar_version: str
    provisional: bool
    extensions: int = 0
    extended_by: int = 0
    beyond_extension: str | None = None
    excluded_days: int = 0
    rolled_to_workday: bool = False


def merge_intervals(intervals: Sequence[Interval]) -> list[tuple[date, date]]:
    """Sorted, non-overlapping (start, end) spans covering the intervals (adjacent ones joined)."""
    merged: list[tuple[date, date]] = []
    for item in sorted(intervals, key=lambda i: (i.start, i.end)):
        if merged and item.start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], item.end))
        else:
            merged.append((item.start, item.end))
    return merged


def _extension_days(
    rule: DeadlineRule, extensions: int, beyond_length: int | None
) -> tuple[int, str | None]:
    if extensions < 0:
        raise ValueError(f"extensions must be >= 0, got {extensions}")
    if extensions == 0:
        return 0, None
    cap = rule.max_extensions
    if cap == 0:
        raise ValueError(f"rule {rule.code} allows no extension")
    if cap is not None and extensions > cap:
        raise ValueError(f"rule {rule.code} allows {cap} extension(s), got {extensions}")
    if beyond_length is not None and beyond_length < 1:
        raise ValueError(f"beyond_length must be >= 1, got {beyond_length}")
    further = extensions - 1
    # Past the approved extension the collective decision fixes its own length (SAMR
    # provisions: "同时确定延长的合理期限"); without one, each adds the usual extension.
    each_further = rule.extension_length if beyond_length is None else beyond_length
    total = rule.extension_length + further * each_further
    return total, (rule.beyond_extension if further else None)


def compute_deadline(
    rule: DeadlineRule | str,
    start: date,
    *,
    extensions: int = 0,
    excluded: Sequence[Interval] = (),
    calendar: WorkdayCalendar | None = None,
    beyond_length: int | None = None,
    undated_excluded_days: int = 0,
) -> Deadline:
    """The deadline of ``rule`` for a period that starts on ``start`` (counting the day after).

    ``undated_excluded_days`` are days that do not count whose dates are not known (an
    operator's "what if the hearing took N days"); each pushes the end by one day of the unit.
    """
    if isinstance(rule, str):
        rule = lookup_rule(rule)
    if isinstance(start, datetime):
        raise TypeError("pass a date (the day in Asia/Shanghai), not a datetime")
    cal = default_calendar() if calendar is None else calendar
    extended_by, beyond = _extension_days(rule, extensions, beyond_length)
    for interval in excluded:
        if interval.kind not in rule.excluded:
            allowed = ", ".join(rule.excluded) or "none"
            raise ValueError(
                f"rule {rule.code} does not exclude {interval.kind!r} intervals"
                f" (allowed: {allowed})"
            )
    if undated_excluded_days < 0:
        raise ValueError(f"excluded days must be >= 0, got {undated_excluded_days}")
    if undated_excluded_days and not rule.excluded:
        raise ValueError(f"rule {rule.code} has no time that does not count")
    stops = merge_intervals(excluded)
    by_workdays = rule.unit == "workdays"

    # Walk day by day: a day counts when it is of the rule's unit and no interval stops the
    # clock on it. Intervals only push the end later, so an interval that begins after the
    # first estimate of the end still counts once the end has moved past its start.
    target = rule.length + extended_by + undated_excluded_days
    day, counted, skipped, cursor = start, 0, 0, 0
    while counted < target:
        day += timedelta(days=1)
        if by_workdays and not cal.is_workday(day):
            continue
        while cursor < len(stops) and stops[cursor][1] < day:
            cursor += 1
        if cursor < len(stops) and stops[cursor][0] <= day:
            skipped += 1
            continue
        counted += 1

    due, rolled = day, False
    if not by_workdays:
        # A period whose last day is a day off ends on the next working day (期间届满的最后一日
        # 为法定节假日的，以节假日后的第一日为期间届满的日期; SAMR penalty procedure provisions).
        while not cal.is_workday(due):
            due += timedelta(days=1)
            rolled = True
    # A workday count depends on every day from start to due; a calendar-day count only on
    # whether its last day (and any day it rolled over) is a working day.
    provisional = not (cal.all_known(start, due) if by_workdays else cal.all_known(day, due))
    return Deadline(
        rule_code=rule.code,
        basis=rule.basis,
        unit=rule.unit,
        start=start,
        due=due,
        calendar_version=cal.version,
        provisional=provisional,
        extensions=extensions,
        extended_by=extended_by,
        beyond_extension=beyond,
        excluded_days=skipped + undated_excluded_days,
        rolled_to_workday=rolled,
    )


def remaining_workdays(
    deadline: Deadline, today: date | None = None, calendar: WorkdayCalendar | None = None
) -> int:
    """Working days left after ``today`` through the due day; negative once overdue.

    A day off just after the due day gives 0 although the deadline has passed: ask
    ``is_overdue`` whether it is late, this function how much time (or lateness) there is.
    """
    cal = default_calendar() if calendar is None else calendar
    today = shanghai_today() if today is None else today
    return cal.workdays_between(today, deadline.due) - cal.workdays_between(deadline.due, today)


def is_overdue(deadline: Deadline, today: date | None = None) -> bool:
    """Whether the due day has passed (the due day itself is still on time)."""
    today = shanghai_today() if today is None else today
    return today > deadline.due
