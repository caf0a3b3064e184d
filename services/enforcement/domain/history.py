"""What one step of a case source or a case did: the entry its history keeps, the events to
emit and what it added (a case, a record, a stop...), for the repository to save."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from chassis.legalclock import Deadline
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


def taken(
    case_source_id: uuid.UUID,
    name: str,
    by: str,
    at: datetime,
    detail: dict[str, Any],
    *,
    events: tuple[Contract, ...] = (),
    added: tuple[object, ...] = (),
) -> Step:
    """A step taken in the history of `case_source_id`: its entry, events and additions."""
    return Step(case_source_id, HistoryEntry(name, at, by, detail), events, added)


def json_instant(value: datetime) -> str:
    """An instant as the request's JSON gave it back (UTC as `Z`, as pydantic writes it)."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@runtime_checkable
class Documented(Protocol):
    """A value that writes its own JSON document (a notice, a party)."""

    def as_json(self) -> object:
        """As stored and shown."""
        ...


def document(value: object) -> Any:
    """A value as a JSON document keeps it: a record's fields in order, days and instants in
    ISO 8601, amounts as text, sequences as lists, a deadline as the legal clock writes it
    (and a value that writes its own, as it writes it)."""
    if isinstance(value, Documented):
        return value.as_json()
    if isinstance(value, Deadline):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return fields_document(value)
    if isinstance(value, date | datetime | Decimal):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, tuple | list):
        return [document(item) for item in value]
    return value


def fields_document(value: object) -> dict[str, Any]:
    """A record's fields in order, each as its JSON document."""
    return {f.name: document(getattr(value, f.name)) for f in fields(value)}  # type: ignore[arg-type]
