"""`python -m chassis.launch`: every process of the platform side by side (what `make run` runs).

Each process gets its port and, unless the caller set them, the demo seed and the gateway's key
set; one stopping stops them all, and Ctrl-C stops every one (honcho does the process work).
`python -m chassis.launch migrate` migrates every process' database side by side, gives every
process its own broker user and declares the broker's queues (`make migrate`).

`REPLICAS=2` starts two of every process (`make run REPLICAS=2`): the gateway's replicas share
its port (the kernel spreads connections, as an Ingress would), a service's replica k listens
on its port + 10·k and the gateway balances over them. Replicas share a database, so they run on
PostgreSQL (`DATABASE_SERVER`, the machine's by default), one database per process.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
from honcho.manager import Manager
from sqlalchemy.engine import make_url

from chassis.brokers import with_user
from chassis.bus.users import broker_user
from chassis.platform import GATEWAY, PROCESSES, SERVICES, WITNESS, Process
from chassis.settings import Settings

BUS_USERS_FILE = "bus-users.json"
MAX_REPLICAS = 5
# Replica k of a service listens on its port + REPLICA_PORT_STEP·k (the platform's ports are
# 8000–8007, so the step keeps replicas clear of each other).
REPLICA_PORT_STEP = 10
# How long further replicas wait for the first to serve (a first start hashes the demo
# people's passwords and runs every migration).
FIRST_REPLICA_SECONDS = 120.0
DEFAULT_DATABASE_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"


def replicas(base: dict[str, str]) -> int:
    """How many replicas of each process to run (REPLICAS, 1 by default)."""
    value = base.get("REPLICAS", "1") or "1"
    if not value.isdigit() or not 1 <= int(value) <= MAX_REPLICAS:
        raise SystemExit(f"REPLICAS: expected a number from 1 to {MAX_REPLICAS}, got {value!r}")
    return int(value)


def database_urls(base: dict[str, str]) -> dict[str, str]:
    """Each process' DATABASE_URL when replicas share it: `<BUS_PREFIX>_<process>` on
    DATABASE_SERVER (empty with one replica: each process keeps its SQLite file)."""
    if replicas(base) == 1:
        return {}
    server = make_url(base.get("DATABASE_SERVER", DEFAULT_DATABASE_SERVER))
    stem = base.get("BUS_PREFIX", Settings.model_fields["bus_prefix"].default).replace("-", "_")
    return {
        process.name: server.set(database=f"{stem}_{process.name}").render_as_string(
            hide_password=False
        )
        for process in PROCESSES
    }


async def create_databases(urls: dict[str, str]) -> None:
    """Create the databases of `urls` that do not exist yet."""
    for url in urls.values():
        parsed = make_url(url)
        admin = parsed.set(drivername="postgresql", database="postgres")
        connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
        try:
            found = await connection.fetchval(
                "SELECT 1 FROM pg_database WHERE datname = $1", parsed.database
            )
            if not found:
                await connection.execute(f'CREATE DATABASE "{parsed.database}"')
        finally:
            await connection.close()


def bus_users_file(settings: Settings) -> Path:
    """DATA_DIR/bus-users.json: each process' broker password, made at random on first use."""
    path = settings.data_dir / BUS_USERS_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        passwords = {process.name: secrets.token_urlsafe(24) for process in PROCESSES}
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(passwords, file, indent=2)
    return path


def bus_urls() -> dict[str, str]:
    """Each process' BUS_URL: the administrator's with the process' own broker user and the
    password `migrate` provisioned it with."""
    settings = Settings(service="bus")
    passwords = json.loads(bus_users_file(settings).read_text(encoding="utf-8"))
    return {
        process.name: with_user(
            settings.bus_url,
            broker_user(settings.bus_prefix, process.name),
            passwords[process.name],
        )
        for process in PROCESSES
    }


def port_of(process: Process, base: dict[str, str], replica: int = 0) -> int:
    """Where replica `replica` of `process` listens (every gateway replica on the one port)."""
    port = int(base.get(f"{process.name.upper()}_PORT", str(process.port)))
    return port if process is GATEWAY else port + REPLICA_PORT_STEP * replica


