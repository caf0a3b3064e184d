"""Reports computed from the quality system's records, never stored: the monthly work report
of the bureau or one office (objectives against target and the month before, nonconformities,
audits) and the management review pack over a span of months (ISO 9001 §9.3 inputs).

The objectives' figures come from `objectives.figures` and `objectives.value_of` over the
stored totals, so a report shows the same numbers as GET /objectives.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import get_args

from chassis.errors import RuleViolated
from chassis.legalclock.deadlines import SHANGHAI
from services.qms.domain.audits import Audit, Severity
from services.qms.domain.documents import Document
from services.qms.domain.nonconformities import Nonconformity, Source
from services.qms.domain.objectives import (
    Month,
    Status,
    Totals,
    figures,
    objectives,
    value_of,
)

SOURCES: tuple[Source, ...] = get_args(Source)
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
# A review pack covers at most three years of months: enough for any review, and bounded.
PACK_MONTHS_MAX = 36
YEARS = (2000, 2100)
CSV_HEADER = (
    "section",
    "name",
    "value",
    "numerator",
    "denominator",
    "target",
    "status",
    "previous_value",
    "change",
    "raised",
    "closed",
    "open_at_end",
)


def month_given(field: str, text: str) -> str:
    """`text` if it is a month YYYY-MM of the years the bureau reports on; RuleViolated naming
    query.`field` otherwise."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", text) or not (
        1 <= int(text[5:]) <= 12 and YEARS[0] <= int(text[:4]) <= YEARS[1]
    ):
        message = f"{field} is a month YYYY-MM of the years {YEARS[0]}..{YEARS[1]}"
        raise RuleViolated(field, message, "month", "query")
    return text


def _index(month: str) -> int:
    year, number = (int(part) for part in month.split("-"))
    return year * 12 + number - 1


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """The months from `first` to `last`, both included, oldest first; RuleViolated (query.to)
    when `last` is before `first` or the span is longer than PACK_MONTHS_MAX."""
    start, end = _index(first), _index(last)
    if end < start:
        raise RuleViolated("to", "to is the same month as from or later", "range", "query")
    if end - start + 1 > PACK_MONTHS_MAX:
        raise RuleViolated(
            "to", f"a pack covers at most {PACK_MONTHS_MAX} months", "range", "query"
        )
    return [_month(index) for index in range(start, end + 1)]


def month_start(month: str) -> datetime:
    """The instant the month begins on the bureau's calendar (Asia/Shanghai)."""
    year, number = (int(part) for part in month.split("-"))
    return datetime(year, number, 1, tzinfo=SHANGHAI)


def month_end(month: str) -> datetime:
    """The instant the month ends: the next month's start."""
    return month_start(_month(_index(month) + 1))


@dataclass(frozen=True)
class ObjectiveLine:
    """An objective in the monthly report: the month's figure against its target, the month
    before and the change since, and the 12 months up to it (a chart's series)."""

    code: str
    title: str
    target: float
    value: float | None
    numerator: int
    denominator: int
    status: Status
    previous_value: float | None
    change: float | None
    series: tuple[Month, ...]


def objective_lines(totals: Totals, month: str) -> list[ObjectiveLine]:
    """Every objective's line for `month`, from totals covering the 12 months up to it."""
    lines = []
    for found in figures(totals, month):
        previous = found.trend[-2].value
        change = None
        if found.value is not None and previous is not None:
            change = round(found.value - previous, 4)
        lines.append(
            ObjectiveLine(
                found.code,
                found.title,
                found.target,
                found.value,
                found.numerator,
                found.denominator,
                found.status,
                previous,
                change,
                found.trend,
            )
        )
    return lines


@dataclass(frozen=True)
class ObjectiveOverPeriod:
    """An objective over a span of months: each month's figure, and the span's total (its
    numerators and denominators summed) against the target."""

    code: str
    title: str
    target: float
    value: float | None
    numerator: int
    denominator: int
    status: Status
    months_breached: int
    series: tuple[Month, ...]


