"""A filed case (案件) and its steps: the supervision notice first, investigation records
(appended, never changed), the notice of the intended penalty with the party's statement,
waiver or hearing, the penalty decision within its time, its service, the return visit; its
clock stopped or extended; the fine paid; its publication withdrawn. Each step joins its
history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from chassis.errors import Conflict, RuleViolated
from chassis.legalclock import Deadline, Interval, rule
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
from services.enforcement.domain.penalty_notice import (
    PenaltyNotice,
    Statement,
    StatementAnswer,
)
from services.enforcement.domain.rules import (
    DeadlineState,
    deadline_state,
    decision_deadline,
    late_payment_surcharge,
    payment_deadline,
    publicity_deadline,
    return_visit_deadline,
    service_deadline,
    withdrawal_deadline,
)

STATEMENT_RULE_BASIS = "enforcement.statement, Administrative Penalty Law art. 44/45"

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

# How a decision is served (送达, Administrative Penalty Law art. 61 and the Civil Procedure
# Law it refers to): in person, left at the party's address, by post, electronically with the
# party's consent, by public announcement.
SERVICE_METHODS = ("in_person", "left_at_address", "post", "electronic", "announcement")

# The decision's kinds as the law names them in the published language; an order to correct
# (责令改正) is not a penalty (Administrative Penalty Law art. 28) and is published as none.
PENALTY_KINDS = {
    "warning": "warning",
    "fine": "fine",
    "confiscation": "confiscation_of_illegal_gains",
    "licence_suspension": "licence_suspension",
    "licence_revocation": "licence_revocation",
    "suspension_of_business": "suspension_of_business",
}


@dataclass(frozen=True)
class CaseClock:
    """One of the case's deadlines as the officer reads it: the step it times, its rule and
    legal basis, its due day, and whether the step was taken or how near the day is."""

    step: str
    rule_code: str
    basis: str
    due: date
    state: DeadlineState | Literal["done"]


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
    service_due: date | None = None
    served_on: date | None = None
    served_how: str | None = None
    payment_due: date | None = None
    paid_on: date | None = None
    return_visit_due: date | None = None
    return_visit: ReturnVisit | None = None
    penalty_notice: PenaltyNotice | None = None
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

    def serve_penalty_notice(self, notice: PenaltyNotice, today: date) -> Step:
        """事先告知: the intended penalty, its facts and grounds and the party's rights served on
        the party; a new notice (a heavier penalty, new facts) replaces the earlier one, which
        the history keeps."""
        if self.status != CaseStatus.INVESTIGATING:
            raise CaseStepError(
                "the notice of the intended penalty follows the investigation and comes before"
                f" the decision (the case is {self.status})"
            )
        if notice.served_on > today:
            raise RuleViolated(
                "served_on", f"{notice.served_on} is in the future (today is {today})"
            )
        if notice.served_on < self.filed_at.astimezone(SHANGHAI).date():
            raise RuleViolated("served_on", "the notice cannot be served before the case was filed")
        self.penalty_notice = notice
        detail = document(notice)
        for kept in ("statements", "waived_on", "hearing"):
            detail.pop(kept)
        return self._step("penalty_notice_served", notice.recorded_by, notice.recorded_at, detail)

    def record_statement(self, statement: Statement, today: date, now: datetime) -> Step:
        """陈述申辩: the party's statement and defence on the notice, kept to be answered."""
        notice = self._pending_notice()
        self.penalty_notice = notice.with_statement(statement, today)
        return self._step("statement_received", statement.recorded_by, now, document(statement))

    def answer_statement(self, number: int, answer: StatementAnswer) -> Step:
        """The bureau's answer to statement `number`: accepted or rejected, with its reasons."""
        notice = self._pending_notice()
        self.penalty_notice = notice.answered(number, answer)
        detail = {"number": number} | document(answer)
        return self._step("statement_answered", answer.answered_by, answer.answered_at, detail)

    def record_waiver(self, received_on: date, by: str, now: datetime) -> Step:
        """The party gave up in writing its statement, defence and hearing."""
        notice = self._pending_notice()
        self.penalty_notice = notice.waived(received_on, now.astimezone(SHANGHAI).date())
        return self._step("rights_waived", by, now, {"received_on": received_on.isoformat()})

    def request_hearing(self, requested_on: date, by: str, now: datetime) -> Step:
        """听证申请: within 5 working days of the notice, on a penalty art. 63 lists."""
        notice = self._pending_notice()
        today = now.astimezone(SHANGHAI).date()
        self.penalty_notice = notice.hearing_requested(requested_on, today)
        return self._step("hearing_requested", by, now, {"requested_on": requested_on.isoformat()})

    def hold_hearing(self, stop: Stop, conclusion: str) -> Step:
        """The hearing held and concluded; its days do not count towards the decision (art. 60
        and 64), kept as a stop of kind "hearing"."""
        notice = self._pending_notice()
        today = stop.recorded_at.astimezone(SHANGHAI).date()
        self.penalty_notice = notice.hearing_held(stop.start, stop.end, conclusion, today)
        self.stops.append(stop)
        self._recompute_decision_due()
        detail = {
            "start": stop.start.isoformat(),
            "end": stop.end.isoformat(),
            "conclusion": conclusion,
            "decision_due": self.decision_due.isoformat(),
        }
        return self._step("hearing_held", stop.recorded_by, stop.recorded_at, detail, added=(stop,))

    def _pending_notice(self) -> PenaltyNotice:
        """The notice of the intended penalty, while the decision is still to come."""
        if self.status != CaseStatus.INVESTIGATING or self.penalty_notice is None:
            raise CaseStepError(
                "the party's statement, waiver and hearing answer a served notice of the"
                f" intended penalty, before the decision (the case is {self.status})"
            )
        return self.penalty_notice

    def decide(self, decision: Decision, now: datetime) -> Step:
        """The penalty decision, once the party was told of it and heard (art. 44, 45, 64):
        recorded with whether it came within its deadline, to be served within 7 working
        days, notified to the source department, and published unless it is a warning."""
        after = next_status(self.status, "decision")
        today = now.astimezone(SHANGHAI).date()
        penalty = decision.penalty
        if self.penalty_notice is None:
            raise CaseStepError(
                "no decision before the notice of the intended penalty is served"
                f" ({STATEMENT_RULE_BASIS})",
                rule_code="enforcement.statement",
            )
        self.penalty_notice.decision_refused(penalty, today)
        self.status = after
        self.decision, self.decided_at = decision, now
        self.decided_on_time = today <= self.decision_due
        self.service_due = service_deadline(today).due
        self.return_visit_due = return_visit_deadline(today).due
        events: list[Contract] = []
        kind = PENALTY_KINDS.get(penalty.kind)
        if kind is not None:
            events.append(
                PenaltyDecided(
                    case_id=self.id,
                    credit_code=self.credit_code,
                    procedure="general",
                    penalty_kinds=(kind,),
                    fine_amount=penalty.amount if penalty.kind == "fine" else None,
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

    def serve_decision(self, served_on: date, served_how: str, by: str, now: datetime) -> Step:
        """送达: the day the party received the decision and how; a fine is due 15 days from
        it, a last day off moved to the next working day (art. 67)."""
        if self.decided_at is None or self.decision is None:
            raise CaseStepError(f"no decision to serve (the case is {self.status})")
        if self.served_on is not None:
            raise Conflict(f"The decision was served on {self.served_on}")
        decided_on, today = (
            self.decided_at.astimezone(SHANGHAI).date(),
            now.astimezone(SHANGHAI).date(),
        )
        if served_on < decided_on:
            raise RuleViolated("served_on", f"the decision was made on {decided_on}, not before")
        if served_on > today:
            raise RuleViolated("served_on", f"{served_on} is in the future (today is {today})")
        self.served_on, self.served_how = served_on, served_how
        detail = {"served_on": served_on.isoformat(), "served_how": served_how}
        if self.decision.penalty.kind == "fine":
            self.payment_due = payment_deadline(served_on).due
            detail["payment_due"] = self.payment_due.isoformat()
        return self._step("decision_served", by, now, detail)

    def record_payment(self, paid_on: date, by: str, now: datetime) -> Step:
        """The day the fine was paid: the late-payment surcharge stops there."""
        fined = self.decision is not None and self.decision.penalty.kind == "fine"
        if fined and self.served_on is None:
            raise Conflict(
                "The decision is not served yet: the fine's 15 days run from its service"
                " (Administrative Penalty Law art. 67)"
            )
        if self.payment_due is None or self.decided_at is None:
            raise Conflict("The case has no fine to pay")
        if self.paid_on is not None:
            raise Conflict(f"The fine was recorded as paid on {self.paid_on}")
        if paid_on < self.decided_at.astimezone(SHANGHAI).date():
            raise RuleViolated("paid_on", "the fine cannot be paid before it was decided")
        self.paid_on = paid_on
        return self._step("fine_paid", by, now, {"paid_on": paid_on.isoformat()})

    def withdraw_publication(
        self, change: str, changed_on: date, reason: str, by: str, now: datetime
    ) -> Step:
        """A decision changed or annulled on `changed_on`: its publication is withdrawn, due
        3 working days from that day (SAMR Order 45), whenever it is recorded."""
        publication = self.publication
        if publication is None or publication.withdrawn_at is not None:
            raise Conflict("The case's decision is not on the publicity feed")
        decided_on = publication.decided_at.astimezone(SHANGHAI).date()
        today = now.astimezone(SHANGHAI).date()
        if changed_on < decided_on:
            raise RuleViolated("changed_on", f"the decision was made on {decided_on}, not before")
        if changed_on > today:
            raise RuleViolated("changed_on", f"{changed_on} is in the future (today is {today})")
        deadline = withdrawal_deadline(changed_on)
        withdrawal = Withdrawal(change, reason, by, deadline, changed_on)
        publication.withdrawal, publication.withdrawn_at = withdrawal, now
        detail = {
            "change": change,
            "changed_on": changed_on.isoformat(),
            "reason": reason,
            "due": deadline.due.isoformat(),
            "on_time": today <= deadline.due,
        }
        return self._step("publicity_withdrawn", by, now, detail, added=(withdrawal,))

    def clocks(self, today: date, soon_days: int) -> list[CaseClock]:
        """Each deadline the case has run into so far, its rule and basis, and its state."""
        notice, decided = self.penalty_notice, self.decided_at is not None
        timed: list[tuple[str, str, date | None, bool]] = [
            ("decide", "enforcement.decide", self.decision_due, decided),
        ]
        if notice is not None:
            heard = decided or notice.waived_on is not None
            timed.append(
                ("statement", "enforcement.statement", notice.statement_deadline.due, heard)
            )
            if notice.hearing_request_deadline is not None:
                asked = heard or notice.hearing is not None
                due = notice.hearing_request_deadline.due
                timed.append(("hearing_request", "enforcement.hearing_request", due, asked))
        timed += [
            ("serve", "enforcement.serve", self.service_due, self.served_on is not None),
            ("payment", "enforcement.payment", self.payment_due, self.paid_on is not None),
            (
                "return_visit",
                "enforcement.return_visit",
                self.return_visit_due,
                self.closed_at is not None,
            ),
        ]
        return [
            CaseClock(
                step,
                code,
                rule(code).basis,
                due,
                "done" if done else deadline_state(due, today, soon_days),
            )
            for step, code, due, done in timed
            if due is not None
        ]

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
