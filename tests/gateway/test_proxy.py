"""The gateway forwards `/api/<service>/...` to configured services only, streaming both ways
and passing bytes through as they are; it says when a service is down or too slow."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from chassis.db import Database
from gateway.app import create_gateway_app
from gateway.proxy import REPLICA_REST_SECONDS
from gateway.settings import GatewaySettings
from tests.conftest import free_port, running, serving
from tests.gateway.conftest import GatewaySettingsFactory
from tests.gateway.signin import admin_access

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def echo_app() -> FastAPI:
    """An upstream that answers with what it received, and a few answers a proxy may spoil."""
    app = FastAPI()

    @app.get("/cookies")
    async def cookies() -> Response:
        response = Response(b"ok", media_type="text/plain")
        response.raw_headers += [
            (b"set-cookie", b"a=1; Path=/"),
            (b"set-cookie", b"b=2; Path=/"),
            (b"connection", b"x-upstream-hop"),
            (b"x-upstream-hop", b"hop"),
            (b"keep-alive", b"timeout=5"),
            (b"x-kept", b"kept"),
        ]
        return response

    @app.get("/gzip")
    async def gzipped() -> Response:
        return Response(
            gzip.compress(b"compressed " * 100, mtime=0),
            media_type="text/plain",
            headers={"Content-Encoding": "gzip"},
        )

    @app.get("/redirect")
    async def redirect(to: str) -> RedirectResponse:
        return RedirectResponse(to, status_code=302)

    @app.api_route("/{path:path}", methods=METHODS)
    async def echo(path: str, request: Request) -> dict[str, object]:
        return {
            "path": "/" + path,
            "method": request.method,
            "query": request.url.query,
            "body": (await request.body()).decode(),
            "headers": dict(request.headers.items()),
            "header_list": [[k, v] for k, v in request.headers.items()],
        }

    return app


async def access_token(client: httpx.AsyncClient) -> str:
    """An access token of the gateway's admin (the gateway accepts only its own tokens)."""
    return await admin_access(client)


