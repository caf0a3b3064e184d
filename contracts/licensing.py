"""Facts published by the licensing service: licences issued, changed, cancelled; case sources."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from contracts.base import Contract
from contracts.shapes import CaseSourceTransfer, PersonalDataRead
from contracts.values import Address, CreditCode, NonEmptyStr, UtcDateTime

__all__ = [
    "ApplicationAccepted",
    "ApplicationDeadlineMissed",
    "ApplicationKind",
    "ApplicationRejected",
    "ApplicationReturned",
    "ApplicationSubmitted",
    "Channel",
    "EntityType",
    "JointApprovalDecided",
    "JointApprovalRequested",
    "LicenceCancelled",
    "LicenceChanged",
    "LicenceIssued",
    "LicensingCaseSourceTransferred",
    "OperatorRead",
]

EntityType = Literal[
    "individual_business",
    "company",
    "sole_proprietorship",
    "partnership",
    "farmers_cooperative",
    "branch",
]
ApplicationKind = Literal["establishment", "change", "cancellation"]
Channel = Literal["window", "mobile", "online", "partner"]


class _ApplicationFact(Contract):
    """Something that happened to one application; its events are ordered by application."""

    subject_field = "application_id"

    application_id: uuid.UUID


class ApplicationSubmitted(_ApplicationFact):
    """An application was handed in at the window, the van, online or by a partner."""

    event_type = "licensing.application.submitted"

    kind: ApplicationKind
    entity_type: EntityType
    name: NonEmptyStr
    channel: Channel
    credit_code: CreditCode | None = Field(
        default=None, description="The licence concerned, for a change or a cancellation"
    )
    missing_materials: tuple[NonEmptyStr, ...] = Field(
        default=(), description="Material codes required but not handed in"
    )
    submitted_at: UtcDateTime
    submitted_by: NonEmptyStr = Field(description="User id (token `sub`) of the clerk")


class ApplicationAccepted(_ApplicationFact):
    """The application was accepted (受理) with complete materials."""

    event_type = "licensing.application.accepted"

    accepted_at: UtcDateTime
    accepted_by: NonEmptyStr
    deadline: date | None = Field(
        default=None,
        description="Last working day to register it (Market Entity Registration Regulations "
        "art. 19) when it is not finished on the spot",
    )


class ApplicationReturned(_ApplicationFact):
    """The application was returned for correction (补正) with everything that is missing."""

    event_type = "licensing.application.returned"

    missing_materials: tuple[NonEmptyStr, ...] = ()
    reasons: tuple[NonEmptyStr, ...] = ()
    returned_at: UtcDateTime
    returned_by: NonEmptyStr


class ApplicationRejected(_ApplicationFact):
    """The application was refused before a licence was issued."""

    event_type = "licensing.application.rejected"

    reasons: tuple[NonEmptyStr, ...] = Field(min_length=1)
    rejected_at: UtcDateTime
    rejected_by: NonEmptyStr = Field(description="User id of the clerk, or the partner client")
    partner_agency: str | None = Field(
        default=None, description="The agency whose refusal of its permit ended it, if one did"
    )


class JointApprovalRequested(_ApplicationFact):
    """A partner agency was asked for its permit (联合办照)."""

    event_type = "licensing.joint_approval.requested"

    request_id: uuid.UUID
    agency: NonEmptyStr
    name: NonEmptyStr
    business_scope: tuple[NonEmptyStr, ...] = Field(
        min_length=1, description="The scope items that need this agency's permit"
    )
    requested_at: UtcDateTime
    deadline: date = Field(
        description="Last working day of the joint decision (Administrative Licensing Law art. 42)"
    )


class JointApprovalDecided(_ApplicationFact):
    """A partner agency decided on its permit."""

    event_type = "licensing.joint_approval.decided"

    request_id: uuid.UUID
    agency: NonEmptyStr
    decision: Literal["approved", "rejected"]
    permit_number: str | None = None
    reason: str | None = None
    decided_at: UtcDateTime


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
    channel: Channel | None = Field(default=None, description="How the application came in")
    same_day: bool | None = Field(
        default=None, description="Issued on the day (Asia/Shanghai) the application came in"
    )
    after_hours: bool | None = Field(
        default=None, description="Completed outside office hours (延时服务)"
    )
    business_scope_codes: tuple[NonEmptyStr, ...] = Field(
        default=(), description="Codes of the scope items in the licensing scope catalogue"
    )
    finding_id: uuid.UUID | None = Field(
        default=None,
        description="The unlicensed-trading finding (supervision) this registration answers",
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


class ApplicationDeadlineMissed(_ApplicationFact):
    """An accepted application's legal time limit passed with no decision: registration
    (Market Entity Registration Regulations art. 19) or the joint decision (Administrative
    Licensing Law art. 42). Raised once per deadline and due day."""

    event_type = "licensing.deadline.missed"

    rule_code: NonEmptyStr = Field(description="The legal clock's rule the time limit follows")
    basis: NonEmptyStr = Field(description="The law and article the time limit comes from")
    due: date = Field(description="Its last day, Asia/Shanghai calendar")
    channel: Channel
    office_code: NonEmptyStr | None = Field(
        default=None, description="The office that took the application in, when one did"
    )
    detected_at: UtcDateTime


class LicensingCaseSourceTransferred(CaseSourceTransfer):
    """Registration staff transferred a case source (案源移送) to enforcement.

    For example forged shareholder signatures or false registered capital found at the window.
    """

    event_type = "licensing.case_source.transferred"


class OperatorRead(PersonalDataRead):
    """A registration clerk read an application's operator's ID number in clear."""

    event_type = "licensing.operator.read"
