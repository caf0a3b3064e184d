"""Request and response bodies of the enforcement routes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from chassis.legalclock import Deadline
from chassis.schemas import DateSpan, RequestModel
from contracts.enforcement import EnforcementDeadline
from contracts.values import CreditCode, ResidentId
from services.enforcement.domain import CaseStatus, Party

EvidenceRef = Annotated[str, Field(pattern=r"^sha256:[0-9a-f]{64}$")]


class CaseSourceIn(RequestModel):
    """A case source a functional department with no service here hands to the sub-bureau."""

    source_department: Literal["trademark", "advertising", "market"]
    credit_code: CreditCode | None = Field(
        default=None, description="The business concerned, when it is registered"
    )
    allegation: Annotated[str, Field(min_length=1, max_length=5000)]
    evidence: list[EvidenceRef] = Field(default_factory=list, max_length=50)
    office_id: Annotated[str | None, Field(max_length=64)] = Field(
        default=None, description="The office whose area the business is in, when known"
    )


Username = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.-]{1,63}$")]


class FileIn(RequestModel):
    """立案: the certified officers who will handle the case (at least two)."""

    handlers: list[Username] = Field(min_length=2, max_length=10)


class CaseFiledOut(BaseModel):
    """The new case and when its decision is due."""

    case_id: uuid.UUID
    case_source_id: uuid.UUID
    status: str
    handlers: list[str]
    filed_by: str
    filed_at: datetime
    decision_due: date
    decision_deadline: Deadline = Field(
        description="The legal clock's deadline: rule, basis (law and article), days counted"
    )


class DeclineIn(RequestModel):
    """不予立案, with the reasons the source department is told."""

    reasons: list[Annotated[str, Field(min_length=1, max_length=2000)]] = Field(
        min_length=1, max_length=20
    )


class ExtensionIn(RequestModel):
    """The approval of the one extension of the verification period."""

    approved_by: Username
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class VerificationExtensionOut(ExtensionIn):
    """The extension as recorded: who approved it, who recorded it, when."""

    recorded_by: str
    at: str = Field(json_schema_extra={"format": "date-time"})


class CaseSourceOut(BaseModel):
    """A case source, where it was routed and when the decision whether to file is due."""

    id: uuid.UUID
    source_department: str
    source_ref: str | None
    credit_code: str | None
    allegation: str
    evidence: list[str]
    office_id: str | None
    section: str | None
    status: str
    received_at: datetime
    verify_due: date
    verify_deadline: Deadline = Field(
        description="The legal clock's deadline: rule, basis (law and article), days counted"
    )
    transferred_by: str
    transferred_at: datetime
    discovered_on: date | None = Field(
        description="The day the department found the lead or received the materials"
        " (Asia/Shanghai), from which verification runs; null on case sources received before"
        " it was kept, whose verification ran from their receipt"
    )
    verify_extension: VerificationExtensionOut | None
    verify_testing: list[TestingOut]
    decided_by: str | None
    decided_at: datetime | None
    decline_reasons: list[str] | None


class CaseSourceList(BaseModel):
    """A page of case sources, the soonest verification deadline first."""

    case_sources: list[CaseSourceOut]
    next_cursor: str | None = Field(description="Where the next page starts; null on the last")


class NoticeIn(RequestModel):
    """The enforcement supervision notice (执法监督告知书) as delivered to the party."""

    delivered_to: Annotated[str, Field(min_length=1, max_length=200)]
    delivered_at: datetime
    method: Literal["in_person", "post", "electronic"]


class NoticeOut(NoticeIn):
    """The notice as recorded (instants as they were written)."""

    delivered_at: str = Field(json_schema_extra={"format": "date-time"})  # type: ignore[assignment]
    recorded_by: str
    recorded_at: str = Field(json_schema_extra={"format": "date-time"})


class InvestigationRecordIn(RequestModel):
    """An investigation record and the evidence it cites (appended, never changed)."""

    kind: Literal["inquiry", "site_inspection", "evidence", "other"]
    summary: Annotated[str, Field(min_length=1, max_length=20_000)]
    evidence: list[EvidenceRef] = Field(default_factory=list, max_length=50)


class InvestigationRecordOut(BaseModel):
    """A stored investigation record."""

    id: uuid.UUID
    case_id: uuid.UUID
    kind: str
    summary: str
    evidence: list[str]
    recorded_by: str
    recorded_at: datetime


class CaseStep(BaseModel):
    """A step of the case (and of its source) as the history shows it."""

    step: str
    at: datetime
    actor: str
    detail: dict[str, Any]


ServiceMethod = Literal["in_person", "left_at_address", "post", "electronic", "announcement"]
DecisionKindIn = Literal[
    "warning",
    "fine",
    "confiscation",
    "order_to_correct",
    "licence_suspension",
    "licence_revocation",
    "suspension_of_business",
]
Amount = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]


class CaseDeadline(BaseModel):
    """One of the case's deadlines: the step it times, its rule and legal basis, its due day,
    and its state today ("done" once the step was taken)."""

    step: Literal["decide", "statement", "hearing_request", "serve", "payment", "return_visit"]
    rule_code: str
    basis: str
    due: date
    state: Literal["done", "overdue", "due_soon", "on_time"]


class StatementAnswerOut(BaseModel):
    """The bureau's answer to a statement."""

    accepted: bool
    reasons: str
    answered_by: str
    answered_at: datetime


