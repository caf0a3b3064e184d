"""`make run` starts the five services and the gateway on SQLite; Ctrl-C stops them all."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from chassis.platform import PORTS, WITNESS
from tests.conftest import PG_ADMIN_USER, PG_HOST, fully_ready
from tests.gateway.signin import demo_sign_in

ROOT = Path(__file__).resolve().parents[2]
# A guard against a start that hangs, not a speed target. 90 s until 2026-12-07, when a slower
# day's CI took longer with two replicas: 45 s migrating, 21 s importing and 27 s seeding the
# gateway (13 processes on two cores).
START_SECONDS = 180
# The start's budget and what each test does once started, stopping included.
pytestmark = pytest.mark.timeout(START_SECONDS + 120)


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def ready(port: int) -> bool:
    try:
        return fully_ready(httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2))
    except httpx.HTTPError:
        return False


def test_make_run_serves_everything_and_ctrl_c_stops_it(tmp_path: Path, bus_prefix: str) -> None:
    assert not any(listening(port) for port in [*PORTS.values(), WITNESS.port]), "ports taken"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PORT", "MAKEFLAGS"}}
    env |= {"DATA_DIR": str(tmp_path / "var"), "BUS_PREFIX": f"{bus_prefix}-make-run"}
    log = (tmp_path / "make-run.log").open("w")
    started = time.monotonic()
    # Its own process group, as a terminal's foreground job is: Ctrl-C signals the whole group.
    process = subprocess.Popen(
        ["make", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        pending = dict(PORTS)
        # A guard against a start that hangs, not a speed target (this machine is shared): a
        # first start hashes the demo people's passwords and runs every migration.
        while pending and time.monotonic() - started < START_SECONDS:
            pending = {name: port for name, port in pending.items() if not ready(port)}
            time.sleep(0.3)
        output = (tmp_path / "make-run.log").read_text()
        assert not pending, (
            f"not ready within {START_SECONDS} s: {sorted(pending)}\n{output[-3000:]}"
        )
        assert {f"{name}.db" for name in PORTS} <= {p.name for p in (tmp_path / "var").iterdir()}
        # A demo person signs in at the gateway; a service accepts the token (JWKS).
        signed_in = httpx.post(
            "http://127.0.0.1:8000/auth/token",
            data={"grant_type": "password", "username": "clerk01", "password": "demo-clerk01"},
            timeout=10,
        )
        assert signed_in.status_code == 200, signed_in.text
        token = signed_in.json()["access_token"]
        through = httpx.get(
            "http://127.0.0.1:8000/api/licensing/openapi.json",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert through.status_code == 200, through.text
        # qms journals the demo seed's events and its local witness cosigns the checkpoint.
        assert httpx.get(f"http://127.0.0.1:{WITNESS.port}/healthz", timeout=2).status_code == 200
        auditor = httpx.post(
            "http://127.0.0.1:8000/auth/token",
            data=demo_sign_in("auditor01"),
            timeout=10,
        ).json()["access_token"]
        witnessed = ""
        deadline = time.monotonic() + 60
        while "— witness.local " not in witnessed and time.monotonic() < deadline:
            answer = httpx.get(
                "http://127.0.0.1:8000/api/qms/audit/checkpoint",
                headers={"Authorization": f"Bearer {auditor}"},
                timeout=10,
            )
            witnessed = answer.text if answer.status_code == 200 else ""
            time.sleep(0.5)
        assert "— witness.local " in witnessed, witnessed
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    deadline = time.monotonic() + 15
    ports = [*PORTS.values(), WITNESS.port]
    while any(listening(port) for port in ports) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(listening(port) for port in ports)
    try:
        os.killpg(process.pid, 0)
        survivors = True
    except ProcessLookupError:
        survivors = False
    assert not survivors, "a process of `make run` outlived Ctrl-C"


def served_openapi(port: int) -> float:
    """How many OpenAPI requests the process on `port` answered (its own /metrics)."""
    metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("shijian_http_requests_total{") and 'route="/openapi.json"' in line
    )


def drop_databases(prefix: str) -> None:
    """Drop the databases `make run REPLICAS=2` made for `prefix`."""

    async def drop() -> None:
        admin = await asyncpg.connect(host=PG_HOST, user=PG_ADMIN_USER, database="postgres")
        try:
            for name in PORTS:
                database = f"{prefix.replace('-', '_')}_{name}"
                await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        finally:
            await admin.close()

    asyncio.run(drop())


def test_make_run_with_two_replicas_spreads_requests_over_both(
    tmp_path: Path, bus_prefix: str
) -> None:
    # Ports of their own, clear of the single-replica test's: each process' base + 100.
    base_ports = {name: port + 100 for name, port in PORTS.items()}
    prefix = f"{bus_prefix}-replicas"
    services = [name for name in PORTS if name != "gateway"]
    replica_ports = {f"{name}.{k}": base_ports[name] + 10 * k for name in services for k in (0, 1)}
    ports = [base_ports["gateway"], *replica_ports.values(), WITNESS.port + 100]
    assert not any(listening(port) for port in ports), "ports taken"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PORT", "MAKEFLAGS"}}
    env |= {f"{name.upper()}_PORT": str(port) for name, port in base_ports.items()}
    env |= {
        "DATA_DIR": str(tmp_path / "var"),
        "BUS_PREFIX": prefix,
        "WITNESS_PORT": str(WITNESS.port + 100),
        "DATABASE_SERVER": f"postgresql+asyncpg://{PG_ADMIN_USER}@{PG_HOST}:5432",
    }
    log = (tmp_path / "make-run.log").open("w")
    process = subprocess.Popen(
        ["make", "run", "REPLICAS=2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    gateway = f"http://127.0.0.1:{base_ports['gateway']}"
    try:
        pending = {base_ports["gateway"], *replica_ports.values()}
        started = time.monotonic()
        while pending and time.monotonic() - started < START_SECONDS:
            pending = {port for port in pending if not ready(port)}
            time.sleep(0.3)
        output = (tmp_path / "make-run.log").read_text()
        assert not pending, (
            f"not ready within {START_SECONDS} s: {sorted(pending)}\n{output[-3000:]}"
        )
        # Replicas share a PostgreSQL database per process: no SQLite file was made.
        assert not list((tmp_path / "var").glob("*.db"))
        # Either gateway replica may answer before the first has seeded the demo people.
        signed_in = httpx.post(f"{gateway}/auth/token", data=demo_sign_in("clerk01"), timeout=10)
        while signed_in.status_code != 200 and time.monotonic() - started < START_SECONDS:
            time.sleep(0.5)
            signed_in = httpx.post(
                f"{gateway}/auth/token", data=demo_sign_in("clerk01"), timeout=10
            )
        assert signed_in.status_code == 200, signed_in.text
        token = signed_in.json()["access_token"]
        for _ in range(6):
            answer = httpx.get(
                f"{gateway}/api/licensing/openapi.json",
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            assert answer.status_code == 200, answer.text
        # The gateway took turns: each licensing replica answered some of the six.
        assert served_openapi(replica_ports["licensing.0"]) >= 1
        assert served_openapi(replica_ports["licensing.1"]) >= 1
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
        drop_databases(prefix)
    deadline = time.monotonic() + 15
    while any(listening(port) for port in ports) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(listening(port) for port in ports)
