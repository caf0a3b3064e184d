"""Between an aggregate's fields and its table's columns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa


def columns(table: sa.Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values of the table's columns among `values` (None in a JSON column as SQL NULL)."""
    return {
        column.name: sa.null()
        if values[column.name] is None and isinstance(column.type, sa.JSON)
        else values[column.name]
        for column in table.c
        if column.name in values
    }
