"""Working-day calendar: the State Council's yearly holiday schedule, held as versioned data.

The running code reads only the JSON data file (never the ``chinese-calendar`` package), so an
administrator can publish next year's schedule without a release: point ``LEGALCLOCK_CALENDAR``
at a newer file; of the bundled file and that one, the later ``version`` wins.
"""

from __future__ import annotations

import json
import os
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

CALENDAR_ENV = "LEGALCLOCK_CALENDAR"
BUNDLED_CALENDAR = Path(__file__).with_name("data") / "calendar.json"
# "<last year>.<revision>" (what the generator writes) or the publication date "YYYY-MM-DD";
# both read as integer tuples, so "2027.1" > "2026.2" > "2026.1" and "2026-11-04" > "2026.1".
VERSION_PATTERN = r"^\d{4}(\.\d+|-\d{2}-\d{2})$"
_SATURDAY = 5


class CalendarError(ValueError):
    """A calendar file is missing, unreadable or invalid; the message names the file."""


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a calendar version ("2026.1" → (2026, 1), "2026-11-04" → (2026, 11, 4))."""
    if not re.fullmatch(VERSION_PATTERN, version):
        raise ValueError(f"calendar version {version!r} is neither YYYY.N nor YYYY-MM-DD")
    return tuple(int(part) for part in re.split(r"[.-]", version))


class YearSchedule(BaseModel):
    """One year of the schedule: official days off and the weekend days worked instead (调休)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    holidays: dict[date, str] = Field(default_factory=dict)
    makeup_workdays: dict[date, str] = Field(default_factory=dict)


