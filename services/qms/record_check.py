"""How far qms's record of everything verified: kept between its periodic checks, and shown to
Prometheus (an alert fires when the record stops verifying, or stops being checked)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import Gauge

from services.qms.domain.merkle import Frontier
from services.qms.domain.verification import Verdict

RECORD_VERIFIED = Gauge(
    "shijian_audit_log_verified",
    "1 when qms's record of everything verified at its last check, 0 when it did not.",
    ["service"],
)
RECORD_VERIFIED_AT = Gauge(
    "shijian_audit_log_verified_timestamp_seconds",
    "When qms's record of everything last verified (Unix time).",
    ["service"],
)
RECORD_VERIFIED_LEAVES = Gauge(
    "shijian_audit_log_verified_leaves",
    "Leaves of qms's record of everything verified at its last good check.",
    ["service"],
)


@dataclass
class RecordCheck:
    """The tree of the rows verified so far (None before the first check and after a failed
    one), and when a check last read every row (monotonic seconds)."""

    service: str
    verified: Frontier | None = None
    from_start_at: float | None = None

    def from_start_due(self, now: float, every_seconds: float) -> bool:
        """Whether the next check reads every row again."""
        return self.from_start_at is None or now - self.from_start_at >= every_seconds

    def record(self, verdict: Verdict, tree: Frontier, *, from_start: bool, now: float) -> None:
        """Keep what a check found, and show it."""
        if from_start:
            self.from_start_at = now
        self.verified = tree if verdict.verified else None
        RECORD_VERIFIED.labels(self.service).set(1 if verdict.verified else 0)
        if verdict.verified:
            RECORD_VERIFIED_AT.labels(self.service).set_to_current_time()
            RECORD_VERIFIED_LEAVES.labels(self.service).set(verdict.size)
