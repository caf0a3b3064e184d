"""Shapes several producers' contracts share (not contracts themselves: no event type)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from contracts.base import Contract
from contracts.values import CreditCode, NonEmptyStr, UtcDateTime

__all__ = ["CaseSourceTransfer", "PersonalDataRead"]


class CaseSourceTransfer(Contract):
    """A case source (案源) handed to enforcement: what every transferring department sends."""

    subject_field: ClassVar[str] = "case_source_id"

    case_source_id: uuid.UUID
    credit_code: CreditCode | None = Field(
        default=None, description="The business concerned, when it is registered"
    )
    allegation: NonEmptyStr
    evidence_refs: tuple[NonEmptyStr, ...] = Field(
        default=(), description="Content addresses (SHA-256) of the attached evidence"
    )
    transferred_at: UtcDateTime
    transferred_by: NonEmptyStr = Field(description="User id (token `sub`) of the transferor")
    discovered_on: date | None = Field(
        default=None,
        description="The day the transferring office found the lead or received the materials"
        " (Asia/Shanghai), from which verification runs; absent, the transfer's day in Shanghai",
    )


class PersonalDataRead(Contract):
    """Someone read personal data in clear that is otherwise shown masked or not at all: who,
    when, of which record, and what (never the data itself)."""

    subject_field: ClassVar[str] = "record_id"

    record: NonEmptyStr = Field(description="The kind of record read, e.g. `application`")
    record_id: uuid.UUID
    fields: tuple[Literal["name", "id_number", "phone"], ...] = Field(
        description="What was read in clear"
    )
    read_by: NonEmptyStr = Field(description="User id (token `sub`) of the reader")
    read_at: UtcDateTime
