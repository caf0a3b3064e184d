"""Open311 GeoReport v2 at `/open311/v2/...`, open to callers without a staff token.

The gateway checks the caller's `api_key`, forwards to the complaints service with a token of
the key's client that it mints itself (the caller's Authorization never goes on), and answers
its own refusals in GeoReport's error format, not problem+json.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs
from xml.etree import ElementTree

from fastapi import APIRouter, Request
from fastapi.responses import Response

from chassis.problems import Problem
from gateway.identity import apikeys
from gateway.proxy import Forwarder, Mount
from gateway.ratelimit import RateLimits
from gateway.settings import GatewaySettings

SERVICE = "complaints"
MOUNT = Mount(("open311", "v2"), kept=True)  # the service serves the same paths
ANSWERED = ("GET", "POST")
FORM = "application/x-www-form-urlencoded"
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'

router = APIRouter(include_in_schema=False)


def georeport_errors(
    path: str, status: int, description: str, headers: dict[str, str] | None = None
) -> Response:
    """One GeoReport v2 error: XML for a path ending `.xml`, else JSON."""
    if path.endswith(".xml"):
        errors = ElementTree.Element("errors")
        error = ElementTree.SubElement(errors, "error")
        ElementTree.SubElement(error, "code").text = str(status)
        ElementTree.SubElement(error, "description").text = description
        body = XML_DECLARATION + ElementTree.tostring(errors, encoding="unicode").encode()
        media_type = "text/xml; charset=utf-8"
    else:
        body = json.dumps([{"code": status, "description": description}]).encode()
        media_type = "application/json; charset=utf-8"
    return Response(body, status_code=status, media_type=media_type, headers=headers)


# Every method comes in, so that those not answered are refused in GeoReport's format too.
@router.api_route(
    "/open311/v2/{path:path}",
    methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
)
async def open311(path: str, request: Request) -> Response:
    """GeoReport v2's paths of the complaints service, for anyone; refusals in its format."""
    try:
        return await _forward(request, path)
    except Problem as problem:
        return georeport_errors(path, problem.status, problem.detail, problem.headers)


async def _forward(request: Request, path: str) -> Response:
    if request.method not in ANSWERED:
        allowed = ", ".join(ANSWERED)
        raise Problem(
            "method-not-allowed", 405, f"GeoReport v2 answers {allowed}", headers={"Allow": allowed}
        )
    limits: RateLimits = request.app.state.rate_limits
    await limits.hit("open311", f"ip:{request.app.state.client_ip(request)}")
    body = None
    if request.method == "POST":
        settings: GatewaySettings = request.app.state.settings
        body = await _bounded_body(request, settings.max_request_bytes)
        api_key = _form_field(request, body, "api_key")
    else:
        api_key = request.query_params.get("api_key")
    try:
        # GeoReport v2 makes api_key a required argument of POST and refuses a bad one with 403;
        # a missing key is refused the same way (403, not 400): it is the same missing credential.
        token = await apikeys.client_token(request.app.state.identity, request.method, api_key)
    except apikeys.ApiKeyRefused as refusal:
        raise Problem("forbidden", 403, str(refusal)) from None
    forwarder: Forwarder = request.app.state.forwarder
    return await forwarder.forward(
        request, SERVICE, path, mount=MOUNT, authorization=f"Bearer {token}", body=body
    )


async def _bounded_body(request: Request, limit: int) -> bytes:
    # The key is in the body, so the gateway holds it whole (then forwards it unchanged).
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Problem("payload-too-large", 413, f"The request body is over {limit} bytes")
    return bytes(body)


def _form_field(request: Request, body: bytes, name: str) -> str | None:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if body and media_type != FORM:
        raise Problem("unsupported-media-type", 415, f"GeoReport v2 requests are posted as {FORM}")
    try:
        values = parse_qs(body.decode(), keep_blank_values=True)
    except UnicodeDecodeError:
        raise Problem("validation", 400, "The form is not UTF-8") from None
    given = values.get(name)
    return given[0] if given else None
