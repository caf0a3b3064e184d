"""A register of market entities as a file: its records, each checked into an entity (or
rejected with its line number and reason). No I/O but reading the file."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, NamedTuple, cast, get_args

import sqlalchemy as sa

from contracts.licensing import EntityType
from contracts.values import CreditCode, InvalidCodeError
from services.supervision.tables import households, offices

REQUIRED = ("credit_code", "name", "entity_type", "operator_name", "address_text", "community_code")
# A register file's columns: the required ones, then those a line may leave empty.
COLUMNS = (*REQUIRED, "lon", "lat", "business_scope", "office_code")
ENTITY_TYPES = frozenset(get_args(EntityType))
NAME_MAX = cast(sa.String, households.c.name.type).length or 200
OPERATOR_MAX = cast(sa.String, households.c.operator_name.type).length or 100
OFFICE_MAX = cast(sa.String, offices.c.id.type).length or 64


class ImportRefusedError(Exception):
    """The file or the database cannot be used at all (nothing is imported)."""


# What is wrong with a line that is not about one of its fields.
UNREADABLE = "unreadable"  # not JSON, not CSV, not UTF-8, the wrong number of fields
REPEATED = "repeated"  # its credit code is on an earlier line of the file


class BadLineError(Exception):
    """A line that cannot be imported: the field at fault (or what else is) and why."""

    def __init__(self, field_name: str, reason: str) -> None:
        whole_line = field_name in {UNREADABLE, REPEATED}
        super().__init__(reason if whole_line else f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


class Entity(NamedTuple):
    """A line that passed the checks."""

    line: int
    credit_code: str
    name: str
    entity_type: str
    operator_name: str
    address_text: str
    community_code: str
    lon: float | None
    lat: float | None
    business_scope: list[str]
    office_code: str | None


# -- checking a line -------------------------------------------------------------------------


def _text(record: Mapping[str, Any], name: str, longest: int | None = None) -> str:
    value = record.get(name)
    if value is None or value == "":
        raise BadLineError(name, "missing")
    if not isinstance(value, str):
        raise BadLineError(name, "must be text")
    value = value.strip()
    if not value:
        raise BadLineError(name, "blank")
    if longest is not None and len(value) > longest:
        raise BadLineError(name, f"longer than {longest} characters")
    return value


def _coordinate(record: Mapping[str, Any], name: str, limit: float) -> float | None:
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadLineError(name, "must be a number")
    try:
        number = float(value)
    except ValueError:
        raise BadLineError(name, f"not a number: {str(value)[:20]!r}") from None
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise BadLineError(name, f"must be within -{limit:g}..{limit:g}, got {number:g}")
    return number


def _scope(value: Any) -> list[str]:
    if value is None:
        return []
    items = value.split(";") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise BadLineError("business_scope", "must be a list of text")
    return [item.strip() for item in items if item.strip()]


def check(line: int, record: Mapping[str, Any]) -> Entity:
    """The entity on a line, or BadLineError naming the field at fault."""
    try:
        credit_code = str(CreditCode(_text(record, "credit_code")))
    except InvalidCodeError as error:
        raise BadLineError("credit_code", str(error)) from None
    community_code = _text(record, "community_code")
    if not (len(community_code) == 12 and community_code.isascii() and community_code.isdigit()):
        raise BadLineError("community_code", f"must be 12 digits, got {community_code[:20]!r}")
    entity_type = _text(record, "entity_type")
    if entity_type not in ENTITY_TYPES:
        raise BadLineError(
            "entity_type",
            f"must be one of {', '.join(sorted(ENTITY_TYPES))}, got {entity_type[:30]!r}",
        )
    lon = _coordinate(record, "lon", 180)
    lat = _coordinate(record, "lat", 90)
    if (lon is None) != (lat is None):
        raise BadLineError("lon" if lon is None else "lat", "lon and lat go together")
    office = record.get("office_code")
    return Entity(
        line=line,
        credit_code=credit_code,
        name=_text(record, "name", NAME_MAX),
        entity_type=entity_type,
        operator_name=_text(record, "operator_name", OPERATOR_MAX),
        address_text=_text(record, "address_text"),
        community_code=community_code,
        lon=lon,
        lat=lat,
        business_scope=_scope(record.get("business_scope")),
        office_code=_text(record, "office_code", OFFICE_MAX) if office else None,
    )


# -- reading a file --------------------------------------------------------------------------

Records = Iterator[tuple[int, Mapping[str, Any] | BadLineError]]


class RegisterFile:
    """The records of a file with their line numbers, and how many bytes have been read."""

    def __init__(self, path: Path) -> None:
        suffix = path.suffix.lower()
        if suffix not in {".csv", ".jsonl", ".ndjson"}:
            raise ImportRefusedError(f"{path.name}: a .csv, .jsonl or .ndjson file is expected")
        self.path = path
        self.kind = "CSV" if suffix == ".csv" else "JSON Lines"
        self.consumed = 0
        try:
            self.size = path.stat().st_size
        except OSError as error:
            raise ImportRefusedError(f"{path}: {error.strerror}") from None

    def records(self, raw: IO[bytes]) -> Records:
        """Each record (a mapping) or rejection, with the line it ends on."""
        return self._csv(raw) if self.kind == "CSV" else self._jsonl(raw)

    def _jsonl(self, raw: IO[bytes]) -> Records:
        for line, data in enumerate(raw, start=1):
            self.consumed += len(data)
            if not data.strip():
                continue
            try:
                record = json.loads(data)
            except ValueError as error:  # UnicodeDecodeError included
                yield line, BadLineError(UNREADABLE, f"not JSON: {str(error)[:80]}")
                continue
            if not isinstance(record, dict):
                yield line, BadLineError(UNREADABLE, "not a JSON object")
                continue
            yield line, record

    def _csv(self, raw: IO[bytes]) -> Records:
        undecodable: set[int] = set()

        def lines() -> Iterator[str]:
            for number, data in enumerate(raw, start=1):
                self.consumed += len(data)
                try:
                    yield data.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    undecodable.add(number)
                    yield data.decode("utf-8", errors="replace")

        reader = csv.reader(lines())
        header = [name.strip() for name in next(reader, [])]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise ImportRefusedError(f"{self.path.name}: the header lacks {', '.join(missing)}")
        previous = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield reader.line_num, BadLineError(UNREADABLE, f"not CSV: {error}")
                previous = reader.line_num
                continue
            line, first = reader.line_num, previous + 1
            previous = line
            if not any(cell.strip() for cell in row):
                continue
            if undecodable and any(n in undecodable for n in range(first, line + 1)):
                yield line, BadLineError(UNREADABLE, "not UTF-8 text")
            elif len(row) != len(header):
                yield (
                    line,
                    BadLineError(UNREADABLE, f"has {len(row)} fields, the header {len(header)}"),
                )
            else:
                yield line, dict(zip(header, row, strict=True))
