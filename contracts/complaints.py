"""Facts published by the complaints (12315) service.

None of them carries the submitter's identity or contact details (art. 33): every service that
consumes them could disclose it. A ticket is named by its id, kind and the business it is
about.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from contracts.base import Contract
from contracts.values import CreditCode, NonEmptyStr, UtcDateTime

__all__ = [
    "ReportTransferred",
    "TicketAccepted",
    "TicketClosed",
    "TicketDeadlineMissed",
    "TicketFollowedUp",
    "TicketKind",
    "TicketReceived",
    "TicketRejected",
    "TicketRouted",
    "UnitLevel",
]

TicketKind = Literal["complaint", "report", "suggestion", "consultation"]
UnitLevel = Literal["bureau", "office", "station"]


class _TicketFact(Contract):
    """A fact about a ticket: its id, kind and the business it is about, when known. Not a
    contract itself: it has no event type."""

    subject_field = "ticket_id"

    ticket_id: uuid.UUID
    kind: TicketKind
    credit_code: CreditCode | None = Field(
        default=None, description="The business the ticket is about, when identified"
    )


class TicketReceived(_TicketFact):
    """A ticket was received on a channel; its receipt time starts its legal clocks."""

    event_type = "complaints.ticket.received"

    channel: Literal["phone", "web", "station", "partner", "open311"]
    business_name: NonEmptyStr | None = None
    received_at: UtcDateTime


class TicketRouted(_TicketFact):
    """A ticket went to a unit of the network, by the rule named."""

    event_type = "complaints.ticket.routed"

    unit_level: UnitLevel
    unit_id: NonEmptyStr
    rule: Literal["business_grid", "station_area", "office_area", "fallback", "reassigned"]
    routed_at: UtcDateTime


class TicketAccepted(_TicketFact):
    """A complaint or report was accepted (受理) within its legal time limit or late."""

    event_type = "complaints.ticket.accepted"

    accepted_at: UtcDateTime


class TicketRejected(_TicketFact):
    """A complaint or report was not accepted; the competent body is named."""

    event_type = "complaints.ticket.rejected"

    competent_body: NonEmptyStr
    rejected_at: UtcDateTime


class TicketClosed(_TicketFact):
    """A ticket was closed after its reply (or its rejection)."""

    event_type = "complaints.ticket.closed"

    outcome: Literal["settled", "terminated", "replied", "rejected"] = Field(
        description="How the matter ended: mediation settled or terminated, answered, refused"
    )
    closed_at: UtcDateTime


class TicketFollowedUp(_TicketFact):
    """The party was asked after the ticket was handled how satisfied they were (回访); who
    they are stays with the complaints service."""

    event_type = "complaints.ticket.followed_up"

    satisfaction: int = Field(ge=1, le=5, description="1 (very dissatisfied) to 5 (very satisfied)")
    followed_up_at: UtcDateTime


class TicketDeadlineMissed(_TicketFact):
    """A legal time limit of a ticket passed unmet: raised once per ticket and rule."""

    event_type = "complaints.deadline.missed"

    rule: NonEmptyStr = Field(description="The rule code, e.g. complaints.accept")
    basis: NonEmptyStr = Field(description="The law and article that set the limit")
    due: date
    unit_level: UnitLevel
    unit_id: NonEmptyStr
    detected_at: UtcDateTime


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
    discovered_on: date | None = Field(
        default=None,
        description="The day the bureau received the report (Asia/Shanghai), from which"
        " verification runs; absent, the transfer's day in Shanghai",
    )
