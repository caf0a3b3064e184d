"""One object built from another by the names their fields share, instead of listing them."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


def made_from(cls: type[T], source: object, **given: Any) -> T:
    """An instance of `cls` (a dataclass or a contract) whose fields are the attributes of the
    same names of `source`; `given` supplies or replaces fields (those named otherwise there,
    or converted)."""
    if issubclass(cls, BaseModel):
        names = list(cls.model_fields)
    else:
        names = [field.name for field in dataclasses.fields(cls) if field.init]  # type: ignore[arg-type]
    taken = {
        name: getattr(source, name) for name in names if name not in given and hasattr(source, name)
    }
    return cls(**taken, **given)
