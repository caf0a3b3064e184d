"""The gateway app: routes `/api/<service>/...` to the configured services."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from chassis.observability import RequestContextMiddleware, metrics_response
from chassis.problems import PROBLEM_MEDIA_TYPE, Problem, install_problem_handlers
from gateway.proxy import Forwarder
from gateway.settings import GatewaySettings

READINESS_TIMEOUT = 2.0
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def create_gateway_app(settings: GatewaySettings) -> FastAPI:
    """The gateway for `settings`' upstreams."""
    upstreams = settings.upstreams()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The forwarder has its own client; this one serves readiness probes and the like.
        app.state.client = httpx.AsyncClient(timeout=READINESS_TIMEOUT, follow_redirects=False)
        app.state.forwarder = Forwarder(upstreams, settings.upstream_timeout)
        await app.state.forwarder.start()
        try:
            yield
        finally:
            await app.state.forwarder.close()
            await app.state.client.aclose()

    app = FastAPI(
        title="shijian gateway", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.settings = settings
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware, service="gateway")

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "alive", "service": "gateway"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Response:
        client: httpx.AsyncClient = request.app.state.client

        async def probe(name: str, base: str) -> tuple[str, str]:
            try:
                answer = await client.get(f"{base}/readyz", timeout=READINESS_TIMEOUT)
            except httpx.HTTPError as error:
                return name, f"unavailable: {type(error).__name__}"
            return name, "ok" if answer.status_code == 200 else f"not ready ({answer.status_code})"

        checks = dict(await asyncio.gather(*(probe(n, b) for n, b in upstreams.items())))
        if all(state == "ok" for state in checks.values()):
            return JSONResponse({"status": "ready", "service": "gateway", "checks": checks})
        failing = ", ".join(name for name, state in checks.items() if state != "ok")
        problem = Problem("unavailable", 503, f"Not ready: {failing}", checks=checks)
        return JSONResponse(problem.body("/readyz"), status_code=503, media_type=PROBLEM_MEDIA_TYPE)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return metrics_response()

    @app.api_route("/api/{service}/{path:path}", methods=METHODS, include_in_schema=False)
    async def proxy(service: str, path: str, request: Request) -> Response:
        forwarder: Forwarder = request.app.state.forwarder
        return await forwarder.forward(request, service, path)

    return app
