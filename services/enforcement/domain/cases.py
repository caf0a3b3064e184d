"""A filed case (案件) and its steps: the supervision notice first, investigation records
(appended, never changed), the penalty decision within its time, the return visit; its clock
stopped or extended; the fine paid; its publication withdrawn. Each step joins its history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from chassis.errors import Conflict, RuleViolated
from chassis.legalclock import Deadline, Interval
from chassis.legalclock.deadlines import SHANGHAI
from contracts import Contract
from contracts.enforcement import CaseClosed, PenaltyDecided, PenaltyPublished
from services.enforcement.domain.case_values import (
    Decision,
    Extension,
    FaultFinding,
    InvestigationRecord,
    Notice,
    Publication,
    ReturnVisit,
    Stop,
    Withdrawal,
)
from services.enforcement.domain.history import HistoryEntry, Step, document, taken
from services.enforcement.domain.rules import (
    decision_deadline,
    late_payment_surcharge,
    publicity_deadline,
    withdrawal_deadline,
)

# At least two certified officers handle every case (Administrative Penalty Law art. 42).
MIN_HANDLERS = 2


def handlers_problem(handlers: Sequence[str]) -> str | None:
    """Why these handlers cannot take a case, or None."""
    if len(set(handlers)) < MIN_HANDLERS:
        return f"a case needs at least {MIN_HANDLERS} different certified handlers"
    return None


def require_handlers(handlers: Sequence[str]) -> None:
    """Refuse handlers that cannot take a case, naming the field."""
    if problem := handlers_problem(handlers):
        raise RuleViolated("handlers", problem)


class CaseStatus(StrEnum):
    """The steps of a general-procedure case, in order."""

    FILED = "filed"  # 立案: the supervision notice is due before anything else
    INVESTIGATING = "investigating"  # the notice is delivered: records may be added
    DECIDED = "decided"  # the penalty decision is made: a return visit is due
    CLOSED = "closed"  # the return visit is recorded


class CaseStepError(Conflict):
    """A step the case's state does not allow (a 409 for the officer)."""


# What each step needs the case to be in, and where it leaves it.
_STEPS: dict[str, tuple[frozenset[CaseStatus], CaseStatus]] = {
    "notice": (frozenset({CaseStatus.FILED}), CaseStatus.INVESTIGATING),
    "investigation_record": (frozenset({CaseStatus.INVESTIGATING}), CaseStatus.INVESTIGATING),
    "decision": (frozenset({CaseStatus.INVESTIGATING}), CaseStatus.DECIDED),
    "return_visit": (frozenset({CaseStatus.DECIDED}), CaseStatus.CLOSED),
}
_WHY = {
    "notice": "the supervision notice has already been delivered",
    "investigation_record": (
        "the enforcement supervision notice (执法监督告知书) must be delivered before any"
        " investigation record"
    ),
    "decision": "a decision needs the notice delivered and comes once",
    "return_visit": "a return visit follows the decision, once",
}
_CLOCK_RUNNING = frozenset({CaseStatus.FILED, CaseStatus.INVESTIGATING})

# The decision's kinds as the law names them in the published language; an order to correct
# (责令改正) is not a penalty (Administrative Penalty Law art. 28) and is published as none.
PENALTY_KINDS = {
    "warning": "warning",
    "fine": "fine",
    "confiscation": "confiscation_of_illegal_gains",
}


def next_status(status: CaseStatus, step: str) -> CaseStatus:
    """The case's status after `step`; CaseStepError when its status does not allow it."""
    allowed, after = _STEPS[step]
    if status not in allowed:
        raise CaseStepError(f"{_WHY[step]} (the case is {status})")
    return after


