"""Between an aggregate and its row: the columns of the same names (`chassis.rows`), the JSON
columns holding the aggregate's values as their documents, read back into the fields' types."""

from __future__ import annotations

import functools
from typing import Any, TypeVar, get_type_hints

import sqlalchemy as sa
from pydantic import TypeAdapter

from chassis.copying import made_from
from chassis.rows import values_for
from services.enforcement.domain.history import document

T = TypeVar("T")


def row(table: sa.Table, source: object, **given: Any) -> dict[str, Any]:
    """The table's columns from the fields of the same names, JSON ones as their documents."""
    documents = {
        column.name: document(getattr(source, column.name))
        for column in _json_columns(table)
        if hasattr(source, column.name) and column.name not in given
    }
    return values_for(table, source, **documents | given)


def revived(cls: type[T], table: sa.Table, found: sa.Row[Any], **given: Any) -> T:
    """The dataclass `cls` from a row of `table`, its JSON documents read back into the types
    of the fields of the same names (`given` supplies or replaces fields)."""
    kind: type = cls
    documents = {
        column.name: adapter.validate_python(found._mapping[column.name])
        for column in _json_columns(table)
        if column.name not in given and (adapter := _adapter(kind, column.name)) is not None
    }
    return made_from(cls, found, **documents | given)


def _json_columns(table: sa.Table) -> list[sa.Column[Any]]:
    return [column for column in table.c if isinstance(column.type, sa.JSON)]


@functools.cache
def _adapter(cls: type, field: str) -> TypeAdapter[Any] | None:
    """How the field's type is read from JSON (None for a column with no such field)."""
    hint = get_type_hints(cls).get(field)
    return None if hint is None else TypeAdapter(hint)
