"""One object built from another by the names their fields share, instead of listing them.

Used between the layers of a service: a stored row into its aggregate, an aggregate into its
event, a command into the value it creates. No I/O: domain code may use it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


def made_from(cls: type[T], source: object, **given: Any) -> T:
    """An instance of `cls` (a dataclass or a pydantic model) whose fields are taken from
    `source` by name: its attributes (an object, a SQLAlchemy row) or its keys (a mapping).

    `given` supplies or replaces fields (those named otherwise in the source, or converted);
    a given field is never read from the source.
    """
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = _field_names(cls)
    wanted = [name for name in names if name not in given]
    # A SQLAlchemy row is read by its columns, never by its tuple methods (count, index).
    source = getattr(source, "_mapping", source)
    if isinstance(source, Mapping):
        taken = {name: source[name] for name in wanted if name in source}
    else:
        taken = {name: getattr(source, name) for name in wanted if hasattr(source, name)}
    return cls(**taken, **given)


# The fields each class is built from, looked up once a class (a listing builds hundreds).
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: Any) -> tuple[str, ...]:
    if issubclass(cls, BaseModel):
        return tuple(cls.model_fields)
    return tuple(field.name for field in dataclasses.fields(cls) if field.init)
