"""Request and response bodies of the complaints routes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from chassis.schemas import RequestModel
from services.complaints.domain.submissions import DESCRIPTION_MAX, NAME_MAX

Channel = Literal["phone", "web", "station", "partner", "open311"]
Kind = Literal["complaint", "report", "suggestion", "consultation"]
Level = Literal["bureau", "office", "station"]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


class SubmitterIn(RequestModel):
    """Who submits; a report or suggestion may be anonymous (then nothing else is given)."""

    name: Annotated[str | None, Field(max_length=NAME_MAX)] = None
    phone: Annotated[str | None, Field(max_length=24)] = None
    id_number: Annotated[str | None, Field(max_length=18)] = Field(
        default=None, description="Resident ID number (GB 11643)"
    )
    anonymous: bool = False


class BusinessIn(RequestModel):
    """The business the submission is about, as far as the submitter knows it."""

    credit_code: Annotated[str | None, Field(max_length=18)] = Field(
        default=None, description="Unified social credit code (GB 32100), when known"
    )
    name: Annotated[str | None, Field(max_length=200)] = None


class LocationIn(RequestModel):
    """Where: lon/lat (WGS 84), or an address with its community code."""

    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    address: Annotated[str | None, Field(max_length=300)] = None
    community_code: Annotated[str | None, Field(pattern=r"^[0-9]{6,15}$")] = None


class SubmissionIn(RequestModel):
    """A submission on a channel; `received_at` (default now) starts the legal clocks."""

    channel: Channel
    kinds: list[Kind] = Field(min_length=1, max_length=4)
    submitter: SubmitterIn
    description: Annotated[str, Field(min_length=1, max_length=DESCRIPTION_MAX)]
    business: BusinessIn | None = None
    location: LocationIn | None = None
    received_at: datetime | None = Field(
        default=None, description="When it was received (with a time zone); default now"
    )


class UnitOut(BaseModel):
    level: Level
    id: str


class BusinessOut(BaseModel):
    credit_code: str | None
    name: str | None


class DeadlineOut(BaseModel):
    """A legal deadline: its rule code, due day and basis (law and article)."""

    rule: str
    due: date
    basis: str
    start: date
    met_on: date | None


class HistoryOut(BaseModel):
    action: str
    by: str
    at: datetime
    status: str
    details: dict[str, str]


class TicketOut(BaseModel):
    """A ticket; never its submitter's identity."""

    id: uuid.UUID
    kind: Kind
    status: str
    unit: UnitOut
    owner: str
    routing_rule: str
    business: BusinessOut
    received_at: datetime
    deadlines: list[DeadlineOut]
    linked: list[uuid.UUID]
    merged_into: uuid.UUID | None
    satisfaction: int | None
    reopen_requested: bool
    history: list[HistoryOut]


class TicketDetailOut(TicketOut):
    """A ticket with what its handler is told: proposed duplicates and a serial submitter."""

    duplicates: list[uuid.UUID] = Field(description="Same business and kind within the window")
    serial_submitter: bool = Field(description="The submitter has had many tickets lately")


class SubmissionOut(BaseModel):
    submission_id: uuid.UUID
    tickets: list[TicketOut]


class TicketList(BaseModel):
    tickets: list[TicketOut]
    next_cursor: str | None


class RoutingOut(BaseModel):
    """Where a draft submission would go, and the rule that sends it there."""

    unit: UnitOut
    rule: Literal["business_grid", "station_area", "office_area", "fallback"]


class RejectIn(RequestModel):
    reasons: Text
    competent_body: ShortText = Field(description="The body competent to handle the matter")


Username = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.-]{1,63}$")]


class HandoverIn(RequestModel):
    to: Username = Field(description="The handler (username) who owns the ticket from now on")
    reason: Text


class ReasonIn(RequestModel):
    reason: Text


class ReassignIn(RequestModel):
    unit: UnitOut
    reason: Text


class MediationIn(RequestModel):
    outcome: Literal["settled", "terminated"]
    summary: Text


class ReplyIn(RequestModel):
    text: Text


class FollowUpIn(RequestModel):
    """The satisfaction follow-up (回访); a dissatisfied party may ask to reopen."""

    satisfaction: int = Field(ge=1, le=5)
    remarks: Annotated[str, Field(max_length=4000)] = ""
    reopen_reason: Annotated[str | None, Field(min_length=1, max_length=4000)] = Field(
        default=None, description="Given when the party asks to reopen (satisfaction 1 or 2)"
    )


class ReopenIn(RequestModel):
    """The handler's decision on a request to reopen, on the record."""

    reopen: bool
    reason: Text


class MergeIn(RequestModel):
    into: uuid.UUID


class SubmitterOut(BaseModel):
    """The submitter's identity (complaints handlers only; each read is logged)."""

    name: str | None
    phone: str | None
    id_number: str | None
    anonymous: bool


class StationIn(RequestModel):
    """A community complaint station and its area: community codes and/or a polygon."""

    id: Annotated[str | None, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")] = Field(
        default=None,
        description="The station's id, which its staff's accounts name as their office;"
        " made up when not given",
    )
    name: ShortText
    kind: Literal["mall", "market", "township", "village"]
    office: Annotated[str, Field(min_length=1, max_length=64)]
    community_codes: list[Annotated[str, Field(pattern=r"^[0-9]{6,15}$")]] = Field(
        default_factory=list, max_length=200
    )
    polygon: dict[str, Any] | None = Field(default=None, description="A GeoJSON Polygon")


class StationOut(BaseModel):
    id: str
    name: str
    kind: str
    office: str
    community_codes: list[str]
    polygon: dict[str, Any] | None
    created_by: str
    created_at: datetime


class StationList(BaseModel):
    stations: list[StationOut]
