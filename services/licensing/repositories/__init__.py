"""Loading and saving licensing's aggregates on a unit of work's connection."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from services.licensing.domain.places import Place


def row_of(
    table: sa.Table, aggregate: object, *, only: Iterable[str] | None = None, **given: object
) -> dict[str, object]:
    """The values of `aggregate`'s row in `table` (of the columns `only`, if named): each
    column from the attribute of its name, a place as its JSON, unless `given`."""
    names = list(only) if only is not None else [column.name for column in table.c]
    values = {name: given[name] if name in given else getattr(aggregate, name) for name in names}
    return {
        name: value.to_json() if isinstance(value, Place) else value
        for name, value in values.items()
    }
