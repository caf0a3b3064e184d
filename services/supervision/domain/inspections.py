"""Inspection records (巡查记录) and their attachments: a record never changes once submitted;
a correction is its next version beside it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from chassis.errors import Forbidden, RuleViolated
from contracts.supervision import InspectionRecorded
from services.supervision.domain.delegations import Supervised, Viewer, may_act, may_see, visible

# What an attachment may be, recognised by its first bytes (the declared type is not trusted).
MEDIA_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def media_type_of(head: bytes) -> str | None:
    """The media type of content starting with `head`, if it is one attachments may be."""
    return next((media for magic, media in MEDIA_SIGNATURES if head.startswith(magic)), None)


@dataclass(frozen=True)
class Attachment:
    """A stored attachment, addressed by the SHA-256 of its content."""

    sha256: str
    media_type: str
    size: int
    stored_by: str
    stored_at: datetime

    @property
    def ref(self) -> str:
        """How records and case transfers cite it."""
        return f"sha256:{self.sha256}"


@dataclass(frozen=True)
class Citation:
    """A record or a case transfer that cites an attachment: whose it is, which office's."""

    supervisor: str | None
    office_id: str | None


def may_read(viewer: Viewer, attachment: Attachment, citing: Iterable[Supervised]) -> bool:
    """Whether the viewer may read an attachment: auditors and admins, who stored it, and
    whoever may see a record or a case transfer that cites it (knowing its hash is not enough)."""
    if viewer.sees_everything or attachment.stored_by == viewer.subject:
        return True
    return any(may_see(viewer, owner=c.supervisor, office_id=c.office_id) for c in citing)


@dataclass(frozen=True, kw_only=True)
class InspectionReport:
    """What the inspector writes: when, the route walked, the households visited, what was
    found and done, and the attachments cited."""

    started_at: datetime
    ended_at: datetime
    route: list[list[float]]
    households: list[str]
    findings: str
    actions: list[str]
    attachments: list[str]


@dataclass(frozen=True, kw_only=True)
class Inspection(InspectionReport):
    """One version of an inspection record: the report, whose it is and when it was recorded."""

    id: uuid.UUID
    version: int
    inspector: str
    office_id: str | None
    correction_reason: str | None
    recorded_by: str
    recorded_at: datetime
    # Every version, newest first (this one included), when read as a whole record.
    versions: Sequence[Inspection] = field(default=(), compare=False, repr=False)

    @property
    def supervisor(self) -> str:
        """The inspector who recorded it."""
        return self.inspector

    def event(self) -> InspectionRecorded:
        """What the bus is told of this version (the fields of the same names, and these under
        theirs)."""
        named = {
            "inspection_id": self.id,
            "office_code": self.office_id,
            "evidence_refs": self.attachments,
        }
        return InspectionRecorded.model_validate(vars(self) | named)


def check_times(started_at: datetime, ended_at: datetime) -> None:
    """RuleViolated naming `ended_at` when the inspection ends before it starts."""
    if ended_at < started_at:
        raise RuleViolated("ended_at", "the inspection ends before it starts")


def check_correction(viewer: Viewer, latest: Inspection | None) -> Inspection:
    """The latest version, which only its inspector (or their agent) corrects."""
    latest = visible(viewer, latest, "inspection")
    if latest.inspector not in viewer.acts_for:
        raise Forbidden("Only its inspector (or their agent) corrects it")
    return latest


def check_visited(viewer: Viewer, visited: Sequence[str], owners: Mapping[str, str | None]) -> None:
    """Every visited household exists and is the viewer's (or the officer's they act for)."""
    for code in visited:
        if code not in owners:
            raise RuleViolated("households", f"no household {code}")
        if not may_act(viewer, owner=owners[code]):
            raise Forbidden(f"household {code} is not in your grids")