def objectives_over(totals: Totals, months: Sequence[str]) -> list[ObjectiveOverPeriod]:
    """Every objective over `months`."""
    found = []
    for objective in objectives():
        series = tuple(
            Month(month, value_of(objective, *sums), *sums)
            for month, sums in ((m, totals.get((objective.code, m), (0, 0))) for m in months)
        )
        numerator = sum(month.numerator for month in series)
        denominator = sum(month.denominator for month in series)
        value = value_of(objective, numerator, denominator)
        found.append(
            ObjectiveOverPeriod(
                objective.code,
                objective.title,
                objective.target,
                value,
                numerator,
                denominator,
                "met" if objective.met_by(value) else "breached",
                sum(not objective.met_by(month.value) for month in series),
                series,
            )
        )
    return found


@dataclass(frozen=True)
class NonconformityCount:
    """Nonconformities of one kind (a source, an office): raised and closed between the start
    and the end, and open at the end."""

    name: str | None
    raised: int
    closed: int
    open_at_end: int


def _within(instant: datetime | None, start: datetime, end: datetime) -> bool:
    return instant is not None and start <= instant < end


def _open_at(nonconformity: Nonconformity, end: datetime) -> bool:
    closed = nonconformity.closed_at
    return nonconformity.raised_at < end and (closed is None or closed >= end)


def nonconformity_counts(
    found: Iterable[Nonconformity],
    start: datetime,
    end: datetime,
    by: Callable[[Nonconformity], str | None],
    names: Iterable[str | None] = (),
) -> list[NonconformityCount]:
    """Counts by `by` (every one of `names` listed, even at nought; others in order met)."""
    raised: Counter[str | None] = Counter()
    closed: Counter[str | None] = Counter()
    open_: Counter[str | None] = Counter()
    order = list(dict.fromkeys(names))
    for nonconformity in found:
        name = by(nonconformity)
        if name not in order:
            order.append(name)
        raised[name] += _within(nonconformity.raised_at, start, end)
        closed[name] += _within(nonconformity.closed_at, start, end)
        open_[name] += _open_at(nonconformity, end)
    return [NonconformityCount(name, raised[name], closed[name], open_[name]) for name in order]


def by_source(
    found: Sequence[Nonconformity], start: datetime, end: datetime
) -> list[NonconformityCount]:
    """Counts by source, every source listed."""
    return nonconformity_counts(found, start, end, lambda n: n.source, SOURCES)


def total(counts: Iterable[NonconformityCount]) -> NonconformityCount:
    """The counts added up."""
    listed = list(counts)
    return NonconformityCount(
        None,
        sum(c.raised for c in listed),
        sum(c.closed for c in listed),
        sum(c.open_at_end for c in listed),
    )


@dataclass(frozen=True)
class OverdueAction:
    """A corrective action not done by its due day."""

    nonconformity_id: str
    office: str | None
    number: int
    description: str
    owner: str
    due: date


def overdue_actions(found: Iterable[Nonconformity], today: date) -> list[OverdueAction]:
    """The corrective actions not done whose due day is before `today`, earliest due first."""
    late = [
        OverdueAction(str(n.id), n.office, a.number, a.description, a.owner, a.due)
        for n in found
        if n.status != "closed"
        for a in n.actions
        if not a.done and a.due < today
    ]
    return sorted(late, key=lambda action: (action.due, action.nonconformity_id, action.number))


@dataclass(frozen=True)
class AuditHeld:
    """An audit held (planned) in the period and its findings by severity."""

    id: str
    title: str
    process: str | None
    office: str | None
    planned_on: date
    findings: dict[str, int]


def audits_held(found: Iterable[Audit]) -> list[AuditHeld]:
    """The audits with their findings by severity, by planned day."""
    return [
        AuditHeld(
            str(audit.id),
            audit.title,
            audit.process,
            audit.office,
            audit.planned_on,
            findings_by_severity([audit]),
        )
        for audit in sorted(found, key=lambda a: a.planned_on)
    ]


def findings_by_severity(found: Iterable[Audit]) -> dict[str, int]:
    """How many findings of each severity the audits recorded (every severity named)."""
    counted = Counter(finding.severity for audit in found for finding in audit.findings)
    return {severity: counted[severity] for severity in SEVERITIES}


