"""Whatever a caller puts in the path, query or headers, the gateway contacts only the
configured upstream: crafted requests are sent byte for byte to a real gateway while two
canaries (an HTTP app and a bare TCP listener) record anything that reaches them."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from gateway.app import create_gateway_app
from tests.conftest import serving
from tests.gateway.conftest import GatewaySettingsFactory
from tests.gateway.test_proxy import access_token

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@dataclass
class Seen:
    """One request as an app received it."""

    method: str
    path: str
    raw_path: bytes
    query: bytes
    headers: dict[str, str]


def recording_app(seen: list[Seen]) -> FastAPI:
    """An app that records every request it receives; `/redirect?to=` answers a redirect."""
    app = FastAPI()

    @app.api_route("/{path:path}", methods=METHODS)
    async def record(path: str, request: Request) -> Response:
        seen.append(
            Seen(
                method=request.method,
                path=request.scope["path"],
                raw_path=request.scope["raw_path"],
                query=request.scope["query_string"],
                headers=dict(request.headers.items()),
            )
        )
        if path == "redirect" and "to" in request.query_params:
            return RedirectResponse(request.query_params["to"], status_code=307)
        return Response(b"recorded", media_type="text/plain")

    return app


@dataclass
class TcpCanary:
    """A bare TCP listener: counts every connection, HTTP or not."""

    connections: int = 0
    port: int = 0
    _server: asyncio.Server | None = field(default=None, repr=False)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        writer.close()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def close(self) -> None:
        if self._server is not None:
            self._server.close()


@dataclass
class Stage:
    """A gateway whose licensing upstream records what it gets, and two canaries."""

    gateway: str
    upstream_host: str
    token: str
    upstream_seen: list[Seen]
    canary_seen: list[Seen]
    tcp_canary: TcpCanary
    canary_host: str
    probes: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def targets(self) -> list[str]:
        """The canaries' host:port, to be slipped into requests."""
        return [self.canary_host, f"127.0.0.1:{self.tcp_canary.port}"]

    def received(self, probe: int) -> list[Seen]:
        """What the upstream received of probe number `probe`."""
        return [s for s in self.upstream_seen if s.headers.get("x-probe") == str(probe)]


@pytest.fixture
async def stage(gateway_settings: GatewaySettingsFactory) -> AsyncIterator[Stage]:
    upstream_seen: list[Seen] = []
    canary_seen: list[Seen] = []
    tcp_canary = TcpCanary()
    await tcp_canary.start()
    try:
        async with (
            serving(recording_app(upstream_seen)) as upstream,
            serving(recording_app(canary_seen)) as canary,
        ):
            settings = await gateway_settings(licensing_url=upstream)
            async with serving(create_gateway_app(settings)) as gateway:
                async with httpx.AsyncClient(base_url=gateway) as client:
                    token = await access_token(client)
                yield Stage(
                    gateway=gateway,
                    upstream_host=upstream.removeprefix("http://"),
                    token=token,
                    upstream_seen=upstream_seen,
                    canary_seen=canary_seen,
                    tcp_canary=tcp_canary,
                    canary_host=canary.removeprefix("http://"),
                )
    finally:
        tcp_canary.close()


async def exchange(stage: Stage, request: bytes, within: float = 10.0) -> int:
    """Send `request` as raw bytes to the gateway; the status it answers (0: none)."""
    address = urlsplit(stage.gateway)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    try:
        writer.write(request)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), within)
    finally:
        writer.close()
    if not answer.startswith(b"HTTP/1.1 "):
        return 0
    return int(answer.split(b" ", 2)[1])


