"""What inspectors hand on: unlicensed trading found (无照经营) and case sources (案源移送)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chassis.case_transfers import Outcome
from contracts.supervision import SupervisionCaseSourceTransferred, UnlicensedTradingFound


@dataclass(frozen=True)
class UnlicensedFinding:
    """A trader without a licence, found in the street; the licence once they registered."""

    id: uuid.UUID
    address: Mapping[str, Any]  # contracts.values.Address as JSON
    description: str
    office_id: str | None
    found_by: str
    found_at: datetime
    credit_code: str | None

    @property
    def supervisor(self) -> str:
        """The inspector who found it."""
        return self.found_by

    def event(self) -> UnlicensedTradingFound:
        """What licensing's mobile van is told."""
        return UnlicensedTradingFound.model_validate(vars(self) | {"finding_id": self.id})


@dataclass(frozen=True)
class CaseTransfer:
    """A case source handed to enforcement with its evidence."""

    case_source_id: uuid.UUID
    credit_code: str | None
    finding_id: uuid.UUID | None
    allegation: str
    evidence: list[str]
    office_id: str
    transferred_by: str
    transferred_at: datetime
    discovered_on: date | None  # None on transfers made before it was kept
    outcome: Outcome  # what came of it at enforcement, as far as its news told

    @property
    def supervisor(self) -> str:
        """The inspector who transferred it."""
        return self.transferred_by

    def event(self) -> SupervisionCaseSourceTransferred:
        """What enforcement is told (the fields of the same names, and these under theirs)."""
        named = {"evidence_refs": self.evidence, "office_code": self.office_id}
        return SupervisionCaseSourceTransferred.model_validate(vars(self) | named)
