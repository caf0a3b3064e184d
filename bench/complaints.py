"""The complaints (12315) benchmark: phone complaints taken per second through the gateway, and
the time from a submission being sent to its ticket's `complaints.ticket.routed` reaching the
bus at half that rate, beside the same taken straight to the service in the same run.

Run it from the project's root: `.venv/bin/python -m bench.complaints` (about a minute and a
half; run it alone; `--help`).

What runs where, each in its own process:
- the gateway (`python -m gateway`, migrated first, SQLite in a temporary folder, no demo
  data) forwarding `/api/complaints/...`, its rate limit raised for the run (one handler from
  one address would otherwise be stopped at 600 requests a minute);
- the complaints service (`python -m services.complaints`, migrated first) on a fresh
  PostgreSQL database of the run, routing by the demo district's map (supervision does not
  run: the run publishes the map's events on its bus as supervision does on first start),
  verifying tokens with the gateway's JWKS, RELAY_POLL_SECONDS=0.2 (a backstop: a commit with
  events wakes the relay, which runs inside the service's process and is counted in its CPU);
- the load generator (`python -m bench.complaints --load ...`, one per phase): asyncio +
  aiohttp on uvloop; in the rate phases it also listens to the bus: a private exclusive queue
  bound to `complaints.ticket.routed` on the run's events exchange, noting when each ticket's
  event arrives, on the same clock as the HTTP answers.
This process starts and stops the others, reads their CPU time from /proc, and prints.

A submission is POST /submissions: a real-name phone complaint, a fresh caller and wording each
time, at a point of the demo district (office-01's area), by a complaints handler the run adds
through the gateway's admin API (the admin may not take submissions); no Idempotency-Key.
The service seals the caller, stores the submission and its ticket, and commits
`complaints.ticket.received` and `complaints.ticket.routed` to its outbox in one transaction.

Measured, direct then through the gateway:
1. throughput: --connections keep-alive connections each posting the next submission as soon
   as the previous answer is read, for --seconds after --warmup: submissions/s, p50/p99 of the
   answer, failures, CPU ms per submission of each process, how busy the machine was;
2. latency at half the gateway's throughput (as bench.bus and bench.flow take theirs, where the
   machine has room), an open loop: submission i sent at t0 + i / rate whatever the earlier
   ones are doing; p50/p99 of sent → routed event received, and of the answer;
3. after each phase, the events still unsent in the service's outbox and how long the relay
   takes to publish them (waited out, so that no phase starts with another's backlog).
Targets: the gateway keeps at least 60% of the direct throughput, and sent → routed p99 stays
under 200 ms through the gateway at half its throughput, nothing failing. Why: bench.gateway
asks 40% for its lightest route, where the gateway's ~1 ms CPU per request equals the
service's own; a submission costs the service several times that (sealing the caller, storing
submission and ticket, two events and their relay), so the hop should cost less. A routed
ticket is one outbox hop; bench.flow holds two hops (issue → assigned) to the same 200 ms.

Every process, the database, the temporary folder and the broker objects of the run's bus
prefix are removed at the end whatever happens. The last line printed is the JSON summary.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import random
import secrets
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import aio_pika
import aiohttp
import asyncpg
import httpx
from aio_pika.abc import AbstractIncomingMessage

from bench.bus import BUS_URL, Resources, asyncpg_dsn
from bench.flow import CALL_TIMEOUT_SECONDS, listening, ms, paced
from bench.gateway import (
    Options,
    Phase,
    Server,
    child_env,
    free_port,
    generate,
    load,
    log_findings,
    run_child,
    start_server,
    wait_for,
)
from bench.summary import Summary as BenchSummary
from bench.summary import cleaning_up
from chassis.bus import Topology
from chassis.bus.topology import declare_exchanges
from contracts import MEDIA_TYPE, Envelope
from contracts.complaints import TicketRouted
from services.supervision.demo import demo_map_events
from services.supervision.settings import DEMO_DISTRICT

SERVICE = "complaints"
DIRECT_PATH = "/submissions"
GATEWAY_PATH = f"/api/{SERVICE}/submissions"
# Inside the demo district's bounds, in office-01's area: routed by the office's area.
LON, LAT = 104.01, 30.73
UNIT = {"level": "office", "id": "office-01"}
HANDLER = "handler.bench"
THROUGHPUT_CONNECTIONS = 16
RATE_CONNECTIONS = 256  # at most, in the open loop: enough that nothing waits for a connection
GRACE_SECONDS = 10.0  # how long the rate phase waits for routed events after its last answer
CATCH_UP_SECONDS = 120.0  # the most a phase's outbox backlog is waited for
THROUGHPUT_FRACTION_MIN = 0.60
ROUTED_P99_MS_MAX = 200.0


# --- the load generator, in its own process -------------------------------------------------


def complaints() -> Callable[[], dict[str, Any]]:
    """Fresh phone complaints: each its own caller and wording, all in office-01's area."""
    tag, numbers, rng = uuid.uuid4().hex[:6], itertools.count(), random.Random()

    def complaint() -> dict[str, Any]:
        n = next(numbers)
        return {
            "channel": "phone",
            "kinds": ["complaint"],
            "submitter": {"name": "压测来电人", "phone": f"13{rng.randrange(10**9):09d}"},
            "description": f"压测{tag}-{n}：在该店买到过期酸奶，要求退款",
            "location": {"lon": LON, "lat": LAT},
        }

    return complaint


