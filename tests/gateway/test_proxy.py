"""The gateway forwards `/api/<service>/...` to configured services only; says when one is down."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI, Request

from gateway.app import create_gateway_app
from gateway.settings import GatewaySettings
from tests.conftest import running, serving


def echo_app() -> FastAPI:
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST"])
    async def echo(path: str, request: Request) -> dict[str, object]:
        return {
            "path": "/" + path,
            "query": request.url.query,
            "body": (await request.body()).decode(),
            "headers": {k: v for k, v in request.headers.items()},
        }

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def upstream() -> AsyncIterator[str]:
    async with serving(echo_app()) as url:
        yield url


async def test_forwards_path_query_body_and_ids(upstream: str) -> None:
    settings = GatewaySettings(service="gateway", environment="test", licensing_url=upstream)
    async with running(create_gateway_app(settings)) as gateway:
        response = await gateway.post(
            "/api/licensing/applications/17?kind=establishment",
            content=b'{"name": "x"}',
            headers={
                "X-Request-ID": "req-42",
                "Connection": "keep-alive, X-Secret",
                "X-Secret": "hop",
                "Authorization": "Bearer t",
            },
        )
    assert response.status_code == 200
    seen = response.json()
    assert seen["path"] == "/applications/17"
    assert seen["query"] == "kind=establishment"
    assert seen["body"] == '{"name": "x"}'
    assert seen["headers"]["x-request-id"] == "req-42"
    assert seen["headers"]["traceparent"].startswith("00-")
    assert seen["headers"]["authorization"] == "Bearer t"
    assert "x-secret" not in seen["headers"]  # named in Connection: hop-by-hop


async def test_no_path_reaches_anywhere_but_the_configured_upstream(upstream: str) -> None:
    settings = GatewaySettings(service="gateway", environment="test", licensing_url=upstream)
    async with running(create_gateway_app(settings)) as gateway:
        for path in ("//evil.example/x", "/http://evil.example/", "/@evil.example/"):
            response = await gateway.get(f"/api/licensing{path}")
            assert response.status_code == 200
            assert response.json()["headers"]["host"] == upstream.removeprefix("http://")
        unknown = await gateway.get("/api/evil.example/x")
        assert unknown.status_code == 404
        assert unknown.headers["content-type"] == "application/problem+json"


async def test_upstream_down_is_503_naming_the_service() -> None:
    settings = GatewaySettings(
        service="gateway", environment="test", qms_url=f"http://127.0.0.1:{free_port()}"
    )
    async with running(create_gateway_app(settings)) as gateway:
        response = await gateway.get("/api/qms/objectives")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["service"] == "qms"
        assert "qms" in response.json()["detail"]
        readiness = await gateway.get("/readyz")
        assert readiness.status_code == 503
        assert readiness.json()["checks"]["qms"].startswith("unavailable")


async def test_upstream_timeout_is_504() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings = GatewaySettings(
        service="gateway",
        environment="test",
        enforcement_url=f"http://127.0.0.1:{port}",
        upstream_timeout=0.5,
    )
    try:
        async with running(create_gateway_app(settings)) as gateway:
            response = await gateway.get("/api/enforcement/cases")
        assert response.status_code == 504
        assert response.json()["type"] == "/problems/upstream-timeout"
        assert response.json()["service"] == "enforcement"
    finally:
        server.close()


async def test_gateway_health_is_its_own() -> None:
    settings = GatewaySettings(service="gateway", environment="test")
    async with running(create_gateway_app(settings)) as gateway:
        assert (await gateway.get("/healthz")).status_code == 200
        metrics = await gateway.get("/metrics")
        assert "shijian_http_requests_total" in metrics.text