class StatementOut(BaseModel):
    """The party's statement and defence, and the answer once given."""

    number: int
    received_on: date
    content: str
    recorded_by: str
    answer: StatementAnswerOut | None


class HearingOut(BaseModel):
    """The hearing the party asked for; its days and conclusion once held."""

    requested_on: date
    start: date | None
    end: date | None
    conclusion: str | None


class PenaltyNoticeOut(BaseModel):
    """The notice of the intended penalty as served, and what followed it."""

    facts: str
    legal_basis: str
    penalty: DecisionPenalty
    party_kind: Literal["citizen", "organisation"]
    hearing_offered: bool = Field(description="Whether art. 63 gives the party a hearing")
    served_on: date
    served_how: str
    statement_deadline: Deadline
    hearing_request_deadline: Deadline | None
    recorded_by: str
    recorded_at: datetime
    statements: list[StatementOut]
    waived_on: date | None = Field(
        description="When the party's written waiver of statement, defence and hearing came"
    )
    hearing: HearingOut | None


class CaseOut(BaseModel):
    """A case, its notice, its investigation records and its history."""

    id: uuid.UUID
    case_source_id: uuid.UUID
    credit_code: str | None
    section: str
    status: str
    handlers: list[str]
    filed_by: str
    filed_at: datetime
    decision_due: date
    decision_deadline: Deadline
    notice: NoticeOut | None
    penalty_notice: PenaltyNoticeOut | None
    decision: DecisionOut | None
    decided_at: datetime | None
    decided_on_time: bool | None
    service_due: date | None
    served_on: date | None
    served_how: str | None
    payment_due: date | None
    paid_on: date | None
    late_payment_surcharge: Decimal | None = Field(
        description="3% of the fine a day past its payment day, up to the fine (art. 72)"
    )
    return_visit_due: date | None
    return_visit: ReturnVisitOut | None
    closed_at: datetime | None
    deadlines: list[CaseDeadline] = Field(
        description="Each deadline the case has met so far, with its rule and legal basis"
    )
    investigation_records: list[InvestigationRecordOut]
    history: list[CaseStep]


class CaseSummary(BaseModel):
    """A case as a list shows it: its number (the id), the business, what its source alleged,
    its state, handlers and clock."""

    id: uuid.UUID
    case_source_id: uuid.UUID
    credit_code: str | None
    allegation: str
    source_department: str
    section: str
    status: CaseStatus
    handlers: list[str]
    filed_by: str
    filed_at: datetime
    decision_due: date
    decision_deadline: Deadline
    decided_at: datetime | None
    decided_on_time: bool | None
    payment_due: date | None
    paid_on: date | None
    closed_at: datetime | None


class CaseList(BaseModel):
    """A page of cases, the newest filed first."""

    cases: list[CaseSummary]
    next_cursor: str | None = Field(description="Where the next page starts; null on the last")


