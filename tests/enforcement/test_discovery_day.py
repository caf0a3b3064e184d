"""A transferred case source's verification runs from the day the transferring office
discovered the lead (SAMR Administrative Penalty Procedure Provisions art. 18), not from the
day the sub-bureau's queue received it: here across the 2026 National Day holiday (1-7 Oct
off, Sat 10 Oct a make-up working day), the transfer made on Fri 9 Oct at 16:00 Shanghai."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from contracts.complaints import ReportTransferred
from contracts.licensing import LicensingCaseSourceTransferred
from tests.conftest import handled
from tests.enforcement.conftest import Enforcement, new_credit_code

TRANSFERRED = datetime(2026, 10, 9, 8, 0, tzinfo=UTC)


def at_the_window(discovered_on: date | None) -> LicensingCaseSourceTransferred:
    return LicensingCaseSourceTransferred(
        case_source_id=uuid.uuid4(),
        credit_code=new_credit_code(),
        allegation="注册资本虚报",
        transferred_at=TRANSFERRED,
        transferred_by="clerk01",
        discovered_on=discovered_on,
    )


async def test_verification_is_due_15_working_days_after_the_discovery_day(
    enforcement: Enforcement,
) -> None:
    transfer = at_the_window(date(2026, 9, 29))
    first = await enforcement.receives(transfer, "licensing")
    source = await enforcement.case_source(transfer.case_source_id)
    # From Tue 29 Sep: 30 Sep, 8-10 Oct, 12-16 Oct, 19-23 Oct, Mon 26 Oct.
    assert (source["discovered_on"], source["verify_due"]) == ("2026-09-29", "2026-10-26")
    deadline = source["verify_deadline"]
    assert (deadline["rule_code"], deadline["start"]) == ("enforcement.verify", "2026-09-29")
    assert "SAMR Administrative Penalty Procedure Provisions art. 18" in deadline["basis"]

    # Delivered again, and re-sent with another day: the case source stays as it was.
    again = await enforcement.receives(transfer, "licensing")
    later = transfer.model_copy(update={"discovered_on": date(2026, 10, 8)})
    resent = await enforcement.receives(later, "licensing")
    await handled(enforcement.settings.database_url, first, again, resent)
    assert await enforcement.case_source(transfer.case_source_id) == source


async def test_a_transfer_without_a_discovery_day_counts_from_its_own_day(
    enforcement: Enforcement,
) -> None:
    transfer = at_the_window(None)
    await enforcement.receives(transfer, "licensing")
    source = await enforcement.case_source(transfer.case_source_id)
    # From Fri 9 Oct: Sat 10 Oct, 12-16 Oct, 19-23 Oct, 26-29 Oct.
    assert (source["discovered_on"], source["verify_due"]) == ("2026-10-09", "2026-10-29")


async def test_a_report_counts_from_the_day_the_bureau_received_it(
    enforcement: Enforcement,
) -> None:
    report = ReportTransferred(
        report_id=uuid.uuid4(),
        case_source_id=uuid.uuid4(),
        allegation="销售过期食品",
        office_code="office-02",
        transferred_at=TRANSFERRED,
        discovered_on=date(2026, 9, 30),
    )
    await enforcement.receives(report, "complaints")
    source = await enforcement.case_source(report.case_source_id)
    # From Wed 30 Sep: 8-10 Oct, 12-16 Oct, 19-23 Oct, 26-27 Oct.
    assert (source["discovered_on"], source["verify_due"]) == ("2026-09-30", "2026-10-27")
