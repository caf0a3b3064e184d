"""The gateway serves the built web console at `/`: index.html with a fresh CSP nonce for every
client-side route, the assets cached for good, nothing outside the build, and every route of
the gateway's own as it was."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from gateway.app import create_gateway_app
from gateway.settings import GatewaySettings
from tests.conftest import CreateDatabase, running
from tests.gateway.conftest import migrated_gateway_settings

INDEX = """<!doctype html>
<html><head>
<meta name="csp-nonce" content="__CSP_NONCE__">
<meta name="tile-url" content="__TILE_URL__">
<script type="module" src="/assets/app-1a2b.js"></script>
</head><body><div id="root"></div></body></html>
"""
SCRIPT = b"console.log('console');\n"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
async def settings(
    create_database: CreateDatabase, bus_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> GatewaySettings:
    """Gateway settings on one migrated database for the module; each test picks its console."""
    keys = tmp_path_factory.mktemp("console-keys")
    return await migrated_gateway_settings(create_database, f"{bus_prefix}-console", keys)


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A built console: index.html with both placeholders, an asset, a favicon; beside the
    build, a file nobody may fetch through it."""
    build = tmp_path / "dist"
    (build / "assets").mkdir(parents=True)
    (build / "index.html").write_text(INDEX, encoding="utf-8")
    (build / "assets" / "app-1a2b.js").write_bytes(SCRIPT)
    (build / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "settings.py").write_text("SECRET = 'not for the browser'\n")
    return build


@asynccontextmanager
async def gateway(settings: GatewaySettings, **console: object) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway with these console settings, and a client talking to it in-process."""
    async with running(create_gateway_app(settings.model_copy(update=console))) as client:
        yield client


@pytest.fixture
async def client(settings: GatewaySettings, dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway serving `dist`, with no tiles."""
    async with gateway(settings, console_dir=dist) as answer:
        yield answer


def policy_nonce(answer: httpx.Response) -> str:
    policy = answer.headers["content-security-policy"]
    found = re.search(r"style-src 'self' 'nonce-([A-Za-z0-9_-]+)';", policy)
    assert found, policy
    return found.group(1)


def page_nonce(answer: httpx.Response) -> str:
    found = re.search(r'<meta name="csp-nonce" content="([^"]*)">', answer.text)
    assert found, answer.text
    return found.group(1)


def assert_secured(answer: httpx.Response) -> None:
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["x-frame-options"] == "DENY"
    policy = answer.headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ):
        assert f"{directive};" in f"{policy};", policy


async def test_every_client_side_route_gets_the_page_with_a_fresh_nonce(
    client: httpx.AsyncClient,
) -> None:
    nonces = []
    for path in (
        "/",
        "/licensing/queue",
        "/inspector/households/91510106MA00000000",
        "/index.html",
        "/licensing/queue",
    ):
        answer = await client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["content-type"] == "text/html; charset=utf-8"
        assert answer.headers["cache-control"] == "no-store"
        assert_secured(answer)
        assert "__CSP_NONCE__" not in answer.text
        assert page_nonce(answer) == policy_nonce(answer)
        assert len(page_nonce(answer)) >= 22  # 16 random bytes
        nonces.append(page_nonce(answer))
    assert len(set(nonces)) == len(nonces)
    assert '<meta name="tile-url" content="">' in answer.text  # no tiles: a plain background
    assert (await client.head("/licensing/queue")).status_code == 200


