"""The clock the use cases read: aware UTC instants, and the bureau's (Shanghai) calendar day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol

from chassis.legalclock.deadlines import SHANGHAI


class Clock(Protocol):
    """Where a use case learns what time it is (tests hand in a fixed one)."""

    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        ...

    def today(self) -> date:
        """The bureau's current calendar day (Asia/Shanghai)."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        return datetime.now(UTC)

    def today(self) -> date:
        """The bureau's current calendar day (Asia/Shanghai)."""
        return datetime.now(SHANGHAI).date()
