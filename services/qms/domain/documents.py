"""Document control (ISO 9001 §7.5): procedures (程序文件) and work instructions (作业指导文件)
per process, their numbered versions, approval by someone other than the author, and which
version is in force on a day.

A version is a draft until a member of the quality office other than its author approves it,
naming the day it takes effect: the day of approval or later, never earlier, so what was in
force on a past day never changes. On a day, the version in force is the highest-numbered
approved version effective by then; the approved versions below it are superseded (kept and
readable), and an approved version whose day has not come is `approved`. Versions are approved
in order: once one is approved, an earlier draft no longer can be. Each process has at most one
procedure; a work instruction belongs to a procedure of its process.

Texts are kept beside their versions (lists never load them): the rules here check a text
when it is written.
"""

from __future__ import annotations

import re
import tomllib
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal

from chassis.errors import Conflict, Forbidden, NotFound, RuleViolated

DATA = Path(__file__).parents[1] / "data"
Kind = Literal["procedure", "work_instruction"]
Status = Literal["draft", "approved", "in_force", "superseded"]
# QP-07 (a procedure), WI-07-01 (a work instruction): capitals, then one to three parts.
CODE_PATTERN = r"^[A-Z]{1,6}(-[A-Z0-9]{1,10}){1,3}$"
PROCESS_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
TITLE_MAX = 200
NOTE_MAX = 1000
TEXT_MAX_BYTES = 100 * 1024


@dataclass(frozen=True)
class Process:
    """One of the bureau's processes: what a procedure is written for."""

    code: str
    name: str


@dataclass(frozen=True)
class Processes:
    """The bureau's processes, in the data file's order."""

    items: tuple[Process, ...]

    @classmethod
    def from_toml(cls, text: str) -> Processes:
        """Read the list; every code is well formed and listed once."""
        items = tuple(Process(p["code"], p["name"]) for p in tomllib.loads(text)["process"])
        codes = [process.code for process in items]
        malformed = [code for code in codes if not re.fullmatch(PROCESS_PATTERN, code)]
        if malformed:
            raise ValueError(f"malformed process codes {malformed}")
        if len(set(codes)) != len(codes):
            raise ValueError("a process code is listed twice")
        return cls(items)

    def check(self, code: str, where: str = "body") -> str:
        """`code` if it names a process; refused by name otherwise."""
        if all(process.code != code for process in self.items):
            raise RuleViolated(
                "process", f"no process {code!r}: GET /processes lists them", "unknown", where
            )
        return code