@dataclass(frozen=True)
class DocumentChange:
    """A version of a controlled document approved in the period."""

    document_id: str
    code: str
    title: str
    process: str
    version: int
    change_note: str | None
    approver: str
    approved_at: datetime
    effective_date: date


def documents_changed(
    found: Iterable[Document], start: datetime, end: datetime
) -> list[DocumentChange]:
    """The versions approved between `start` and `end`, in the order they were approved."""
    changed = [
        DocumentChange(
            str(document.id),
            document.code,
            document.title,
            document.process,
            version.number,
            version.change_note,
            version.approval.approver,
            version.approval.approved_at,
            version.approval.effective_date,
        )
        for document in found
        for version in document.versions
        if version.approval is not None and _within(version.approval.approved_at, start, end)
    ]
    return sorted(changed, key=lambda change: (change.approved_at, change.code))


@dataclass(frozen=True)
class MonthlyReport:
    """The monthly work report of the bureau (office None) or one office."""

    month: str
    office: str | None
    objectives: list[ObjectiveLine]
    nonconformities: list[NonconformityCount]
    nonconformities_total: NonconformityCount
    audits: list[AuditHeld]
    findings: dict[str, int]


def monthly_report(
    month: str,
    office: str | None,
    totals: Totals,
    found: Sequence[Nonconformity],
    programme: Sequence[Audit],
) -> MonthlyReport:
    """The month's report from the totals of the 12 months up to it, the nonconformities
    touching it and the audit programme (of the office's, when one is given)."""
    start, end = month_start(month), month_end(month)
    sources = by_source(found, start, end)
    held = [audit for audit in programme if office is None or audit.office == office]
    first, last = start.date(), (end - timedelta(days=1)).date()
    within = [audit for audit in held if first <= audit.planned_on <= last]
    return MonthlyReport(
        month,
        office,
        objective_lines(totals, month),
        sources,
        total(sources),
        audits_held(within),
        findings_by_severity(within),
    )


@dataclass(frozen=True)
class ReviewPack:
    """The management review's inputs over a span of months (ISO 9001 §9.3.2)."""

    first: str
    last: str
    objectives: list[ObjectiveOverPeriod]
    nonconformities_by_source: list[NonconformityCount]
    nonconformities_by_office: list[NonconformityCount]
    nonconformities_total: NonconformityCount
    overdue_actions: list[OverdueAction]
    audits: list[AuditHeld]
    findings: dict[str, int]
    documents_changed: list[DocumentChange]


def review_pack(
    months: Sequence[str],
    totals: Totals,
    found: Sequence[Nonconformity],
    programme: Sequence[Audit],
    documents: Sequence[Document],
    *,
    today: date,
) -> ReviewPack:
    """The pack over `months` (oldest first); corrective actions overdue as of `today`."""
    start, end = month_start(months[0]), month_end(months[-1])
    first, last = start.date(), (end - timedelta(days=1)).date()
    sources = by_source(found, start, end)
    within = [audit for audit in programme if first <= audit.planned_on <= last]
    return ReviewPack(
        months[0],
        months[-1],
        objectives_over(totals, months),
        sources,
        nonconformity_counts(found, start, end, lambda n: n.office),
        total(sources),
        overdue_actions(found, today),
        audits_held(within),
        findings_by_severity(within),
        documents_changed(documents, start, end),
    )


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def monthly_csv(lines: Sequence[ObjectiveLine], sources: Sequence[NonconformityCount]) -> str:
    """The monthly report as CSV: a header, one row an objective, one a nonconformity source
    (and their total)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for line in lines:
        writer.writerow(
            [
                "objective",
                line.code,
                _number(line.value),
                line.numerator,
                line.denominator,
                _number(line.target),
                line.status,
                _number(line.previous_value),
                _number(line.change),
                "",
                "",
                "",
            ]
        )
    for count in [*sources, total(sources)]:
        name = count.name or "total"
        writer.writerow(
            ["nonconformities", name, *[""] * 7, count.raised, count.closed, count.open_at_end]
        )
    return out.getvalue()
