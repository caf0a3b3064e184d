"""Request and response bodies of the qms routes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from chassis.schemas import RequestModel
from services.qms.domain.audits import Severity
from services.qms.domain.documents import (
    CODE_PATTERN,
    NOTE_MAX,
    PROCESS_PATTERN,
    TEXT_MAX_BYTES,
    TITLE_MAX,
)
from services.qms.domain.nonconformities import Source, Stage, Status


class EntryOut(BaseModel):
    """One leaf: its index and its entry (the exact bytes, UTF-8 JSON of an event)."""

    leaf_index: int
    entry: str


class EntryList(BaseModel):
    entries: list[EntryOut]


class ProofOut(BaseModel):
    """A proof (base64 hashes, nearest the leaf or the old tree first) and the roots it ties."""

    size: int
    root: str = Field(description="base64 root hash of the tree of `size` leaves")
    proof: list[str]
    index: int | None = None
    old_size: int | None = None
    old_root: str | None = None


class VerifyOut(BaseModel):
    """Whether the stored log gives every signed checkpoint, and where it first does not."""

    verified: bool
    size: int
    first_bad_index: int | None
    problem: str | None


ProcessCode = Annotated[
    str,
    Field(max_length=60, pattern=PROCESS_PATTERN, description="A process code of GET /processes"),
]
Note = Annotated[str, Field(min_length=1, max_length=NOTE_MAX)]
Text = Annotated[
    str,
    Field(
        min_length=1,
        max_length=TEXT_MAX_BYTES,
        description="The version's text (Markdown or plain), at most 100 KB in UTF-8",
    ),
]
VersionStatus = Literal["draft", "approved", "in_force", "superseded"]


class DocumentIn(RequestModel):
    """A procedure or work instruction, with the text of its first version."""

    kind: Literal["procedure", "work_instruction"]
    code: Annotated[str, Field(max_length=40, pattern=CODE_PATTERN)] = Field(
        description="e.g. QP-07 for a procedure, WI-07-01 for a work instruction; unique"
    )
    title: Annotated[str, Field(min_length=1, max_length=TITLE_MAX)]
    process: ProcessCode
    procedure_id: uuid.UUID | None = Field(
        default=None, description="A work instruction's procedure (of the same process)"
    )
    text: Text
    change_note: Note | None = None


class VersionIn(RequestModel):
    """A new version: its whole text, and what changed since the last."""

    text: Text
    change_note: Note


class ApprovalIn(RequestModel):
    """When the approved version takes effect."""

    effective_date: date | None = Field(
        default=None,
        description="The day it is in force from: today (the default, Asia/Shanghai) or later",
    )


class VersionOut(BaseModel):
    """A version and where it stands today: `draft`, `approved` (its effective day has not
    come), `in_force`, or `superseded` (by a later version in force; kept)."""

    document_id: uuid.UUID
    number: int
    status: VersionStatus
    author: str
    created_at: datetime
    change_note: str | None
    approver: str | None
    approved_at: datetime | None
    effective_date: date | None


class VersionTextOut(VersionOut):
    """A version with its text."""

    text: str


class DocumentSummaryOut(BaseModel):
    """A document and the number of its version in force today (null: none is)."""

    id: uuid.UUID
    kind: Literal["procedure", "work_instruction"]
    code: str
    title: str
    process: str
    procedure_id: uuid.UUID | None
    created_by: str
    created_at: datetime
    in_force_version: int | None
    latest_version: int


class DocumentOut(DocumentSummaryOut):
    """A document with its versions (those the caller may read), oldest first."""

    versions: list[VersionOut]


class DocumentList(BaseModel):
    documents: list[DocumentSummaryOut]


class ProcedureOut(BaseModel):
    """The procedure a process follows, and its version in force today (null: none is)."""

    document_id: uuid.UUID
    code: str
    title: str
    in_force_version: int | None
    effective_date: date | None


class ProcessOut(BaseModel):
    """A process and the procedure it follows; `none_in_force` shows the gap to close."""

    code: str
    name: str
    status: Literal["in_force", "none_in_force"]
    procedure: ProcedureOut | None


class ProcessList(BaseModel):
    processes: list[ProcessOut]


# -- nonconformities and corrective action ---------------------------------------------------

Statement = Annotated[str, Field(min_length=1, max_length=4000)]
Code = Annotated[str, Field(min_length=1, max_length=100)]
Office = Annotated[str, Field(min_length=1, max_length=64)]


class NonconformityIn(RequestModel):
    """A person's nonconformity against a record; an office head's is of their own office."""

    subject: Code = Field(
        description="The record it is about: a case, case source or ticket id, a credit code…"
    )
    description: Statement
    office: Office | None = Field(
        default=None, description="The office answerable (an office head's own, by default)"
    )
    basis_code: Code | None = Field(
        default=None, description="The requirement not met: a rule's, procedure's or clause's code"
    )


class ActionIn(RequestModel):
    """A corrective action: what, who owns it (a user id), due by which day."""

    description: Statement
    owner: Code
    due: date = Field(description="Today or later (Asia/Shanghai)")


class EffectivenessIn(RequestModel):
    """Whether the corrective actions removed the cause, and what showed it."""

    effective: bool
    evidence: Statement


class EvidenceOut(BaseModel):
    """The event that reported the fact, the basis it breaks and its particulars."""

    basis: str | None
    event_id: uuid.UUID | None
    event_type: str | None
    facts: dict[str, str]


class ActionOut(BaseModel):
    number: int
    description: str
    owner: str
    due: date
    planned_by: str
    planned_at: datetime
    done: bool
    done_by: str | None
    done_at: datetime | None


class CheckOut(BaseModel):
    number: int
    effective: bool
    evidence: str
    checked_by: str
    checked_at: datetime


class NonconformityOut(BaseModel):
    """A nonconformity, its PDCA stage, corrective actions and effectiveness checks."""

    id: uuid.UUID
    source: Source
    basis_code: str | None
    subject: str
    office: str | None
    description: str
    evidence: EvidenceOut
    status: Status
    stage: Stage = Field(
        description="PDCA: plan while open, do while an action runs, check once all are done, "
        "act once closed"
    )
    raised_by: str
    raised_at: datetime
    closed_at: datetime | None
    actions: list[ActionOut]
    checks: list[CheckOut]


class NonconformityList(BaseModel):
    nonconformities: list[NonconformityOut]


# -- internal audits -------------------------------------------------------------------------


class ChecklistItemIn(RequestModel):
    question: Annotated[str, Field(min_length=1, max_length=1000)]
    reference: Code | None = Field(
        default=None, description="The requirement checked: an ISO 9001 clause, a procedure's code"
    )


class AuditIn(RequestModel):
    """An audit of the programme: a process, an office or both, its day, auditors, checklist."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    process: Code | None = None
    office: Office | None = None
    planned_on: date
    auditors: list[Code] = Field(min_length=1, max_length=20, description="User ids")
    checklist: list[ChecklistItemIn] = Field(min_length=1, max_length=200)


