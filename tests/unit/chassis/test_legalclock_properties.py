"""Property checks and edges of the legal clock: counting identities, the package, files, CLI."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from chassis.legalclock import (
    BUNDLED_CALENDAR,
    CALENDAR_ENV,
    RULES_ENV,
    Interval,
    RulesError,
    UnknownRuleError,
    WorkdayCalendar,
    compute_deadline,
    default_calendar,
    is_overdue,
    load_calendar,
    load_rules,
    merge_intervals,
    remaining_workdays,
    rule,
    version_key,
)
from chassis.legalclock.__main__ import main

FIRST = date(2003, 6, 1)  # a little before the first known year, to cover unknown years too
SPAN_DAYS = (date(2029, 12, 31) - FIRST).days


def _random_day(rng: random.Random) -> date:
    return FIRST + timedelta(days=rng.randrange(SPAN_DAYS))


def _naive_between(calendar: WorkdayCalendar, a: date, b: date) -> int:
    days = (a + timedelta(days=i) for i in range(1, (b - a).days + 1))
    return sum(1 for d in days if calendar.is_workday(d))


def test_workdays_between_inverts_add_workdays() -> None:
    calendar = default_calendar()
    rng = random.Random(20261001)
    for _ in range(500):
        start, n = _random_day(rng), rng.randrange(0, 300)
        end = calendar.add_workdays(start, n)
        assert calendar.workdays_between(start, end) == n
        assert n == 0 or calendar.is_workday(end)


def test_counting_by_bisection_matches_walking_day_by_day() -> None:
    calendar = default_calendar()
    rng = random.Random(4)
    for _ in range(300):
        a = _random_day(rng)
        b = a + timedelta(days=rng.randrange(-10, 400))
        assert calendar.workdays_between(a, b) == max(0, _naive_between(calendar, a, b))


def test_workdays_between_is_additive() -> None:
    calendar = default_calendar()
    rng = random.Random(7)
    for _ in range(200):
        a = _random_day(rng)
        b = a + timedelta(days=rng.randrange(0, 200))
        c = b + timedelta(days=rng.randrange(0, 200))
        total = calendar.workdays_between(a, c)
        assert total == calendar.workdays_between(a, b) + calendar.workdays_between(b, c)


def test_calendar_agrees_with_the_package_on_every_known_day() -> None:
    calendar = default_calendar()
    for year in sorted(calendar.known_years):
        day = date(year, 1, 1)
        while day.year == year:
            assert calendar.is_workday(day) == chinese_calendar.is_workday(day), day
            day += timedelta(days=1)


def test_known_years_follow_the_package() -> None:
    years = {d.year for d in chinese_calendar.holidays}
    assert default_calendar().known_years == frozenset(range(min(years), max(years) + 1))


def test_a_datetime_is_refused() -> None:
    with pytest.raises(TypeError, match="not a datetime"):
        default_calendar().add_workdays(datetime(2026, 10, 1, 9, 0), 1)
    with pytest.raises(TypeError, match="not a datetime"):
        compute_deadline("complaints.accept", datetime(2026, 10, 1, 9, 0))


def test_versions_order_as_numbers() -> None:
    assert version_key("2026.10") > version_key("2026.9") > version_key("2026.1")
    assert version_key("2027.1") > version_key("2026-11-04") > version_key("2026.1")
    with pytest.raises(ValueError, match="neither"):
        version_key("v2026")


def test_calendar_built_in_code_needs_dates_in_its_years() -> None:
    with pytest.raises(ValueError, match="outside the known years"):
        WorkdayCalendar(
            version="2026.1", known_years=frozenset({2026}), holidays=frozenset({date(2027, 1, 1)})
        )


def test_bundled_calendar_loads_directly() -> None:
    calendar = load_calendar(BUNDLED_CALENDAR)
    assert calendar.source == str(BUNDLED_CALENDAR)
    assert calendar.last_known_year == max(calendar.known_years)
    assert calendar.version.startswith(f"{calendar.last_known_year}.")


def test_merge_intervals_joins_overlapping_and_adjacent_spans() -> None:
    spans = merge_intervals(
        [
            Interval(kind="hearing", start=date(2026, 4, 6), end=date(2026, 4, 15)),
            Interval(kind="suspension", start=date(2026, 4, 1), end=date(2026, 4, 10)),
            Interval(kind="testing", start=date(2026, 4, 16), end=date(2026, 4, 20)),
            Interval(kind="testing", start=date(2026, 5, 1), end=date(2026, 5, 1)),
        ]
    )
    assert spans == [(date(2026, 4, 1), date(2026, 4, 20)), (date(2026, 5, 1), date(2026, 5, 1))]


def test_an_interval_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Interval(kind="testing", start=date(2026, 4, 2), end=date(2026, 4, 1))


def test_remaining_workdays_and_overdue() -> None:
    deadline = compute_deadline("enforcement.verify", date(2026, 9, 25))  # due 2026-10-22
    assert remaining_workdays(deadline, date(2026, 9, 25)) == 15
    assert remaining_workdays(deadline, date(2026, 10, 22)) == 0
    assert remaining_workdays(deadline, date(2026, 10, 26)) == -2
    assert not is_overdue(deadline, date(2026, 10, 22))
    assert is_overdue(deadline, date(2026, 10, 23))


def test_unknown_rule_is_a_clear_key_error() -> None:
    with pytest.raises(KeyError) as caught:
        rule("enforcement.nope")
    assert isinstance(caught.value, UnknownRuleError)
    assert "no deadline rule 'enforcement.nope'" in str(caught.value)
    assert "enforcement.decide" in str(caught.value)


SERVICE_RULES = """
[[rule]]
code = "qms.corrective_action"
title = "Close a nonconformity"
runs_from = "the nonconformity"
basis = "local setting"
unit = "workdays"
length = 20
"""

ADMIN_RULES = """
[[rule]]
code = "supervision.claim"
title = "Claim a household"
runs_from = "assignment"
basis = "local setting"
unit = "workdays"
length = 5
"""


def test_services_add_rules_and_the_administrator_overrides(tmp_path: Path) -> None:
    service = tmp_path / "service-rules.toml"
    service.write_text(SERVICE_RULES, encoding="utf-8")
    admin = tmp_path / "admin-rules.toml"
    admin.write_text(ADMIN_RULES, encoding="utf-8")
    rules = load_rules(service, environ={RULES_ENV: str(admin)})
    assert rules["qms.corrective_action"].length == 20
    assert rules["supervision.claim"].length == 5
    assert rules["enforcement.decide"].length == 90
    assert rule("qms.corrective_action", rules).unit == "workdays"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[rule]]\ncode = 'x.y'\n", r"bad-rules\.toml: rule #1 \(x\.y\)"),
        ("[[rule]\n", r"bad-rules\.toml: unreadable"),
        (SERVICE_RULES + SERVICE_RULES, r"bad-rules\.toml: rule qms\.corrective_action .*twice"),
        (
            SERVICE_RULES.replace("length = 20", "length = 20\nextension_length = 5"),
            r"bad-rules\.toml.*extension_approver",
        ),
    ],
)
def test_malformed_rules_fail_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "bad-rules.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        load_rules(environ={RULES_ENV: str(bad)})


def test_cli_show_calendar_and_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show-calendar"]) == 0
    shown = capsys.readouterr().out
    assert f"version  {default_calendar().version}" in shown
    years = sorted(default_calendar().known_years)
    assert f"{years[0]}–{years[-1]}" in shown
    assert main(["rules"]) == 0
    table = capsys.readouterr().out
    assert "enforcement.decide" in table
    assert "collective_decision" in table


def test_cli_seed_calendar_writes_the_same_file(tmp_path: Path) -> None:
    target = tmp_path / "calendar.json"
    assert main(["seed-calendar", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == BUNDLED_CALENDAR.read_text(encoding="utf-8")


def test_cli_reports_a_bad_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    monkeypatch.setenv(CALENDAR_ENV, str(bad))
    assert main(["show-calendar"]) == 2
    assert "bad.json" in capsys.readouterr().err


def test_cli_due_prints_the_payment_day_after_national_day(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["due", "enforcement.payment", "2026-09-16"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2026-10-08"
    assert "provisional  no" in lines
    assert any("Administrative Penalty Law art. 67" in line for line in lines)


def test_cli_due_with_an_extension_and_days_that_do_not_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 15 + 15 working days of verification, 3 more for testing, from Mon 21 Sep.
    assert (
        main(["due", "enforcement.verify", "2026-09-21", "--extended", "--excluded-days", "3"]) == 0
    )
    plain = compute_deadline("enforcement.verify", date(2026, 9, 21), extensions=1)
    assert (
        capsys.readouterr().out.splitlines()[0]
        == default_calendar().add_workdays(plain.due, 3).isoformat()
    )


def test_cli_due_marks_a_day_beyond_the_schedule_provisional(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["due", "registration.on_the_spot", "2027-12-30"]) == 0
    assert "provisional  yes" in capsys.readouterr().out.splitlines()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["due", "enforcement.nothing", "2026-09-16"], "no deadline rule"),
        (["due", "enforcement.payment", "2026-09-16", "--extended"], "allows no extension"),
        (["due", "enforcement.payment", "2026-09-16", "--excluded-days", "2"], "does not count"),
    ],
)
def test_cli_due_refuses_what_the_rule_does_not_allow(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err
