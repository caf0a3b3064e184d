"""Facts published by the quality management (ISO 9001) service."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from contracts.base import Contract
from contracts.values import NonEmptyStr, UtcDateTime

__all__ = ["DocumentApproved", "NonconformityRaised"]


class NonconformityRaised(Contract):
    """A nonconformity was raised: a quality objective or a legal time limit was missed."""

    event_type = "qms.nonconformity.raised"
    subject_field = "nonconformity_id"

    nonconformity_id: uuid.UUID
    basis: Literal["quality_objective", "time_limit_rule"]
    basis_code: NonEmptyStr = Field(description="Code of the objective or time-limit rule missed")
    description: NonEmptyStr
    raised_at: UtcDateTime


class DocumentApproved(Contract):
    """A version of a controlled document (a procedure or a work instruction) was approved: it
    is in force from `effective_date`, superseding the document's version in force before."""

    event_type = "qms.document.approved"
    subject_field = "document_id"

    document_id: uuid.UUID
    version: int = Field(ge=1)
    kind: Literal["procedure", "work_instruction"]
    code: NonEmptyStr = Field(description="The document's code, e.g. QP-07")
    title: NonEmptyStr
    process: NonEmptyStr = Field(description="Code of the process the document is for")
    effective_date: date = Field(description="The day it is in force from (Asia/Shanghai)")
    approved_by: NonEmptyStr = Field(description="User id (token `sub`) of the approver")
    approved_at: UtcDateTime
