"""The legal clock: working-day calendar and deadline rules held as data.

Every deadline of the platform is computed here from a rule (``rules.toml``) and the State
Council's holiday schedule (``calendar.json``); working-day arithmetic is the calendar's own
(``default_calendar().add_workdays(...)``).
"""

from __future__ import annotations

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
]
