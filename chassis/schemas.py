"""The base of every request model (what no service's input may carry), and shapes many share."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator


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
