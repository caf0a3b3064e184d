"""Open311 GeoReport v2 routes (served by the gateway at /open311/v2/ without a staff token).

The standard's own shapes and its own error format (`[{"code", "description"}]`, or
`<errors>` in XML), not problem+json; JSON and XML alike, chosen by the path's extension.
"""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET  # the standard library's usual short name
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from chassis.auth import Principal, require_roles
from chassis.context import context_of
from chassis.errors import DomainError, NotFound
from chassis.uow import UnitOfWorkDep
from services.complaints.context import ComplaintsContext
from services.complaints.usecases import open311, submissions

Ctx = Annotated[ComplaintsContext, Depends(context_of)]
Client = Annotated[Principal, require_roles("open311_client")]
# The gateway's token for a caller without an api_key (who may only read the public list).
PUBLIC_CLIENT = "open311:public"
FORMATS = ("json", "xml")

# Left out of the service's OpenAPI: the gateway serves these at /open311/v2/, not under
# /api/complaints/ where its merged document would show them; GeoReport is their document.
router = APIRouter(prefix="/open311/v2", tags=["open311"], include_in_schema=False)


class Open311Error(Exception):
    """An error in GeoReport's format."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _xml(root: str, item: str, rows: Sequence[Mapping[str, Any]]) -> bytes:
    top = ET.Element(root)
    for row in rows:
        element = ET.SubElement(top, item)
        for name, value in row.items():
            child = ET.SubElement(element, name)
            if isinstance(value, list):
                child.text = None
            elif value is not None:
                child.text = str(value).lower() if isinstance(value, bool) else str(value)
    return bytes(ET.tostring(top, encoding="utf-8", xml_declaration=True))


def render(
    fmt: str, rows: Sequence[Mapping[str, Any]], root: str, item: str, status: int = 200
) -> Response:
    """GeoReport's list in JSON, or in XML as `<root><item>…</item></root>`."""
    if fmt == "xml":
        return Response(_xml(root, item, rows), status, media_type="text/xml; charset=utf-8")
    body = json.dumps(list(rows), ensure_ascii=False, default=str).encode()
    return Response(body, status, media_type="application/json")


def _error(fmt: str, error: Open311Error) -> Response:
    rows = [{"code": error.code, "description": error.description}]
    return render(fmt if fmt in FORMATS else "json", rows, "errors", "error", error.code)


async def answered(fmt: str, answer: Callable[[], Awaitable[Response]]) -> Response:
    """The answer, or GeoReport's error: a bad value 400, an unknown thing 404."""
    try:
        if fmt not in FORMATS:
            raise Open311Error(404, "the format is json or xml")
        return await answer()
    except Open311Error as error:
        return _error(fmt, error)
    except NotFound as error:
        return _error(fmt, Open311Error(404, str(error)))
    except DomainError as error:
        message = getattr(error, "message", str(error))
        field = getattr(error, "field", None)
        return _error(fmt, Open311Error(400, f"{field}: {message}" if field else message))


@router.get("/services.{fmt}", response_model=None)
async def service_list(fmt: str, client: Client) -> Response:
    """The services: one per kind of 12315 ticket."""

    async def answer() -> Response:
        rows = [
            asdict(service) | {"metadata": False, "type": "realtime"}
            for service in open311.SERVICES
        ]
        return render(fmt, rows, "services", "service")

    return await answered(fmt, answer)


@router.get("/services/{code}.{fmt}", response_model=None)
async def service_definition(code: str, fmt: str, client: Client) -> Response:
    """A service's definition: no extra attributes (metadata is false for every service)."""

    async def answer() -> Response:
        found = open311.service(code)
        if fmt == "xml":
            top = ET.Element("service_definition")
            ET.SubElement(top, "service_code").text = found.service_code
            ET.SubElement(top, "attributes")
            body = ET.tostring(top, encoding="utf-8", xml_declaration=True)
            return Response(body, media_type="text/xml; charset=utf-8")
        definition = {"service_code": found.service_code, "attributes": []}
        return Response(json.dumps(definition).encode(), media_type="application/json")

    return await answered(fmt, answer)


@router.post("/requests.{fmt}", response_model=None)
async def create_request(
    fmt: str, request: Request, client: Client, ctx: Ctx, uow: UnitOfWorkDep
) -> Response:
    """A citizen's request: a submission on the open311 channel, routed like any other."""

    async def answer() -> Response:
        if client.subject == PUBLIC_CLIENT:
            raise Open311Error(403, "api_key: a valid api_key is required to post a request")
        form = {name: str(value) for name, value in (await request.form()).items()}
        submission = open311.submission_of(form, ctx.clock.now())
        received = await submissions.submit(ctx, uow, submission, client)
        rows = [
            {"service_request_id": ticket.id, "service_notice": None, "account_id": None}
            for ticket in received.tickets
        ]
        return render(fmt, rows, "service_requests", "request", 201)

    return await answered(fmt, answer)


@router.get("/requests.{fmt}", response_model=None)
async def list_requests(
    fmt: str, request: Request, client: Client, ctx: Ctx, uow: UnitOfWorkDep
) -> Response:
    """Requests by ids, service, dates and status (the last 90 days by default); never who
    submitted them."""

    async def answer() -> Response:
        query = open311.query_of(dict(request.query_params), ctx.clock.now())
        rows = await open311.requests(uow, query)
        return render(fmt, rows, "service_requests", "request")

    return await answered(fmt, answer)


@router.get("/requests/{service_request_id}.{fmt}", response_model=None)
async def get_request(
    service_request_id: str, fmt: str, client: Client, ctx: Ctx, uow: UnitOfWorkDep
) -> Response:
    """One request (as a list of one, as GeoReport has it)."""

    async def answer() -> Response:
        try:
            wanted = uuid.UUID(service_request_id)
        except ValueError:
            raise Open311Error(404, "no such service_request_id") from None
        rows = await open311.requests(uow, open311.RequestQuery(ids=(wanted,)))
        if not rows:
            raise Open311Error(404, "no such service_request_id")
        return render(fmt, rows, "service_requests", "request")

    return await answered(fmt, answer)