def http_request(
    stage: Stage,
    target: str,
    probe: int,
    *,
    method: str = "GET",
    host: str | None = None,
    headers: tuple[str, ...] = (),
) -> bytes:
    """A well-framed request for `target` carrying the probe number and the token."""
    lines = [
        f"{method} {target} HTTP/1.1",
        f"Host: {host or urlsplit(stage.gateway).netloc}",
        f"Authorization: Bearer {stage.token}",
        f"X-Probe: {probe}",
        *headers,
        "Connection: close",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def probe(stage: Stage, request_for: object, **kwargs: object) -> tuple[int, list[Seen]]:
    """Send one crafted request; check the gateway forwarded it to the upstream or refused it."""
    number = next(stage.probes)
    if isinstance(request_for, bytes):
        raw = request_for.replace(b"{probe}", str(number).encode())
    else:
        raw = http_request(stage, str(request_for), number, **kwargs)  # type: ignore[arg-type]
    status = await exchange(stage, raw)
    received = stage.received(number)
    assert 200 <= status < 500, (raw, status)  # never a 5xx: nothing else was tried
    if status < 400:
        assert len(received) == 1, (raw, status)
    for seen in received:
        assert seen.headers["host"] == stage.upstream_host, raw
    return status, received


def assert_no_canary_reached(stage: Stage) -> None:
    assert stage.canary_seen == []
    assert stage.tcp_canary.connections == 0


async def test_crafted_paths_reach_only_the_upstream(stage: Stage) -> None:
    for canary in stage.targets:
        crafted = [
            "/api/licensing/../../x",
            "/api/licensing/../../../../x",
            "/api/licensing/%2e%2e/%2e%2e/x",
            "/api/licensing/%2E%2E%2F%2E%2E%2Fx",
            "/api/licensing/..%2F..%2Fx",
            "/api/licensing/..%252F..%252Fx",
            "/api/licensing/%252e%252e%252fx",
            f"/api/licensing/http://{canary}/x",
            f"/api/licensing/http:%2F%2F{canary}%2Fx",
            f"/api/licensing/https://{canary}/x",
            f"/api/licensing//{canary}/x",
            f"/api/licensing///{canary}/x",
            f"/api/licensing/%2F%2F{canary}/x",
            f"/api/licensing/@{canary}/x",
            f"/api/licensing/%40{canary}/x",
            f"/api/licensing/x@{canary}/y",
            f"/api/licensing/\\\\{canary}\\x",
            f"/api/licensing/%5C%5C{canary}/x",
            f"/api/licensing/x?next=http://{canary}/&url=//{canary}",
            f"/api/licensing/x#@{canary}",
            f"/api/licensing/x%00@{canary}",
            f"/api/licensing/x?%0D%0AHost:%20{canary}",
        ]
        for target in crafted:
            status, received = await probe(stage, target)
            assert status == 200, target
            assert received[0].raw_path.startswith(b"/")
    assert_no_canary_reached(stage)


async def test_what_the_upstream_receives_is_the_path_as_sent(stage: Stage) -> None:
    canary = stage.canary_host
    expected = {
        f"/api/licensing/http://{canary}/x": (f"/http://{canary}/x", b""),
        f"/api/licensing//{canary}/x": (f"//{canary}/x", b""),
        f"/api/licensing/@{canary}/x": (f"/@{canary}/x", b""),
        "/api/licensing/..%2F..%2Fx": ("/../../x", b""),
        "/api/licensing/a%252Fb?q=%2F&r=1": ("/a%2Fb", b"q=%2F&r=1"),
        "/api/licensing/\\x\\y": ("/\\x\\y", b""),
    }
    for target, (path, query) in expected.items():
        _, received = await probe(stage, target)
        assert (received[0].path, received[0].query) == (path, query), target
    _, received = await probe(stage, "/api/licensing/a%2Fb")
    assert received[0].raw_path == b"/a%2Fb"  # escapes kept as sent, not re-normalised
    _, received = await probe(stage, "/api/licensing/\\x")
    assert received[0].raw_path == b"/%5Cx"  # bytes a path may not hold are escaped
    assert_no_canary_reached(stage)


async def test_crafted_service_names_are_refused(stage: Stage) -> None:
    for canary in stage.targets:
        for target in (
            f"/api/{canary}/x",
            f"/api/licensing@{canary}/x",
            f"/api/licensing:x@{canary}/x",
            f"/api/licensing%2F..%2F..%2F{canary}/x",
            "/api/..%2Flicensing/x",
            "/api/../api/licensing/x",
            f"/api/%2F%2F{canary}/x",
            f"/api/http:%2F%2F{canary}/x",
        ):
            status, received = await probe(stage, target)
            assert status == 404, target
            assert received == []
    assert_no_canary_reached(stage)


async def test_host_and_forwarding_headers_do_not_route(stage: Stage) -> None:
    for canary in stage.targets:
        cases: list[dict[str, object]] = [
            {"host": canary},
            {"headers": (f"X-Forwarded-Host: {canary}",)},
            {"headers": (f"Forwarded: host={canary};proto=http",)},
            {"headers": (f"X-Original-URL: http://{canary}/x", f"X-Rewrite-URL: //{canary}/x")},
            {"headers": (f"X-Forwarded-Server: {canary}", f"X-Host: {canary}")},
            {"headers": ("Connection: Host",)},
        ]
        for case in cases:
            status, received = await probe(stage, "/api/licensing/x", **case)
            assert status == 200, case
            assert received[0].path == "/x"
        # Absolute-form request targets name a host too: only the path counts.
        status, received = await probe(stage, f"http://{canary}/api/licensing/x")
        assert status == 200
        assert received[0].path == "/x"
        status, _ = await probe(stage, f"http://{canary}/x")
        assert status == 404
        status, _ = await probe(stage, canary, method="CONNECT")
        assert 400 <= status < 500
    assert_no_canary_reached(stage)


# Raw requests: {gateway}, {canary}, {token} and {probe} are filled in before sending.
TAIL = b"Authorization: Bearer {token}\r\nX-Probe: {probe}\r\nConnection: close\r\n\r\n"
MALFORMED = [
    # A line break in the request target, or a bare LF ending the request line.
    b"GET /api/licensing/x\r\nHost: {canary} HTTP/1.1\r\nHost: {gateway}\r\n" + TAIL,
    b"GET /api/licensing/x HTTP/1.1\nHost: {canary}\r\nHost: {gateway}\r\n" + TAIL,
    # A bare CR inside a header value, and a header folded onto the next line.
    b"GET /api/licensing/x HTTP/1.1\r\nHost: {gateway}\r\nX-A: a\rHost: {canary}\r\n" + TAIL,
    b"GET /api/licensing/x HTTP/1.1\r\nHost: {gateway}\r\nX-A: a\r\n Host: {canary}\r\n" + TAIL,
    # Two Host headers.
    b"GET /api/licensing/x HTTP/1.1\r\nHost: {gateway}\r\nHost: {canary}\r\n" + TAIL,
    # A space and a tab in the path, raw bytes outside ASCII.
    b"GET /api/licensing/ http://{canary}/x HTTP/1.1\r\nHost: {gateway}\r\n" + TAIL,
    b"GET /api/licensing/\thttp://{canary}/x HTTP/1.1\r\nHost: {gateway}\r\n" + TAIL,
    b"GET /api/licensing/\xc0\xae\xc0\xae/{canary} HTTP/1.1\r\nHost: {gateway}\r\n" + TAIL,
]


async def test_cr_lf_and_malformed_requests_reach_nobody_else(stage: Stage) -> None:
    for canary in stage.targets:
        for template in MALFORMED:
            raw = (
                template.replace(b"{gateway}", urlsplit(stage.gateway).netloc.encode())
                .replace(b"{canary}", canary.encode())
                .replace(b"{token}", stage.token.encode())
            )
            await probe(stage, raw)
        # An escaped line break: the gateway has no route for it (`{path}` ends at a line break).
        status, _ = await probe(stage, f"/api/licensing/x%0D%0AHost:%20{canary}")
        assert status == 404
    assert_no_canary_reached(stage)


async def test_redirects_to_a_canary_are_not_followed(stage: Stage) -> None:
    for canary in stage.targets:
        status, received = await probe(stage, f"/api/licensing/redirect?to=http://{canary}/x")
        assert status == 307
        assert received[0].path == "/redirect"
    assert_no_canary_reached(stage)


async def test_unauthenticated_crafted_requests_stop_at_the_gateway(stage: Stage) -> None:
    canary = stage.canary_host
    raw = (
        f"GET /api/licensing/http://{canary}/x HTTP/1.1\r\nHost: {canary}\r\n"
        "X-Probe: {probe}\r\nConnection: close\r\n\r\n"
    ).encode()
    status, received = await probe(stage, raw)
    assert status == 401
    assert received == []
    assert_no_canary_reached(stage)
