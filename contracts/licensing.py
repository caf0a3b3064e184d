"""Facts published by the licensing service: licences issued, changed, cancelled; case sources."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from contracts.base import Contract
from contracts.shapes import CaseSourceTransfer
from contracts.values import Address, CreditCode, NonEmptyStr, UtcDateTime

__all__ = [
    "EntityType",
    "LicenceCancelled",
    "LicenceChanged",
    "LicenceIssued",
    "LicensingCaseSourceTransferred",
]

EntityType = Literal[
    "individual_business",
    "company",
    "sole_proprietorship",
    "partnership",
    "farmers_cooperative",
    "branch",
]


class LicenceIssued(Contract):
    """A business licence was issued: a new market entity exists (establishment, 设立)."""

    event_type = "licensing.licence.issued"
    subject_field = "credit_code"

    credit_code: CreditCode
    name: NonEmptyStr
    entity_type: EntityType
    operator_name: NonEmptyStr = Field(
        description="The operator (individual business) or legal representative"
    )
    address: Address
    business_scope: tuple[NonEmptyStr, ...] = Field(min_length=1)
    issued_at: UtcDateTime
    office_code: str | None = Field(
        default=None, description="Office whose window or mobile van issued it, if not the bureau"
    )


class LicenceChanged(Contract):
    """A licence was changed (变更); each field left empty is unchanged."""

    event_type = "licensing.licence.changed"
    subject_field = "credit_code"

    credit_code: CreditCode
    name: NonEmptyStr | None = None
    address: Address | None = None
    business_scope: tuple[NonEmptyStr, ...] | None = None
    changed_at: UtcDateTime


class LicenceCancelled(Contract):
    """A licence was cancelled (注销): the market entity no longer exists."""

    event_type = "licensing.licence.cancelled"
    subject_field = "credit_code"

    credit_code: CreditCode
    cancelled_at: UtcDateTime
    reason: NonEmptyStr


class LicensingCaseSourceTransferred(CaseSourceTransfer):
    """Registration staff transferred a case source (案源移送) to enforcement.

    For example forged shareholder signatures or false registered capital found at the window.
    """

    event_type = "licensing.case_source.transferred"