@asynccontextmanager
async def gateway(settings: GatewaySettings) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway app in-process, with a client signed in as its admin."""
    async with running(create_gateway_app(settings)) as client:
        client.headers["Authorization"] = f"Bearer {await access_token(client)}"
        yield client


@asynccontextmanager
async def behind_the_gateway(
    upstream_app: FastAPI, gateway_settings: GatewaySettingsFactory
) -> AsyncIterator[httpx.AsyncClient]:
    """`upstream_app` as licensing behind the gateway, both over real HTTP; a signed-in client."""
    async with serving(upstream_app) as upstream:
        settings = await gateway_settings(licensing_url=upstream)
        async with (
            serving(create_gateway_app(settings)) as gateway_url,
            httpx.AsyncClient(base_url=gateway_url, timeout=20) as client,
        ):
            client.headers["Authorization"] = f"Bearer {await access_token(client)}"
            yield client


@pytest.fixture
async def upstream() -> AsyncIterator[str]:
    async with serving(echo_app()) as url:
        yield url


async def test_forwards_path_query_body_and_ids(
    upstream: str, gateway_settings: GatewaySettingsFactory
) -> None:
    async with gateway(await gateway_settings(licensing_url=upstream)) as client:
        response = await client.post(
            "/api/licensing/applications/17?kind=establishment&x=%2F",
            content=b'{"name": "x"}',
            headers={
                "X-Request-ID": "req-42",
                "Connection": "keep-alive, X-Secret",
                "X-Secret": "hop",
                "X-Forwarded-For": "203.0.113.9",
                "X-Forwarded-Host": "evil.example",
                "X-Forwarded-Proto": "https",
                "Forwarded": "host=evil.example",
            },
        )
    assert response.status_code == 200
    seen = response.json()
    # What the services' servers would believe about host and scheme never comes from a caller.
    assert {"x-forwarded-host", "x-forwarded-proto", "forwarded"}.isdisjoint(seen["headers"])
    assert seen["path"] == "/applications/17"
    assert seen["query"] == "kind=establishment&x=%2F"
    assert seen["body"] == '{"name": "x"}'
    assert seen["headers"]["content-length"] == "13"
    assert seen["headers"]["x-request-id"] == "req-42"
    assert seen["headers"]["traceparent"].startswith("00-")
    assert seen["headers"]["authorization"] == client.headers["authorization"]
    assert "x-secret" not in seen["headers"]  # named in Connection: hop-by-hop
    assert "connection" not in seen["headers"]
    assert seen["headers"]["host"] == upstream.removeprefix("http://")
    # The caller's address is appended to the chain, in one field.
    assert seen["headers"]["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"
    assert [k for k, _ in seen["header_list"]].count("x-forwarded-for") == 1


async def test_no_path_reaches_anywhere_but_the_configured_upstream(
    upstream: str, gateway_settings: GatewaySettingsFactory
) -> None:
    async with gateway(await gateway_settings(licensing_url=upstream)) as client:
        for path in ("//evil.example/x", "/http://evil.example/", "/@evil.example/"):
            response = await client.get(f"/api/licensing{path}")
            assert response.status_code == 200
            assert response.json()["path"] == path
            assert response.json()["headers"]["host"] == upstream.removeprefix("http://")
        unknown = await client.get("/api/evil.example/x")
        assert unknown.status_code == 404
        assert unknown.headers["content-type"] == "application/problem+json"


async def test_response_headers_pass_through_repeated_and_without_hop_by_hop(
    upstream: str, gateway_settings: GatewaySettingsFactory
) -> None:
    async with gateway(await gateway_settings(licensing_url=upstream)) as client:
        response = await client.get("/api/licensing/cookies")
    assert response.status_code == 200
    assert response.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Path=/"]
    assert response.headers["x-kept"] == "kept"
    assert response.headers["content-length"] == "2"
    for hop in ("connection", "x-upstream-hop", "keep-alive"):
        assert hop not in response.headers
    assert response.text == "ok"


async def test_bytes_pass_through_without_decompression(
    upstream: str, gateway_settings: GatewaySettingsFactory
) -> None:
    async with (
        gateway(await gateway_settings(licensing_url=upstream)) as client,
        client.stream("GET", "/api/licensing/gzip") as response,
    ):
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.headers["content-encoding"] == "gzip"
    assert raw == gzip.compress(b"compressed " * 100, mtime=0)
    assert response.headers["content-length"] == str(len(raw))


async def test_redirects_are_passed_back_not_followed(
    upstream: str, gateway_settings: GatewaySettingsFactory
) -> None:
    target = "http://127.0.0.1:9/elsewhere"
    async with gateway(await gateway_settings(licensing_url=upstream)) as client:
        response = await client.get("/api/licensing/redirect", params={"to": target})
    assert response.status_code == 302
    assert response.headers["location"] == target


async def test_no_header_is_invented_for_the_upstream(
    upstream: str, gateway_settings: GatewaySettingsFactory
) -> None:
    async with gateway(await gateway_settings(licensing_url=upstream)) as client:
        request = client.build_request("GET", "/api/licensing/bare")
        for name in ("accept", "accept-encoding", "user-agent", "connection"):
            del request.headers[name]
        response = await client.send(request)
    seen = response.json()["headers"]
    for invented in ("accept", "accept-encoding", "user-agent", "content-type"):
        assert invented not in seen
    # A GET without a body gets no framing; the upstream is asked for nothing else.
    assert "content-length" not in seen
    assert "transfer-encoding" not in seen
    assert set(seen) == {
        "host",
        "authorization",
        "x-request-id",
        "traceparent",
        "x-forwarded-for",
    }


async def test_request_bodies_keep_their_framing(
    upstream: str, gateway_settings: GatewaySettingsFactory
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for part in (b"one ", b"two ", b"three"):
            yield part

    async with gateway(await gateway_settings(licensing_url=upstream)) as client:
        sized = (await client.put("/api/licensing/x", content=b"12345")).json()
        chunked = (await client.patch("/api/licensing/x", content=chunks())).json()
        empty = (await client.delete("/api/licensing/x")).json()
        head = await client.head("/api/licensing/x")
    assert sized["body"] == "12345"
    assert sized["headers"]["content-length"] == "5"
    assert "transfer-encoding" not in sized["headers"]
    assert chunked["body"] == "one two three"
    assert chunked["headers"]["transfer-encoding"] == "chunked"
    assert "content-length" not in chunked["headers"]
    assert empty["method"] == "DELETE"
    assert empty["body"] == ""
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) > 0


async def test_bodies_stream_both_ways(gateway_settings: GatewaySettingsFactory) -> None:
    """Neither body is buffered: each side sees the first part before the second is sent."""
    request_started = asyncio.Event()
    response_released = asyncio.Event()
    app = FastAPI()

    @app.post("/upload")
    async def upload(request: Request) -> dict[str, int]:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size:
                request_started.set()
        return {"size": size}

    @app.get("/download")
    async def download() -> StreamingResponse:
        async def parts() -> AsyncIterator[bytes]:
            yield b"first;"
            await response_released.wait()
            yield b"second"

        return StreamingResponse(parts(), media_type="text/plain")

    async def body() -> AsyncIterator[bytes]:
        yield b"x" * 1000
        # Only sent once the upstream has seen the first part through the gateway.
        await asyncio.wait_for(request_started.wait(), 10)
        yield b"y" * 1000

    async with behind_the_gateway(app, gateway_settings) as client:
        uploaded = await client.post("/api/licensing/upload", content=body())
        assert uploaded.json() == {"size": 2000}
        async with client.stream("GET", "/api/licensing/download") as response:
            assert len(response.headers.get_list("date")) == 1  # the gateway's alone
            parts = response.aiter_raw()
            first = await asyncio.wait_for(anext(parts), 10)
            response_released.set()
            rest = b"".join([chunk async for chunk in parts])
    assert first == b"first;"
    assert rest == b"second"


async def test_one_upstream_down_is_503_for_its_routes_alone(
    upstream: str, gateway_settings: GatewaySettingsFactory
) -> None:
    settings = await gateway_settings(
        licensing_url=upstream, qms_url=f"http://127.0.0.1:{free_port()}", retry_after_seconds=7
    )
    async with (
        serving(create_gateway_app(settings)) as gateway_url,
        httpx.AsyncClient(base_url=gateway_url, timeout=20) as client,
    ):
        client.headers["Authorization"] = f"Bearer {await access_token(client)}"
        response = await client.get("/api/qms/objectives")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "7"
        assert response.json()["type"] == "/problems/upstream-unavailable"
        assert response.json()["service"] == "qms"
        assert "qms" in response.json()["detail"]
        # Another service's routes still work, and the gateway stays in service, degraded.
        assert (await client.get("/api/licensing/licences")).status_code == 200
        readiness = await client.get("/readyz")
        assert readiness.status_code == 200
        assert readiness.json()["status"] == "degraded"
        assert "qms" in readiness.json()["degraded"]
        assert readiness.json()["checks"]["qms"].startswith("unavailable")
        assert readiness.json()["checks"]["database"] == "ok"
        metrics = (await client.get("/metrics")).text
    gauges = {
        family.name: {s.labels["check"]: s.value for s in family.samples}
        for family in text_string_to_metric_families(metrics)
        if family.name == "shijian_ready"
    }["shijian_ready"]
    assert gauges["qms"] == 0 and gauges["database"] == 1


async def test_gateway_without_its_database_is_not_ready(
    upstream: str, gateway_settings: GatewaySettingsFactory
) -> None:
    app = create_gateway_app(await gateway_settings(licensing_url=upstream))
    async with running(app) as client:
        await app.state.identity.database.dispose()
        # Its database moved to where nothing listens, as when the server goes away.
        app.state.identity.database = Database(
            f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/gone"
        )
        readiness = await client.get("/readyz")
        assert readiness.status_code == 503
        assert readiness.headers["content-type"] == "application/problem+json"
        assert readiness.json()["checks"]["database"].startswith("unavailable")
        assert (await client.get("/healthz")).status_code == 200


async def test_upstream_timeout_is_504(gateway_settings: GatewaySettingsFactory) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings = await gateway_settings(
        enforcement_url=f"http://127.0.0.1:{port}", upstream_timeout=0.5
    )
    try:
        async with gateway(settings) as client:
            response = await client.get("/api/enforcement/cases")
        assert response.status_code == 504
        assert response.json()["type"] == "/problems/upstream-timeout"
        assert response.json()["service"] == "enforcement"
    finally:
        server.close()


def forwarded(service: str, method: str, status: str) -> float:
    value = REGISTRY.get_sample_value(
        "shijian_gateway_upstream_requests_total",
        {"service": service, "method": method, "status": status},
    )
    return value or 0.0


async def test_upstream_requests_are_counted_and_timed(
    upstream: str, gateway_settings: GatewaySettingsFactory
) -> None:
    settings = await gateway_settings(
        licensing_url=upstream, complaints_url=f"http://127.0.0.1:{free_port()}"
    )
    timed = {"service": "licensing"}
    before = (
        forwarded("licensing", "GET", "200"),
        forwarded("complaints", "POST", "error"),
        REGISTRY.get_sample_value("shijian_gateway_upstream_duration_seconds_count", timed) or 0,
    )
    async with gateway(settings) as client:
        assert (await client.get("/api/licensing/a")).status_code == 200
        assert (await client.get("/api/licensing/b")).status_code == 200
        assert (await client.post("/api/complaints/c")).status_code == 503
        metrics = (await client.get("/metrics")).text
    assert forwarded("licensing", "GET", "200") == before[0] + 2
    assert forwarded("complaints", "POST", "error") == before[1] + 1
    timed_count = REGISTRY.get_sample_value(
        "shijian_gateway_upstream_duration_seconds_count", timed
    )
    assert timed_count == before[2] + 2
    assert "shijian_gateway_upstream_requests_total" in metrics


async def test_gateway_health_is_its_own(gateway_settings: GatewaySettingsFactory) -> None:
    async with gateway(await gateway_settings()) as client:
        assert (await client.get("/healthz")).status_code == 200
        metrics = await client.get("/metrics")
        assert "shijian_http_requests_total" in metrics.text
        assert "shijian_gateway_upstream_duration_seconds" in metrics.text


async def test_a_caller_going_away_frees_the_upstream(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    upstream_stopped = asyncio.Event()
    app = FastAPI()

    @app.get("/endless")
    async def endless() -> StreamingResponse:
        async def parts() -> AsyncIterator[bytes]:
            try:
                while True:
                    yield b"part;"
                    await asyncio.sleep(0.05)
            finally:
                upstream_stopped.set()

        return StreamingResponse(parts(), media_type="text/plain")

    async with behind_the_gateway(app, gateway_settings) as client:
        async with client.stream("GET", "/api/licensing/endless") as response:
            assert await anext(response.aiter_raw()) == b"part;"
        # The caller hung up: the gateway closes its upstream connection too.
        await asyncio.wait_for(upstream_stopped.wait(), 10)


def replica_app(name: str) -> FastAPI:
    """An upstream replica that says which it is."""
    app = FastAPI()

    @app.api_route("/{path:path}", methods=METHODS)
    async def which(path: str) -> dict[str, str]:
        return {"replica": name, "path": "/" + path}

    return app


async def test_requests_are_spread_over_a_services_replicas(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    async with serving(replica_app("a")) as a, serving(replica_app("b")) as b:
        settings = await gateway_settings(licensing_url=f"{a},{b}")
        async with gateway(settings) as client:
            answers = [await client.get(f"/api/licensing/x{n}") for n in range(6)]
    assert [answer.status_code for answer in answers] == [200] * 6
    assert sorted(answer.json()["replica"] for answer in answers) == ["a"] * 3 + ["b"] * 3


async def test_a_replica_that_is_down_is_passed_over_even_for_writes(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    async with serving(replica_app("up")) as up:
        settings = await gateway_settings(licensing_url=f"{down},{up}")
        async with gateway(settings) as client:
            # The refused connection sent nothing, so even a POST goes to the other replica.
            answers = [await client.post("/api/licensing/applications", json={}) for _ in range(4)]
            readiness = await client.get("/readyz")
    assert [answer.status_code for answer in answers] == [200] * 4
    assert {answer.json()["replica"] for answer in answers} == {"up"}
    assert readiness.json()["checks"]["licensing"] == "ok"


async def test_every_replica_down_is_503(gateway_settings: GatewaySettingsFactory) -> None:
    downs = ",".join(f"http://127.0.0.1:{free_port()}" for _ in range(2))
    async with gateway(await gateway_settings(licensing_url=downs)) as client:
        response = await client.get("/api/licensing/applications")
    assert response.status_code == 503
    assert response.json()["service"] == "licensing"


async def test_a_replica_setting_that_is_not_a_list_of_urls_is_refused(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    with pytest.raises(ValueError, match="separated by commas"):
        await gateway_settings(licensing_url="http://127.0.0.1:1,ftp://x")


async def test_a_replica_dying_mid_request_is_retried_only_where_it_cannot_double(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    async def dies(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")  # the request arrived: it may have been acted on
        writer.transport.abort()

    server = await asyncio.start_server(dies, "127.0.0.1", 0)
    dying = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    async with server, serving(replica_app("up")) as up:
        settings = await gateway_settings(licensing_url=f"{dying},{up}")
        async with gateway(settings) as client:
            read = await client.get("/api/licensing/applications")
            # Rested after failing, the dying replica is tried last: wait the rest out.
            await asyncio.sleep(REPLICA_REST_SECONDS + 0.1)
            await client.get("/api/licensing/applications")  # the other's turn
            keyed = await client.post(
                "/api/licensing/applications", json={}, headers={"Idempotency-Key": "k-1"}
            )
    assert (read.status_code, read.json()["replica"]) == (200, "up")
    # A write may have been done by the replica that died: never sent twice by the gateway,
    # even with an Idempotency-Key (the caller, who knows the route honours it, resends).
    assert keyed.status_code == 503