@dataclass
class Sent:
    """One submission of the open loop: when it was due, its answer, its ticket."""

    due: float
    answered: float = math.nan
    status: int = 0
    error: str | None = None
    ticket: str | None = None


class Arrivals:
    """When each ticket's routed event reached this process."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self.awaited: set[str] = set()
        self.complete = asyncio.Event()

    async def arrive(self, message: AbstractIncomingMessage) -> None:
        """Note the arrival (the first, should the relay publish one twice)."""
        ticket = json.loads(message.body)["data"]["ticket_id"]
        self.at.setdefault(ticket, time.perf_counter())
        self.awaited.discard(ticket)
        if not self.awaited:
            self.complete.set()

    async def all_of(self, tickets: list[str], within: float) -> None:
        """Wait until every one of `tickets` has arrived, or the time is up."""
        self.awaited = {ticket for ticket in tickets if ticket not in self.at}
        if self.awaited:
            self.complete.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.complete.wait(), within)


async def window_opens(start: float) -> float:
    """Print `window` at `start` (the parent reads CPU times then, and at our result); our CPU
    time then."""
    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    print("window", flush=True)
    return time.process_time()


async def routed(args: argparse.Namespace, token: str) -> dict[str, Any]:
    """The open loop at `args.rate` against `args.load`, each ticket timed to its routed
    event."""
    arrivals = Arrivals()
    complaint = complaints()
    headers = {"Authorization": f"Bearer {token}"}
    async with listening(args.prefix, [TicketRouted.routing_key()], arrivals.arrive):
        connector = aiohttp.TCPConnector(limit=args.connections)
        # An overloaded open loop queues without bound: a submission fails after this.
        timeout = aiohttp.ClientTimeout(total=CALL_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

            async def submit(i: int, due: float) -> Sent:
                sent = Sent(due)
                try:
                    async with session.post(args.load, json=complaint(), headers=headers) as answer:
                        body = await answer.read()
                        sent.answered, sent.status = time.perf_counter(), answer.status
                except (aiohttp.ClientError, TimeoutError) as error:
                    sent.error = type(error).__name__
                    return sent
                if sent.status == 201:
                    sent.ticket = json.loads(body)["tickets"][0]["id"]
                return sent

            first = round(args.warmup * args.rate)
            count = round((args.warmup + args.seconds) * args.rate)
            t0 = time.perf_counter() + 0.1
            opening = asyncio.create_task(window_opens(t0 + first / args.rate))
            every, lags = await paced(args.rate, count, t0, submit)
            cpu = time.process_time() - await opening
        measured = every[first:]
        tickets = [s.ticket for s in measured if s.ticket is not None]
        await arrivals.all_of(tickets, GRACE_SECONDS)
    answered = [s.answered - s.due for s in measured if s.ticket is not None]
    arrived = arrivals.at
    to_routed = [arrived[s.ticket] - s.due for s in measured if s.ticket in arrived]
    errors = Counter(s.error for s in measured if s.error is not None)
    if unrouted := len(tickets) - len(to_routed):
        errors[f"no routed event within {GRACE_SECONDS:g} s"] = unrouted
    return {
        "requests": len(measured),
        "seconds": args.seconds,
        "per_s": len(tickets) / args.seconds,
        "p50_ms": ms(answered, 0.50),
        "p99_ms": ms(answered, 0.99),
        "routed_p50_ms": ms(to_routed, 0.50),
        "routed_p90_ms": ms(to_routed, 0.90),
        "routed_p99_ms": ms(to_routed, 0.99),
        "routed_max_ms": max(to_routed, default=math.nan) * 1000,
        "lag_max_ms": max(lags[first:], default=math.nan) * 1000,
        "statuses": dict(Counter(str(s.status) for s in measured if s.error is None)),
        "errors": dict(errors),
        "loadgen_cpu_s": cpu,
    }


def run_load(args: argparse.Namespace) -> None:
    """The child's entry: the open loop when given a rate, else the closed loop."""
    if args.rate is not None:
        run_child(lambda token: routed(args, token))
        return
    complaint = complaints()
    run_child(
        lambda token: generate(
            args.load, token, args.connections, args.seconds, args.warmup, body=complaint
        )
    )


