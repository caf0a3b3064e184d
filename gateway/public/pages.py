"""The public pages, rendered here so that they work without JavaScript.

The 12315 form posts to the gateway, which hands it to the complaints service's Open311
endpoint as the bureau's own client (`open311:12315-web`), rate-limited per address like any
Open311 caller. Tracking reads the same endpoint, which never returns who submitted. The
publicity lists read enforcement's penalty feed and supervision's random inspection results
(一公开) with a one-minute token of the gateway's own.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from chassis.legalclock.deadlines import SHANGHAI
from gateway.identity.apikeys import OPEN311_ROLE
from gateway.identity.usecases import Identity
from gateway.public.text import TEXT, Language, language_of
from gateway.ratelimit import RateLimits
from gateway.settings import GatewaySettings

WEB_CLIENT = "12315-web"
TOKEN_LIFETIME = timedelta(minutes=1)
FIELDS = ("service_code", "description", "last_name", "phone")
templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
)
router = APIRouter(prefix="/public", include_in_schema=False)


def _page(template: str, lang: Language, status: int = 200, **values: Any) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    html = templates.get_template(template).render(lang=lang, t=TEXT[lang], nonce=nonce, **values)
    policy = (
        f"default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self'; form-action 'self';"
        " base-uri 'none'; frame-ancestors 'none'"
    )
    headers = {
        "Content-Security-Policy": policy,
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }
    return HTMLResponse(html, status_code=status, headers=headers)


def _token(request: Request, *, staff: bool = False) -> str:
    identity: Identity = request.app.state.identity
    now = identity.clock.now()
    if staff:  # the publicity feeds ask for a signed-in caller; this one reads nothing else
        return identity.access_token(
            now,
            subject="gateway:publicity",
            name="gateway",
            roles=["auditor"],
            kind="staff",
            ttl=TOKEN_LIFETIME,
        )
    return identity.access_token(
        now,
        subject=f"open311:{WEB_CLIENT}",
        name=WEB_CLIENT,
        roles=[OPEN311_ROLE],
        kind="partner",
        agency=WEB_CLIENT,
        ttl=TOKEN_LIFETIME,
    )


async def _open311(
    request: Request, method: str, path: str, form: dict[str, str] | None = None
) -> httpx.Response:
    settings: GatewaySettings = request.app.state.settings
    limits: RateLimits = request.app.state.rate_limits
    await limits.hit("open311", f"ip:{request.app.state.client_ip(request)}")
    client: httpx.AsyncClient = request.app.state.client
    return await client.request(
        method,
        f"{settings.complaints_url}/open311/v2/{path}",
        data=form,
        headers={"Authorization": f"Bearer {_token(request)}"},
        timeout=settings.upstream_timeout,
    )


def _description(answer: httpx.Response) -> str:
    try:
        errors = answer.json()
        return "; ".join(str(error["description"]) for error in errors)
    except (ValueError, KeyError, TypeError):
        return f"HTTP {answer.status_code}"


async def _services(request: Request) -> list[dict[str, Any]]:
    answer = await _open311(request, "GET", "services.json")
    answer.raise_for_status()
    services: list[dict[str, Any]] = answer.json()
    return services


@router.get("/12315")
async def form(request: Request, lang: str | None = None) -> Response:
    """The complaint and report form."""
    language = language_of(lang)
    try:
        services = await _services(request)
    except httpx.HTTPError:
        return _page(
            "form.html",
            language,
            503,
            services=[],
            values={},
            problem=TEXT[language]["error.unavailable"],
        )
    return _page("form.html", language, services=services, values={}, problem=None)


@router.post("/12315")
async def submit(request: Request, lang: str | None = None) -> Response:
    """Hand the form to Open311; the numbers to track it, or the form again with the reason."""
    language = language_of(lang)
    posted = await request.form()
    values = {name: str(posted.get(name) or "").strip() for name in FIELDS}
    sent = {name: value for name, value in values.items() if value}
    try:
        services = await _services(request)
        answer = await _open311(request, "POST", "requests.json", sent)
    except httpx.HTTPError:
        return _page(
            "form.html",
            language,
            503,
            services=[],
            values=values,
            problem=TEXT[language]["error.unavailable"],
        )
    if answer.status_code != 201:
        status = 429 if answer.status_code == 429 else 422
        return _page(
            "form.html",
            language,
            status,
            services=services,
            values=values,
            problem=_description(answer),
        )
    numbers = [row["service_request_id"] for row in answer.json()]
    return _page("received.html", language, 201, numbers=numbers)


@router.get("/12315/track")
async def track(request: Request, lang: str | None = None, request_id: str = "") -> Response:
    """The tracking form; with a number, straight to its page."""
    language = language_of(lang)
    wanted = request_id.strip()
    if wanted:
        return RedirectResponse(f"/public/12315/requests/{wanted}?lang={language}", 303)
    return _page("track.html", language, found=None, problem=None, request_id="")


@router.get("/12315/requests/{request_id}")
async def tracked(request: Request, request_id: str, lang: str | None = None) -> Response:
    """Where one request stands (never who submitted it)."""
    language = language_of(lang)

    def refused(status: int, reason: str) -> HTMLResponse:
        problem = TEXT[language][reason]
        return _page(
            "track.html", language, status, found=None, request_id=request_id, problem=problem
        )

    try:
        uuid.UUID(request_id)
        answer = await _open311(request, "GET", f"requests/{request_id}.json")
    except ValueError:
        return refused(404, "track.notFound")
    except httpx.HTTPError:
        return refused(503, "error.unavailable")
    if answer.status_code != 200:
        return refused(404, "track.notFound")
    return _page(
        "track.html", language, found=answer.json()[0], request_id=request_id, problem=None
    )


async def _feed(request: Request, url: str) -> dict[str, Any]:
    """A publicity feed, read with the gateway's own short token."""
    settings: GatewaySettings = request.app.state.settings
    client: httpx.AsyncClient = request.app.state.client
    answer = await client.get(
        url,
        headers={"Authorization": f"Bearer {_token(request, staff=True)}"},
        timeout=settings.upstream_timeout,
    )
    answer.raise_for_status()
    feed: dict[str, Any] = answer.json()
    return feed


@router.get("/publicity")
async def publicity(request: Request, lang: str | None = None) -> Response:
    """Penalties decided under the general procedure, as published."""
    language = language_of(lang)
    settings: GatewaySettings = request.app.state.settings
    try:
        feed = await _feed(request, f"{settings.enforcement_url}/publicity")
    except httpx.HTTPError:
        return _page(
            "publicity.html", language, 503, entries=[], problem=TEXT[language]["error.unavailable"]
        )
    return _page("publicity.html", language, entries=feed["entries"], problem=None)


@router.get("/publicity/random-inspections")
async def random_inspections(request: Request, lang: str | None = None) -> Response:
    """Results of random inspections (双随机、一公开) as published: the office, the household,
    the outcome and when; never who inspected."""
    language = language_of(lang)
    settings: GatewaySettings = request.app.state.settings
    try:
        feed = await _feed(request, f"{settings.supervision_url}/random-inspection-results")
    except httpx.HTTPError:
        return _page(
            "random_inspections.html",
            language,
            503,
            results=[],
            problem=TEXT[language]["error.unavailable"],
        )
    results = [
        result
        | {
            name: datetime.fromisoformat(result[f"{name}_at"]).astimezone(SHANGHAI).date()
            for name in ("recorded", "published")
        }
        for result in feed["results"]
    ]
    return _page("random_inspections.html", language, results=results, problem=None)
