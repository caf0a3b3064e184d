"""schemathesis against the gateway's merged OpenAPI: no 5xx and no response outside its
schema, for every operation (a bounded example count). With every service running behind it on
PostgreSQL; and the gateway's own operations on the embedded default (SQLite), where date-times
and token refreshes once broke."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

from fastapi import FastAPI

from gateway.app import create_gateway_app, spec
from gateway.identity.usecases import Identity
from gateway.settings import GatewaySettings
from tests.conftest import BUS_URL, CreateDatabase, free_port, migrate, serving
from tests.gateway.conftest import ADMIN_PASSWORD, running_platform
from tests.tokens import mint_token

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
# Left out: logout would revoke the run's own token; the event stream never ends.
EXCLUDED_PATHS = ("/auth/logout", "/api/notifications/stream")
UNLIMITED = "100000/minute"


async def schemathesis(gateway: FastAPI, gateway_url: str, cwd: Path, max_examples: int) -> None:
    """Run schemathesis over the gateway's OpenAPI; fail on any failed case."""
    identity: Identity = gateway.state.identity
    key = identity.keys.active
    # A clerk as well as the admin, so that licensing is exercised past its role checks.
    token = mint_token(
        subject="admin",
        roles=["admin", "licensing_clerk"],
        office="office-01",
        key=key.private_key,
        key_id=key.kid,
    )
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{gateway_url}/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--max-examples",
        str(max_examples),
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--seed",
        "20261128",
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--request-timeout",
        "15",
        "--no-color",
        *[arg for path in EXCLUDED_PATHS for arg in ("--exclude-path", path)],
    ]
    run = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=cwd
    )
    output, _ = await asyncio.wait_for(run.communicate(), 600)
    report = output.decode(errors="replace")
    assert run.returncode == 0, report
    cases = re.search(r"(\d+) generated, (\d+) passed", report)
    assert cases is not None, report
    assert int(cases[1]) > 100, report
    assert cases[1] == cases[2], report


async def test_no_server_errors_and_no_schema_violations(
    create_database: CreateDatabase, bus_prefix: str, tmp_path: Path
) -> None:
    async with running_platform(
        create_database,
        bus_prefix,
        tmp_path / "keys",
        login_rate_limit=UNLIMITED,
        api_rate_limit=UNLIMITED,
    ) as platform:
        await schemathesis(platform.gateway, platform.gateway_url, tmp_path, MAX_EXAMPLES)


async def test_the_gateways_own_operations_on_sqlite(bus_prefix: str, tmp_path: Path) -> None:
    # No service behind it: the merged document holds the gateway's own operations only.
    nowhere = f"http://127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        service="gateway",
        environment="test",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}",
        bus_url=BUS_URL,
        bus_prefix=bus_prefix,
        signing_keys_dir=tmp_path / "keys",
        admin_password=ADMIN_PASSWORD,
        login_rate_limit=UNLIMITED,
        api_rate_limit=UNLIMITED,
        licensing_url=nowhere,
        supervision_url=nowhere,
        enforcement_url=nowhere,
        complaints_url=nowhere,
        qms_url=nowhere,
    )
    await migrate(spec, settings)
    gateway = create_gateway_app(settings)
    async with serving(gateway) as gateway_url:
        await schemathesis(gateway, gateway_url, tmp_path, max(MAX_EXAMPLES, 30))
