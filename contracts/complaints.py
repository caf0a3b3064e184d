"""Facts published by the complaints (12315) service."""

from __future__ import annotations

import uuid

from pydantic import Field

from contracts.base import Contract
from contracts.values import CreditCode, NonEmptyStr, UtcDateTime

__all__ = ["ReportTransferred"]


class ReportTransferred(Contract):
    """A report (举报) of a violation was transferred to enforcement as a case source.

    It never carries the reporter's identity or contact details: the reporter's identity must
    never reach the reported business (Interim Measures for Handling Complaints and Reports,
    art. 33), and every service that consumes this event could disclose it. Complaints tells a
    real-name reporter whether a case was filed from enforcement's case events, matched by
    `case_source_id`.
    """

    event_type = "complaints.report.transferred"
    subject_field = "report_id"

    report_id: uuid.UUID
    case_source_id: uuid.UUID
    credit_code: CreditCode | None = Field(
        default=None, description="The reported business, when identified"
    )
    allegation: NonEmptyStr
    office_code: NonEmptyStr | None = Field(
        default=None, description="Office of the business's grid, when routed"
    )
    transferred_at: UtcDateTime