async def test_assets_are_cached_for_good_and_nothing_outside_them_is_served(
    client: httpx.AsyncClient, dist: Path
) -> None:
    answer = await client.get("/assets/app-1a2b.js")
    assert answer.status_code == 200
    assert answer.content == SCRIPT
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "style-src 'self';" in answer.headers["content-security-policy"]  # no nonce
    assert_secured(answer)

    favicon = await client.get("/favicon.svg")
    assert favicon.status_code == 200
    assert favicon.headers["content-type"] == "image/svg+xml"
    assert favicon.headers["cache-control"] == "no-cache"
    assert_secured(favicon)

    (dist / "assets" / "outside.js").symlink_to(dist.parent / "settings.py")
    for path in (
        "/assets/%2e%2e/%2e%2e/settings.py",
        "/assets/..%2f..%2fsettings.py",
        "/assets/%2e%2e/index.html",
        "/assets/outside.js",
        "/assets/missing-9z.js",
        "/assets/",
        "/assets/app%00.js",
        f"/assets/{'a' * 5000}.js",
    ):
        refused = await client.get(path)
        assert refused.status_code == 404, path
        assert refused.headers["content-type"] == PROBLEM, path
    # Above the build, the page: a client-side route, never the file.
    above = await client.get("/%2e%2e/settings.py")
    assert "SECRET" not in above.text


async def test_the_gateway_s_own_routes_answer_as_before(client: httpx.AsyncClient) -> None:
    me = await client.get("/auth/me")
    assert me.status_code == 401
    assert me.headers["content-type"] == PROBLEM
    api = await client.get("/api/licensing/licences")
    assert api.status_code == 401
    assert api.headers["content-type"] == PROBLEM
    for path in ("/api", "/auth/nothing", "/open311/nothing", "/healthz/x"):
        unknown = await client.get(path)
        assert unknown.status_code == 404, path
        assert unknown.headers["content-type"] == PROBLEM, path
    # An unknown path of the gateway's is not found whatever the method, not "method not
    # allowed" because the console answers GET there.
    assert (await client.post("/auth/nothing")).status_code == 404
    assert (await client.post("/licensing/queue")).status_code == 405
    assert (await client.get("/healthz")).json()["status"] == "alive"
    assert "keys" in (await client.get("/.well-known/jwks.json")).json()
    assert "swagger-ui" in (await client.get("/docs")).text
    assert (await client.get("/metrics")).headers["content-type"].startswith("text/plain")


async def test_a_console_not_built_is_a_503_naming_make_web(
    settings: GatewaySettings, tmp_path: Path
) -> None:
    async with gateway(settings, console_dir=tmp_path / "dist") as client:
        for path in ("/", "/licensing/queue"):
            answer = await client.get(path)
            assert answer.status_code == 503
            assert answer.headers["content-type"] == PROBLEM
            assert "make web" in answer.json()["detail"]
        assert (await client.get("/assets/app.js")).status_code == 404
        assert (await client.get("/healthz")).status_code == 200


async def test_a_rebuilt_console_is_served_without_a_restart(
    client: httpx.AsyncClient, dist: Path
) -> None:
    assert "app-1a2b.js" in (await client.get("/")).text
    index = dist / "index.html"
    index.write_text(INDEX.replace("app-1a2b.js", "app-3c4d.js"), encoding="utf-8")
    stat = index.stat()
    os.utime(index, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert "app-3c4d.js" in (await client.get("/")).text


async def test_the_tile_server_is_allowed_and_named_to_the_page(
    settings: GatewaySettings, dist: Path
) -> None:
    tiles = "https://{s}.tiles.example:8443/{z}/{x}/{y}.png?style=plain&lang=zh"
    async with gateway(settings, console_dir=dist, console_tile_url=tiles) as client:
        answer = await client.get("/")
        policy = answer.headers["content-security-policy"]
        assert "img-src 'self' data: blob: https://*.tiles.example:8443;" in policy
        escaped = "https://{s}.tiles.example:8443/{z}/{x}/{y}.png?style=plain&amp;lang=zh"
        assert f'<meta name="tile-url" content="{escaped}">' in answer.text
        asset = await client.get("/assets/app-1a2b.js")
        assert "https://*.tiles.example:8443" in asset.headers["content-security-policy"]


async def test_without_a_console_the_gateway_serves_the_api_alone(
    settings: GatewaySettings,
) -> None:
    async with gateway(settings, console_dir=None) as client:
        answer = await client.get("/")
        assert answer.status_code == 404
        assert answer.headers["content-type"] == PROBLEM
        assert (await client.get("/auth/me")).status_code == 401
