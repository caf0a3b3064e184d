"""The console's API types (web/src/api/schema.d.ts) are those of the platform's OpenAPI."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import wait_until
from tests.console.conftest import WEB, npx, require_web
from tests.gateway.conftest import Platform

SCHEMA = WEB / "src" / "api" / "schema.d.ts"


@pytest.mark.timeout(600)  # the platform's start, when this test is the first to want it
async def test_api_types_are_current(platform: Platform, tmp_path: Path) -> None:
    require_web("node_modules")
    document = tmp_path / "openapi.json"

    async def whole() -> bool:
        # A service busy seeding its demo data may miss the gateway's deadline: ask again.
        async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client:
            answer = await client.get("/openapi.json")
        document.write_bytes(answer.content)
        return answer.status_code == 200 and answer.json()["info"]["x-missing-services"] == []

    await wait_until(whole, within=120, interval=1)
    generated = tmp_path / "schema.d.ts"
    finished = await npx("openapi-typescript", str(document), "-o", str(generated), within=300)
    assert finished.status == 0, finished.tail()
    if not SCHEMA.exists() or SCHEMA.read_bytes() != generated.read_bytes():
        pytest.fail("web/src/api/schema.d.ts is stale: run make web-types", pytrace=False)
