"""Request and response models of the supervision routes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from chassis.schemas import RequestModel
from contracts.values import CommunityCode, GridCode

Username = Annotated[str, Field(pattern=r"^[a-z][a-z0-9._-]{1,63}$", examples=["inspector01"])]
OfficeId = Annotated[str, Field(min_length=1, max_length=64, examples=["office-01"])]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class Polygon(RequestModel):
    """A GeoJSON Polygon in WGS 84 degrees: one closed outer ring (holes allowed)."""

    type: Literal["Polygon"]
    coordinates: list[
        Annotated[
            list[Annotated[list[float], Field(min_length=2, max_length=3)]],
            Field(min_length=4, max_length=10_000),
        ]
    ] = Field(min_length=1, max_length=100)


class OfficeIn(RequestModel):
    """An office (工商所) and its area (片区)."""

    id: OfficeId
    name: Name
    area: Literal[1, 2]


class OfficeOut(BaseModel):
    """An office."""

    id: str
    name: str
    area: int


class OfficeList(BaseModel):
    """Every office."""

    offices: list[OfficeOut]


class GridIn(RequestModel):
    """A grid: its code, office, shape, the communities it covers and its owner."""

    id: GridCode = Field(description="Grid code: community code (12 digits) + grid (3)")
    office_id: OfficeId
    name: Name
    polygon: Polygon
    community_codes: list[CommunityCode] = Field(max_length=200)
    owner: Username


class GridChange(RequestModel):
    """What changes of a grid: re-drawn, re-assigned, renamed (what is left out stays)."""

    office_id: OfficeId | None = None
    name: Name | None = None
    polygon: Polygon | None = None
    community_codes: list[CommunityCode] | None = Field(default=None, max_length=200)
    owner: Username | None = None

    @model_validator(mode="after")
    def _something(self) -> GridChange:
        if not self.model_fields_set:
            raise ValueError("say what changes")
        return self


class GridOut(BaseModel):
    """A grid."""

    id: str
    office_id: str
    name: str
    polygon: dict[str, Any]
    community_codes: list[str]
    owner: str
    updated_at: datetime


class GridList(BaseModel):
    """Grids."""

    grids: list[GridOut]


class HouseholdOut(BaseModel):
    """An economic household (经济户口): the business and who supervises it."""

    credit_code: str
    name: str | None
    entity_type: str | None
    operator_name: str | None
    address: dict[str, Any] | None
    business_scope: list[str]
    status: Literal["unrouted", "assigned", "claimed", "cancelled"]
    grid_id: str | None
    office_id: str | None
    owner: str | None
    agent: str | None
    routed_by: str | None
    claim_deadline: date | None
    assigned_at: datetime | None
    claimed_at: datetime | None
    claimed_by: str | None


class HouseholdList(BaseModel):
    """A page of households; `next_cursor` fetches the next one."""

    households: list[HouseholdOut]
    next_cursor: str | None


class Assignment(RequestModel):
    """The grid an office head gives an unrouted household to."""

    grid_id: GridCode


class DelegationIn(RequestModel):
    """A position agent (职位代理): `agent` acts for `officer` from `start` to `end`."""

    officer: Username
    agent: Username
    start: date
    end: date

    @model_validator(mode="after")
    def _coherent(self) -> DelegationIn:
        if self.end < self.start:
            raise ValueError("end is before start")
        if self.agent == self.officer:
            raise ValueError("an officer cannot be their own agent")
        return self


class DelegationOut(BaseModel):
    """A delegation."""

    id: uuid.UUID
    officer: str
    agent: str
    start: date
    end: date
    created_by: str
    created_at: datetime