class FindingIn(RequestModel):
    """A finding; major and minor ones raise a nonconformity, an observation does not."""

    checklist_item: int | None = Field(default=None, ge=1, description="Its checklist number")
    description: Statement
    severity: Severity


class ChecklistItemOut(BaseModel):
    number: int
    question: str
    reference: str | None


class FindingOut(BaseModel):
    number: int
    description: str
    severity: Severity
    checklist_item: int | None
    nonconformity_id: uuid.UUID | None
    recorded_by: str
    recorded_at: datetime


class AuditOut(BaseModel):
    id: uuid.UUID
    title: str
    process: str | None
    office: str | None
    planned_on: date
    auditors: list[str]
    checklist: list[ChecklistItemOut]
    planned_by: str
    planned_at: datetime
    findings: list[FindingOut]


class AuditList(BaseModel):
    audits: list[AuditOut]


class MonthOut(BaseModel):
    """One month of an objective's trend."""

    period: str
    value: float | None
    numerator: int
    denominator: int


class ObjectiveOut(BaseModel):
    """A quality objective measured over a month: its value (none when nothing was measured),
    from its numerator and denominator, against its target, and the 12 months up to it."""

    code: str
    title: str
    target: float
    value: float | None
    numerator: int
    denominator: int
    period: str = Field(description="YYYY-MM, Asia/Shanghai")
    status: Literal["met", "breached"]
    trend: list[MonthOut] = Field(description="The 12 months up to `period`, oldest first")


class ObjectiveList(BaseModel):
    items: list[ObjectiveOut]


class ObjectiveLineOut(BaseModel):
    """An objective in the monthly report: the month against its target and the month before."""

    code: str
    title: str
    target: float
    value: float | None
    numerator: int
    denominator: int
    status: Literal["met", "breached"]
    previous_value: float | None = Field(description="The month before's value")
    change: float | None = Field(description="value less previous_value, when both are known")
    series: list[MonthOut] = Field(description="The 12 months up to the month, oldest first")


class NonconformityCountOut(BaseModel):
    """Nonconformities of one source or office (null: the bureau's own, or the total)."""

    name: str | None
    raised: int = Field(description="Raised in the period")
    closed: int = Field(description="Closed in the period")
    open_at_end: int = Field(description="Not closed at the period's end")


class AuditHeldOut(BaseModel):
    """An audit planned in the period, with its findings by severity."""

    id: uuid.UUID
    title: str
    process: str | None
    office: str | None
    planned_on: date
    findings: dict[str, int]


class MonthlyReportOut(BaseModel):
    """The monthly work report of the bureau (office null) or one office."""

    month: str = Field(description="YYYY-MM, Asia/Shanghai")
    office: str | None
    objectives: list[ObjectiveLineOut]
    nonconformities: list[NonconformityCountOut] = Field(description="By source")
    nonconformities_total: NonconformityCountOut
    audits: list[AuditHeldOut]
    findings: dict[str, int] = Field(description="The month's audit findings by severity")


class ObjectiveOverPeriodOut(BaseModel):
    """An objective over the pack's months: each month, and the span's total against target."""

    code: str
    title: str
    target: float
    value: float | None
    numerator: int
    denominator: int
    status: Literal["met", "breached"]
    months_breached: int
    series: list[MonthOut]


class OverdueActionOut(BaseModel):
    """A corrective action not done by its due day."""

    nonconformity_id: uuid.UUID
    office: str | None
    number: int
    description: str
    owner: str
    due: date


class DocumentChangeOut(BaseModel):
    """A version of a controlled document approved in the period."""

    document_id: uuid.UUID
    code: str
    title: str
    process: str
    version: int
    change_note: str | None
    approver: str
    approved_at: datetime
    effective_date: date


class ReviewPackOut(BaseModel):
    """The management review's inputs over the months from `first` to `last`."""

    first: str
    last: str
    objectives: list[ObjectiveOverPeriodOut]
    nonconformities_by_source: list[NonconformityCountOut]
    nonconformities_by_office: list[NonconformityCountOut]
    nonconformities_total: NonconformityCountOut
    overdue_actions: list[OverdueActionOut]
    audits: list[AuditHeldOut]
    findings: dict[str, int]
    documents_changed: list[DocumentChangeOut]
