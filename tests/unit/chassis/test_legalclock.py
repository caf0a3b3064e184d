"""Acceptance criteria of the legal clock: official dates, deadlines, data files and rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from chassis.legalclock import (
    BUNDLED_CALENDAR,
    BUNDLED_RULES,
    CALENDAR_ENV,
    CalendarError,
    Interval,
    compute_deadline,
    default_calendar,
    load_default_calendar,
    read_rules_file,
    rule,
)
from chassis.legalclock.seed import build_calendar
from tests.workdays import add_workdays, workdays_between


@pytest.fixture
def fresh_calendar() -> Iterator[None]:
    """Drop the cached default calendar around a test that changes LEGALCLOCK_CALENDAR."""
    default_calendar.cache_clear()
    yield
    # Cleared, not reloaded: monkeypatch restores the environment only after this teardown.
    default_calendar.cache_clear()


def _bundled() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BUNDLED_CALENDAR.read_text(encoding="utf-8"))
    return data


# --- working days across Mid-Autumn and National Day 2026 --------------------------------


def test_fifteen_workdays_across_mid_autumn_and_national_day_2026() -> None:
    # 09-25..27 Mid-Autumn off, 10-01..07 off, Sat 10-10 worked: the official date is 10-22.
    assert add_workdays(date(2026, 9, 25), 15) == date(2026, 10, 22)
    assert workdays_between(date(2026, 9, 25), date(2026, 10, 22)) == 15


def test_makeup_weekend_days_are_working_days() -> None:
    calendar = default_calendar()
    assert calendar.is_workday(date(2026, 9, 20))  # Sunday, worked for National Day
    assert calendar.is_workday(date(2026, 10, 10))  # Saturday, worked for National Day
    assert not calendar.is_workday(date(2026, 10, 11))  # an ordinary Sunday
    assert not calendar.is_workday(date(2026, 9, 25))  # Mid-Autumn Festival, a Friday
    assert not calendar.is_workday(date(2026, 10, 5))  # National Day holiday, a Monday


def test_zero_workdays_is_the_start_and_nothing_counts_backwards() -> None:
    assert add_workdays(date(2026, 10, 3), 0) == date(2026, 10, 3)
    assert workdays_between(date(2026, 10, 22), date(2026, 9, 25)) == 0
    assert workdays_between(date(2026, 10, 22), date(2026, 10, 22)) == 0
    with pytest.raises(ValueError, match="n must be >= 0"):
        add_workdays(date(2026, 10, 3), -1)


def test_outside_known_years_monday_to_friday_work() -> None:
    calendar = default_calendar()
    assert not calendar.is_known(date(2028, 1, 3))
    assert calendar.is_workday(date(2028, 1, 3))  # a Monday; no holiday is known
    assert not calendar.is_workday(date(2028, 1, 1))  # a Saturday
    assert add_workdays(date(2028, 3, 1), 5) == date(2028, 3, 8)


# --- calendar-day deadlines: exclusions and extensions ------------------------------------

DECIDE_START = date(2026, 3, 3)  # filing; 90 days later is Mon 2026-06-01, a working day


def test_ninety_day_deadline_moves_by_exactly_the_suspension() -> None:
    decide = rule("enforcement.decide")
    plain = compute_deadline(decide, DECIDE_START)
    assert plain.due == date(2026, 6, 1)
    suspended = compute_deadline(
        decide,
        DECIDE_START,
        excluded=[Interval(kind="suspension", start=date(2026, 4, 1), end=date(2026, 4, 10))],
    )
    assert suspended.due - plain.due == timedelta(days=10)
    assert suspended.excluded_days == 10
    assert not suspended.rolled_to_workday


def test_overlapping_suspension_and_hearing_are_not_double_counted() -> None:
    deadline = compute_deadline(
        "enforcement.decide",
        DECIDE_START,
        excluded=[
            Interval(kind="suspension", start=date(2026, 4, 1), end=date(2026, 4, 10)),
            Interval(kind="hearing", start=date(2026, 4, 6), end=date(2026, 4, 15)),
        ],
    )
    # 04-01..04-15 is 15 days, not 10 + 10.
    assert deadline.excluded_days == 15
    assert deadline.due == date(2026, 6, 1) + timedelta(days=15)


def test_interval_outside_the_running_period_does_not_count() -> None:
    before = Interval(kind="testing", start=date(2026, 2, 1), end=date(2026, 3, 3))
    after = Interval(kind="testing", start=date(2026, 6, 2), end=date(2026, 6, 30))
    deadline = compute_deadline("enforcement.decide", DECIDE_START, excluded=[before, after])
    assert deadline.due == date(2026, 6, 1)
    assert deadline.excluded_days == 0


def test_extension_adds_thirty_days_and_is_recorded() -> None:
    plain = compute_deadline("enforcement.decide", DECIDE_START)
    extended = compute_deadline("enforcement.decide", DECIDE_START, extensions=1)
    assert extended.due - plain.due == timedelta(days=30)
    assert extended.extended_by == 30
    assert extended.extensions == 1
    assert extended.beyond_extension is None


def test_extension_beyond_the_first_needs_a_collective_decision() -> None:
    twice = compute_deadline("enforcement.decide", DECIDE_START, extensions=2)
    assert twice.beyond_extension == "collective_decision"
    assert twice.extended_by == 60
    fixed = compute_deadline("enforcement.decide", DECIDE_START, extensions=2, beyond_length=10)
    assert fixed.extended_by == 40
    with pytest.raises(ValueError, match="allows 1 extension"):
        compute_deadline("enforcement.verify", DECIDE_START, extensions=2)
    with pytest.raises(ValueError, match="allows no extension"):
        compute_deadline("complaints.accept", DECIDE_START, extensions=1)


def test_an_interval_of_a_kind_the_rule_does_not_exclude_is_refused() -> None:
    hearing = Interval(kind="hearing", start=date(2026, 4, 1), end=date(2026, 4, 2))
    with pytest.raises(ValueError, match="does not exclude 'hearing'"):
        compute_deadline("enforcement.verify", DECIDE_START, excluded=[hearing])


def test_calendar_day_period_ending_on_a_holiday_ends_on_the_next_working_day() -> None:
    # 2026-07-03 + 90 days is 2026-10-01, National Day: the period ends on Thu 10-08.
    deadline = compute_deadline("enforcement.decide", date(2026, 7, 3))
    assert deadline.due == date(2026, 10, 8)
    assert deadline.rolled_to_workday


def test_workday_deadline_skips_excluded_working_days() -> None:
    verify = rule("enforcement.verify")
    plain = compute_deadline(verify, date(2026, 9, 25))
    # Testing 10-09 (Fri) .. 10-13 (Tue): 10-09, 10-10 (make-up), 10-12, 10-13 are working days.
    tested = compute_deadline(
        verify,
        date(2026, 9, 25),
        excluded=[Interval(kind="testing", start=date(2026, 10, 9), end=date(2026, 10, 13))],
    )
    assert plain.due == date(2026, 10, 22)
    assert tested.excluded_days == 4
    assert tested.due == add_workdays(date(2026, 10, 22), 4)


# --- provisional deadlines -----------------------------------------------------------------


def test_deadline_in_a_year_without_published_schedule_is_provisional() -> None:
    assert compute_deadline("enforcement.verify", date(2028, 3, 1)).provisional
    assert compute_deadline("enforcement.decide", date(2028, 3, 1)).provisional


def test_deadline_wholly_inside_2026_is_final() -> None:
    deadline = compute_deadline("enforcement.verify", date(2026, 9, 25))
    assert not deadline.provisional
    assert deadline.calendar_version == default_calendar().version
    assert deadline.rule_code == "enforcement.verify"
    assert deadline.basis == rule("enforcement.verify").basis
    assert not compute_deadline("enforcement.decide", date(2026, 3, 3)).provisional


def test_deadline_whose_span_crosses_into_an_unknown_year_is_provisional() -> None:
    verify = compute_deadline("enforcement.verify", date(2026, 12, 20))
    assert verify.due.year == 2027
    assert verify.provisional
    decide = compute_deadline("enforcement.decide", date(2026, 11, 1))
    assert decide.due.year == 2027
    assert decide.provisional


# --- the calendar file ---------------------------------------------------------------------


def test_calendar_file_agrees_with_the_package_on_every_year_it_holds() -> None:
    # Compared year by year: a package release that adds a newly published year must not turn
    # CI red; it is picked up by re-seeding, and a year the package corrects does fail here.
    committed = json.loads(BUNDLED_CALENDAR.read_text(encoding="utf-8"))
    generated = build_calendar()
    command = "python -m chassis.legalclock seed-calendar"
    for year, schedule in committed["years"].items():
        assert generated["years"].get(year) == schedule, (
            f"{BUNDLED_CALENDAR} disagrees with the chinese-calendar package on {year}: "
            f"run `{command}`"
        )
    assert (
        BUNDLED_CALENDAR.read_text(encoding="utf-8")
        == json.dumps(committed, indent=2, ensure_ascii=False) + "\n"
    ), f"{BUNDLED_CALENDAR} is not in the generator's format: run `{command}`"


def test_override_with_a_later_version_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_calendar: None
) -> None:
    data = _bundled()
    data["version"] = "2027.1"
    data["last_year"] = 2027
    data["years"]["2027"] = {
        "holidays": {"2027-01-01": "New Year's Day"},
        "makeup_workdays": {},
    }
    override = tmp_path / "calendar-2027.json"
    override.write_text(json.dumps(data), encoding="utf-8")

    chosen = load_default_calendar({CALENDAR_ENV: str(override)})
    assert chosen.version == "2027.1"
    assert chosen.source == str(override)
    assert chosen.is_known(date(2027, 1, 1))
    assert not chosen.is_workday(date(2027, 1, 1))  # a Friday, now a known holiday

    monkeypatch.setenv(CALENDAR_ENV, str(override))
    default_calendar.cache_clear()
    assert default_calendar().version == "2027.1"
    assert add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert not compute_deadline("complaints.accept", date(2026, 12, 28)).provisional


def test_override_with_an_older_version_loses(tmp_path: Path) -> None:
    data = _bundled()
    data["version"] = "2025-11-04"
    override = tmp_path / "old.json"
    override.write_text(json.dumps(data), encoding="utf-8")
    assert load_default_calendar({CALENDAR_ENV: str(override)}).source == str(BUNDLED_CALENDAR)


def test_malformed_override_fails_naming_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken-calendar.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CalendarError, match=r"broken-calendar\.json"):
        load_default_calendar({CALENDAR_ENV: str(broken)})

    invalid = tmp_path / "invalid-calendar.json"
    data = _bundled()
    data["years"]["2026"]["makeup_workdays"]["2026-10-12"] = "National Day"  # a Monday
    invalid.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CalendarError, match=r"invalid-calendar\.json.*not a Saturday or Sunday"):
        load_default_calendar({CALENDAR_ENV: str(invalid)})

    with pytest.raises(CalendarError, match=r"missing-calendar\.json: not found"):
        load_default_calendar({CALENDAR_ENV: str(tmp_path / "missing-calendar.json")})


# --- the rules -----------------------------------------------------------------------------

# docs/domain.md, the legal rules: code → (unit, length, extension_length).
DOMAIN_TABLE = {
    "registration.on_the_spot": ("workdays", 3, 3),
    "licensing.joint_decision": ("workdays", 45, 15),
    "enforcement.verify": ("workdays", 15, 15),
    "enforcement.decide": ("days", 90, 30),
    "enforcement.publicity": ("workdays", 20, 0),
    "enforcement.publicity_withdraw": ("workdays", 3, 0),
    "complaints.accept": ("workdays", 7, 0),
    "complaints.mediation": ("workdays", 45, 0),
    "complaints.mediation_notice": ("workdays", 7, 0),
    "complaints.tell_reporter": ("workdays", 5, 0),
    "supervision.claim": ("workdays", 3, 0),
    "enforcement.statement": ("workdays", 5, 0),
    "enforcement.hearing_request": ("workdays", 5, 0),
    "enforcement.serve": ("workdays", 7, 0),
    "enforcement.payment": ("days", 15, 0),
    "enforcement.cash_handover": ("workdays", 2, 0),
    "enforcement.return_visit": ("days", 30, 0),
    "supervision.draw_results": ("workdays", 20, 0),
    "supervision.plan_a": ("days", 365, 0),
    "supervision.plan_b": ("days", 180, 0),
    "supervision.plan_c": ("days", 90, 0),
    "supervision.plan_d": ("days", 30, 0),
}


def test_every_rule_in_the_file_loads() -> None:
    rules = read_rules_file(BUNDLED_RULES)
    assert rules
    for code, loaded in rules.items():
        assert loaded.code == code
        assert loaded.basis


@pytest.mark.parametrize(("code", "expected"), sorted(DOMAIN_TABLE.items()))
def test_each_rule_of_the_domain_table_has_its_default(
    code: str, expected: tuple[str, int, int]
) -> None:
    loaded = read_rules_file(BUNDLED_RULES)[code]
    assert (loaded.unit, loaded.length, loaded.extension_length) == expected


def test_exclusions_and_approvals_of_the_enforcement_rules() -> None:
    rules = read_rules_file(BUNDLED_RULES)
    decide = rules["enforcement.decide"]
    assert set(decide.excluded) == {"suspension", "hearing", "testing"}
    assert decide.beyond_extension == "collective_decision"
    assert decide.extension_approver is not None
    assert rules["enforcement.verify"].excluded == ("testing",)
    assert rules["enforcement.verify"].beyond_extension is None
