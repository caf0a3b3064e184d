"""The deadline watch's states across the 2026 National Day holiday (1-7 October off, Saturday
10 October worked): due soon counts working days, so the holiday gives no one more time."""

from __future__ import annotations

from datetime import date

from services.supervision.domain.deadlines import deadline_state, soon_horizon


def test_due_soon_counts_working_days_across_national_day() -> None:
    today = date(2026, 9, 30)
    # 8, 9 and 10 October are the next three working days; 12 October the fourth.
    assert deadline_state(date(2026, 10, 10), today, 3) == "due_soon"
    assert deadline_state(date(2026, 10, 12), today, 3) == "on_time"
    assert soon_horizon(today, 3) == date(2026, 10, 12)


def test_overdue_from_the_day_after_the_due_day() -> None:
    due = date(2026, 10, 30)
    assert deadline_state(due, date(2026, 10, 30), 3) == "due_soon"
    assert deadline_state(due, date(2026, 10, 31), 3) == "overdue"
    assert deadline_state(due, date(2026, 10, 28), 0) == "on_time"
