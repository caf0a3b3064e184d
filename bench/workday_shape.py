"""A working day of the bureau compressed into a few minutes: how many people are at work and
how busy each kind of user is at each moment (pure: no Locust, no I/O).

Kept apart from bench/workday.py because importing Locust patches the standard library for
gevent, which the unit tests' process must not get.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_MINUTES = 4.0
# Users started (or stopped) per second when the number of people at work changes.
SPAWN_RATE = 5.0
# The kinds of user, as the locustfile's classes call themselves.
CLERK, CITIZEN, INSPECTOR, OFFICER = "clerk", "citizen", "inspector", "officer"


@dataclass(frozen=True)
class Stage:
    """A part of the day: from `starts` (a fraction of the day) on, `users` at work, each kind
    `pace` times as busy as usual (1 when not named)."""

    name: str
    starts: float
    users: int
    pace: Mapping[str, float] = field(default_factory=dict)

    def pace_of(self, kind: str) -> float:
        """How busy `kind` is now, relative to an ordinary hour."""
        return self.pace.get(kind, 1.0)


# 08:30 to 17:30. The window opens with a queue (clerks twice as busy), empties over lunch; at
# 14:00 a news story about a food scandal brings citizens' complaints at six times the usual.
DAY: tuple[Stage, ...] = (
    Stage("opening", 0.00, 6),
    Stage("morning peak", 0.10, 20, {CLERK: 2.0}),
    Stage("lunch", 0.35, 6, {CLERK: 0.5, INSPECTOR: 0.5, OFFICER: 0.5}),
    Stage("news story surge", 0.50, 24, {CITIZEN: 6.0}),
    Stage("afternoon", 0.75, 14),
    Stage("closing", 0.92, 4, {CLERK: 0.5}),
)


def day_seconds(environ: Mapping[str, str] = os.environ) -> float:
    """How long the compressed day lasts: WORKDAY_MINUTES (default 4) in seconds."""
    minutes = float(environ.get("WORKDAY_MINUTES", DEFAULT_MINUTES))
    if not minutes > 0:
        raise ValueError(f"WORKDAY_MINUTES must be positive, got {minutes!r}")
    return minutes * 60


def stage_at(elapsed: float, length: float) -> Stage | None:
    """The stage `elapsed` seconds into a day of `length` seconds; None once the day is over."""
    if elapsed < 0 or elapsed >= length:
        return None
    fraction = elapsed / length
    return [stage for stage in DAY if stage.starts <= fraction][-1]


def tick(elapsed: float, length: float) -> tuple[int, float] | None:
    """Locust's LoadTestShape answer: (users, spawn rate), or None to end the test."""
    stage = stage_at(elapsed, length)
    return None if stage is None else (stage.users, SPAWN_RATE)
