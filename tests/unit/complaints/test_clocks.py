"""Legal clocks across the 2026 National Day holiday and its make-up working days.

From chassis/legalclock/data/calendar.json (2026): holidays Fri 25 - Sun 27 Sep (Mid-autumn) and
Thu 1 - Wed 7 Oct (National Day); make-up working days Sun 20 Sep and Sat 10 Oct. A period
counts from the day after its start.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.complaints.domain.clocks import (
    LegalDeadline,
    deadline,
    deadline_for,
    missed,
    shanghai_day,
)


def test_accept_a_complaint_within_7_working_days_art_14() -> None:
    # Received Tue 29 Sep (01:00 in Shanghai, still 28 Sep in UTC): Wed 30 Sep = 1, (1-7 Oct
    # holiday), Thu 8 = 2, Fri 9 = 3, Sat 10 (make-up) = 4, Mon 12 = 5, Tue 13 = 6, Wed 14 = 7.
    received = datetime(2026, 9, 28, 17, 0, tzinfo=UTC)
    due = deadline_for("complaint", "received", shanghai_day(received))
    assert due is not None
    assert (due.rule, due.start, due.due) == (
        "complaints.accept",
        date(2026, 9, 29),
        date(2026, 10, 14),
    )
    assert due.article == "art. 14"
    assert due.law == "Interim Measures for Handling Complaints and Reports (2022)"


def test_mediation_ends_after_45_working_days_art_21() -> None:
    # Accepted Fri 18 Sep: Sun 20 (make-up) = 1, 21-24 Sep = 2-5, (25-27 Mid-autumn), 28-30 Sep
    # = 6-8, (1-7 Oct), 8-9 Oct = 9-10, Sat 10 = 11, 12-16 Oct = 12-16, 19-23 = 17-21,
    # 26-30 = 22-26, 2-6 Nov = 27-31, 9-13 = 32-36, 16-20 = 37-41, 23-26 Nov = 42-45.
    due = deadline_for("complaint", "accepted", date(2026, 9, 18))
    assert due is not None
    assert (due.rule, due.due, due.article) == (
        "complaints.mediation",
        date(2026, 11, 26),
        "art. 21",
    )


def test_both_parties_told_within_7_working_days_art_21() -> None:
    # Mediation ended Wed 30 Sep: 8 Oct = 1, 9 = 2, Sat 10 = 3, 12 = 4, 13 = 5, 14 = 6, 15 = 7.
    due = deadline_for("complaint", "mediation_ended", date(2026, 9, 30))
    assert due is not None
    assert (due.rule, due.due, due.article) == (
        "complaints.mediation_notice",
        date(2026, 10, 15),
        "art. 21",
    )


def test_real_name_reporter_told_within_5_working_days_art_31() -> None:
    # Decided Mon 28 Sep: 29 = 1, 30 = 2, (1-7 Oct), 8 = 3, 9 = 4, Sat 10 Oct (make-up) = 5.
    due = deadline_for("report", "filing_decided", date(2026, 9, 28))
    assert due is not None
    assert (due.rule, due.due, due.article) == (
        "complaints.tell_reporter",
        date(2026, 10, 10),
        "art. 31",
    )
    # Decided Fri 18 Sep: Sun 20 (make-up) = 1, 21 = 2, 22 = 3, 23 = 4, Thu 24 = 5.
    assert deadline("complaints.tell_reporter", date(2026, 9, 18)).due == date(2026, 9, 24)


def test_steps_without_a_clock() -> None:
    assert deadline_for("consultation", "received", date(2026, 9, 28)) is None
    assert deadline_for("report", "received", date(2026, 9, 28)) is None


def test_missed_open_past_due_and_kept_late_but_not_due_today_or_kept() -> None:
    def item(due: date, met_on: date | None = None) -> LegalDeadline:
        return LegalDeadline("complaints.accept", date(2026, 9, 29), due, "basis art. 14", met_on)

    today = date(2026, 10, 15)
    late_open = item(date(2026, 10, 14))
    due_today = item(today)
    kept = item(date(2026, 10, 14), met_on=date(2026, 10, 14))
    kept_late = item(date(2026, 10, 9), met_on=date(2026, 10, 12))
    assert missed([late_open, due_today, kept, kept_late], today) == [late_open, kept_late]
    assert kept.met(date(2026, 10, 20)) is kept
