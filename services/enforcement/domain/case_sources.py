"""A case source (案源): received once from a department, routed to a section, and decided
within its verification period: filed as a case, or declined with reasons."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from chassis.errors import Conflict
from chassis.legalclock import Deadline, Interval
from chassis.legalclock.deadlines import SHANGHAI
from contracts.enforcement import CaseFiled, CaseNotFiled
from services.enforcement.domain.cases import Case, CaseStatus, require_handlers
from services.enforcement.domain.history import Step, document, taken
from services.enforcement.domain.rules import decision_deadline, section_for, verify_deadline

# Departments whose case sources arrive as events, and those with no service here, whose
# staff enter them by hand (POST /case-sources).
EVENT_DEPARTMENTS = ("supervision", "licensing", "complaints")
HAND_DEPARTMENTS = ("trademark", "advertising", "market")
SourceDepartment = Literal[
    "supervision", "licensing", "complaints", "trademark", "advertising", "market"
]


class CaseSourceStatus(StrEnum):
    """Where a case source stands: waiting for the decision whether to file, or decided."""

    RECEIVED = "received"
    FILED = "filed"
    DECLINED = "declined"


@dataclass(frozen=True)
class Transfer:
    """A case source as a department hands it over."""

    id: uuid.UUID
    source_department: str
    credit_code: str | None
    allegation: str
    evidence: tuple[str, ...]
    office_id: str | None  # the transferring or reporting office, when it says
    transferred_by: str
    transferred_at: datetime
    source_ref: str | None = None
    # The day the department found the lead or received the materials, when it says.
    discovered_on: date | None = None
    # Where it goes when no office says: the section of the officer who took it in by hand.
    fallback_section: str | None = None


@dataclass(frozen=True)
class TestingPeriod:
    """A testing or appraisal period (检测、鉴定), which does not count towards verification."""

    start: date
    end: date
    reason: str
    recorded_by: str


@dataclass(frozen=True)
class VerifyExtension:
    """The one approved extension of the verification period."""

    approved_by: str
    reason: str
    recorded_by: str
    at: datetime


@dataclass
class CaseSource:
    """A case source and its verification clock; its methods take the steps of 核查 and 立案."""

    id: uuid.UUID
    source_department: str
    source_ref: str | None
    credit_code: str | None
    allegation: str
    evidence: tuple[str, ...]
    office_id: str | None
    section: str | None
    status: str
    received_at: datetime
    verify_deadline: Deadline
    verify_due: date
    transferred_by: str
    transferred_at: datetime
    verify_extension: VerifyExtension | None = None
    verify_testing: tuple[TestingPeriod, ...] = ()
    decided_by: str | None = None
    decided_at: datetime | None = None
    decline_reasons: tuple[str, ...] | None = None
    # The day verification runs from; None only on case sources received before it was kept,
    # whose clock ran from their receipt.
    discovered_on: date | None = None

    @classmethod
    def receive(
        cls, transfer: Transfer, office_id: str | None, area: int | None, now: datetime
    ) -> CaseSource:
        """A new case source, routed to the section of its office's area (or the taker's).

        Verification runs from the day the department found the lead or received the
        materials, not from the day the transfer reached the sub-bureau (SAMR Administrative
        Penalty Procedure Provisions art. 18); never later than the transfer's own day.
        """
        transferred_on = transfer.transferred_at.astimezone(SHANGHAI).date()
        discovered_on = min(transfer.discovered_on or transferred_on, transferred_on)
        deadline = verify_deadline(discovered_on)
        handed = {k: v for k, v in vars(transfer).items() if k != "fallback_section"}
        return cls(
            **handed
            | {
                "discovered_on": discovered_on,
                "office_id": office_id,
                "section": section_for(area) or transfer.fallback_section,
                "status": CaseSourceStatus.RECEIVED,
                "received_at": now,
                "verify_deadline": deadline,
                "verify_due": deadline.due,
            }
        )

    def file(self, handlers: list[str], by: str, now: datetime) -> Step:
        """立案: the case source becomes a case with its handlers and its decision deadline."""
        self._undecided()
        require_handlers(handlers)
        deadline = decision_deadline(now.astimezone(SHANGHAI).date())
        case = Case(
            id=uuid.uuid4(),
            case_source_id=self.id,
            credit_code=self.credit_code,
            section=self.section or "",
            status=CaseStatus.FILED,
            handlers=tuple(dict.fromkeys(handlers)),
            filed_by=by,
            filed_at=now,
            decision_deadline=deadline,
            decision_due=deadline.due,
            source_department=self.source_department,
        )
        self._decided(CaseSourceStatus.FILED, by, now)
        detail = {"case_id": str(case.id), "handlers": list(case.handlers)}
        event = CaseFiled(
            case_id=case.id, case_source_id=self.id, credit_code=self.credit_code, filed_at=now
        )
        return taken(self.id, "filed", by, now, detail, events=(event,), added=(case,))

    def decline(self, reasons: list[str], by: str, now: datetime) -> Step:
        """不予立案: the case source is closed without a case, for the reasons given."""
        self._undecided()
        self._decided(CaseSourceStatus.DECLINED, by, now)
        self.decline_reasons = tuple(reasons)
        event = CaseNotFiled(case_source_id=self.id, reasons=tuple(reasons), decided_at=now)
        return taken(self.id, "declined", by, now, {"reasons": reasons}, events=(event,))

    def extend_verification(self, approved_by: str, reason: str, by: str, now: datetime) -> Step:
        """The one approved extension of the verification period (+15 working days)."""
        self._undecided()
        if self.verify_extension is not None:
            raise Conflict("The verification period was extended once already")
        self.verify_extension = VerifyExtension(approved_by, reason, recorded_by=by, at=now)
        self._recompute()
        detail = {"approved_by": approved_by, "reason": reason, "recorded_by": by}
        return taken(self.id, "verification_extended", by, now, detail)

    def exclude_testing(self, period: TestingPeriod, now: datetime) -> Step:
        """A testing or appraisal period: it does not count towards verification."""
        self._undecided()
        self.verify_testing = (*self.verify_testing, period)
        self._recompute()
        detail = {k: v for k, v in document(period).items() if k != "recorded_by"}
        detail["verify_due"] = self.verify_due.isoformat()
        return taken(self.id, "verification_testing", period.recorded_by, now, detail)

    def _undecided(self) -> None:
        if self.status != CaseSourceStatus.RECEIVED:
            raise Conflict(f"The case source was already {self.status}")

    def _decided(self, status: str, by: str, now: datetime) -> None:
        self.status, self.decided_by, self.decided_at = status, by, now

    def _recompute(self) -> None:
        """The verification deadline from its discovery, extension and testing."""
        deadline = verify_deadline(
            self.discovered_on or self.received_at.astimezone(SHANGHAI).date(),
            extended=self.verify_extension is not None,
            testing=[
                Interval(kind="testing", start=t.start, end=t.end) for t in self.verify_testing
            ],
        )
        self.verify_deadline, self.verify_due = deadline, deadline.due
