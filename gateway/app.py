"""The gateway: identity and tokens, the one OpenAPI, rate limits, notifications, the web
console, and the routes `/api/<service>/...` (and Open311's `/open311/v2/...`) to the services."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from async_lru import alru_cache
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from chassis import health, revocation
from chassis.admission import Admission, admission_of
from chassis.app import ServiceSpec
from chassis.auth import TokenVerifier, principal_of, sign_token
from chassis.bodies import BodyLimit
from chassis.bus import Bus
from chassis.db import Database
from chassis.observability import RequestContextMiddleware, metrics_response
from chassis.periodic import periodic
from chassis.problems import install_problem_handlers
from chassis.rekey import SealedColumn, rekey_command
from chassis.settings import Settings
from gateway import console, notifications, open311
from gateway.identity import people
from gateway.identity.api import admin, auth
from gateway.identity.keys import SIGNING_KEY_FIELD, KeyRing, KeyStore
from gateway.identity.tables import metadata, signing_keys, users
from gateway.identity.usecases import (
    TOTP_SECRET_FIELD,
    FirstStartRefused,
    Identity,
    SignInThrottles,
    first_admin_password,
    refuse_unsafe_policies,
)
from gateway.openapi import docs_html, merged_openapi
from gateway.proxy import Forwarder
from gateway.public import pages as public_pages
from gateway.ratelimit import RateLimits, client_ip
from gateway.settings import GatewaySettings

log = logging.getLogger("shijian.gateway")
READINESS_TIMEOUT = 2.0
HOUSEKEEPING_SECONDS = 10.0
READINESS_CACHE_SECONDS = 2.0
OPENAPI_CACHE_SECONDS = 10.0
# The largest sign-in form and public 12315 form a person could send.
SIGN_IN_BYTES = 16 * 1024
PUBLIC_FORM_BYTES = 64 * 1024
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

operations = APIRouter(include_in_schema=False)
forwarding = APIRouter(include_in_schema=False)


async def _reread_keys(identity: Identity, verifier: TokenVerifier) -> dict[str, Any]:
    """The signing keys as the database holds them now (another replica may have rotated)."""
    await identity.key_store.load()
    keys: dict[str, Any] = identity.keys.public_keys()
    verifier.replace_keys(keys)
    return keys


async def _replicas_agree(identity: Identity, verifier: TokenVerifier) -> None:
    # What another replica rotated or revoked is used here within the period.
    await _reread_keys(identity, verifier)
    await identity.revoked.reload(identity.database)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Keys, identity, the bus, the notification hub and the upstream clients."""
    settings: GatewaySettings = app.state.settings
    database = Database.of(settings)
    ring = KeyRing(
        timedelta(minutes=settings.access_token_minutes),
        timedelta(seconds=settings.signing_key_activation_seconds),
    )
    key_store = KeyStore(database, settings.data_keyring(), ring, settings.keys_dir)
    verifier: TokenVerifier = app.state.verifier
    # The failed sign-ins are counted where the rate limits are: shared by the replicas.
    throttles = SignInThrottles.of(settings, app.state.rate_limits.storage)
    identity = Identity(database, key_store, settings, throttles, revoked=verifier.revocations)
    await _replicas_agree(identity, verifier)
    await people.prepare(identity)
    app.state.identity = identity
    hub = notifications.Hub(database)
    await hub.start()
    app.state.notifications = hub
    # A stored notification wakes the hub at once.
    bus = Bus(
        settings=settings,
        database=database,
        handlers=notifications.handlers,
        after_handled=hub.wake.set,
        outbox_written=identity.outbox_written,
    )
    bus.start()
    app.state.bus = bus
    # The forwarder has its own client; this one serves readiness and OpenAPI fetches.
    app.state.client = httpx.AsyncClient(timeout=READINESS_TIMEOUT, follow_redirects=False)
    app.state.forwarder = Forwarder(
        settings.upstreams(),
        settings.upstream_timeout,
        connect_timeout=settings.upstream_connect_timeout,
        retry_after=settings.retry_after_seconds,
    )
    await app.state.forwarder.start()
    tasks = [
        asyncio.create_task(periodic("gateway-housekeeping", HOUSEKEEPING_SECONDS, hub.prune)),
        asyncio.create_task(
            periodic(
                "gateway-replicas",
                revocation.RELOAD_SECONDS,
                lambda: _replicas_agree(identity, verifier),
            )
        ),
    ]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await app.state.forwarder.close()
        await app.state.client.aclose()
        await bus.stop()
        await hub.stop()
        await database.dispose()


@operations.get("/healthz")
async def healthz() -> dict[str, str]:
    """The gateway process alone."""
    return {"status": "alive", "service": "gateway"}


@operations.get("/readyz")
async def readyz(request: Request) -> Response:
    """Ready while the gateway's database answers; an upstream service or the broker that
    does not only makes it degraded (as checked at most every 2 s)."""
    return health.readiness_answer("gateway", dict(await request.app.state.readiness()))


async def _readiness(app: FastAPI) -> tuple[tuple[str, str], ...]:
    """Each check's name and state."""
    settings: GatewaySettings = app.state.settings
    client: httpx.AsyncClient = app.state.client

    async def replica(base: str) -> str:
        try:
            answer = await client.get(f"{base}/readyz", timeout=READINESS_TIMEOUT)
        except httpx.HTTPError as error:
            return f"unavailable: {type(error).__name__}"
        return "ok" if answer.status_code == 200 else f"not ready ({answer.status_code})"

    async def probe(name: str, bases: tuple[str, ...]) -> tuple[str, str]:
        """A service is ready while one of its replicas is."""
        states = await asyncio.gather(*(replica(base) for base in bases))
        return name, "ok" if "ok" in states else states[0]

    upstreams = settings.upstreams().items()
    database = health.check("database", app.state.identity.database.ping)
    checks = dict(await asyncio.gather(database, *(probe(n, b) for n, b in upstreams)))
    checks.update(app.state.bus.problems())
    return tuple(checks.items())


