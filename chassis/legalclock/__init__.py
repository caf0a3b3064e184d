"""The legal clock: working-day calendar and deadline rules held as data.

Every deadline of the platform is computed here from a rule (``rules.toml``) and the State
Council's holiday schedule (``calendar.json``). ``add_workdays`` and ``workdays_between`` are
a contract other packages rely on: keep their signatures.
"""

from __future__ import annotations

from datetime import date

from chassis.legalclock.deadlines import (
    Deadline,
    Interval,
    compute_deadline,
    is_overdue,
    merge_intervals,
    remaining_workdays,
    shanghai_today,
)
from chassis.legalclock.rules import (
    BUNDLED_RULES,
    RULES_ENV,
    DeadlineRule,
    RulesError,
    UnknownRuleError,
    default_rules,
    load_rules,
    read_rules_file,
    reload_rules,
    rule,
)
from chassis.legalclock.workdays import (
    BUNDLED_CALENDAR,
    CALENDAR_ENV,
    CalendarError,
    CalendarFile,
    WorkdayCalendar,
    default_calendar,
    load_calendar,
    load_default_calendar,
    read_calendar_file,
    reload_calendar,
    version_key,
)


def add_workdays(start: date, n: int) -> date:
    """The n-th working day after ``start`` under the default calendar (n = 0: ``start``)."""
    return default_calendar().add_workdays(start, n)


def workdays_between(a: date, b: date) -> int:
    """Working days after ``a`` up to and including ``b`` under the default calendar."""
    return default_calendar().workdays_between(a, b)


__all__ = [
    "BUNDLED_CALENDAR",
    "BUNDLED_RULES",
    "CALENDAR_ENV",
    "RULES_ENV",
    "CalendarError",
    "CalendarFile",
    "Deadline",
    "DeadlineRule",
    "Interval",
    "RulesError",
    "UnknownRuleError",
    "WorkdayCalendar",
    "add_workdays",
    "compute_deadline",
    "default_calendar",
    "default_rules",
    "is_overdue",
    "load_calendar",
    "load_default_calendar",
    "load_rules",
    "merge_intervals",
    "read_calendar_file",
    "read_rules_file",
    "reload_calendar",
    "reload_rules",
    "remaining_workdays",
    "rule",
    "shanghai_today",
    "version_key",
    "workdays_between",
]
