"""Facts published by the enforcement service: cases filed or not, penalties decided."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from contracts.base import Contract
from contracts.shapes import PersonalDataRead
from contracts.values import CreditCode, Money, NonEmptyStr, UtcDateTime

__all__ = [
    "CaseClosed",
    "CaseFiled",
    "CaseNotFiled",
    "DeadlineMissed",
    "DeadlineMissedV2",
    "EnforcementDeadline",
    "PartyRead",
    "PenaltyDecided",
    "PenaltyKind",
    "PenaltyPublished",
    "Procedure",
]

Procedure = Literal["general", "on_the_spot"]

# Administrative Penalty Law (2021) art. 9, less detention, which a market regulator cannot
# impose; the list is the law's, so it needs no new version until the law changes.
PenaltyKind = Literal[
    "warning",
    "circulated_criticism",
    "fine",
    "confiscation_of_illegal_gains",
    "confiscation_of_illegal_property",
    "licence_suspension",
    "qualification_downgrade",
    "licence_revocation",
    "business_restriction",
    "suspension_of_business",
    "closure",
    "employment_restriction",
]


class _CaseFact(Contract):
    """A fact about a case: the case, the case source it came from and the party's credit code
    (when it is a registered market entity). Not a contract itself: it has no event type."""

    subject_field = "case_id"

    case_id: uuid.UUID
    case_source_id: uuid.UUID | None = None
    credit_code: CreditCode | None = None


class CaseFiled(_CaseFact):
    """A case was filed (立案) for investigation under the general procedure."""

    event_type = "enforcement.case.filed"

    filed_at: UtcDateTime


class CaseNotFiled(Contract):
    """A verified case source was closed without filing a case, for the reasons given."""

    event_type = "enforcement.case.not_filed"
    subject_field = "case_source_id"

    case_source_id: uuid.UUID
    reasons: tuple[NonEmptyStr, ...] = Field(min_length=1)
    decided_at: UtcDateTime


class PenaltyDecided(Contract):
    """A penalty decision was made; the source department is notified (通报备案)."""

    event_type = "enforcement.penalty.decided"
    subject_field = "case_id"

    case_id: uuid.UUID
    credit_code: CreditCode | None = Field(
        default=None, description="The party, when it is a registered market entity"
    )
    procedure: Procedure
    penalty_kinds: tuple[PenaltyKind, ...] = Field(min_length=1)
    fine_amount: Money | None = Field(default=None, description="Fine in CNY, when fined")
    legal_basis: NonEmptyStr
    source_department: NonEmptyStr = Field(
        description="Where the case source came from, to be notified of the decision"
    )
    case_source_id: uuid.UUID | None = None
    decided_at: UtcDateTime


class PenaltyPublished(Contract):
    """A penalty decision was made public on the credit publicity feed, which the law wants
    within 20 working days of the decision (SAMR Order 45)."""

    event_type = "enforcement.penalty.published"
    subject_field = "case_id"

    case_id: uuid.UUID
    credit_code: CreditCode | None = None
    published_at: UtcDateTime
    due: date = Field(description="Last day to publish it, Asia/Shanghai calendar")
    on_time: bool = Field(description="Published by its due day")


class CaseClosed(_CaseFact):
    """A general-procedure case closed after its return visit (案件回访) heard the party."""

    event_type = "enforcement.case.closed"

    satisfaction: Literal["satisfied", "neutral", "dissatisfied"] = Field(
        description="The party's view of how the case was handled, at the return visit"
    )
    closed_at: UtcDateTime


# Version 1, no longer published (DeadlineMissedV2 widened its kinds): kept so that events
# still queued are read.
class DeadlineMissed(Contract):
    """A legal time limit of a case source or case passed unmet: raised once per deadline."""

    event_type = "enforcement.deadline.missed"
    subject_field = "subject_id"

    subject_id: uuid.UUID = Field(description="The case source (verify) or the case (decide)")
    deadline: Literal["verify", "decide"]
    rule_code: NonEmptyStr
    basis: NonEmptyStr = Field(description="The law and article the time limit comes from")
    due: date
    section: NonEmptyStr | None = None
    credit_code: CreditCode | None = None
    detected_at: UtcDateTime


# The time limits the deadline watch keeps: before filing, before the decision, and after it.
EnforcementDeadline = Literal["verify", "decide", "serve", "pay", "return_visit", "cash_handover"]


class DeadlineMissedV2(Contract):
    """A legal time limit of a case source, a case or an on-the-spot penalty passed unmet:
    raised once per deadline and due day."""

    event_type = "enforcement.deadline.missed"
    event_version = 2
    subject_field = "subject_id"

    subject_id: uuid.UUID = Field(
        description="The case source (verify), the case (decide, serve, pay, return_visit) or "
        "the on-the-spot penalty (cash_handover)"
    )
    deadline: EnforcementDeadline
    rule_code: NonEmptyStr = Field(description="The legal clock's rule the time limit follows")
    basis: NonEmptyStr = Field(description="The law and article the time limit comes from")
    due: date = Field(description="Its last day, Asia/Shanghai calendar")
    section: NonEmptyStr | None = None
    credit_code: CreditCode | None = None
    detected_at: UtcDateTime


class PartyRead(PersonalDataRead):
    """An enforcement officer read the ID number of an on-the-spot penalty's party in clear."""

    event_type = "enforcement.party.read"
