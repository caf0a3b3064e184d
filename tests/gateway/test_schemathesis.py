"""schemathesis against the gateway's merged OpenAPI, with every service running behind it:
no 5xx and no response outside its schema, for every operation (a bounded example count)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

from gateway.identity.usecases import Identity
from tests.conftest import CreateDatabase
from tests.gateway.conftest import running_platform
from tests.tokens import mint_token

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
# Left out: logout would revoke the run's own token; the event stream never ends.
EXCLUDED_PATHS = ("/auth/logout", "/api/notifications/stream")


async def test_no_server_errors_and_no_schema_violations(
    create_database: CreateDatabase, bus_prefix: str, tmp_path: Path
) -> None:
    async with running_platform(
        create_database,
        bus_prefix,
        tmp_path / "keys",
        login_rate_limit="100000/minute",
        api_rate_limit="100000/minute",
    ) as platform:
        identity: Identity = platform.gateway.state.identity
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
            f"{platform.gateway_url}/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            str(MAX_EXAMPLES),
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
            *command,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=tmp_path,
        )
        output, _ = await asyncio.wait_for(run.communicate(), 600)
        report = output.decode(errors="replace")
        assert run.returncode == 0, report
        cases = re.search(r"(\d+) generated, (\d+) passed", report)
        assert cases is not None, report
        assert int(cases[1]) > 100, report
        assert cases[1] == cases[2], report
