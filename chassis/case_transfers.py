"""Case sources a department transfers to enforcement (案源移送), as every transferring service
keeps them; no I/O.

The day the lead was discovered starts enforcement's verification, so it can be neither later
than the transfer nor in the future. What came of the transfer (通报备案) is folded from
enforcement's events: filed or not, decided, closed. The bus may deliver them in any order and
more than once, so the outcome is a fold that never moves backwards: the later step wins (by
the step's order, then its time), and what an earlier step told (the case, the reasons, the
penalty) stays.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from chassis.errors import RuleViolated
from contracts.enforcement import CaseClosed, CaseFiled, CaseNotFiled, PenaltyDecided

__all__ = [
    "CaseNews",
    "EnforcementNews",
    "Outcome",
    "OutcomeStatus",
    "discovery_day",
    "folded",
    "news_of",
]

OutcomeStatus = Literal["transferred", "filed", "not_filed", "decided", "closed"]
EnforcementNews = CaseFiled | CaseNotFiled | PenaltyDecided | CaseClosed

# Filing and declining both end verification; a decision follows filing, closing follows both.
_STEP: dict[str, int] = {"transferred": 0, "filed": 1, "not_filed": 1, "decided": 2, "closed": 3}
_CENT = Decimal("0.01")


def discovery_day(discovered_on: date | None, transferred_on: date) -> date:
    """The day the lead was discovered or the materials received: as given, the transfer's own
    day when not given; never after the transfer (which is today), so never in the future."""
    if discovered_on is None:
        return transferred_on
    if discovered_on > transferred_on:
        raise RuleViolated(
            "discovered_on",
            f"the lead cannot be discovered after the transfer ({transferred_on})",
            "after_transfer",
        )
    return discovered_on


@dataclass(frozen=True)
class Outcome:
    """Where a transferred case source stands at enforcement, as far as its news has told."""

    status: OutcomeStatus
    at: datetime  # when enforcement took that step (the transfer's time while none is known)
    case_id: uuid.UUID | None = None
    reasons: tuple[str, ...] = ()  # why no case was filed
    penalty_kinds: tuple[str, ...] = ()
    fine_amount: Decimal | None = None  # CNY

    @classmethod
    def transferred(cls, at: datetime) -> Outcome:
        """A transfer enforcement has told nothing of yet."""
        return cls("transferred", at)

    def document(self) -> dict[str, Any]:
        """The outcome as JSON (the fine as a decimal string with two places)."""
        return {
            "status": self.status,
            "at": self.at.isoformat(),
            "case_id": None if self.case_id is None else str(self.case_id),
            "reasons": list(self.reasons),
            "penalty_kinds": list(self.penalty_kinds),
            "fine_amount": None if self.fine_amount is None else str(self.fine_amount),
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Outcome:
        """An outcome read back from its JSON."""
        case_id, fine = document.get("case_id"), document.get("fine_amount")
        return cls(
            status=document["status"],
            at=datetime.fromisoformat(document["at"]),
            case_id=None if case_id is None else uuid.UUID(case_id),
            reasons=tuple(document.get("reasons", ())),
            penalty_kinds=tuple(document.get("penalty_kinds", ())),
            fine_amount=None if fine is None else Decimal(fine),
        )

    def _rank(self) -> tuple[int, datetime]:
        return _STEP[self.status], self.at


@dataclass(frozen=True)
class CaseNews:
    """One of enforcement's events as news of a transfer: the case source it is about (when
    the event names it), the case, and the outcome it tells."""

    case_source_id: uuid.UUID | None
    case_id: uuid.UUID | None
    outcome: Outcome


def news_of(event: EnforcementNews) -> CaseNews:
    """What an event of enforcement tells the department that transferred the case source."""
    if isinstance(event, CaseNotFiled):
        outcome = Outcome("not_filed", event.decided_at, reasons=tuple(event.reasons))
        return CaseNews(event.case_source_id, None, outcome)
    if isinstance(event, CaseFiled):
        outcome = Outcome("filed", event.filed_at, case_id=event.case_id)
    elif isinstance(event, PenaltyDecided):
        fine = None if event.fine_amount is None else event.fine_amount.quantize(_CENT)
        outcome = Outcome(
            "decided",
            event.decided_at,
            case_id=event.case_id,
            penalty_kinds=tuple(event.penalty_kinds),
            fine_amount=fine,
        )
    else:
        outcome = Outcome("closed", event.closed_at, case_id=event.case_id)
    return CaseNews(event.case_source_id, event.case_id, outcome)


def folded(current: Outcome, news: Outcome) -> Outcome:
    """The outcome once `news` is heard: the later of the two (by step, then time), keeping
    what the earlier told. Heard again, or heard out of order, it ends the same."""
    later, earlier = (news, current) if news._rank() > current._rank() else (current, news)
    return replace(
        later,
        case_id=later.case_id or earlier.case_id,
        reasons=later.reasons or earlier.reasons,
        penalty_kinds=later.penalty_kinds or earlier.penalty_kinds,
        fine_amount=later.fine_amount if later.fine_amount is not None else earlier.fine_amount,
    )
