"""The base of every request model (what no service's input may carry), and shapes many share."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


class RequestModel(BaseModel):
    """A request body; text containing NUL is refused (PostgreSQL text cannot hold it), and so
    is a field the model does not know (a misspelt `handlres` must not be dropped in silence)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise ValueError("text must not contain NUL characters (\\u0000)")
        return data


class DateSpan(RequestModel):
    """Days from `start` to `end`, both included; an `end` before `start` is refused by name."""

    start: date
    end: date

    # A field validator (not a model one) so that the refusal names body.end.
    @field_validator("end")
    @classmethod
    def _not_before_start(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("start")
        if start is not None and end < start:
            raise ValueError("end is before start")
        return end


class TransferOutcomeOut(BaseModel):
    """What came of a case source transferred to enforcement (通报备案), as its news told."""

    model_config = ConfigDict(from_attributes=True)

    status: Literal["transferred", "filed", "not_filed", "decided", "closed"] = Field(
        description="transferred (nothing heard yet), filed, not_filed, decided, closed"
    )
    at: datetime = Field(description="When enforcement took that step (else the transfer's)")
    case_id: uuid.UUID | None = Field(description="The case, once one was filed")
    reasons: list[str] = Field(description="Why no case was filed")
    penalty_kinds: list[str] = Field(description="The penalty decided, e.g. fine")
    fine_amount: Decimal | None = Field(description="The fine decided, in CNY, e.g. 2000.00")
