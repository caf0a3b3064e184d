"""Open311 GeoReport v2: the 12315 kinds as its services, a request as a submission on the
`open311` channel, and the public list of those requests (never who submitted them)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from chassis.errors import NotFound, RuleViolated
from chassis.legalclock.deadlines import SHANGHAI
from chassis.uow import UnitOfWork
from services.complaints.domain.submissions import Business, Location, Submission, Submitter
from services.complaints.repositories.tickets import TicketRepository


@dataclass(frozen=True)
class Open311Service:
    """A GeoReport service: one kind of ticket."""

    service_code: str
    service_name: str
    description: str
    group: str
    keywords: str


SERVICES: tuple[Open311Service, ...] = (
    Open311Service(
        "complaint", "消费投诉 Consumer complaint",
        "A dispute with a business over goods or services, for mediation.",
        "12315", "complaint,dispute,refund",
    ),
    Open311Service(
        "report", "违法举报 Report of a violation",
        "A business breaking market rules; may be anonymous.",
        "12315", "report,violation",
    ),
    Open311Service(
        "suggestion", "意见建议 Suggestion",
        "A suggestion to the bureau; may be anonymous.",
        "12315", "suggestion",
    ),
    Open311Service(
        "consultation", "咨询 Consultation",
        "A question about market regulation.",
        "12315", "question,consultation",
    ),
)  # fmt: skip
SERVICE_OF: dict[str, Open311Service] = {service.service_code: service for service in SERVICES}
# GeoReport v2: without dates the list covers the last 90 days, and at most 1,000 requests.
DEFAULT_SPAN = timedelta(days=90)
LIST_LIMIT = 1000
# Statuses after which the request is "closed" for Open311.
CLOSED = frozenset({"rejected", "closed", "followed_up", "merged"})


def service(code: str) -> Open311Service:
    """A service by its code; NotFound names it."""
    found = SERVICE_OF.get(code)
    if found is None:
        raise NotFound(f"service_code {code}")
    return found


def _number(form: Mapping[str, str], name: str) -> float | None:
    text = form.get(name)
    if text is None or text == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise RuleViolated(name, f"{name} is not a number") from None


def submission_of(form: Mapping[str, str], now: datetime) -> Submission:
    """The submission an Open311 request makes (its rules refuse bad values by field)."""
    code = form.get("service_code") or ""
    if code not in SERVICE_OF:
        raise RuleViolated("service_code", f"service_code must be one of {sorted(SERVICE_OF)}")
    name = " ".join(part for part in (form.get("last_name"), form.get("first_name")) if part)
    phone = form.get("phone") or None
    lon, lat = _number(form, "long"), _number(form, "lat")
    address = form.get("address_string") or None
    location = None
    if lon is not None or lat is not None:
        location = Location(lon=lon, lat=lat, address=address)
    elif address is not None:
        raise RuleViolated("lat", "give lat and long with the address_string")
    submitter = Submitter(name=name, phone=phone) if name or phone else Submitter(anonymous=True)
    return Submission(
        channel="open311",
        kinds=(code,),
        submitter=submitter,
        description=form.get("description") or "",
        received_at=now,
        business=Business(),
        location=location,
    )


@dataclass(frozen=True)
class RequestQuery:
    """The filters of GET requests: ids, service, dates and status."""

    ids: tuple[uuid.UUID, ...] = ()
    service_code: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    status: str | None = None


def _when(text: str | None, name: str) -> datetime | None:
    if not text:
        return None
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        raise RuleViolated(name, f"{name} is not an ISO 8601 date and time") from None
    return found if found.tzinfo is not None else found.replace(tzinfo=SHANGHAI)


def query_of(params: Mapping[str, str], now: datetime) -> RequestQuery:
    """The filters of a GET requests call, with GeoReport's 90-day default span."""
    ids: list[uuid.UUID] = []
    for text in (params.get("service_request_id") or "").split(","):
        if text.strip():
            try:
                ids.append(uuid.UUID(text.strip()))
            except ValueError:
                raise RuleViolated("service_request_id", "not a service_request_id") from None
    status = params.get("status") or None
    if status is not None and status not in ("open", "closed"):
        raise RuleViolated("status", "status is open or closed")
    code = params.get("service_code") or None
    if code is not None:
        service(code)
    start, end = (
        _when(params.get("start_date"), "start_date"),
        _when(params.get("end_date"), "end_date"),
    )
    if not ids and start is None and end is None:
        start = now - DEFAULT_SPAN
    return RequestQuery(tuple(ids), code, start, end, status)


def _due_instant(due: Any) -> datetime:
    """The end of a legal deadline's due day in Shanghai (the request is expected by then)."""
    return datetime.combine(due, time(23, 59, 59), SHANGHAI)


def public_request(ticket: Any, submission: Any) -> dict[str, Any]:
    """A request as the public list shows it: no submitter, and no report's text (a report's
    allegation can point at its reporter)."""
    status = "closed" if ticket.status in CLOSED else "open"
    running = sorted(d.due for d in ticket.open_deadlines)
    location = submission.location or {}
    updated = ticket.history[-1].at if ticket.history else ticket.received_at
    return {
        "service_request_id": ticket.id,
        "status": status,
        "status_notes": f"{ticket.status.replace('_', ' ')}",
        "service_name": SERVICE_OF[ticket.kind].service_name,
        "service_code": ticket.kind,
        "description": None if ticket.kind == "report" else submission.description,
        "agency_responsible": f"{ticket.unit.level}:{ticket.unit.id}",
        "service_notice": None,
        "requested_datetime": ticket.received_at.isoformat(),
        "updated_datetime": updated.isoformat(),
        "expected_datetime": _due_instant(running[0]).isoformat() if running else None,
        "address": location.get("address"),
        "address_id": None,
        "zipcode": None,
        "lat": location.get("lat"),
        "long": location.get("lon"),
        "media_url": None,
    }


async def requests(uow: UnitOfWork, query: RequestQuery) -> list[dict[str, Any]]:
    """The Open311 requests matching `query`, newest first."""
    found = await TicketRepository(uow.connection).open311(
        ids=query.ids,
        kind=query.service_code,
        since=query.start,
        until=query.end,
        closed=None if query.status is None else query.status == "closed",
        closed_statuses=CLOSED,
        limit=LIST_LIMIT,
    )
    return [public_request(ticket, submission) for ticket, submission in found]
