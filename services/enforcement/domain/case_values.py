"""What the steps of a case record: the notice, the decision and its penalty, the return visit,
investigation records, stopped time, extensions, findings of fault, and the publication."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from chassis.errors import RuleViolated
from chassis.legalclock import Deadline
from services.enforcement.domain.history import fields_document, json_instant
from services.enforcement.domain.rules import DecisionKind


@dataclass(frozen=True)
class Notice:
    """The enforcement supervision notice (执法监督告知书) as delivered to the party."""

    delivered_to: str
    delivered_at: datetime
    method: str
    recorded_by: str
    recorded_at: datetime

    def as_json(self) -> dict[str, Any]:
        """As stored and shown (the delivery instant as the request wrote it)."""
        return fields_document(self) | {"delivered_at": json_instant(self.delivered_at)}


@dataclass(frozen=True)
class Penalty:
    """What a decision imposes: a warning, a fine with its amount, confiscation (with the
    value confiscated, when known), an order to correct, a licence suspended or revoked,
    business suspended."""

    kind: DecisionKind
    amount: Decimal | None = None

    def __post_init__(self) -> None:
        if self.kind == "fine" and (self.amount is None or self.amount <= 0):
            raise RuleViolated("penalty.amount", "a fine needs an amount above zero")
        if self.kind not in ("fine", "confiscation") and self.amount is not None:
            raise RuleViolated("penalty.amount", f"a {self.kind} carries no amount")


@dataclass(frozen=True)
class Decision:
    """The penalty decision of a general-procedure case, its legal basis and who made it."""

    penalty: Penalty
    legal_basis: str
    decided_by: str


@dataclass(frozen=True)
class ReturnVisit:
    """案件回访: what the party said of how the case was handled."""

    party_view: str
    satisfaction: str
    visited_by: str


@dataclass(frozen=True)
class InvestigationRecord:
    """An investigation record and the evidence it cites (appended, never changed)."""

    id: uuid.UUID
    case_id: uuid.UUID
    kind: str
    summary: str
    evidence: tuple[str, ...]
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class Stop:
    """Days that do not count towards the decision (both ends included)."""

    id: uuid.UUID
    case_id: uuid.UUID
    start: date
    end: date
    reason: str
    kind: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class Extension:
    """An extension of the decision period: 1 the approved 30 days, 2+ collective decisions."""

    case_id: uuid.UUID
    number: int
    approved_by: str
    reason: str
    days: int | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class FaultFinding:
    """A finding of fault (执法过错) against one step of a case, and who answers for it."""

    step: str
    finding: str
    responsible: tuple[str, ...]


@dataclass(frozen=True)
class Withdrawal:
    """Why and by when a published decision was withdrawn: 3 working days from the day it
    was changed or annulled (`changed_on`; None on withdrawals recorded before it was asked)."""

    change: str
    reason: str
    recorded_by: str
    deadline: Deadline
    changed_on: date | None = None


@dataclass
class Publication:
    """A published penalty on the credit publicity feed (SAMR Order 45)."""

    case_id: uuid.UUID
    credit_code: str | None
    penalty: Penalty
    legal_basis: str
    decided_at: datetime
    publish_deadline: Deadline
    published_at: datetime
    withdrawal: Withdrawal | None = None
    withdrawn_at: datetime | None = None