# --- the run --------------------------------------------------------------------------------


@dataclass
class Summary(BenchSummary):
    """The gateway's figures beside the direct ones."""

    benchmark: ClassVar[str] = "complaints"

    @staticmethod
    def target() -> dict[str, float]:
        """At least 60% of the direct throughput; sent → routed p99 under 200 ms."""
        return {
            "throughput_fraction_min": THROUGHPUT_FRACTION_MIN,
            "routed_p99_ms_max": ROUTED_P99_MS_MAX,
        }

    def met(self) -> bool:
        """Both targets hold and nothing failed either way (NaN never meets)."""
        target = self.target()
        fraction = self.figures.get("throughput_fraction", math.nan)
        p99 = self.figures.get("routed_p99_ms", math.nan)
        failed = self.figures.get("failed", math.nan) + self.baseline.get("failed", math.nan)
        return (
            fraction >= target["throughput_fraction_min"]
            and p99 < target["routed_p99_ms_max"]
            and failed == 0
        )


async def sign_in(client: httpx.AsyncClient, gateway: Server, username: str, password: str) -> str:
    """An access token from the gateway's password grant."""
    form = {"grant_type": "password", "username": username, "password": password}
    answer = await client.post(f"{gateway.url}/auth/token", data=form)
    if answer.status_code != 200:
        raise RuntimeError(f"no token for {username}: {answer.status_code} {answer.text[:300]}")
    return str(answer.json()["access_token"])


async def handler_token(gateway: Server, admin_password: str, urls: list[str]) -> str:
    """A complaints handler added by the admin, signed in; one submission each way checked
    (so that neither path's first use, the service fetching the key set, falls in a window)."""
    async with httpx.AsyncClient(timeout=10) as client:
        admin = await sign_in(client, gateway, "admin", admin_password)
        password = f"Bench-{secrets.token_hex(8)}"
        person = {
            "username": HANDLER,
            "password": password,
            "name": "压测受理员",
            "roles": ["complaints_handler"],
            "office": UNIT["id"],
        }
        headers = {"Authorization": f"Bearer {admin}"}
        added = await client.post(f"{gateway.url}/api/admin/users", json=person, headers=headers)
        if added.status_code != 201:
            raise RuntimeError(f"no handler: {added.status_code} {added.text[:300]}")
        token = await sign_in(client, gateway, HANDLER, password)
        complaint, headers = complaints(), {"Authorization": f"Bearer {token}"}
        for url in urls:
            answer = await client.post(url, json=complaint(), headers=headers)
            if answer.status_code != 201:
                raise RuntimeError(f"POST {url}: {answer.status_code} {answer.text[:300]}")
            if (unit := answer.json()["tickets"][0]["unit"]) != UNIT:
                raise RuntimeError(f"POST {url}: routed to {unit}, not {UNIT}")
    return token


async def feed_demo_map(prefix: str, dsn: str) -> None:
    """Publish the demo district's offices and grids on the run's bus as supervision does on
    first start, and wait until the service has handled them: its map to route by."""
    at = datetime.now(UTC)
    envelopes = [
        Envelope.wrap(event, source="supervision", sequence=1)
        for event in demo_map_events(DEMO_DISTRICT, at)
    ]
    connection = await aio_pika.connect(BUS_URL)
    try:
        channel = await connection.channel()
        exchange = await declare_exchanges(channel, Topology(prefix))
        for envelope in envelopes:
            message = aio_pika.Message(
                body=envelope.to_json(), content_type=MEDIA_TYPE, message_id=str(envelope.id)
            )
            await exchange.publish(message, routing_key=envelope.routing_key)
    finally:
        await connection.close()
    ids = [envelope.id for envelope in envelopes]
    handled = "SELECT count(*) FROM inbox WHERE event_id = ANY($1::uuid[])"
    database = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + 30
        while int(await database.fetchval(handled, ids)) < len(ids):
            if time.monotonic() > deadline:
                raise RuntimeError("the service did not take the demo map within 30 s")
            await asyncio.sleep(0.05)
    finally:
        await database.close()


