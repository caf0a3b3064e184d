"""当场处罚: an office inspector's simple-procedure penalty, within articles 51 and 68 or
refused naming the field; each is filed with the sub-bureau and notified like any penalty.
Cash collected on the spot reaches the designated bank within 2 working days (art. 71)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from chassis.errors import Conflict, RuleViolated
from chassis.legalclock.deadlines import SHANGHAI
from contracts.enforcement import PenaltyDecided
from services.enforcement.domain.history import fields_document
from services.enforcement.domain.rules import (
    OnTheSpotLimits,
    PartyKind,
    cash_handover_deadline,
    on_the_spot_refusal,
)


@dataclass(frozen=True)
class Party:
    """Who is penalised: a citizen (with their id number) or an organisation (its credit code)."""

    kind: PartyKind
    name: str
    id_number: str | None = None
    credit_code: str | None = None

    def as_json(self) -> dict[str, Any]:
        """As stored and shown: a citizen with their id number, an organisation with its
        credit code."""
        return {k: v for k, v in fields_document(self).items() if v is not None}


@dataclass(frozen=True)
class OnTheSpotPenalty:
    """A recorded on-the-spot penalty, filed with the section of its office's area."""

    id: uuid.UUID
    party: Party
    penalty_kind: str
    amount: Decimal | None
    collected_on_spot: bool
    facts: str
    legal_basis: str
    office_id: str | None
    section: str | None
    decided_by: str
    decided_at: datetime
    cash_handover_due: date | None = None
    handed_over_on: date | None = None
    cash_receipt: str | None = None

    @property
    def credit_code(self) -> str | None:
        """The party's, when it is a registered market entity."""
        return self.party.credit_code

    @classmethod
    def impose(
        cls,
        party: Party,
        kind: str,
        amount: Decimal | None,
        *,
        collected_on_spot: bool,
        facts: str,
        legal_basis: str,
        office_id: str | None,
        section: str | None,
        by: str,
        now: datetime,
        limits: OnTheSpotLimits,
    ) -> tuple[OnTheSpotPenalty, PenaltyDecided]:
        """The penalty and its event if the simple procedure allows it; RuleViolated if not."""
        refusal = on_the_spot_refusal(party.kind, kind, amount, collected_on_spot, limits)
        if refusal is not None:
            raise RuleViolated(refusal.field, refusal.message)
        penalty = cls(
            id=uuid.uuid4(),
            party=party,
            penalty_kind=kind,
            amount=amount,
            collected_on_spot=collected_on_spot,
            facts=facts,
            legal_basis=legal_basis,
            office_id=office_id,
            section=section,
            decided_by=by,
            decided_at=now,
            cash_handover_due=(
                cash_handover_deadline(now.astimezone(SHANGHAI).date()).due
                if collected_on_spot
                else None
            ),
        )
        decided = PenaltyDecided(
            case_id=penalty.id,
            credit_code=penalty.credit_code,
            procedure="on_the_spot",
            penalty_kinds=(kind,),
            fine_amount=amount,
            legal_basis=legal_basis,
            source_department="supervision",
            decided_at=now,
        )
        return penalty, decided

    def handed_over(self, handed_over_on: date, receipt: str, today: date) -> OnTheSpotPenalty:
        """The cash collected on the spot paid into the designated bank on `handed_over_on`,
        with the bank's receipt; refused naming the field when the day cannot be."""
        if not self.collected_on_spot:
            raise Conflict("No cash was collected on the spot for this penalty")
        if self.handed_over_on is not None:
            raise Conflict(f"The cash was handed over on {self.handed_over_on}")
        collected_on = self.decided_at.astimezone(SHANGHAI).date()
        if handed_over_on < collected_on:
            raise RuleViolated("handed_over_on", f"the cash was collected on {collected_on}")
        if handed_over_on > today:
            raise RuleViolated(
                "handed_over_on", f"{handed_over_on} is in the future (today is {today})"
            )
        return replace(self, handed_over_on=handed_over_on, cash_receipt=receipt)