def environment(process: Process, base: dict[str, str], replica: int = 0) -> dict[str, str]:
    """The environment replica `replica` of `process` starts with: `base`, its port, database,
    demo seed (the first replica seeds), key-set URL, and the gateway its upstreams' replicas."""
    env = dict(base)
    count = replicas(base)
    env["PORT"] = str(port_of(process, base, replica))
    if process.seeds_demo and replica == 0:
        env.setdefault("SEED_DEMO", "1")
    elif process.seeds_demo:
        env["SEED_DEMO"] = "0"
    if process.name in (shared := database_urls(base)):
        env["DATABASE_URL"] = shared[process.name]
    if process is GATEWAY:
        env["REUSE_PORT"] = "1" if count > 1 else env.get("REUSE_PORT", "0")
        for service in SERVICES:
            env.setdefault(
                f"{service.name.upper()}_URL",
                ",".join(f"http://127.0.0.1:{port_of(service, base, k)}" for k in range(count)),
            )
    else:
        gateway = port_of(GATEWAY, base)
        env.setdefault("JWKS_URL", f"http://127.0.0.1:{gateway}/.well-known/jwks.json")
    return env


def migrate() -> int:
    """Migrate every database at once (each process has its own), give every process its own
    broker user (passwords in DATA_DIR/bus-users.json) and declare the broker's queues (so
    nothing a process publishes as it starts precedes its consumer's queue); 1 if any of them
    failed."""
    users = bus_users_file(Settings(service="bus"))
    shared = database_urls(dict(os.environ))
    asyncio.run(create_databases(shared))
    commands = [
        ([process.module, "migrate"], {"DATABASE_URL": shared[process.name]} if shared else {})
        for process in PROCESSES
    ]
    commands.append((["chassis.bus", "provision", "--users", str(users)], {}))
    commands.append((["chassis.bus", "declare"], {}))
    running = [
        # Our own modules, run with our own interpreter.
        subprocess.Popen([sys.executable, "-m", *command], env=os.environ | env)  # noqa: S603
        for command, env in commands
    ]
    return 1 if any(migration.wait() != 0 for migration in running) else 0


def _printed(command: list[str], env: dict[str, str]) -> str:
    """What one of our own commands prints (a key)."""
    done = subprocess.run(  # noqa: S603 - our own module, our own interpreter
        [sys.executable, "-m", *command], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def witnessed(base: dict[str, str]) -> dict[str, str]:
    """`base` with qms and its local witness knowing each other's keys (made on first start),
    unless the caller configured witnesses of its own."""
    if "AUDIT_WITNESSES" in base:
        return base
    log_key = _printed(["services.qms", "audit", "key"], base)
    witness_env = base | {"WITNESS_NAME": "witness.local", "WITNESS_LOGS": log_key}
    witness_key = _printed(["services.qms", "witness-key"], witness_env)
    url = f"http://127.0.0.1:{base.get('WITNESS_PORT', WITNESS.port)}"
    return witness_env | {"AUDIT_WITNESSES": f"{url} {witness_key}"}


def serve() -> int:
    """Run every process until one stops or Ctrl-C; the exit status of the first to fail."""
    manager = Manager()
    base = witnessed({key: value for key, value in os.environ.items() if key != "PORT"})
    own_bus_urls = bus_urls()
    count = replicas(base)
    for process in PROCESSES:
        for replica in range(count):
            command = f"exec {sys.executable} -m {process.module}"
            if replica:
                # The first replica seeds and makes what a first start makes (the gateway's
                # admin and keys): the others start once it serves, as they would in a rollout.
                first = f"http://127.0.0.1:{port_of(process, base)}/healthz"
                command = f"{sys.executable} -m chassis.launch after {first} && {command}"
            manager.add_process(
                process.name if count == 1 else f"{process.name}.{replica + 1}",
                command,
                env=environment(process, base, replica) | {"BUS_URL": own_bus_urls[process.name]},
            )
    if "WITNESS_LOGS" in base:
        env = base | {"PORT": base.get("WITNESS_PORT", str(WITNESS.port))}
        manager.add_process(
            WITNESS.name, f"exec {sys.executable} -m {WITNESS.module} witness", env=env
        )
    manager.loop()
    return manager.returncode or 0


def after(url: str, within: float = FIRST_REPLICA_SECONDS) -> int:
    """0 once `url` answers 200, 1 if it has not within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return 0
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    print(f"launch: {url} did not answer within {within:.0f} s", file=sys.stderr)
    return 1


def main() -> int:
    """`migrate`, `after URL` (wait for a first replica), or with no argument serve the whole
    platform."""
    if sys.argv[1:] == ["migrate"]:
        return migrate()
    if len(sys.argv) == 3 and sys.argv[1] == "after":
        return after(sys.argv[2])
    if sys.argv[1:]:
        print("usage: python -m chassis.launch [migrate | after URL]", file=sys.stderr)
        return 2
    return serve()


if __name__ == "__main__":
    sys.exit(main())
