"""The whole platform as the drills run it, and what its databases hold afterwards.

Each process its own (so that one dying stops no other, which honcho's `make run` would), as
`make run` starts them (chassis.launch's environments): on free ports (not the platform's
8000–8007), on fresh PostgreSQL databases of the run (`<bus prefix>_<process>`, as
`make run REPLICAS=2` names them), the gateway's rate limits raised (every client comes from
one address), qms without a witness (AUDIT_WITNESS_QUORUM=0), each process its own broker user
of the run (`python -m chassis.bus provision`, as `make migrate`), the demo seeded by the first
replica. bench.replica_kill and bench.cluster_kill start it and audit it this way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import socket
import sys
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import psutil
from sqlalchemy.engine import make_url

from bench.bus import PG_HOST, PG_PORT, PG_USER, ROOT, Resources
from bench.gateway import (
    Server,
    child_env,
    free_port,
    log_findings,
    start_server,
    tail,
    wait_for,
)
from bench.summary import Summary
from chassis.brokers import with_user
from chassis.bus.users import broker_user
from chassis.launch import create_databases, environment, port_of, replicas
from chassis.platform import GATEWAY, PROCESSES, SERVICES

START_SECONDS = 120.0
RAISED_LIMITS = {
    "API_RATE_LIMIT": "1000000/second",
    "LOGIN_RATE_LIMIT": "1000/second",
    "OPEN311_RATE_LIMIT": "1000000/second",
}


@dataclass
class Platform:
    """The replicas running, by process name, first replica first."""

    replicas: dict[str, list[Server]] = field(default_factory=dict)

    def all(self) -> list[Server]:
        """Every replica."""
        return [server for servers in self.replicas.values() for server in servers]

    def first(self, name: str) -> Server:
        """The first replica of a process."""
        return self.replicas[name][0]

    async def stop(self, summary: Summary) -> None:
        """Stop every replica; what each logged amiss into the summary's lines."""
        for replica in self.all():
            await replica.stop()
        for replica in self.all():
            summary.lines += [
                f"!! {replica.name} logged {n}× {what}"
                for what, n in log_findings(replica).most_common(3)
            ]

    def exited_early(self) -> list[str]:
        """A line for each replica that ended otherwise than killed or stopped by us."""
        return [
            f"!! {replica.name} exited {replica.process.returncode} before the end"
            for replica in self.all()
            if replica.process.returncode not in (0, -signal.SIGKILL, -signal.SIGTERM)
        ]


def free_ports() -> dict[str, str]:
    """`<PROCESS>_PORT` of every process: free, and free 10 above for a service's replica."""
    ports: dict[str, str] = {}
    for process in PROCESSES:
        while True:
            port = free_port()
            if process is GATEWAY or port_free(port + 10):
                break
        ports[f"{process.name.upper()}_PORT"] = str(port)
    return ports


def port_free(port: int) -> bool:
    """Whether `port` can be bound now."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def base_environment(folder: Path, prefix: str, **settings: str) -> dict[str, str]:
    """What every process of the run starts from (chassis.launch adds each one's own)."""
    server = f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}"
    base = child_env(folder, prefix, 0) | free_ports() | RAISED_LIMITS
    base |= {"DATABASE_SERVER": server, "AUDIT_WITNESS_QUORUM": "0"} | settings
    del base["PORT"]
    return base


async def run_databases(base: dict[str, str], resources: Resources) -> dict[str, str]:
    """Every process' fresh database of the run, dropped with `resources`: its URL by name."""
    server = make_url(base["DATABASE_SERVER"])
    stem = base["BUS_PREFIX"].replace("-", "_")
    urls = {
        process.name: server.set(database=f"{stem}_{process.name}").render_as_string(
            hide_password=False
        )
        for process in PROCESSES
    }
    resources.databases += [url.rsplit("/", 1)[1] for url in urls.values()]
    await create_databases(urls)
    return urls


async def bus_urls(base: dict[str, str], folder: Path, node: str | None = None) -> dict[str, str]:
    """Every process' own broker user (a consumer takes an event only from the user of the
    process owning it), made as `make migrate` makes them by the administrator of the base's
    BUS_URL (through rabbitmqctl on `node` when given), and every service's queue declared
    before any process publishes; each process' BUS_URL."""
    passwords = {process.name: secrets.token_urlsafe(24) for process in PROCESSES}
    users = folder / "bus-users.json"
    users.write_text(json.dumps(passwords), encoding="utf-8")
    users.chmod(0o600)
    provision = ["provision", "--users", str(users), *(["--node", node] if node else [])]
    for command in (provision, ["declare"]):
        await run_command("chassis.bus", command, base, folder / "bus.log")
    prefix = base["BUS_PREFIX"]
    return {
        name: with_user(base["BUS_URL"], broker_user(prefix, name), password)
        for name, password in passwords.items()
    }


async def run_command(module: str, arguments: list[str], env: dict[str, str], log: Path) -> None:
    """`python -m <module> <arguments>` to its end; raise with its output if it fails."""
    with log.open("ab") as output:
        done = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", module, *arguments),
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=output,
        )
        if await done.wait() != 0:
            raise RuntimeError(f"python -m {module} {arguments[0]} failed:\n{tail(log)}")


