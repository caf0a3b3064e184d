"""Request and response models of the licensing routes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chassis.schemas import RequestModel
from contracts.licensing import ApplicationKind, Channel, EntityType
from contracts.values import CommunityCode, CreditCode, ResidentId
from services.licensing.domain.applications import Step

Text = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")]


class Operator(RequestModel):
    """The operator (individual business) or legal representative."""

    # The ID number is personal data: a refusal never echoes it back.
    model_config = ConfigDict(hide_input_in_errors=True)

    name: Text = Field(examples=["王某"])
    id_number: ResidentId = Field(examples=["11010519491231002X"])


class AddressIn(RequestModel):
    """Where the business trades: as written, its community, and the map point if picked."""

    text: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        examples=["示范区营门口路 18 号"]
    )
    community_code: CommunityCode = Field(examples=["510106001001"])
    lon: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    lat: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)

    @model_validator(mode="after")
    def _both_or_neither(self) -> AddressIn:
        if (self.lon is None) != (self.lat is None):
            raise ValueError("give both lon and lat, or neither")
        return self


class ApplicationIn(RequestModel):
    """An application as handed in.

    An establishment gives everything; a change names the licence (`credit_code`) and what
    changes; a cancellation names the licence. What a change leaves out stays as licensed.
    """

    kind: ApplicationKind
    entity_type: EntityType
    name: Text | None = Field(default=None, examples=["示范区老王面馆"])
    operator: Operator
    address: AddressIn | None = None
    business_scope: list[Code] = Field(default_factory=list, max_length=50)
    registered_capital: Decimal | None = Field(
        default=None, gt=0, max_digits=16, decimal_places=2, description="CNY"
    )
    channel: Channel = "window"
    materials: list[Code] = Field(default_factory=list, max_length=50)
    credit_code: CreditCode | None = Field(
        default=None, description="The licence concerned, for a change or a cancellation"
    )
    finding_id: uuid.UUID | None = Field(
        default=None, description="The unlicensed-trading finding the van came to register"
    )

    @model_validator(mode="after")
    def _establishment_complete(self) -> ApplicationIn:
        if self.kind == "establishment":
            absent = [f for f in ("name", "address") if getattr(self, f) is None]
            if absent:
                raise ValueError(f"an establishment needs {' and '.join(absent)}")
        return self


class BatchItem(ApplicationIn):
    """One application captured offline by the mobile van."""

    client_id: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:-]+$")]
    channel: Channel = "mobile"


class BatchResult(BaseModel):
    """What became of one item of a batch."""

    client_id: str | None
    outcome: Literal["created", "existing", "refused"]
    application: ApplicationOut | None = None
    problem: dict[str, Any] | None = None


class BatchIn(RequestModel):
    """Applications captured offline, each as for POST /applications plus its `client_id`."""

    # Items are checked one by one, so that one bad item does not refuse the others.
    applications: list[dict[str, Any]] = Field(min_length=1, max_length=200)


class BatchOut(BaseModel):
    """Each item's result, in the order sent."""

    results: list[BatchResult]


class Reasons(RequestModel):
    """Why an application is returned or refused."""

    reasons: list[Reason] = Field(default_factory=list, max_length=20)


class Rejection(RequestModel):
    """Why an application is refused (at least one reason)."""

    reasons: list[Reason] = Field(min_length=1, max_length=20)


class Resubmission(RequestModel):
    """The corrected application: the materials now handed in."""

    materials: list[Code] = Field(min_length=1, max_length=50)


class Extension(RequestModel):
    """An approved extension of the registration deadline (art. 19: with the head's approval)."""

    approved_by: Text = Field(description="Who approved it (the head of the authority)")
    reason: Reason


class Address(BaseModel):
    """An address as stored."""

    text: str
    community_code: str
    lon: float | None = None
    lat: float | None = None


class ApplicationOut(BaseModel):
    """An application and where it stands."""

    id: uuid.UUID
    status: str
    kind: str
    entity_type: str
    name: str
    operator_name: str
    operator_id_number: str = Field(
        description="Masked: the first 6 and last 4 characters (`GET .../operator` shows it)",
        examples=["110105********002X"],
    )
    address: Address
    business_scope: list[str]
    registered_capital: Decimal | None
    channel: str
    materials: list[str]
    missing_materials: list[str]
    credit_code: str | None
    client_id: str | None = None
    finding_id: uuid.UUID | None = None
    deadline: date | None
    deadline_rule: str | None
    submitted_by: str
    submitted_at: datetime
    accepted_at: datetime | None
    updated_at: datetime
    partner_requests: list[PartnerRequestOut] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)


class OperatorOut(BaseModel):
    """The operator of an application as handed in, their ID number in clear."""

    name: str
    id_number: str


class ApplicationList(BaseModel):
    """Applications (without their steps and partner requests: fetch one for those)."""

    applications: list[ApplicationOut]
    next_cursor: str | None = Field(description="The next page's `cursor`; null on the last page")


class PartnerRequestOut(BaseModel):
    """A joint-licensing request as its partner agency sees it."""

    id: uuid.UUID
    application_id: uuid.UUID
    agency: str
    status: Literal["pending", "approved", "rejected", "withdrawn"]
    name: str
    entity_type: str
    address: Address
    business_scope: list[str] = Field(description="The scope items that need this agency")
    requested_at: datetime
    deadline: date
    permit_number: str | None
    reason: str | None
    decided_at: datetime | None


class PartnerRequestList(BaseModel):
    """A partner agency's requests."""

    requests: list[PartnerRequestOut]


class PartnerDecisionIn(RequestModel):
    """A partner agency's decision on its permit."""

    decision: Literal["approved", "rejected"]
    permit_number: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    reason: Reason | None = None

    @model_validator(mode="after")
    def _explained(self) -> PartnerDecisionIn:
        if self.decision == "approved" and self.permit_number is None:
            raise ValueError("an approval gives the permit_number")
        if self.decision == "rejected" and self.reason is None:
            raise ValueError("a rejection gives the reason")
        return self


class VisitOut(BaseModel):
    """A place where an inspector found unlicensed trading."""

    finding_id: uuid.UUID
    address: Address
    street_code: str
    area: int | None
    description: str
    found_at: datetime
    found_by: str
    status: Literal["open", "applied"]
    application_id: uuid.UUID | None


class VisitList(BaseModel):
    """The mobile licensing van's visit list."""

    visits: list[VisitOut]


ApplicationOut.model_rebuild()
ApplicationList.model_rebuild()
BatchResult.model_rebuild()
