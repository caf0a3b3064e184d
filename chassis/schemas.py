"""The base of every request model: what no service's input may carry."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, model_validator


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


class RequestModel(BaseModel):
    """A request body; text containing NUL is refused (PostgreSQL text cannot hold it)."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise ValueError("text must not contain NUL characters (\\u0000)")
        return data