async def relay_backlog(dsn: str, within: float) -> tuple[int, float]:
    """The events in the service's outbox not yet published, and the seconds until the relay
    had published them all (NaN if it had not within `within`)."""
    unsent = "SELECT count(*) FROM outbox WHERE published_at IS NULL"
    connection = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        behind = left = int(await connection.fetchval(unsent))
        while left:
            if time.perf_counter() - started > within:
                return behind, math.nan
            await asyncio.sleep(0.05)
            left = int(await connection.fetchval(unsent))
        return behind, time.perf_counter() - started
    finally:
        await connection.close()


async def measure(options: Options, resources: Resources, summary: Summary) -> list[Phase]:
    """Start the gateway and the service, load each, and put the figures into `summary`.

    After each phase, the relay's backlog is read and waited out, so that no phase starts
    with the previous one's events still to publish."""
    resources.note_bus(["gateway", SERVICE])
    folder = resources.temp_dir = Path(tempfile.mkdtemp(prefix="bench-complaints-"))
    database_url = await resources.empty_database(SERVICE)
    service_port, gateway_port = free_port(), free_port()
    password = f"Bench-{secrets.token_hex(8)}"
    gateway_env = child_env(
        folder,
        resources.prefix,
        gateway_port,
        DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'gateway.db'}",
        SIGNING_KEYS_DIR=str(folder / "keys"),
        ADMIN_PASSWORD=password,
        SEED_DEMO="false",
        COMPLAINTS_URL=f"http://127.0.0.1:{service_port}",
        API_RATE_LIMIT="1000000/second",
    )
    service_env = child_env(
        folder,
        resources.prefix,
        service_port,
        DATABASE_URL=database_url,
        JWKS_URL=f"http://127.0.0.1:{gateway_port}/.well-known/jwks.json",
        RELAY_POLL_SECONDS="0.2",
    )
    servers: list[Server] = []
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            gateway = await start_server("gateway", "gateway", gateway_env, folder)
            servers.append(gateway)
            service = await start_server(SERVICE, f"services.{SERVICE}", service_env, folder)
            servers.append(service)
            await wait_for(gateway, "/healthz", client)  # its /readyz wants every upstream up
            await wait_for(service, "/readyz", client)
        await feed_demo_map(resources.prefix, asyncpg_dsn(database_url))
        direct, through = service.url + DIRECT_PATH, gateway.url + GATEWAY_PATH
        token = await handler_token(gateway, password, [direct, through])

        async def phase(label: str, url: str, connections: int, *extra: str) -> Phase:
            done = await load(
                label,
                url,
                token=token,
                connections=connections,
                options=options,
                servers=servers,
                module="bench.complaints",
                extra=extra,
            )
            behind, catch_up = await relay_backlog(asyncpg_dsn(database_url), CATCH_UP_SECONDS)
            done.result |= {"relay_behind": behind, "relay_catch_up_s": catch_up}
            return done

        n = options.connections
        phases = [await phase("direct", direct, n), await phase("gateway", through, n)]
        rate = f"{max(phases[1].get('per_s') / 2, 1.0):.1f}"
        for label, url in (("direct", direct), ("gateway", through)):
            arguments = ("--rate", rate, "--prefix", resources.prefix)
            phases.append(await phase(label, url, RATE_CONNECTIONS, *arguments))
    finally:
        for server in reversed(servers):
            await server.stop()
        for server in servers:
            findings = log_findings(server)
            summary.figures[f"{server.name}_log_warnings_and_errors"] = float(findings.total())
            summary.lines += [
                f"!! {server.name} logged {count}× {what}"
                for what, count in findings.most_common(5)
            ]
    record(phases, summary)
    return phases


def record(phases: list[Phase], summary: Summary) -> None:
    """The phases' figures: the gateway's in `figures`, the direct ones in `baseline`."""
    direct, through, direct_rate, through_rate = phases
    for phase, at_rate, into in (
        (direct, direct_rate, summary.baseline),
        (through, through_rate, summary.figures),
    ):
        into["per_s"] = phase.get("per_s")
        into["p50_ms"] = phase.get("p50_ms")
        into["p99_ms"] = phase.get("p99_ms")
        into["connections"] = phase.connections
        for name, value in phase.cpu_ms_per_request.items():
            into[f"{name}_cpu_ms_per_submission"] = value
        into["machine_busy_pct"] = phase.machine_busy_pct
        into["rate_per_s"] = at_rate.get("per_s")
        into["relay_behind"] = phase.get("relay_behind")
        into["relay_catch_up_s"] = phase.get("relay_catch_up_s")
        for key in ("routed_p50_ms", "routed_p99_ms", "routed_max_ms", "lag_max_ms"):
            into[key] = at_rate.get(key)
        into["rate_answer_p50_ms"] = at_rate.get("p50_ms")
        into["rate_answer_p99_ms"] = at_rate.get("p99_ms")
        into["rate_machine_busy_pct"] = at_rate.machine_busy_pct
        into["failed"] = float(phase.failures() + at_rate.failures())
    summary.figures["throughput_fraction"] = through.get("per_s") / direct.get("per_s")