async def listening(server: Server, port: int) -> None:
    """Until the replica's own process listens on `port` (the gateway's replicas share theirs,
    so its health check cannot tell which answered)."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and server.process.returncode is None:
        with contextlib.suppress(psutil.Error):
            sockets = psutil.Process(server.pid).net_connections("tcp")
            if any(s.status == psutil.CONN_LISTEN and s.laddr.port == port for s in sockets):
                return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"{server.name} did not listen on {port}:\n{server.tail()}")


async def start_platform(
    base: dict[str, str],
    own_bus: dict[str, str],
    databases: dict[str, str],
    folder: Path,
    platform: Platform,
) -> None:
    """Migrate and start the first replica of each process (the gateway's first), then the
    next of each once the first serves (REPLICAS of each)."""
    async with httpx.AsyncClient(timeout=5) as client:
        for replica in range(replicas(base)):
            for process in (GATEWAY, *SERVICES):
                env = environment(process, base, replica) | {
                    "BUS_URL": own_bus[process.name],
                    "DATABASE_URL": databases[process.name],
                }
                server = await start_server(
                    f"{process.name}.{replica + 1}",
                    process.module,
                    env,
                    folder,
                    migrate=replica == 0,
                )
                platform.replicas.setdefault(process.name, []).append(server)
                if process is GATEWAY:
                    await listening(server, port_of(process, base))
                    if replica == 0:
                        await wait_for(server, "/healthz", client)
            for process in SERVICES:
                await wait_for(platform.replicas[process.name][replica], "/readyz", client)


def kill(servers: Iterable[Server]) -> list[str]:
    """SIGKILL each; their names."""
    killed = []
    for server in servers:
        os.kill(server.pid, signal.SIGKILL)
        killed.append(server.name)
    return killed


# --- what the databases hold ------------------------------------------------------------------


def dsn(url: str) -> str:
    """The asyncpg DSN of a database URL of the run."""
    return url.replace("postgresql+asyncpg", "postgresql")


async def fetch(url: str, query: str, *args: object) -> list[asyncpg.Record]:
    """Rows of one query on a database of the run."""
    connection = await asyncpg.connect(dsn(url))
    try:
        return list(await connection.fetch(query, *args))
    finally:
        await connection.close()


async def households_in(url: str, codes: list[str], settle: float) -> set[str]:
    """The credit codes of `codes` supervision holds households of, once all are there or
    `settle` seconds have passed."""
    deadline = time.monotonic() + settle
    while True:
        rows = await fetch(
            url, "SELECT credit_code FROM households WHERE credit_code = ANY($1)", codes
        )
        found = {row["credit_code"] for row in rows}
        if found >= set(codes) or time.monotonic() > deadline:
            return found
        await asyncio.sleep(1)


TWICE = (
    "SELECT count(*) FROM (SELECT {column} FROM {table} WHERE {column} LIKE $1"
    " GROUP BY {column} HAVING count(*) > 1) AS doubled"
)


async def doubled(url: str, table: str, column: str, pattern: str) -> float:
    """How many values of `column` matching `pattern` more than one row of `table` holds."""
    rows = await fetch(url, TWICE.format(table=table, column=column), pattern)
    return float(rows[0][0])


async def audit(
    urls: dict[str, str], label: str, codes: list[str], tickets: list[str], settle: float
) -> dict[str, float]:
    """Lost and doubled licences, households and complaints of the run, from the databases:
    `codes` the credit codes the clerks were answered `issued` for, `tickets` the complaints'
    tickets answered 201; the run's businesses are named `<label>-…`, its complaints' words
    begin `【<label>-`."""
    named, words = f"{label}-%", f"【{label}-%"
    households = await households_in(urls["supervision"], codes, settle)
    held = await fetch(
        urls["licensing"], "SELECT credit_code FROM licences WHERE credit_code = ANY($1)", codes
    )
    ticket_ids = [uuid.UUID(t) for t in tickets]
    stored_tickets = await fetch(
        urls["complaints"], "SELECT id FROM tickets WHERE id = ANY($1)", ticket_ids
    )
    twice = {
        what: await doubled(url, table, column, pattern)
        for what, url, table, column, pattern in (
            ("applications", urls["licensing"], "applications", "name", named),
            ("licences", urls["licensing"], "licences", "name", named),
            ("households", urls["supervision"], "households", "name", named),
            ("complaints", urls["complaints"], "submissions", "description", words),
        )
    }
    stored = await fetch(
        urls["complaints"], "SELECT count(*) FROM submissions WHERE description LIKE $1", words
    )
    applications = await fetch(
        urls["licensing"], "SELECT count(*) FROM applications WHERE name LIKE $1", named
    )
    return {
        "licences_issued": float(len(codes)),
        "licences_lost": float(len(set(codes) - {row["credit_code"] for row in held})),
        "households_lost": float(len(set(codes) - households)),
        "complaints_accepted": float(len(ticket_ids)),
        "complaints_lost": float(len(set(ticket_ids) - {row["id"] for row in stored_tickets})),
        **{f"{what}_doubled": value for what, value in twice.items()},
        "complaints_stored": float(stored[0][0]),
        "applications_stored": float(applications[0][0]),
    }