class CalendarFile(BaseModel):
    """The calendar JSON file as stored; validated whenever it is read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Annotated[str, Field(pattern=VERSION_PATTERN)]
    source: str = ""
    note: str = ""
    first_year: int = Field(ge=1949, le=2999)
    last_year: int = Field(ge=1949, le=2999)
    years: dict[int, YearSchedule]

    @model_validator(mode="after")
    def _consistent(self) -> CalendarFile:
        if self.last_year < self.first_year:
            raise ValueError(f"last_year {self.last_year} is before first_year {self.first_year}")
        # Every covered year must be present, even one without entries: a year's presence is
        # what makes its deadlines final rather than provisional.
        expected = set(range(self.first_year, self.last_year + 1))
        if set(self.years) != expected:
            missing = sorted(expected - set(self.years))
            extra = sorted(set(self.years) - expected)
            raise ValueError(
                f"years must be exactly {self.first_year}..{self.last_year}"
                f" (missing {missing}, outside the range {extra})"
            )
        for year, schedule in self.years.items():
            for day in (*schedule.holidays, *schedule.makeup_workdays):
                if day.year != year:
                    raise ValueError(f"{day} is listed under year {year}")
            both = sorted(set(schedule.holidays) & set(schedule.makeup_workdays))
            if both:
                raise ValueError(f"{both[0]} is both a holiday and a make-up working day")
            for day in schedule.makeup_workdays:
                if day.weekday() < _SATURDAY:
                    raise ValueError(f"make-up working day {day} is not a Saturday or Sunday")
        return self


def _plain_date(value: date) -> date:
    # A datetime would silently compare unequal to the stored dates; and which calendar day a
    # timestamp falls on depends on the zone, which the caller must decide (Asia/Shanghai).
    if isinstance(value, datetime):
        raise TypeError("pass a date (the day in Asia/Shanghai), not a datetime")
    return value


def _weekdays_through(day: date) -> int:
    """Number of Mondays–Fridays from 0001-01-01 (a Monday) up to and including ``day``."""
    ordinal = day.toordinal()
    return 5 * (ordinal // 7) + min(ordinal % 7, 5)


@dataclass(frozen=True)
class WorkdayCalendar:
    """Working days under the State Council schedule; plain Monday–Friday outside known years."""

    version: str
    known_years: frozenset[int]
    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()
    source: str = ""
    # Sorted views for counting by bisection instead of walking every day of a long span.
    _weekday_holidays: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _makeups: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        version_key(self.version)
        for day in (*self.holidays, *self.makeup_workdays):
            if day.year not in self.known_years:
                raise ValueError(f"{day} lies outside the known years of calendar {self.version}")
        if self.holidays & self.makeup_workdays:
            raise ValueError("a day cannot be both a holiday and a make-up working day")
        weekday_holidays = sorted(d for d in self.holidays if d.weekday() < _SATURDAY)
        object.__setattr__(self, "_weekday_holidays", tuple(weekday_holidays))
        object.__setattr__(self, "_makeups", tuple(sorted(self.makeup_workdays)))

    @classmethod
    def from_file(cls, data: CalendarFile, source: str = "") -> WorkdayCalendar:
        """Build the calendar from a validated calendar file."""
        holidays: set[date] = set()
        makeups: set[date] = set()
        for schedule in data.years.values():
            holidays.update(schedule.holidays)
            makeups.update(schedule.makeup_workdays)
        return cls(
            version=data.version,
            known_years=frozenset(data.years),
            holidays=frozenset(holidays),
            makeup_workdays=frozenset(makeups),
            source=source,
        )

    @property
    def last_known_year(self) -> int | None:
        """The last year whose schedule is published, or None for an empty calendar."""
        return max(self.known_years, default=None)

    def is_known(self, d: date) -> bool:
        """Whether the schedule of ``d``'s year is published (else the day is provisional)."""
        return _plain_date(d).year in self.known_years

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day (make-up weekend days are; official holidays are not)."""
        d = _plain_date(d)
        if d in self.makeup_workdays:
            return True
        return d.weekday() < _SATURDAY and d not in self.holidays

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (n ≥ 0; n = 0 returns ``start`` itself)."""
        day = _plain_date(start)
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        remaining = n
        while remaining:
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b`` (0 when b <= a)."""
        a, b = _plain_date(a), _plain_date(b)
        if b <= a:
            return 0
        weekdays = _weekdays_through(b) - _weekdays_through(a)
        lost = bisect_right(self._weekday_holidays, b) - bisect_right(self._weekday_holidays, a)
        gained = bisect_right(self._makeups, b) - bisect_right(self._makeups, a)
        return weekdays - lost + gained

    def all_known(self, first: date, last: date) -> bool:
        """Whether every year from ``first`` through ``last`` has a published schedule."""
        return all(y in self.known_years for y in range(first.year, last.year + 1))


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in exc.errors()
    )


def read_calendar_file(path: Path | str) -> CalendarFile:
    """Read and validate one calendar JSON file; CalendarError names the file on any fault."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CalendarError(f"calendar file {path}: not found") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CalendarError(f"calendar file {path}: unreadable: {exc}") from exc
    try:
        return CalendarFile.model_validate(raw)
    except ValidationError as exc:
        raise CalendarError(f"calendar file {path}: invalid: {_describe(exc)}") from exc


def load_calendar(path: Path | str) -> WorkdayCalendar:
    """Load one calendar file (no override, no version comparison)."""
    return WorkdayCalendar.from_file(read_calendar_file(path), source=str(path))


def load_default_calendar(environ: Mapping[str, str] | None = None) -> WorkdayCalendar:
    """The bundled calendar, or the ``LEGALCLOCK_CALENDAR`` file when its version is not older."""
    env = os.environ if environ is None else environ
    override = env.get(CALENDAR_ENV, "").strip()
    if not override:
        return load_calendar(BUNDLED_CALENDAR)
    # A configured path that does not exist is an error, not a silent fallback: the
    # administrator meant a schedule to apply, and deadlines must not quietly ignore it.
    chosen = load_calendar(override)
    if not BUNDLED_CALENDAR.exists():
        return chosen
    bundled = load_calendar(BUNDLED_CALENDAR)
    # On equal versions the administrator's explicit file wins.
    if version_key(chosen.version) >= version_key(bundled.version):
        return chosen
    return bundled


@cache
def default_calendar() -> WorkdayCalendar:
    """The process-wide calendar, loaded once (see ``reload_calendar``)."""
    return load_default_calendar()


def reload_calendar() -> WorkdayCalendar:
    """Forget the cached calendar and load it again (after an administrator's update)."""
    default_calendar.cache_clear()
    return default_calendar()