@operations.get("/metrics")
async def metrics(request: Request) -> Response:
    """Prometheus metrics."""
    health.record("gateway", dict(await request.app.state.readiness()))
    return metrics_response()


@operations.get("/openapi.json")
async def openapi(request: Request) -> dict[str, Any]:
    """The gateway's own routes and every reachable service's, under the gateway's paths
    (merged at most every 10 s)."""
    document: dict[str, Any] = await request.app.state.openapi_document()
    return document


async def _openapi_document(app: FastAPI) -> dict[str, Any]:
    settings: GatewaySettings = app.state.settings
    identity: Identity = app.state.identity
    key = identity.keys.active
    # The services show their OpenAPI to any signed-in caller: the gateway signs itself in.
    token = sign_token(
        subject="gateway",
        roles=["auditor"],
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=timedelta(minutes=1),
        key=key.private_key,
        key_id=key.kid,
    )
    merged = await merged_openapi(
        app.state.client,
        settings.upstreams(),
        headers={"Authorization": f"Bearer {token}"},
        gateway_schema=app.openapi(),
    )
    return merged.document


@operations.get("/docs")
async def docs() -> HTMLResponse:
    """Swagger UI over the one OpenAPI."""
    return docs_html("/openapi.json")


@forwarding.api_route("/api/{service}/{path:path}", methods=METHODS)
async def forward(service: str, path: str, request: Request) -> Response:
    """Everything else under /api goes to the service it names."""
    # The gateway's check is an early filter; every service verifies the token again.
    principal = await principal_of(request)
    limits: RateLimits = request.app.state.rate_limits
    await limits.hit("api", f"sub:{principal.subject}")
    await limits.hit("api", f"ip:{request.app.state.client_ip(request)}")
    forwarder: Forwarder = request.app.state.forwarder
    return await forwarder.forward(request, service, path)


def create_gateway_app(settings: GatewaySettings) -> FastAPI:
    """The gateway for `settings`' upstreams."""
    app = FastAPI(
        title="shijian",
        summary="Market supervision platform of the district bureau",
        version="0.1.0",
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    # A token signed by a key this replica has not read yet (rotated by another) makes it
    # reread the keys at once, at most once a second.
    app.state.verifier = TokenVerifier(
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        keys={},
        fetch_keys=lambda: _reread_keys(app.state.identity, app.state.verifier),
        refetch_seconds=revocation.RELOAD_SECONDS,
    )
    app.state.rate_limits = RateLimits(
        {
            "token": settings.login_rate_limit,
            "api": settings.api_rate_limit,
            "open311": settings.open311_rate_limit,
        },
        storage_url=settings.rate_limit_storage_url,
        # Under the deployment's prefix: gateways of two deployments sharing a Redis never
        # count each other's requests.
        namespace=settings.bus_prefix,
    )
    app.state.client_ip = lambda request: client_ip(request, settings.trusted_proxies)
    # Anonymous callers may ask as often as they like: the five services are asked at most
    # every few seconds, and callers arriving during a check wait for it.
    app.state.readiness = alru_cache(maxsize=1, ttl=READINESS_CACHE_SECONDS)(
        partial(_readiness, app)
    )
    app.state.openapi_document = alru_cache(maxsize=1, ttl=OPENAPI_CACHE_SECONDS)(
        partial(_openapi_document, app)
    )
    install_problem_handlers(app)
    # Bounded before anything parses them: a sign-in form or a public complaint is a few
    # kilobytes, so an anonymous caller cannot make the gateway parse megabytes of fields.
    app.add_middleware(
        BodyLimit,
        limit=settings.max_request_bytes,
        smaller=[("/auth/", SIGN_IN_BYTES), ("/public/", PUBLIC_FORM_BYTES)],
    )
    # A notification stream stays open for as long as its token: counted apart, per person.
    admitted = admission_of(settings, "gateway", exempt=[notifications.STREAM_PATH])
    app.add_middleware(Admission, **admitted)
    app.add_middleware(RequestContextMiddleware, service="gateway")
    routers = (operations, auth, admin, notifications.router, open311.router, public_pages.router)
    for router in routers:
        app.include_router(router)
    console.install(app, settings)  # after the public pages; never under the gateway's prefixes
    app.include_router(forwarding)  # the catch-all forwarding last
    return app


def _create(_: ServiceSpec, settings: Settings) -> FastAPI:
    assert isinstance(settings, GatewaySettings)
    return create_gateway_app(settings)


def _refuse_an_unsafe_start(settings: Settings) -> None:
    assert isinstance(settings, GatewaySettings)

    async def check() -> None:
        database = Database(settings.database_url)
        try:
            await refuse_unsafe_policies(database, settings)
            await first_admin_password(database, settings)
        finally:
            await database.dispose()

    try:
        asyncio.run(check())
    except FirstStartRefused as refusal:
        print(refusal, file=sys.stderr)
        raise SystemExit(2) from None


spec = ServiceSpec(
    name="gateway",
    title="shijian gateway",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=notifications.handlers,
    settings_class=GatewaySettings,
    app_factory=_create,
    module="gateway",
    before_serve=_refuse_an_unsafe_start,
    commands=[
        rekey_command(
            [
                SealedColumn(users, "totp_secret", TOTP_SECRET_FIELD),
                SealedColumn(signing_keys, "private_key", SIGNING_KEY_FIELD),
            ],
            GatewaySettings.data_keyring,
        )
    ],
    consumes_revocations=False,
)
