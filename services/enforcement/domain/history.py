"""What one step of a case source or a case did: the entry its history keeps, the events to
emit and what it added (a case, a record, a stop...), for the repository to save."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contracts import Contract


@dataclass(frozen=True)
class HistoryEntry:
    """A step as the case history shows it; `detail` is the step's own JSON document."""

    step: str
    at: datetime
    actor: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class Step:
    """One step taken: the history it joins (its case source's), its entry, its events, and
    the new things it made."""

    case_source_id: uuid.UUID
    entry: HistoryEntry
    events: tuple[Contract, ...] = ()
    added: tuple[object, ...] = ()


def json_instant(value: datetime) -> str:
    """An instant as the request's JSON gave it back (UTC as `Z`, as pydantic writes it)."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
