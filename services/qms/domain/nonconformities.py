"""The nonconformity (不合格) and its corrective actions (纠正措施), ISO 9001 clause 10.2.

A nonconformity is raised from a fact (a legal time limit missed, a quality objective below
its target, an internal audit's finding) or by a person against any record. Its life:

    open ──plan an action──▶ in_progress ──every action done──▶ awaiting_check
      ▲                                                              │
      └────────── effectiveness check: not effective ◀───────────────┤
                                                                     ▼
                                            effectiveness check: effective ──▶ closed

It closes only through an effectiveness check that found the actions effective; a check that
did not sends it back to open, to plan further corrective work. Its PDCA stage follows from its
status: Plan while open (the cause analysed, actions to plan), Do while an action is under way,
Check once every action is done (until the check finds them effective), Act once closed (the
fix is kept as the new way of working).

A fact opens one nonconformity, however often it is told: its once key names the source, the
basis (rule or objective), the record and the occasion (the due day, the period, the finding).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from chassis.errors import Conflict, NotFound, RuleViolated

Source = Literal["time_limit_rule", "quality_objective", "person", "audit_finding"]
Status = Literal["open", "in_progress", "awaiting_check", "closed"]
Stage = Literal["plan", "do", "check", "act"]
STAGE_OF: dict[Status, Stage] = {
    "open": "plan",
    "in_progress": "do",
    "awaiting_check": "check",
    "closed": "act",
}
TEXT_MAX = 4000
CODE_MAX = 100  # rule and objective codes, the record's id, an owner's user id
OFFICE_MAX = 64


def text(field_name: str, value: str, limit: int = TEXT_MAX) -> str:
    """`value` if it has 1..limit characters and is not blank; RuleViolated naming the field."""
    if not value or not value.strip() or len(value) > limit:
        raise RuleViolated(field_name, f"{field_name} has 1..{limit} characters, not all blank")
    return value


@dataclass(frozen=True)
class Evidence:
    """What shows the nonconformity: the event that reported it (id and type), the basis it
    breaks (a law and article, an objective's target, an audit's checklist question) and the
    particulars (due day, value measured, severity…)."""

    basis: str | None = None
    event_id: uuid.UUID | None = None
    event_type: str | None = None
    facts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Origin:
    """Why a nonconformity is raised: its source, basis, record, unit and evidence; `once_key`
    is the same for every telling of one fact (None: a person's, never deduplicated)."""

    source: Source
    basis_code: str | None
    subject: str
    office: str | None
    description: str
    evidence: Evidence
    once_key: str | None


def missed_time_limit(
    *,
    rule_code: str,
    subject: str,
    due: date,
    office: str | None,
    description: str,
    evidence: Evidence,
) -> Origin:
    """A legal time limit of a record passed unmet: once per rule, record and due day (an
    extended deadline missed again is another miss)."""
    key = f"time_limit_rule|{rule_code}|{subject}|{due.isoformat()}"
    return Origin("time_limit_rule", rule_code, subject, office, description, evidence, key)


def objective_breached(
    *,
    objective_code: str,
    period: str,
    office: str | None,
    value: float,
    target: float,
    event_id: uuid.UUID | None,
    event_type: str | None,
) -> Origin:
    """A quality objective measured below its target: once per objective, unit and period; the
    record it is about is the period measured."""
    where = office or "bureau"
    description = (
        f"Quality objective {objective_code} was {value:g} against a target of {target:g} "
        f"for {where} in {period}"
    )
    facts = (("period", period), ("value", f"{value:g}"), ("target", f"{target:g}"))
    evidence = Evidence(f"target {target:g}", event_id, event_type, facts)
    key = f"quality_objective|{objective_code}|{where}|{period}"
    return Origin("quality_objective", objective_code, period, office, description, evidence, key)


def raised_by_person(
    *, subject: str, description: str, office: str | None, basis_code: str | None
) -> Origin:
    """A person's nonconformity against any record (a case, ticket, credit code, procedure)."""
    text("subject", subject, CODE_MAX)
    text("description", description)
    if office is not None:
        text("office", office, OFFICE_MAX)
    if basis_code is not None:
        text("basis_code", basis_code, CODE_MAX)
    return Origin("person", basis_code, subject, office, description, Evidence(), None)


@dataclass
class CorrectiveAction:
    """What is to be done about the nonconformity, by whom and by when; done once."""

    number: int
    description: str
    owner: str
    due: date
    planned_by: str
    planned_at: datetime
    done_by: str | None = None
    done_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class EffectivenessCheck:
    """Whether the corrective actions removed the cause, with the evidence looked at."""

    number: int
    effective: bool
    evidence: str
    checked_by: str
    checked_at: datetime


@dataclass
class Nonconformity:
    """A nonconformity with its corrective actions and effectiveness checks, oldest first."""

    id: uuid.UUID
    source: Source
    basis_code: str | None
    subject: str
    office: str | None
    description: str
    evidence: Evidence
    once_key: str | None
    raised_by: str
    raised_at: datetime
    status: Status = "open"
    closed_at: datetime | None = None
    actions: list[CorrectiveAction] = field(default_factory=list)
    checks: list[EffectivenessCheck] = field(default_factory=list)

    @classmethod
    def raise_(
        cls, nonconformity_id: uuid.UUID, origin: Origin, by: str, at: datetime
    ) -> Nonconformity:
        """An open nonconformity from its origin."""
        return cls(
            nonconformity_id,
            origin.source,
            origin.basis_code,
            origin.subject,
            origin.office,
            origin.description,
            origin.evidence,
            origin.once_key,
            by,
            at,
        )

    @property
    def stage(self) -> Stage:
        """Its PDCA stage, from its status (see the module's docstring)."""
        return STAGE_OF[self.status]

    def _not_closed(self, action: str) -> None:
        if self.status == "closed":
            raise Conflict(f"the nonconformity is closed: cannot {action}")

    def plan_action(
        self, description: str, owner: str, due: date, *, by: str, at: datetime, today: date
    ) -> CorrectiveAction:
        """A corrective action with its owner and due day (today or later)."""
        self._not_closed("plan a corrective action")
        text("description", description)
        text("owner", owner, CODE_MAX)
        if due < today:
            raise RuleViolated("due", f"the due day {due.isoformat()} is already past")
        action = CorrectiveAction(len(self.actions) + 1, description, owner, due, by, at)
        self.actions.append(action)
        self.status = "in_progress"
        return action

    def complete_action(self, number: int, by: str, at: datetime) -> CorrectiveAction:
        """Mark an action done; once every action is, the nonconformity awaits its check."""
        self._not_closed("complete a corrective action")
        if not 1 <= number <= len(self.actions):
            raise NotFound("corrective action")
        action = self.actions[number - 1]
        if action.done:
            raise Conflict(f"corrective action {number} is already done")
        action.done_by, action.done_at = by, at
        if all(a.done for a in self.actions):
            self.status = "awaiting_check"
        return action

    def check_effectiveness(
        self, effective: bool, evidence: str, by: str, at: datetime
    ) -> EffectivenessCheck:
        """Record whether the actions worked: effective closes it, not effective reopens it
        for further corrective work. Only once every action planned is done."""
        self._not_closed("check effectiveness")
        if self.status == "open":
            raise Conflict("no corrective action is planned since it was raised or last checked")
        if self.status == "in_progress":
            undone = [str(a.number) for a in self.actions if not a.done]
            raise Conflict(f"corrective actions {', '.join(undone)} are not done yet")
        text("evidence", evidence)
        check = EffectivenessCheck(len(self.checks) + 1, effective, evidence, by, at)
        self.checks.append(check)
        if effective:
            self.status, self.closed_at = "closed", at
        else:
            self.status = "open"
        return check
