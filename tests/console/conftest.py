"""The whole platform on the real PostgreSQL and RabbitMQ, with the demo district seeded and
the console built by `make web`, and `npx` run in web/ beside it."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import httpx
import pytest

from gateway.settings import REPOSITORY
from tests.conftest import CreateDatabase, fully_ready, wait_until
from tests.gateway.conftest import Platform, running_platform

WEB = REPOSITORY / "web"
QUICK_RELAY = {"relay_poll_seconds": 0.2}
# Demo data as `make run` seeds it: licences, offices and grids, community stations.
SERVICES: dict[str, Mapping[str, object]] = {
    "licensing": {"seed_demo": True, **QUICK_RELAY},
    "supervision": {"seed_demo": True, **QUICK_RELAY},
    "enforcement": QUICK_RELAY,
    "complaints": {"seed_demo": True, **QUICK_RELAY},
    "qms": QUICK_RELAY,
}


def require_web(*paths: str) -> None:
    """Fail (never skip: `make test` builds them first) when a part of web/ is missing."""
    missing = [path for path in paths if not (WEB / path).exists()]
    if missing:
        pytest.fail(f"web/{', web/'.join(missing)} missing: run make web", pytrace=False)


@pytest.fixture(scope="package")
async def platform(
    create_database: CreateDatabase, bus_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Platform]:
    """Every service and the gateway serving web/dist, the demo people signed in as with
    `make run` (`demo-<username>`, admin too), the limits out of a browser's way."""
    async with running_platform(
        create_database,
        f"{bus_prefix}-console",
        tmp_path_factory.mktemp("console") / "keys",
        services=SERVICES,
        seed_demo=True,
        # As `make run`: the demo's admin, with the demo district's authenticator.
        admin_password=None,
        admin_totp_secret=None,
        console_dir=WEB / "dist",
        login_rate_limit="1000/minute",
        api_rate_limit="100000/minute",
        open311_rate_limit="1000/minute",
    ) as started:
        async with httpx.AsyncClient(base_url=started.gateway_url, timeout=30) as client:

            async def ready() -> bool:
                return fully_ready(await client.get("/readyz"))

            await wait_until(ready, within=120, interval=0.5)
        yield started


@dataclass(frozen=True)
class Finished:
    """An npx command's exit status and its output, stdout and stderr interleaved."""

    status: int
    lines: list[str]

    def tail(self, count: int = 200) -> str:
        return "\n".join(self.lines[-count:])


async def npx(*command: str, within: float, env: Mapping[str, str] | None = None) -> Finished:
    """Run a package web/ has installed, on the event loop the platform serves on (so never
    blocking it); stopped after `within` seconds."""
    process = await asyncio.create_subprocess_exec(
        # `--no`: never fetch a package npm has not installed; `--`: the flags are the tool's.
        "npx",
        "--no",
        "--",
        *command,
        cwd=WEB,
        env={**os.environ, **(env or {})},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,  # its own process group: the browsers go with it on a timeout
        limit=16 * 1024 * 1024,  # a line of output, such as a page's snapshot in an error
    )
    lines: list[str] = []

    async def read() -> int:
        assert process.stdout is not None
        async for line in process.stdout:
            lines.append(line.decode(errors="replace").rstrip())
        return await process.wait()

    try:
        return Finished(await asyncio.wait_for(read(), within), lines)
    except TimeoutError:
        os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
        lines.append(f"(stopped after {within:.0f} s)")
        return Finished(-1, lines)