def describe(options: Options, phases: list[Phase], summary: Summary) -> list[str]:
    """The human-readable lines: each gateway figure beside the direct one."""
    f, b, target = summary.figures, summary.baseline, summary.target()
    lines = [
        f"complaints benchmark on {os.cpu_count()} cores: POST {DIRECT_PATH} (a phone"
        f" complaint) as {HANDLER}, direct and as {GATEWAY_PATH}; {options.seconds:g} s per"
        f" phase after {options.warmup:g} s warm-up",
        "gateway, complaints (with its relay) and load generator are three processes;"
        " PostgreSQL and RabbitMQ on the same machine",
        "",
        "                      submissions/s   answer p50 / p99 ms   sent → routed p50 / p99"
        " (max) ms   CPU ms/submission: complaints gateway loadgen   machine",
    ]
    backlogs = []
    for phase in phases:
        cpu = phase.cpu_ms_per_request
        at_rate = "routed_p50_ms" in phase.result
        kind = "rate" if at_rate else f"{phase.connections} conn"
        routed = (
            f"{phase.get('routed_p50_ms'):9.1f} / {phase.get('routed_p99_ms'):6.1f}"
            f" ({phase.get('routed_max_ms'):.0f})"
            if at_rate
            else ""
        )
        lines.append(
            f"{phase.label:8} {kind:8} {phase.get('per_s'):12.1f}"
            f" {phase.get('p50_ms'):13.1f} / {phase.get('p99_ms'):6.1f}   {routed:27}"
            f" {cpu.get(SERVICE, math.nan):21.2f} {cpu.get('gateway', math.nan):7.2f}"
            f" {cpu.get('loadgen', math.nan):7.2f}   {phase.machine_busy_pct:5.0f}% busy"
        )
        backlogs.append(
            f"{phase.label} {kind} {phase.get('relay_behind'):.0f}"
            f" ({phase.get('relay_catch_up_s'):.1f} s)"
        )
    lines += [
        "",
        "events still in the outbox when each phase's load ended (and how long the relay took to"
        f" publish them): {'; '.join(backlogs)}",
        f"through the gateway: {100 * f['throughput_fraction']:.0f}% of the direct"
        f" submissions/s (target ≥ {100 * target['throughput_fraction_min']:.0f}%);"
        f" at {f['rate_per_s']:.1f}/s (half its throughput) sent → routed p99"
        f" {f['routed_p99_ms']:.1f} ms, direct {b['routed_p99_ms']:.1f} ms"
        f" (target < {target['routed_p99_ms_max']:g} ms, nothing failed):"
        f" {'met' if summary.met() else 'NOT met'}",
    ]
    for phase in phases:
        if phase.failures():
            lines.append(
                f"!! {phase.label} ({phase.connections} connections): {phase.failures()} failed:"
                f" {phase.result.get('statuses')} {phase.result.get('errors')}"
            )
    return lines


async def main_async(options: Options) -> tuple[Summary, list[Phase]]:
    """Measure, always clean up, and say what could not be cleaned."""
    resources = Resources(f"complaints-{uuid.uuid4().hex[:8]}")  # bus prefix bench-complaints-…
    summary = Summary()
    phases = await cleaning_up(measure(options, resources, summary), resources, summary)
    return summary, phases


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line of both roles."""
    doc = __doc__ or ""
    # The first paragraph of the docstring: what it measures.
    description = " ".join(doc.split("\n\n")[0].split())
    parser = argparse.ArgumentParser(prog="python -m bench.complaints", description=description)
    parser.add_argument("--seconds", type=float, default=15.0, help="measured time per phase")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured time first")
    connections = "connections of the throughput phases"
    parser.add_argument("--connections", type=int, default=THROUGHPUT_CONNECTIONS, help=connections)
    parser.add_argument("--load", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--rate", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--prefix", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Print each figure beside its baseline; the last line is the JSON summary."""
    args = parse(argv)
    if args.load:
        run_load(args)
        return
    options = Options(seconds=args.seconds, warmup=args.warmup, connections=args.connections)
    summary, phases = asyncio.run(main_async(options))
    summary.print_report(describe(options, phases, summary))


if __name__ == "__main__":
    main()
