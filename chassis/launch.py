"""`python -m chassis.launch`: every process of the platform side by side (what `make run` runs).

Each process gets its port and, unless the caller set them, the demo seed and the gateway's key
set; one stopping stops them all, and Ctrl-C stops every one (honcho does the process work).
`python -m chassis.launch migrate` migrates every process' database side by side, gives every
process its own broker user and declares the broker's queues (`make migrate`).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from honcho.manager import Manager

from chassis.brokers import with_user
from chassis.bus.users import broker_user
from chassis.platform import GATEWAY, PROCESSES, WITNESS, Process
from chassis.settings import Settings

BUS_USERS_FILE = "bus-users.json"


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


def environment(process: Process, base: dict[str, str]) -> dict[str, str]:
    """The environment `process` starts with: `base`, its port, demo seed and key-set URL."""
    env = dict(base)
    gateway_port = env.get("GATEWAY_PORT", str(GATEWAY.port))
    env["PORT"] = env.get(f"{process.name.upper()}_PORT", str(process.port))
    if process.seeds_demo:
        env.setdefault("SEED_DEMO", "1")
    if process is not GATEWAY:
        env.setdefault("JWKS_URL", f"http://127.0.0.1:{gateway_port}/.well-known/jwks.json")
    return env


def migrate() -> int:
    """Migrate every database at once (each process has its own), give every process its own
    broker user (passwords in DATA_DIR/bus-users.json) and declare the broker's queues (so
    nothing a process publishes as it starts precedes its consumer's queue); 1 if any of them
    failed."""
    users = bus_users_file(Settings(service="bus"))
    commands = [[process.module, "migrate"] for process in PROCESSES]
    commands.append(["chassis.bus", "provision", "--users", str(users)])
    commands.append(["chassis.bus", "declare"])
    running = [
        # Our own modules, run with our own interpreter.
        subprocess.Popen([sys.executable, "-m", *command])  # noqa: S603
        for command in commands
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
    for process in PROCESSES:
        manager.add_process(
            process.name,
            f"exec {sys.executable} -m {process.module}",
            env=environment(process, base) | {"BUS_URL": own_bus_urls[process.name]},
        )
    if "WITNESS_LOGS" in base:
        env = base | {"PORT": base.get("WITNESS_PORT", str(WITNESS.port))}
        manager.add_process(
            WITNESS.name, f"exec {sys.executable} -m {WITNESS.module} witness", env=env
        )
    manager.loop()
    return manager.returncode or 0


def main() -> int:
    """`migrate`, or with no argument serve the whole platform."""
    if sys.argv[1:] == ["migrate"]:
        return migrate()
    if sys.argv[1:]:
        print("usage: python -m chassis.launch [migrate]", file=sys.stderr)
        return 2
    return serve()


if __name__ == "__main__":
    sys.exit(main())