class OnTheSpotPenalty(RequestModel):
    """The penalty: a warning, or a fine with its amount in CNY."""

    kind: Annotated[str, Field(min_length=1, max_length=30)]
    amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = None


class _Party(RequestModel):
    """Who is penalised on the spot."""

    def value(self) -> Party:
        """The party as the domain knows it."""
        return Party(**self.model_dump())


class CitizenParty(_Party):
    """A natural person penalised on the spot."""

    kind: Literal["citizen"]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    id_number: ResidentId


class OrganisationParty(_Party):
    """A market entity penalised on the spot."""

    kind: Literal["organisation"]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    credit_code: CreditCode


class OnTheSpotPenaltyIn(RequestModel):
    """当场处罚: only a warning, or a fine within the limits of art. 51 (cash on the spot only
    within art. 68's); anything else is refused with the reason."""

    party: Annotated[CitizenParty | OrganisationParty, Field(discriminator="kind")]
    penalty: OnTheSpotPenalty
    facts: Annotated[str, Field(min_length=1, max_length=5000)]
    legal_basis: Annotated[str, Field(min_length=1, max_length=1000)]
    collected_on_spot: bool = False


class CitizenPartyOut(BaseModel):
    """A natural person penalised on the spot, as shown: the ID number masked, except to the
    officer who reads it (`GET /on-the-spot-penalties/{id}/party`)."""

    kind: Literal["citizen"]
    name: str
    id_number: str = Field(examples=["110105********002X"])


class OrganisationPartyOut(BaseModel):
    """A market entity penalised on the spot."""

    kind: Literal["organisation"]
    name: str
    credit_code: str


PartyOut = Annotated[CitizenPartyOut | OrganisationPartyOut, Field(discriminator="kind")]


class OnTheSpotPenaltyOut(BaseModel):
    """A recorded on-the-spot penalty, filed with the sub-bureau's section."""

    id: uuid.UUID
    party: PartyOut
    penalty_kind: str
    amount: Decimal | None
    collected_on_spot: bool
    facts: str
    legal_basis: str
    office_id: str | None
    section: str | None
    decided_by: str
    decided_at: datetime
    cash_handover_due: date | None = Field(
        description="Cash collected on the spot reaches the bank by this day (art. 71)"
    )
    handed_over_on: date | None
    cash_receipt: str | None


class CashHandoverIn(RequestModel):
    """Cash collected on the spot paid into the designated bank."""

    handed_over_on: date
    receipt: Annotated[str, Field(min_length=1, max_length=64)]


class OnTheSpotPenaltyList(BaseModel):
    """On-the-spot penalties, newest first."""

    penalties: list[OnTheSpotPenaltyOut]


class DecisionPenalty(RequestModel):
    """What is imposed: a warning, a fine with its amount, confiscation, or an order to correct."""

    kind: DecisionKindIn
    amount: Amount | None = Field(
        default=None, description="A fine's amount, or the value confiscated, in CNY"
    )


class DecisionIn(RequestModel):
    """The penalty decision of a general-procedure case and its legal basis."""

    penalty: DecisionPenalty
    legal_basis: Annotated[str, Field(min_length=1, max_length=1000)]


class PenaltyNoticeIn(RequestModel):
    """The notice of the intended penalty (事先告知书) as served on the party: the facts, the
    grounds, the penalty intended and to whom; the party's rights follow from them."""

    facts: Annotated[str, Field(min_length=1, max_length=20_000)]
    legal_basis: Annotated[str, Field(min_length=1, max_length=1000)]
    penalty: DecisionPenalty
    party_kind: Literal["citizen", "organisation"]
    served_on: date = Field(description="The day the party received the notice")
    served_how: ServiceMethod


class StatementIn(RequestModel):
    """The party's statement and defence (陈述申辩) as received."""

    received_on: date
    content: Annotated[str, Field(min_length=1, max_length=20_000)]


class StatementAnswerIn(RequestModel):
    """The bureau's answer: the statement's points accepted or rejected, and why."""

    accepted: bool
    reasons: Annotated[str, Field(min_length=1, max_length=5000)]


