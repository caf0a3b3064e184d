"""Keyset paging: a list's page ends at a row whose sort key the next request resumes after.

The cursor is opaque to clients (URL-safe base64 of the key's JSON), so a list may change its
sort key without breaking a client; a cursor this service did not give is a 422 on `cursor`.
A list reads one row more than its limit: that row tells whether a next page exists.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeAlias, TypeVar

from chassis.errors import RuleViolated

KeyPart: TypeAlias = str | int | date | datetime | uuid.UUID
Row = TypeVar("Row")


def cursor_after(*key: KeyPart) -> str:
    """The cursor resuming after the row whose sort key is `key`."""
    parts = [part.isoformat() if isinstance(part, date) else str(part) for part in key]
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode()


def page_of(
    rows: Sequence[Row], limit: int, key: Callable[[Row], tuple[KeyPart, ...]]
) -> tuple[list[Row], str | None]:
    """The page in `rows` (read with a limit of `limit + 1`) and the cursor resuming after its
    last row, by that row's sort `key`; no cursor when nothing follows."""
    page = list(rows[:limit])
    if len(rows) <= limit:
        return page, None
    return page, cursor_after(*key(page[-1]))


def resume_after(cursor: str, *kinds: type[KeyPart]) -> tuple[Any, ...]:
    """The sort key a cursor carries, each part read as the type `kinds` names."""
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(parts, list) or len(parts) != len(kinds):
            raise ValueError(cursor)
        return tuple(_read(kind, part) for kind, part in zip(kinds, parts, strict=True))
    except (ValueError, TypeError, binascii.Error):
        raise RuleViolated("cursor", "not a cursor this list gave", "cursor", "query") from None


def _read(kind: type[KeyPart], part: object) -> KeyPart:
    if not isinstance(part, str):
        raise TypeError(part)
    if kind is datetime:
        # Every key is read back aware from the database: a bare day or a naive time is another
        # list's key.
        instant = datetime.fromisoformat(part)
        if instant.tzinfo is None:
            raise ValueError(part)
        return instant
    if kind is date:
        return date.fromisoformat(part)
    if kind is int:
        return int(part)
    return uuid.UUID(part) if kind is uuid.UUID else part
