"""Verification runs from the day the transferring office discovered the lead or received the
materials, not from the day the transfer reached the sub-bureau (SAMR Administrative Penalty
Procedure Provisions art. 18), across the 2026 National Day holiday: 1-7 Oct off, Sat 10 Oct a
make-up working day."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from services.enforcement import domain
from services.enforcement.domain import CaseSource, Transfer

# Fri 9 Oct 2026, 16:00 in Shanghai: the office transfers; enforcement receives it on Monday.
TRANSFERRED = datetime(2026, 10, 9, 8, 0, tzinfo=UTC)
RECEIVED = datetime(2026, 10, 12, 1, 30, tzinfo=UTC)


def transfer(discovered_on: date | None) -> Transfer:
    return Transfer(
        id=uuid.uuid4(),
        source_department="licensing",
        credit_code=None,
        allegation="股东签名涉嫌伪造",
        evidence=(),
        office_id="office-01",
        transferred_by="clerk01",
        transferred_at=TRANSFERRED,
        discovered_on=discovered_on,
    )


def test_verification_runs_from_the_discovery_day_over_the_holiday() -> None:
    # From Tue 29 Sep: 30 Sep, 8-10 Oct (Sat 10 Oct works), 12-16 Oct, 19-23 Oct, Mon 26 Oct.
    source = CaseSource.receive(transfer(date(2026, 9, 29)), "office-01", 1, RECEIVED)
    assert source.discovered_on == date(2026, 9, 29)
    assert source.verify_due == date(2026, 10, 26)
    assert source.verify_deadline.start == date(2026, 9, 29)
    assert source.verify_deadline.rule_code == "enforcement.verify"
    assert "art. 18" in source.verify_deadline.basis


def test_without_a_discovery_day_it_runs_from_the_transfer_day_not_the_receipt() -> None:
    # From Fri 9 Oct: Sat 10 Oct, 12-16 Oct, 19-23 Oct, 26-29 Oct.
    source = CaseSource.receive(transfer(None), "office-01", 1, RECEIVED)
    assert (source.discovered_on, source.verify_due) == (date(2026, 10, 9), date(2026, 10, 29))


def test_a_discovery_day_after_the_transfer_counts_from_the_transfer() -> None:
    source = CaseSource.receive(transfer(date(2026, 10, 20)), "office-01", 1, RECEIVED)
    assert (source.discovered_on, source.verify_due) == (date(2026, 10, 9), date(2026, 10, 29))


def test_testing_and_extension_still_count_from_the_discovery_day() -> None:
    source = CaseSource.receive(transfer(date(2026, 9, 29)), "office-01", 1, RECEIVED)
    period = domain.TestingPeriod(date(2026, 10, 12), date(2026, 10, 14), "检测", "officer1")
    source.exclude_testing(period, RECEIVED)
    assert source.verify_due == date(2026, 10, 29)
    source.extend_verification("head", "复杂", "officer1", RECEIVED)
    assert source.verify_due == date(2026, 11, 19)
