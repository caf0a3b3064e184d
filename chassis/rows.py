"""Between a dataclass and a table row: one mapping by name, instead of columns listed by hand.

A repository reads `made_from(Household, row)` (chassis/copying.py) and writes
`values_for(households, household)`; only the fields whose names differ from their columns (or
need converting) are written out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa


def values_for(table: sa.Table, source: object, **given: Any) -> dict[str, Any]:
    """The values of the table's columns taken from the fields of the same names of `source`
    (a dataclass or a mapping); `given` supplies or replaces columns.

    A None for a JSON column is written as SQL NULL, not as the JSON value null.
    """
    if isinstance(source, Mapping):
        available: Mapping[str, Any] = source
    else:
        fields = dataclasses.fields(source)  # type: ignore[arg-type]
        available = {field.name: getattr(source, field.name) for field in fields}
    available = {**available, **given}
    return {
        column.name: _stored(column, available[column.name])
        for column in table.c
        if column.name in available
    }


def _stored(column: sa.Column[Any], value: Any) -> Any:
    return sa.null() if value is None and isinstance(column.type, sa.JSON) else value
