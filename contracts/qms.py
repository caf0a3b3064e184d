"""Facts published by the quality management (ISO 9001) service."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from contracts.base import Contract
from contracts.values import NonEmptyStr, UtcDateTime

__all__ = [
    "DocumentApproved",
    "NonconformityBasis",
    "NonconformityClosed",
    "NonconformityRaised",
    "ObjectiveBreached",
]

NonconformityBasis = Literal["quality_objective", "time_limit_rule", "person", "audit_finding"]


class NonconformityRaised(Contract):
    """A nonconformity was raised: a legal time limit or a quality objective was missed, an
    internal audit found one, or a person raised one against a record."""

    event_type = "qms.nonconformity.raised"
    subject_field = "nonconformity_id"

    nonconformity_id: uuid.UUID
    basis: NonconformityBasis = Field(description="Where it came from")
    basis_code: NonEmptyStr | None = Field(
        default=None,
        description="Code of the time-limit rule or objective missed, or of the requirement "
        "an audit or a person named",
    )
    description: NonEmptyStr
    raised_at: UtcDateTime
    subject_id: NonEmptyStr | None = Field(
        default=None,
        description="The record it is about: a case, case source, ticket or audit id, a credit "
        "code, an objective's period",
    )
    office: NonEmptyStr | None = Field(
        default=None, description="The office (or enforcement section) answerable, when known"
    )
    evidence_event_id: uuid.UUID | None = Field(
        default=None, description="The event that reported the fact, when one did"
    )


class NonconformityClosed(Contract):
    """A nonconformity closed: an effectiveness check found its corrective actions effective."""

    event_type = "qms.nonconformity.closed"
    subject_field = "nonconformity_id"

    nonconformity_id: uuid.UUID
    basis: NonconformityBasis
    basis_code: NonEmptyStr | None = None
    subject_id: NonEmptyStr
    office: NonEmptyStr | None = None
    raised_at: UtcDateTime
    corrective_actions: int = Field(ge=1, description="How many actions it took")
    effectiveness_checks: int = Field(
        ge=1, description="How many checks it took (more than one: an earlier one was not met)"
    )
    closed_at: UtcDateTime


class ObjectiveBreached(Contract):
    """A quality objective, measured over a period, fell short of its target."""

    event_type = "qms.objective.breached"
    subject_field = "objective_code"

    objective_code: NonEmptyStr
    period: NonEmptyStr = Field(description="The period measured, e.g. 2026-11 or 2026-Q4")
    office: NonEmptyStr | None = Field(
        default=None, description="The office measured; none for the whole bureau"
    )
    value: float = Field(description="What was measured")
    target: float = Field(description="The objective's target")
    measured_at: UtcDateTime


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
