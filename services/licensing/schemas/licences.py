"""Request and response models of the licence register and its reference tables."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from chassis.schemas import RequestModel, TransferOutcomeOut
from contracts.values import CreditCode
from services.licensing.schemas.applications import Address


class LicenceOut(BaseModel):
    """A business licence."""

    credit_code: str
    name: str
    entity_type: str
    operator_name: str
    address: Address
    business_scope: list[str]
    status: Literal["active", "cancelled"]
    channel: str
    issued_at: datetime
    same_day: bool
    after_hours: bool
    changed_at: datetime | None
    cancelled_at: datetime | None
    application_id: uuid.UUID


class LicenceList(BaseModel):
    """Licences found by a search."""

    licences: list[LicenceOut]


class Material(BaseModel):
    """A document to hand in."""

    code: str
    name: str


class RequirementsOut(BaseModel):
    """What an application of one entity type and kind must hand in."""

    entity_type: str
    kind: str
    materials: list[Material]
    registered_capital_required: bool


class ScopeItemOut(BaseModel):
    """A business-scope item and the partner agency whose permit it needs."""

    code: str
    name: str
    partner_agency: str | None


class ScopeCatalogueOut(BaseModel):
    """Every business-scope item."""

    items: list[ScopeItemOut]


class CaseTransferIn(RequestModel):
    """A case source found at the window (forged signatures, false registered capital…)."""

    credit_code: CreditCode | None = None
    application_id: uuid.UUID | None = None
    allegation: Annotated[str, Field(min_length=1, max_length=2000)]
    evidence: list[Annotated[str, Field(pattern=r"^sha256:[0-9a-f]{64}$")]] = Field(
        default_factory=list, max_length=50, description="Content addresses of the evidence"
    )
    discovered_on: date | None = Field(
        default=None,
        description="The day the window found it or received the materials (Asia/Shanghai),"
        " from which enforcement's verification runs; today when not given, never later",
    )

    @model_validator(mode="after")
    def _about_something(self) -> CaseTransferIn:
        if self.credit_code is None and self.application_id is None:
            raise ValueError("name the licence (credit_code) or the application (application_id)")
        return self


class CaseTransferOut(BaseModel):
    """The transferred case source."""

    case_source_id: uuid.UUID
    credit_code: str | None
    application_id: uuid.UUID | None
    allegation: str
    evidence: list[str] = Field(validation_alias="evidence_refs")
    transferred_by: str
    transferred_at: datetime
    discovered_on: date | None = Field(
        description="The day the window found it; null on transfers made before it was kept"
    )
    outcome: TransferOutcomeOut = Field(description="What came of it at enforcement (通报备案)")


class CaseTransferList(BaseModel):
    """Case sources the window transferred, the latest first."""

    case_transfers: list[CaseTransferOut]
