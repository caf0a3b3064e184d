"""Reports assembled from the records: each objective against its target and the month before,
nonconformities raised, closed and open at the month's end (Shanghai's calendar), overdue
corrective actions, audits and findings by severity, versions approved; CSV with the same
numbers; months refused by name."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from chassis.errors import RuleViolated
from services.qms.domain.audits import Audit
from services.qms.domain.documents import Approval, Document, Version
from services.qms.domain.nonconformities import (
    Nonconformity,
    Origin,
    objective_breached,
    raised_by_person,
)
from services.qms.domain.objectives import SAME_DAY, Totals
from services.qms.domain.reports import (
    PACK_MONTHS_MAX,
    by_source,
    month_end,
    month_given,
    month_start,
    monthly_csv,
    monthly_report,
    months_between,
    overdue_actions,
    review_pack,
)

# 2026-11-30 17:00 UTC is already 1 December in Shanghai.
LAST_EVENING = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
MID_NOVEMBER = datetime(2026, 11, 15, 2, 0, tzinfo=UTC)
TOTALS: Totals = {(SAME_DAY, "2026-10"): (1, 2), (SAME_DAY, "2026-11"): (3, 4)}


def person(office: str | None = None) -> Origin:
    return raised_by_person(subject="QP-07", description="late", office=office, basis_code=None)


def raised(origin: Origin, at: datetime) -> Nonconformity:
    return Nonconformity.raise_(uuid.uuid4(), origin, "quality01", at)


def closed(origin: Origin, raised_at: datetime, closed_at: datetime) -> Nonconformity:
    nonconformity = raised(origin, raised_at)
    nonconformity.plan_action(
        "remind", "head03", raised_at.date(), by="q", at=raised_at, today=raised_at.date()
    )
    nonconformity.complete_action(1, "head03", closed_at)
    nonconformity.check_effectiveness(True, "none late since", "q", closed_at)
    return nonconformity


def audit(planned_on: date, office: str | None, *severities: str) -> Audit:
    planned = Audit.plan(
        uuid.uuid4(),
        title="grid supervision",
        process="supervision",
        office=office,
        planned_on=planned_on,
        auditors=("auditor01",),
        checklist=(("Are deadlines watched?", None),),
        by="quality01",
        at=MID_NOVEMBER,
    )
    for severity in severities:
        planned.record_finding(
            description="found",
            severity=severity,  # type: ignore[arg-type]
            checklist_item=None,
            by="quality01",
            at=MID_NOVEMBER,
            nonconformity_id=uuid.uuid4(),
        )
    return planned


def test_a_month_on_shanghai_s_calendar() -> None:
    assert month_start("2026-12") == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert month_end("2026-12") == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    assert month_given("month", "2026-11") == "2026-11"
    for bad in ("2026-13", "2026-00", "2026-1", "202611", "1999-12", "2101-01", "２０２６-11"):
        with pytest.raises(RuleViolated) as refused:
            month_given("month", bad)
        assert (refused.value.where, refused.value.field) == ("query", "month")


def test_a_span_of_months_is_ordered_and_bounded() -> None:
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months_between("2026-03", "2026-03") == ["2026-03"]
    for first, last in (("2026-04", "2026-03"), ("2020-01", "2023-01")):
        with pytest.raises(RuleViolated) as refused:
            months_between(first, last)
        assert refused.value.field == "to"
    assert len(months_between("2020-01", "2022-12")) == PACK_MONTHS_MAX


def test_each_objective_against_its_target_and_the_month_before() -> None:
    report = monthly_report("2026-11", None, TOTALS, [], [])
    (same_day,) = [line for line in report.objectives if line.code == SAME_DAY]
    assert (same_day.value, same_day.numerator, same_day.denominator) == (0.75, 3, 4)
    assert (same_day.status, same_day.previous_value, same_day.change) == ("breached", 0.5, 0.25)
    assert [m.period for m in same_day.series][-2:] == ["2026-10", "2026-11"]
    assert len(same_day.series) == 12
    # Nothing measured: nothing to fall short of, and no change to tell for a rate.
    nothing = {line.code: line for line in report.objectives if line.code != SAME_DAY}
    assert all(line.status == "met" for line in nothing.values())
    claims = nothing["supervision.claims_on_time"]
    assert (claims.value, claims.previous_value, claims.change) == (None, None, None)


def test_nonconformities_raised_closed_and_open_at_the_month_s_end() -> None:
    breach = objective_breached(
        objective_code=SAME_DAY,
        period="2026-10",
        office=None,
        value=0.5,
        target=0.9,
        event_id=None,
        event_type=None,
    )
    found = [
        raised(person(), datetime(2026, 10, 20, tzinfo=UTC)),  # open since October
        closed(person(), datetime(2026, 10, 20, tzinfo=UTC), MID_NOVEMBER),
        raised(breach, MID_NOVEMBER),
        raised(person(), LAST_EVENING),  # December in Shanghai
    ]
    counts = {c.name: c for c in by_source(found, month_start("2026-11"), month_end("2026-11"))}
    assert list(counts) == ["time_limit_rule", "quality_objective", "person", "audit_finding"]
    assert (counts["person"].raised, counts["person"].closed, counts["person"].open_at_end) == (
        0,
        1,
        1,
    )
    quality = counts["quality_objective"]
    assert (quality.raised, quality.closed, quality.open_at_end) == (1, 0, 1)
    report = monthly_report("2026-11", None, {}, found, [])
    total = report.nonconformities_total
    assert (total.raised, total.closed, total.open_at_end) == (1, 1, 2)

    text = monthly_csv(report.objectives, report.nonconformities)
    rows = list(csv.DictReader(io.StringIO(text)))
    lines = {r["name"]: r for r in rows if r["section"] == "nonconformities"}
    assert (lines["person"]["closed"], lines["total"]["open_at_end"]) == ("1", "2")
    assert len([r for r in rows if r["section"] == "objective"]) == len(report.objectives)


def test_an_office_s_report_counts_its_audits_held_in_the_month() -> None:
    programme = [
        audit(date(2026, 11, 3), "office-03", "major", "observation", "observation"),
        audit(date(2026, 11, 9), "office-07", "minor"),
        audit(date(2026, 12, 1), "office-03", "major"),
    ]
    report = monthly_report("2026-11", "office-03", {}, [], programme)
    (held,) = report.audits
    assert (held.office, held.planned_on) == ("office-03", date(2026, 11, 3))
    assert held.findings == {"major": 1, "minor": 0, "observation": 2}
    bureau = monthly_report("2026-11", None, {}, [], programme)
    assert bureau.findings == {"major": 1, "minor": 1, "observation": 2}


def test_a_corrective_action_past_its_due_day_and_not_done_is_overdue() -> None:
    late = raised(person("office-03"), MID_NOVEMBER)
    late.plan_action(
        "retrain", "head03", date(2026, 11, 20), by="q", at=MID_NOVEMBER, today=date(2026, 11, 15)
    )
    late.plan_action(
        "remind", "head03", date(2026, 11, 18), by="q", at=MID_NOVEMBER, today=date(2026, 11, 15)
    )
    late.complete_action(2, "head03", MID_NOVEMBER)
    done = closed(person(), MID_NOVEMBER, MID_NOVEMBER + timedelta(days=1))
    (overdue,) = overdue_actions([late, done], date(2026, 11, 21))
    assert (overdue.number, overdue.office, overdue.due) == (1, "office-03", date(2026, 11, 20))
    assert overdue_actions([late], date(2026, 11, 20)) == []


def test_the_review_pack_totals_the_span_against_the_target() -> None:
    approved = Approval("quality02", MID_NOVEMBER, date(2026, 11, 16))
    document = Document(
        uuid.uuid4(),
        "procedure",
        "QP-07",
        "投诉处理程序",
        "complaints-12315",
        None,
        "quality01",
        MID_NOVEMBER,
        [
            Version(1, "quality01", MID_NOVEMBER, None, approved),
            Version(2, "quality01", MID_NOVEMBER, "改", None),
        ],
    )
    found = [raised(person("office-03"), MID_NOVEMBER), raised(person(), LAST_EVENING)]
    pack = review_pack(
        ["2026-10", "2026-11"],
        TOTALS,
        found,
        [audit(date(2026, 10, 5), None, "minor")],
        [document],
        today=date(2026, 12, 2),
    )
    (same_day,) = [o for o in pack.objectives if o.code == SAME_DAY]
    assert (same_day.numerator, same_day.denominator, same_day.value) == (4, 6, 0.6667)
    assert (same_day.status, same_day.months_breached) == ("breached", 2)
    assert [m.value for m in same_day.series] == [0.5, 0.75]
    offices = {c.name: (c.raised, c.open_at_end) for c in pack.nonconformities_by_office}
    # Raised on 1 December in Shanghai: outside the span.
    assert offices == {"office-03": (1, 1), None: (0, 0)}
    assert pack.findings == {"major": 0, "minor": 1, "observation": 0}
    (change,) = pack.documents_changed
    assert (change.code, change.version, change.approver) == ("QP-07", 1, "quality02")
