"""Response bodies of the qms routes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from chassis.schemas import RequestModel
from services.qms.domain.documents import (
    CODE_PATTERN,
    NOTE_MAX,
    PROCESS_PATTERN,
    TEXT_MAX_BYTES,
    TITLE_MAX,
)


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
