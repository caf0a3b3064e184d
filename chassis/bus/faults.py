"""Crash points: kill the process at a named point of the bus path, for fault tests."""

from __future__ import annotations

import os
import random
import signal

CRASH_POINTS = frozenset(
    {
        "relay.after_publish_before_mark",
        "consumer.before_commit",
        "consumer.after_commit_before_ack",
    }
)


class CrashPoints:
    """Kills the process with SIGKILL when it passes the configured point (with a probability)."""

    def __init__(self, point: str | None, probability: float = 1.0) -> None:
        if point is not None and point not in CRASH_POINTS:
            raise ValueError(f"unknown crash point {point!r}; one of {sorted(CRASH_POINTS)}")
        self.point = point
        self.probability = probability

    def reached(self, point: str) -> None:
        """Die here, as a power cut would, if `point` is the configured one."""
        if point == self.point and random.random() < self.probability:  # noqa: S311 - not crypto
            os.kill(os.getpid(), signal.SIGKILL)