class WaiverIn(RequestModel):
    """The party's written waiver of its statement, defence and hearing."""

    received_on: date


class HearingRequestIn(RequestModel):
    """The day the party asked for a hearing."""

    requested_on: date


class HearingIn(DateSpan):
    """The hearing held (both days included) and its conclusion."""

    conclusion: Annotated[str, Field(min_length=1, max_length=5000)]


class ServiceIn(RequestModel):
    """送达: the day the party received the decision and how."""

    served_on: date
    served_how: ServiceMethod


class ReturnVisitIn(RequestModel):
    """案件回访: what the party said of how the case was handled."""

    party_view: Annotated[str, Field(min_length=1, max_length=5000)]
    satisfaction: Literal["satisfied", "neutral", "dissatisfied"]


class DecisionOut(DecisionIn):
    """The decision as recorded, and who made it."""

    decided_by: str


class ReturnVisitOut(ReturnVisitIn):
    """The return visit as recorded, and who made it."""

    visited_by: str


class PublicityEntry(BaseModel):
    """A published penalty (SAMR Order 45)."""

    case_id: uuid.UUID
    credit_code: str | None
    penalty: DecisionPenalty
    legal_basis: str
    decided_at: datetime
    published_at: datetime
    publish_deadline: Deadline


class PublicityFeed(BaseModel):
    """The publicity feed, newest first."""

    entries: list[PublicityEntry]


class TestingIn(DateSpan):
    """A testing or appraisal period of a case source (both ends included)."""

    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class TestingOut(TestingIn):
    """A testing period as recorded."""

    recorded_by: str


class StopIn(TestingIn):
    """Days that do not count towards the decision (both ends included)."""

    kind: Literal["suspension", "hearing", "testing"]


class DecisionExtensionIn(RequestModel):
    """An extension of the decision period: the first is the approved 30 days; any further one
    rests on a collective decision (集体讨论) that sets its days."""

    approved_by: Username
    reason: Annotated[str, Field(min_length=1, max_length=2000)]
    collective_days: Annotated[int, Field(ge=1, le=365)] | None = None


class WatchedDeadline(BaseModel):
    """An open deadline that is overdue or due soon."""

    subject_id: uuid.UUID = Field(
        description="The case source (verify), the case (decide, serve, pay, return_visit) or "
        "the on-the-spot penalty (cash_handover)"
    )
    deadline: EnforcementDeadline
    due: date
    state: Literal["overdue", "due_soon"]
    rule_code: str = Field(description="The legal clock's rule the time limit follows")
    basis: str = Field(description="The law and article the time limit comes from")
    section: str | None
    credit_code: str | None


class DeadlineWatch(BaseModel):
    """Overdue and soon-due deadlines, soonest first."""

    deadlines: list[WatchedDeadline]


class SectionFigures(BaseModel):
    """The linked section's figures for the year."""

    id: str | None
    case_sources: int
    filed: int
    decided_on_time: int


class OfficeYear(BaseModel):
    """One office's year: what it sent, what came of it, its on-the-spot penalties."""

    office_id: str
    name: str
    area: int
    case_sources: int = Field(description="Case sources its inspectors transferred")
    filed: int
    decided_on_time: int
    on_the_spot_penalties: int
    section: SectionFigures


class OfficeReport(BaseModel):
    """The year-end evaluation of every office beside its section."""

    year: int
    offices: list[OfficeYear]


class FaultFindingIn(RequestModel):
    """A finding of fault (执法过错) against one step of a case, and who answers for it."""

    step: Annotated[str, Field(min_length=1, max_length=30)]
    finding: Annotated[str, Field(min_length=1, max_length=5000)]
    responsible: list[Username] = Field(min_length=1, max_length=10)


class PaymentIn(RequestModel):
    """When the fine was paid."""

    paid_on: date


class PublicityWithdrawalIn(RequestModel):
    """Why a published decision is withdrawn."""

    change: Literal["changed", "annulled"]
    changed_on: date = Field(description="The day the decision was changed or annulled")
    reason: Annotated[str, Field(min_length=1, max_length=2000)]
