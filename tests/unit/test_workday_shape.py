"""The working-day load test's shape: a day with the window's morning peak and the complaint
surge, ending (bench/workday_shape.py, free of Locust's gevent patching)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench import workday_shape
from bench.workday_shape import CITIZEN, CLERK, day_seconds, stage_at, tick

LENGTH = 240.0
ROOT = Path(__file__).resolve().parents[2]


def stages_through_the_day(step: float = 1.0) -> list[str]:
    """The stages one passes through, second by second, each named once."""
    seen: list[str] = []
    elapsed = 0.0
    while (stage := stage_at(elapsed, LENGTH)) is not None:
        if not seen or seen[-1] != stage.name:
            seen.append(stage.name)
        elapsed += step
    return seen


def test_the_day_runs_from_opening_to_closing_with_its_peaks_in_order() -> None:
    assert stages_through_the_day() == [
        "opening",
        "morning peak",
        "lunch",
        "news story surge",
        "afternoon",
        "closing",
    ]


def test_the_morning_peak_is_the_clerks_busiest_time_and_the_surge_the_citizens() -> None:
    ticks = {s.name: s for s in workday_shape.DAY}
    peak, surge, lunch = ticks["morning peak"], ticks["news story surge"], ticks["lunch"]
    assert peak.users > ticks["opening"].users and peak.users > lunch.users
    assert max(s.users * s.pace_of(CLERK) for s in workday_shape.DAY) == (
        peak.users * peak.pace_of(CLERK)
    )
    assert max(s.users * s.pace_of(CITIZEN) for s in workday_shape.DAY) == (
        surge.users * surge.pace_of(CITIZEN)
    )
    assert surge.pace_of(CITIZEN) >= 3 * ticks["afternoon"].pace_of(CITIZEN)


def test_locust_is_told_the_users_of_each_moment_and_none_once_the_day_is_over() -> None:
    answers = [tick(float(second), LENGTH) for second in range(int(LENGTH))]
    assert all(answer is not None and answer[0] > 0 and answer[1] > 0 for answer in answers)
    assert tick(LENGTH, LENGTH) is None
    assert tick(LENGTH + 30, LENGTH) is None


def test_the_day_lasts_workday_minutes() -> None:
    assert day_seconds({}) == 240.0
    assert day_seconds({"WORKDAY_MINUTES": "1.5"}) == 90.0
    with pytest.raises(ValueError, match="WORKDAY_MINUTES"):
        day_seconds({"WORKDAY_MINUTES": "0"})


def test_the_shape_module_does_not_patch_the_standard_library_for_gevent() -> None:
    check = "import sys, bench.workday_shape; print('gevent' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_locust_loads_the_locustfile_with_the_bureaus_users() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "locust"), "-f", "bench/workday.py", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listed = set(done.stdout.split())
    assert {"WindowClerk", "Citizen", "GridInspector", "EnforcementOfficer"} <= listed