@dataclass
class Case:
    """A case with everything its steps look at: records, history, stopped time, extensions,
    its publication and where its source came from."""

    id: uuid.UUID
    case_source_id: uuid.UUID
    credit_code: str | None
    section: str
    status: CaseStatus
    handlers: tuple[str, ...]
    filed_by: str
    filed_at: datetime
    decision_deadline: Deadline
    decision_due: date
    notice: Notice | None = None
    decision: Decision | None = None
    decided_at: datetime | None = None
    decided_on_time: bool | None = None
    payment_due: date | None = None
    paid_on: date | None = None
    return_visit: ReturnVisit | None = None
    closed_at: datetime | None = None
    records: list[InvestigationRecord] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    stops: list[Stop] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    publication: Publication | None = None
    source_department: str | None = None

    def late_payment_surcharge(self, today: date) -> Decimal | None:
        """加处罚款 so far: 3% of the fine a day past its payment day, up to the fine; None when
        there is no fine."""
        if self.payment_due is None or self.decision is None:
            return None
        fine = self.decision.penalty.amount or Decimal(0)
        return late_payment_surcharge(fine, self.payment_due, self.paid_on or today)

    def deliver_notice(self, notice: Notice) -> Step:
        """执法监督告知书 delivered to the party: the investigation may begin."""
        self.status = next_status(self.status, "notice")
        self.notice = notice
        return self._step(
            "notice_delivered", notice.recorded_by, notice.recorded_at, document(notice)
        )

    def add_record(self, record: InvestigationRecord) -> Step:
        """An investigation record (询问笔录, 现场检查笔录…) with the evidence it cites."""
        next_status(self.status, "investigation_record")
        self.records.append(record)
        detail = {"record_id": str(record.id), "kind": record.kind}
        return self._step(
            "investigation_record", record.recorded_by, record.recorded_at, detail, added=(record,)
        )

    def decide(self, decision: Decision, now: datetime, payment_days: int) -> Step:
        """The penalty decision: recorded with whether it came within its deadline, notified to
        the source department, and published unless it is a warning."""
        self.status = next_status(self.status, "decision")
        today = now.astimezone(SHANGHAI).date()
        penalty = decision.penalty
        self.decision, self.decided_at = decision, now
        self.decided_on_time = today <= self.decision_due
        self.payment_due = today + timedelta(days=payment_days) if penalty.kind == "fine" else None
        events: list[Contract] = []
        kind = PENALTY_KINDS.get(penalty.kind)
        if kind is not None:
            events.append(
                PenaltyDecided(
                    case_id=self.id,
                    credit_code=self.credit_code,
                    procedure="general",
                    penalty_kinds=(kind,),
                    fine_amount=penalty.amount,
                    legal_basis=decision.legal_basis,
                    source_department=self.source_department or "unknown",
                    case_source_id=self.case_source_id,
                    decided_at=now,
                )
            )
        added: tuple[object, ...] = ()
        deadline = publicity_deadline(today, [penalty.kind])
        if deadline is not None:
            self.publication = Publication(
                case_id=self.id,
                credit_code=self.credit_code,
                penalty=penalty,
                legal_basis=decision.legal_basis,
                decided_at=now,
                publish_deadline=deadline,
                published_at=now,
            )
            added = (self.publication,)
            events.append(
                PenaltyPublished(
                    case_id=self.id,
                    credit_code=self.credit_code,
                    published_at=now,
                    due=deadline.due,
                    on_time=today <= deadline.due,
                )
            )
        return self._step(
            "decided",
            decision.decided_by,
            now,
            document(decision),
            added=added,
            events=tuple(events),
        )

    def close(self, visit: ReturnVisit, now: datetime) -> Step:
        """案件回访: the party's view and satisfaction are heard; the case closes."""
        self.status = next_status(self.status, "return_visit")
        self.return_visit, self.closed_at = visit, now
        closed = CaseClosed(
            case_id=self.id,
            case_source_id=self.case_source_id,
            credit_code=self.credit_code,
            satisfaction=visit.satisfaction,
            closed_at=now,
        )
        return self._step("closed", visit.visited_by, now, document(visit), events=(closed,))

    def stop_clock(self, stop: Stop) -> Step:
        """Time that does not count towards the decision: a suspension, a hearing, testing."""
        if self.status not in _CLOCK_RUNNING:
            raise Conflict(f"The case is {self.status}: its clock has stopped")
        self.stops.append(stop)
        self._recompute_decision_due()
        told = ("start", "end", "reason", "kind")
        detail = {k: v for k, v in document(stop).items() if k in told}
        detail["decision_due"] = self.decision_deadline.due.isoformat()
        return self._step(
            "clock_stopped", stop.recorded_by, stop.recorded_at, detail, added=(stop,)
        )

    def extend(
        self, approved_by: str, reason: str, collective_days: int | None, by: str, now: datetime
    ) -> Step:
        """One approved extension of 30 days; beyond it only a recorded collective decision
        (集体讨论), which sets its own days."""
        if self.status not in _CLOCK_RUNNING:
            raise Conflict(f"The case is {self.status}: nothing to extend")
        number = 1 + len(self.extensions)
        if number > 1 and collective_days is None:
            raise RuleViolated(
                "collective_days",
                "the 30-day extension was used; a further one needs a collective decision's days",
            )
        if number == 1 and collective_days is not None:
            raise RuleViolated("collective_days", "the first extension is the approved 30 days")
        extension = Extension(self.id, number, approved_by, reason, collective_days, by, now)
        self.extensions.append(extension)
        self._recompute_decision_due()
        detail = {
            "approved_by": approved_by,
            "reason": reason,
            "collective_days": collective_days,
            "number": number,
            "decision_due": self.decision_deadline.due.isoformat(),
        }
        return self._step("decision_extended", by, now, detail, added=(extension,))

    def find_fault(self, finding: FaultFinding, by: str, now: datetime) -> Step:
        """行政执法过错责任追究: a finding of fault against a step of the case."""
        steps = {entry.step for entry in self.history}
        if finding.step not in steps:
            raise RuleViolated("step", f"the case has no step {finding.step!r}: {sorted(steps)}")
        return self._step("fault_found", by, now, document(finding))

    def record_payment(self, paid_on: date, by: str, now: datetime) -> Step:
        """The day the fine was paid: the late-payment surcharge stops there."""
        if self.payment_due is None or self.decided_at is None:
            raise Conflict("The case has no fine to pay")
        if self.paid_on is not None:
            raise Conflict(f"The fine was recorded as paid on {self.paid_on}")
        if paid_on < self.decided_at.astimezone(SHANGHAI).date():
            raise RuleViolated("paid_on", "the fine cannot be paid before it was decided")
        self.paid_on = paid_on
        return self._step("fine_paid", by, now, {"paid_on": paid_on.isoformat()})

    def withdraw_publication(self, change: str, reason: str, by: str, now: datetime) -> Step:
        """A decision changed or annulled: its publication is withdrawn at once, well within
        the 3 working days of SAMR Order 45."""
        publication = self.publication
        if publication is None or publication.withdrawn_at is not None:
            raise Conflict("The case's decision is not on the publicity feed")
        deadline = withdrawal_deadline(now.astimezone(SHANGHAI).date())
        withdrawal = Withdrawal(change, reason, recorded_by=by, deadline=deadline)
        publication.withdrawal, publication.withdrawn_at = withdrawal, now
        detail = {"change": change, "reason": reason}
        return self._step("publicity_withdrawn", by, now, detail, added=(withdrawal,))

    def _recompute_decision_due(self) -> None:
        """The decision deadline from the filing, every stop and every extension."""
        collective = sum(e.days or 0 for e in self.extensions if e.number > 1)
        # Collective decisions may each set other days: the clock counts them as one further
        # extension of their total, which gives the same due day.
        deadline = decision_deadline(
            self.filed_at.astimezone(SHANGHAI).date(),
            extensions=min(len(self.extensions), 2),
            collective_days=collective or None,
            stopped=[Interval(kind=s.kind, start=s.start, end=s.end) for s in self.stops],
        )
        self.decision_deadline, self.decision_due = deadline, deadline.due

    def _step(
        self,
        name: str,
        by: str,
        at: datetime,
        detail: dict[str, Any],
        *,
        added: tuple[object, ...] = (),
        events: tuple[Contract, ...] = (),
    ) -> Step:
        """The step taken, its entry kept in the case's history too."""
        step = taken(self.case_source_id, name, by, at, detail, events=events, added=added)
        self.history.append(step.entry)
        return step
