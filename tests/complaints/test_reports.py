"""A report goes to enforcement as a case source without its reporter, and enforcement's
decision whether to file starts the clock to tell a real-name reporter (art. 31)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from chassis.legalclock import default_calendar
from chassis.legalclock.deadlines import SHANGHAI
from contracts import Envelope
from contracts.enforcement import CaseFiled, CaseNotFiled
from tests.complaints.conftest import Complaints, new_credit_code
from tests.conftest import handled, publish, tapping

REPORTER = ("王芳", "13800138000", "11010519491231002X")


def told_by(decided_at: datetime) -> str:
    """The day a real-name reporter must be told by: 5 working days after the decision."""
    return default_calendar().add_workdays(decided_at.astimezone(SHANGHAI).date(), 5).isoformat()


async def transferred(complaints: Complaints, **changes: Any) -> tuple[dict[str, Any], str]:
    """A report accepted by the desk, and the case source enforcement got it as."""
    async with tapping(complaints.settings.bus_prefix, "complaints.report.#") as tap:
        received = await complaints.submit(**({"kinds": ["report"]} | changes))
        (report,) = [t for t in received["tickets"] if t["kind"] == "report"]
        accepted = await complaints.act(report["id"], "accept")
        await tap.wait_for("complaints.report.transferred")
    (envelope,) = [e for e in tap.envelopes if e["subject"] == report["id"]]
    return accepted, envelope["data"]["case_source_id"]


def filing_entries(ticket: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in ticket["history"] if e["action"] == "filing_decided"]


def tell_reporter(ticket: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in ticket["deadlines"] if d["rule"] == "complaints.tell_reporter"]


async def test_an_accepted_report_is_transferred_without_its_reporter(
    complaints: Complaints,
) -> None:
    code = str(new_credit_code())
    business = {"credit_code": code, "name": "老王超市"}
    async with tapping(complaints.settings.bus_prefix, "complaints.#") as tap:
        received = await complaints.submit(kinds=["complaint", "report"], business=business)
        complaint, report = received["tickets"]
        accepted = await complaints.act(report["id"], "accept")
        await tap.wait_for("complaints.report.transferred")
    assert accepted["status"] == "accepted"
    assert (await complaints.ticket(complaint["id"]))["status"] == "received"  # its own clock
    (envelope,) = tap.of_type("complaints.report.transferred")
    data = envelope["data"]
    assert (data["report_id"], data["credit_code"], data["office_code"]) == (
        report["id"],
        code,
        "office-01",
    )
    assert data["allegation"] == "买到过期牛奶，要求退款"
    uuid.UUID(data["case_source_id"])
    published = str(tap.envelopes)
    for secret in REPORTER:
        assert secret not in published
    assert "submitter" not in published


async def test_a_filed_case_starts_the_clock_to_tell_the_reporter(
    complaints: Complaints,
) -> None:
    report, case_source_id = await transferred(complaints)
    assert tell_reporter(report) == []
    filed = CaseFiled(
        case_id=uuid.uuid4(), case_source_id=uuid.UUID(case_source_id), filed_at=datetime.now(UTC)
    )
    await handled(
        complaints.settings.database_url,
        await complaints.receives(filed, "/services/enforcement"),
    )
    ticket = await complaints.ticket(report["id"])
    (deadline,) = tell_reporter(ticket)
    assert (deadline["due"], deadline["met_on"]) == (told_by(filed.filed_at), None)
    assert "art. 31" in deadline["basis"]
    (entry,) = filing_entries(ticket)
    assert (entry["by"], entry["details"]) == ("enforcement", {"filed": "yes"})
    assert datetime.fromisoformat(entry["at"]) == filed.filed_at
    # Telling the reporter keeps the deadline.
    replied = await complaints.act(report["id"], "reply", {"text": "已立案调查，感谢举报"})
    assert tell_reporter(replied)[0]["met_on"] is not None


async def test_an_anonymous_reporter_has_nobody_to_tell(complaints: Complaints) -> None:
    report, case_source_id = await transferred(complaints, submitter={"anonymous": True})
    filed = CaseFiled(
        case_id=uuid.uuid4(), case_source_id=uuid.UUID(case_source_id), filed_at=datetime.now(UTC)
    )
    await handled(
        complaints.settings.database_url,
        await complaints.receives(filed, "/services/enforcement"),
    )
    ticket = await complaints.ticket(report["id"])
    assert [e["details"] for e in filing_entries(ticket)] == [{"filed": "yes"}]
    assert tell_reporter(ticket) == []


async def test_a_case_not_filed_is_told_too(complaints: Complaints) -> None:
    report, case_source_id = await transferred(complaints)
    declined = CaseNotFiled(
        case_source_id=uuid.UUID(case_source_id),
        reasons=("违法事实不成立",),
        decided_at=datetime.now(UTC),
    )
    await handled(
        complaints.settings.database_url,
        await complaints.receives(declined, "/services/enforcement"),
    )
    ticket = await complaints.ticket(report["id"])
    assert [e["details"] for e in filing_entries(ticket)] == [{"filed": "no"}]
    (deadline,) = tell_reporter(ticket)
    assert deadline["due"] == told_by(declined.decided_at)


async def test_a_redelivered_decision_changes_nothing(complaints: Complaints) -> None:
    report, case_source_id = await transferred(complaints)
    filed = CaseFiled(
        case_id=uuid.uuid4(), case_source_id=uuid.UUID(case_source_id), filed_at=datetime.now(UTC)
    )
    envelope = Envelope.wrap(filed, source="/services/enforcement", sequence=1)
    await publish(complaints.settings.bus_prefix, envelope)
    await handled(complaints.settings.database_url, envelope.id)
    first = await complaints.ticket(report["id"])
    await publish(complaints.settings.bus_prefix, envelope)
    # The same decision sent again under a new envelope follows the redelivery on the same
    # subject, so once it is handled the redelivery has been too.
    again = await complaints.receives(filed, "/services/enforcement")
    await handled(complaints.settings.database_url, again)
    ticket = await complaints.ticket(report["id"])
    assert ticket == first
    assert len(filing_entries(ticket)) == 1 and len(tell_reporter(ticket)) == 1
