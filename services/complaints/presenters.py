"""The response bodies of the complaints routes, from the use cases' typed results."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from services.complaints.domain.tickets import Ticket
from services.complaints.schemas import TicketDetailOut, TicketOut
from services.complaints.usecases.tickets import TicketView


def _document(ticket: Ticket) -> dict[str, Any]:
    document = asdict(ticket)
    document["history"] = [
        {**asdict(entry), "details": dict(entry.details)} for entry in ticket.history
    ]
    return document


def ticket_out(ticket: Ticket) -> TicketOut:
    """A ticket as the routes show it (there is no submitter in a ticket to show)."""
    return TicketOut.model_validate(_document(ticket))


def ticket_detail_out(view: TicketView) -> TicketDetailOut:
    """A ticket with its duplicate proposals and serial-submitter flag."""
    return TicketDetailOut.model_validate(
        _document(view.ticket)
        | {"duplicates": view.duplicates, "serial_submitter": view.serial_submitter}
    )