@cache
def processes() -> Processes:
    """The processes of the data file (read once)."""
    return Processes.from_toml((DATA / "processes.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Approval:
    """Who approved a version, when, and the day it takes effect."""

    approver: str
    approved_at: datetime
    effective_date: date


@dataclass(frozen=True)
class Version:
    """One version of a document: who wrote it, when, why; its approval once given."""

    number: int
    author: str
    created_at: datetime
    change_note: str | None
    approval: Approval | None = None

    def effective_by(self, day: date) -> bool:
        """Whether it is approved and its effective day has come by `day`."""
        return self.approval is not None and self.approval.effective_date <= day


class SeparationOfDuties(Forbidden):
    """Whoever wrote a version may not approve it: another member of the quality office does."""

    def __init__(self, number: int) -> None:
        super().__init__(
            f"Separation of duties: you wrote version {number}, so another member of the "
            "quality office approves it",
            rule="separation_of_duties",
        )


def _text(field_name: str, value: str, limit: int) -> str:
    if not value.strip() or len(value) > limit:
        raise RuleViolated(field_name, f"{field_name} has 1..{limit} characters, not all blank")
    return value


def check_text(text: str) -> str:
    """A version's text: not blank, at most 100 KB in UTF-8."""
    if not text.strip():
        raise RuleViolated("text", "text is blank")
    if len(text.encode("utf-8")) > TEXT_MAX_BYTES:
        raise RuleViolated("text", f"text is over {TEXT_MAX_BYTES} bytes in UTF-8", "too_long")
    return text


def _check_procedure(kind: Kind, process: str, procedure: Document | None) -> None:
    if kind == "procedure":
        if procedure is not None:
            raise RuleViolated("procedure_id", "a procedure belongs to no other procedure")
        return
    if procedure is None:
        raise RuleViolated("procedure_id", "a work instruction names the procedure it belongs to")
    if procedure.kind != "procedure":
        raise RuleViolated("procedure_id", f"{procedure.code} is a work instruction")
    if procedure.process != process:
        raise RuleViolated(
            "procedure_id", f"{procedure.code} is the procedure of {procedure.process}"
        )


@dataclass
class Document:
    """A controlled document and its versions, numbered from 1."""

    id: uuid.UUID
    kind: Kind
    code: str
    title: str
    process: str
    procedure_id: uuid.UUID | None
    created_by: str
    created_at: datetime
    versions: list[Version] = field(default_factory=list)

    @classmethod
    def write(
        cls,
        *,
        id: uuid.UUID,
        kind: Kind,
        code: str,
        title: str,
        process: str,
        procedure: Document | None,
        text: str,
        change_note: str | None,
        by: str,
        at: datetime,
    ) -> Document:
        """A new document with its first version, a draft of `by`."""
        if not re.fullmatch(CODE_PATTERN, code):
            raise RuleViolated("code", "a code like QP-07 or WI-07-01", "pattern")
        processes().check(process)
        _check_procedure(kind, process, procedure)
        document = cls(
            id,
            kind,
            code,
            _text("title", title, TITLE_MAX),
            process,
            None if procedure is None else procedure.id,
            by,
            at,
        )
        check_text(text)
        note = None if change_note is None else _text("change_note", change_note, NOTE_MAX)
        document.versions.append(Version(1, by, at, note))
        return document

    def draft(self, text: str, change_note: str, by: str, at: datetime) -> Version:
        """A new version, a draft of `by`, saying what changed."""
        check_text(text)
        version = Version(
            len(self.versions) + 1, by, at, _text("change_note", change_note, NOTE_MAX)
        )
        self.versions.append(version)
        return version

    def version(self, number: int) -> Version:
        """Version `number`; NotFound when there is none."""
        for version in self.versions:
            if version.number == number:
                return version
        raise NotFound("version")

    def approve(
        self, number: int, by: str, at: datetime, today: date, effective_date: date | None
    ) -> Version:
        """Approve version `number`, in force from `effective_date` (default `today`, the
        bureau's day of the approval)."""
        version = self.version(number)
        if version.approval is not None:
            raise Conflict(f"version {number} is approved already")
        later = [v.number for v in self.versions if v.number > number and v.approval is not None]
        if later:
            raise Conflict(
                f"version {later[-1]} is approved already: version {number} can no longer be"
            )
        if version.author == by:
            raise SeparationOfDuties(number)
        effective = today if effective_date is None else effective_date
        if effective < today:
            raise RuleViolated(
                "effective_date", f"takes effect on {today} (the day of approval) or later"
            )
        approved = replace(version, approval=Approval(by, at, effective))
        self.versions = [approved if v.number == number else v for v in self.versions]
        return approved

    def in_force(self, day: date) -> Version | None:
        """The version in force on `day`: the highest-numbered one effective by then."""
        effective = [version for version in self.versions if version.effective_by(day)]
        return effective[-1] if effective else None

    def status(self, version: Version, day: date) -> Status:
        """Where `version` stands on `day`."""
        if version.approval is None:
            return "draft"
        if version.approval.effective_date > day:
            return "approved"
        current = self.in_force(day)
        if current is not None and current.number == version.number:
            return "in_force"
        return "superseded"

    def published(self, day: date) -> Document:
        """The document as staff outside the quality office read it on `day`: only the
        versions that have taken effect (in force, or superseded since), never a draft or an
        approved version whose day has not come."""
        return replace(self, versions=[v for v in self.versions if v.effective_by(day)])
