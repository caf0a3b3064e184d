"""The deadline watch's rules: when an open deadline is overdue or due soon (working days, the
bureau's calendar)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from chassis.legalclock.workdays import WorkdayCalendar, default_calendar

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
