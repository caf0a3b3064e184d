"""Working-day arithmetic under the default calendar, as the legal-clock tests write it."""

from __future__ import annotations

from datetime import date

from chassis.legalclock import default_calendar


def add_workdays(start: date, n: int) -> date:
    """The n-th working day after ``start`` under the default calendar (n = 0: ``start``)."""
    return default_calendar().add_workdays(start, n)


def workdays_between(a: date, b: date) -> int:
    """Working days after ``a`` up to and including ``b`` under the default calendar."""
    return default_calendar().workdays_between(a, b)
