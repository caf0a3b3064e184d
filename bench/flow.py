"""The flow benchmark: licences issued per second through the gateway, and the time from a
licence's issue to its household being assigned to its grid's owner.

Run it from the project's root: `.venv/bin/python -m bench.flow` (about three minutes; `--help`).

What runs where, as in production, each in its own process:
- the gateway (`python -m gateway`), licensing (`python -m services.licensing`) and supervision
  (`python -m services.supervision`), each migrated first, each on a fresh PostgreSQL database
  of its own, with the demo data (SEED_DEMO=1: the gateway's demo people, licensing's catalogue
  and its few hundred demo licences, supervision's demo map) and every other setting as
  deployed (log level INFO, RELAY_POLL_SECONDS and the bus settings at their defaults), but for
  the gateway's rate limits, raised for the run (one clerk from one address would otherwise be
  stopped at 600 requests a minute); the services verify tokens with the gateway's JWKS;
- the load generator (`python -m bench.flow --load ...`, one per phase): asyncio + aiohttp on
  uvloop and, in the same process, a bus tap: a private exclusive queue bound to the run's
  events exchange for `licensing.licence.issued` and `supervision.household.assigned`, noting
  when each credit code's events arrive, on the same clock as the HTTP answers.
This process only starts and stops the others, reads their CPU time from /proc, and prints.

A licence is three calls of the demo clerk clerk01: POST /applications (a complete individual
business at a random point inside a random demo grid, with that grid's first community code, so
that supervision routes it by point), then /accept, then /approve (→ "issued", credit code).
Issue → assigned is from the approve answer being read to supervision.household.assigned of
that credit code reaching the tap: licensing's relay, the broker, supervision's consumer and
its relay, the broker again.

Measured, in this order (each phase starts once household events have stopped arriving for
2 s, so that supervision is not still working off the demo licences or the previous phase):
1. throughput: closed loop through the gateway, --clerks clerks each issuing licences back to
   back: licences issued per second;
2. baseline: the same closed loop against licensing directly (same token);
3. rate: open loop through the gateway, licence i started at t0 + i / rate (100/s) whether or
   not the earlier ones are answered, for --seconds after a warm-up: licences issued per second,
   p50/p99/max of issue → assigned, p50/p99 of the three calls (from the licence's due start),
   failures (non-2xx answers, transport errors, households not assigned within the grace);
4. baseline: the broker floor: plain aio-pika, a small persistent message published with
   confirms through a topic exchange to a quorum queue (as a service's queue) and consumed with
   manual acks, at the rate of phase 3: p50/p99 of publish → consume, the least an event hop
   costs (issue → assigned takes two, each behind an outbox commit and a relay);
5. the rate phase again at half the throughput of phase 1 (as bench.bus takes its latency at
   half the live maximum): the latency where the machine has room.
Target: p99 of issue → assigned under 200 ms at 100 licences/s (achieved within 5%), nothing
failed.

Every process, database, the temporary folder and the broker objects of the run's bus prefix
are removed at the end whatever happens. The last line printed is the JSON summary.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import aio_pika
import aiohttp
import httpx
import psutil
from aio_pika.abc import AbstractIncomingMessage
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from bench.bus import (
    BUS_URL,
    ROOT,
    Resources,
    busy_percent,
    cpu_seconds,
    machine_ticks,
    percentile,
)
from bench.gateway import (
    Server,
    child_env,
    free_port,
    load_cpu_ms,
    log_findings,
    reap,
    run_child,
    start_server,
    wait_for,
)
from bench.platform import bus_urls
from bench.profiling import add_profile_option, sampling
from bench.summary import Figures, cleaning_up
from bench.summary import Summary as BenchSummary
from chassis.bus import Topology
from chassis.bus.topology import declare_exchanges
from chassis.platform import PROCESSES
from chassis.settings import Settings
from contracts.licensing import LicenceIssued
from contracts.supervision import HouseholdAssigned
from services.supervision.settings import DEMO_DISTRICT

RATE = 100.0
CLERKS = 16
ASSIGNED_P99_MS_MAX = 200.0
RSS_MB_MAX = 200.0  # resident memory of each process
RATE_TOLERANCE = 0.05
CLERK = "clerk01"
SERVICES = ("gateway", "licensing", "supervision")
# A phase starts once household events have stopped for QUIET_SECONDS (at most QUIET_WITHIN).
QUIET_SECONDS = 2.0
QUIET_WITHIN = 180.0
# Points this far (~50 m) inside a grid's border: a point on it may belong to the neighbour.
BORDER_MARGIN = 0.0005
CALL_TIMEOUT_SECONDS = 30.0
FLOOR_KEY = "bench.floor.sample"
FLOOR_BODY = b"x" * 600  # about a household.assigned envelope's size
T = TypeVar("T")


# --- the load generator and the tap, in their own process ------------------------------------


@dataclass(frozen=True)
class Grid:
    """A demo grid: where to put a shop, and the community code to give it."""

    community: str
    inside: BaseGeometry  # its polygon shrunk by BORDER_MARGIN

    def point(self, rng: random.Random) -> tuple[float, float]:
        """A random point inside."""
        west, south, east, north = self.inside.bounds
        while True:  # the demo grids are rectangles: the first draw is inside
            lon, lat = rng.uniform(west, east), rng.uniform(south, north)
            if self.inside.contains(Point(lon, lat)):
                return lon, lat


def demo_grids() -> list[Grid]:
    """The demo district's grids, as supervision routes by them."""
    district = json.loads(DEMO_DISTRICT.read_text(encoding="utf-8"))
    return [
        Grid(grid["community_codes"][0], shape(grid["polygon"]).buffer(-BORDER_MARGIN))
        for grid in district["grids"]
    ]


def application(name: str, grid: Grid, rng: random.Random) -> dict[str, Any]:
    """A complete establishment of an individual business, as in tests/e2e's `shop()`."""
    lon, lat = grid.point(rng)
    return {
        "kind": "establishment",
        "entity_type": "individual_business",
        "name": name,
        "operator": {"name": "李某", "id_number": "11010519491231002X"},
        "address": {
            "text": f"示范区压测路 {rng.randint(1, 999)} 号",
            "community_code": grid.community,
            "lon": round(lon, 6),
            "lat": round(lat, 6),
        },
        "business_scope": ["retail_general"],
        "materials": ["application_form", "operator_id", "premises_proof"],
    }


@dataclass
class Licence:
    """One licence's way: its (due) start, when its approval was read, its credit code."""

    started: float
    issued: float = math.nan
    credit_code: str | None = None


class Clerk:
    """The clerk's three calls against one licensing base URL, and what went wrong."""

    def __init__(self, session: aiohttp.ClientSession, base: str, token: str) -> None:
        self.session = session
        self.base = base
        self.headers = {"Authorization": f"Bearer {token}"}
        self.grids = demo_grids()
        self.rng = random.Random()
        self.failures: Counter[str] = Counter()
        self.samples: dict[str, str] = {}  # the first answer of each kind of failure: why

    async def _call(
        self, step: str, url: str, body: dict[str, Any] | None = None
    ) -> tuple[float, dict[str, Any]] | None:
        """POST; (when the answer was read, its JSON), or None counted as a failure."""
        try:
            async with self.session.post(url, json=body, headers=self.headers) as response:
                text = await response.text()
                answered = time.perf_counter()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            self.failures[f"{step} {type(error).__name__}"] += 1
            return None
        if status not in (200, 201):
            self.failures[f"{step} {status}"] += 1
            self.samples.setdefault(f"{step} {status}", text[:300])
            return None
        return answered, json.loads(text)

    async def issue(self, name: str, started: float) -> Licence:
        """Submit, accept, approve one licence."""
        licence = Licence(started)
        body = application(name, self.rng.choice(self.grids), self.rng)
        created = await self._call("submit", f"{self.base}/applications", body)
        if created is None:
            return licence
        path = f"{self.base}/applications/{created[1]['id']}"
        if await self._call("accept", f"{path}/accept") is None:
            return licence
        approved = await self._call("approve", f"{path}/approve")
        if approved is None:
            return licence
        if approved[1].get("status") != "issued":
            self.failures["approve not issued"] += 1
            self.samples.setdefault("approve not issued", json.dumps(approved[1])[:300])
            return licence
        licence.issued, licence.credit_code = approved[0], approved[1]["credit_code"]
        return licence


class Tap:
    """When each credit code's licence.issued and household.assigned reached this process."""

    keys: ClassVar[dict[str, str]] = {
        LicenceIssued.routing_key(): "issued",
        HouseholdAssigned.routing_key(): "assigned",
    }

    def __init__(self) -> None:
        self.arrived: dict[str, dict[str, float]] = {kind: {} for kind in self.keys.values()}
        self.last_assigned = time.perf_counter()

    async def arrive(self, message: AbstractIncomingMessage) -> None:
        """Note the arrival (the first, should the relay publish one twice)."""
        now = time.perf_counter()
        kind = self.keys[message.routing_key or ""]
        if kind == "assigned":
            self.last_assigned = now
        self.arrived[kind].setdefault(json.loads(message.body)["data"]["credit_code"], now)

    async def quiet(self) -> float:
        """Wait until no household event has come for QUIET_SECONDS; how long it took."""
        started = time.perf_counter()
        while (now := time.perf_counter()) - self.last_assigned < QUIET_SECONDS:
            if now - started > QUIET_WITHIN:
                raise RuntimeError(f"household events still coming after {QUIET_WITHIN:g} s")
            await asyncio.sleep(0.1)
        return time.perf_counter() - started

    async def assigned(self, codes: list[str], within: float) -> None:
        """Wait until every one of `codes` was assigned, or the time is up."""
        deadline = time.perf_counter() + within
        while time.perf_counter() < deadline:
            if all(code in self.arrived["assigned"] for code in codes):
                return
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def listening(
    prefix: str, keys: Iterable[str], arrive: Callable[[AbstractIncomingMessage], Awaitable[None]]
) -> AsyncIterator[None]:
    """Every event of `keys` on the prefix's events exchange to `arrive`, through a private
    queue of our own, gone when done."""
    connection = await aio_pika.connect(BUS_URL)
    try:
        channel = await connection.channel()
        exchange = await declare_exchanges(channel, Topology(prefix))
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for key in keys:
            await queue.bind(exchange, key)
        await queue.consume(arrive, no_ack=True)
        yield
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def tapping(prefix: str) -> AsyncIterator[Tap]:
    """A tap on the prefix's events exchange, with its own queue, gone when done."""
    tap = Tap()
    async with listening(prefix, Tap.keys, tap.arrive):
        yield tap


async def announce(start: float, end: float) -> float:
    """Print `window` and `end` when they come (the parent reads CPU times then); our CPU."""
    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    print("window", flush=True)
    cpu = time.process_time()
    await asyncio.sleep(max(0.0, end - time.perf_counter()))
    print("end", flush=True)
    return time.process_time() - cpu


async def paced(
    rate: float, count: int, t0: float, start: Callable[[int, float], Awaitable[T]]
) -> tuple[list[T], list[float]]:
    """Start call i at t0 + i / rate whatever the earlier ones are doing (an open loop);
    their results, and how late each started."""
    tasks: list[asyncio.Task[T]] = []
    lags = []
    for i in range(count):
        due = t0 + i / rate
        if (wait := due - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        lags.append(time.perf_counter() - due)

        async def call(i: int = i, due: float = due) -> T:
            return await start(i, due)

        tasks.append(asyncio.create_task(call()))
    return list(await asyncio.gather(*tasks)), lags


def ms(values: list[float], q: float) -> float:
    """The q-th percentile of seconds, in milliseconds."""
    return percentile(values, q) * 1000


@dataclass
class Run:
    """A phase's licences: all of them, those measured, and the window's bounds."""

    licences: list[Licence]
    measured: list[Licence]
    window: tuple[float, float]
    lags: list[float]
    loadgen_cpu_s: float


async def open_loop(clerk: Clerk, args: argparse.Namespace) -> Run:
    """Phase 1: licence i due at t0 + i / rate; those measured are those due in the window."""
    first, count = round(args.warmup * args.rate), round((args.warmup + args.seconds) * args.rate)
    t0 = time.perf_counter() + 0.1
    window = (t0 + first / args.rate, t0 + count / args.rate)
    announcing = asyncio.create_task(announce(*window))

    async def one(i: int, due: float) -> Licence:
        return await clerk.issue(f"{args.names}-{i}号店", due)

    licences, lags = await paced(args.rate, count, t0, one)
    return Run(licences, licences[first:], window, lags[first:], await announcing)


async def closed_loop(clerk: Clerk, args: argparse.Namespace) -> Run:
    """Phases 2 and 3: each clerk issues back to back; those measured are those approved in
    the window."""
    t0 = time.perf_counter()
    window = (t0 + args.warmup, t0 + args.warmup + args.seconds)
    announcing = asyncio.create_task(announce(*window))

    async def back_to_back(k: int) -> list[Licence]:
        done: list[Licence] = []
        while time.perf_counter() < window[1]:
            done.append(await clerk.issue(f"{args.names}{k}-{len(done)}号店", time.perf_counter()))
        return done

    licences = [
        lic for one in await asyncio.gather(*map(back_to_back, range(args.clerks))) for lic in one
    ]
    measured = [lic for lic in licences if window[0] <= lic.issued <= window[1]]
    return Run(licences, measured, window, [], await announcing)


async def flow(args: argparse.Namespace, token: str) -> dict[str, Any]:
    """Licences against `args.url`, timed from the HTTP answers and the tap."""
    async with tapping(args.prefix) as tap:
        quiet_s = await tap.quiet()
        connector = aiohttp.TCPConnector(limit=256)
        # An overloaded open loop queues without bound: a licence's call fails after this.
        timeout = aiohttp.ClientTimeout(total=CALL_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            clerk = Clerk(session, args.url, token)
            run = await (open_loop if args.load == "rate" else closed_loop)(clerk, args)
        issued = [lic for lic in run.measured if lic.credit_code is not None]
        await tap.assigned([str(lic.credit_code) for lic in issued], args.grace)
    start, end = run.window
    # Throughput: approvals read inside the window, whenever their licence started.
    in_window = sum(start <= lic.issued <= end for lic in run.licences)
    on_bus, assigned = tap.arrived["issued"], tap.arrived["assigned"]
    after_issue = [assigned[c] - lic.issued for lic in issued if (c := lic.credit_code) in assigned]
    to_bus = [on_bus[c] - lic.issued for lic in issued if (c := lic.credit_code) in on_bus]
    # The second hop: supervision's consumer, its commit and relay, the broker again.
    hop = [
        assigned[c] - on_bus[c]
        for lic in issued
        if (c := lic.credit_code) in assigned and c in on_bus
    ]
    calls = [lic.issued - lic.started for lic in issued]
    return {
        "licences": len(run.measured),
        "issued": len(issued),
        "in_window": in_window,
        "per_s": in_window / args.seconds,
        "issue_p50_ms": ms(calls, 0.50),
        "issue_p99_ms": ms(calls, 0.99),
        "on_bus_p50_ms": ms(to_bus, 0.50),
        "on_bus_p99_ms": ms(to_bus, 0.99),
        "hop_p50_ms": ms(hop, 0.50),
        "hop_p99_ms": ms(hop, 0.99),
        "assigned_p50_ms": ms(after_issue, 0.50),
        "assigned_p90_ms": ms(after_issue, 0.90),
        "assigned_p99_ms": ms(after_issue, 0.99),
        "assigned_max_ms": max(after_issue, default=math.nan) * 1000,
        "unassigned": len(issued) - len(after_issue),
        "failures": dict(clerk.failures),
        "samples": clerk.samples,
        "lag_max_ms": max(run.lags, default=math.nan) * 1000,
        "quiet_wait_s": quiet_s,
        "loadgen_cpu_s": run.loadgen_cpu_s,
    }


async def broker_floor(args: argparse.Namespace) -> dict[str, Any]:
    """Baseline 4: publish (confirms on) → consume through a topic exchange and a quorum queue,
    paced as phase 1; the publisher and the consumer on connections of their own."""
    name = f"{args.prefix}.floor"
    publisher, consumer = await aio_pika.connect(BUS_URL), await aio_pika.connect(BUS_URL)
    try:
        channel = await publisher.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(name, aio_pika.ExchangeType.TOPIC, durable=True)
        receiving = await consumer.channel()
        await receiving.set_qos(prefetch_count=Settings.model_fields["bus_prefetch"].default)
        queue = await receiving.declare_queue(
            name, durable=True, arguments={"x-queue-type": "quorum"}
        )
        await queue.bind(name, FLOOR_KEY)
        first = round(args.warmup * args.rate)
        count = round((args.warmup + args.seconds) * args.rate)
        received: dict[int, float] = {}
        all_in = asyncio.Event()

        async def receive(message: AbstractIncomingMessage) -> None:
            received[int(message.message_id or -1)] = time.perf_counter()
            await message.ack()
            if len(received) >= count:
                all_in.set()

        await queue.consume(receive)
        t0 = time.perf_counter() + 0.1
        announcing = asyncio.create_task(announce(t0 + first / args.rate, t0 + count / args.rate))

        async def publish(n: int, due: float) -> tuple[float, float]:
            sent = time.perf_counter()
            message = aio_pika.Message(
                FLOOR_BODY, delivery_mode=aio_pika.DeliveryMode.PERSISTENT, message_id=str(n)
            )
            await exchange.publish(message, routing_key=FLOOR_KEY, timeout=30)
            return sent, time.perf_counter()

        published, _ = await paced(args.rate, count, t0, publish)
        cpu = await announcing
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_in.wait(), args.grace)
    finally:
        await publisher.close()
        await consumer.close()
    measured = range(first, count)
    latencies = [received[n] - published[n][0] for n in measured if n in received]
    confirms = [published[n][1] - published[n][0] for n in measured]
    return {
        "messages": len(measured),
        "per_s": len(latencies) / args.seconds,
        "p50_ms": ms(latencies, 0.50),
        "p99_ms": ms(latencies, 0.99),
        "max_ms": max(latencies, default=math.nan) * 1000,
        "confirm_p50_ms": ms(confirms, 0.50),
        "confirm_p99_ms": ms(confirms, 0.99),
        "lost": len(measured) - len(latencies),
        "in_window": len(measured),
        "loadgen_cpu_s": cpu,
    }


def run_load(args: argparse.Namespace) -> None:
    """The child's entry: run the phase."""
    run_child(lambda token: broker_floor(args) if args.load == "broker" else flow(args, token))


# --- the run --------------------------------------------------------------------------------


@dataclass
class Options:
    """What the command line chose."""

    rate: float
    seconds: float
    warmup: float
    clerks: int
    grace: float
    profile: Path | None  # a folder for py-spy's samples of each server in each phase


@dataclass
class Phase(Figures):
    """One load generator run, with the CPU the processes spent per licence in its window."""

    label: str
    result: dict[str, Any]
    cpu_ms_per_item: dict[str, float]
    machine_busy_pct: float

    def failures(self) -> int:
        """Failed calls, and issued licences whose household was not assigned in time."""
        failed: dict[str, int] = self.result.get("failures", {})
        unassigned = self.get("unassigned")
        return sum(failed.values()) + (0 if math.isnan(unassigned) else int(unassigned))


@dataclass
class Summary(BenchSummary):
    """The flow's figures beside the direct throughput and the broker's floor."""

    benchmark: ClassVar[str] = "flow"

    def target(self) -> dict[str, float]:
        """p99 of issue → assigned under 200 ms at 100 licences/s."""
        return {"assigned_p99_ms_max": ASSIGNED_P99_MS_MAX, "rate_per_s": RATE}

    def met(self) -> bool:
        """p99 under the target, the rate within 5% of it, nothing failed (NaN never meets)."""
        target = self.target()
        p99 = self.figures.get("assigned_p99_ms", math.nan)
        rate = self.figures.get("achieved_rate_per_s", math.nan)
        failed = self.figures.get("failed", math.nan) + self.baseline.get("failed", math.nan)
        return (
            p99 < target["assigned_p99_ms_max"]
            and abs(rate - target["rate_per_s"]) <= RATE_TOLERANCE * target["rate_per_s"]
            and failed == 0
        )


async def expect(process: asyncio.subprocess.Process, marker: bytes, within: float) -> bytes:
    """The child's next line; it must be `marker` (empty: any line, e.g. the JSON result)."""
    assert process.stdout is not None
    line = (await asyncio.wait_for(process.stdout.readline(), within)).strip()
    if marker and line != marker:
        raise RuntimeError(f"the load generator said {line[:300]!r}, not {marker!r}")
    return line


# The machine's shared servers, by the names of their processes: PostgreSQL's postmaster and
# backends, RabbitMQ's Erlang VM and its helpers.
INFRASTRUCTURE = {
    "postgres": {"postgres"},
    "rabbitmq": {"beam.smp", "erl_child_setup", "inet_gethost", "epmd"},
}


def infrastructure_cpu() -> dict[str, dict[int, float]]:
    """User + system CPU seconds of each PostgreSQL and RabbitMQ process so far, by pid."""
    found: dict[str, dict[int, float]] = {name: {} for name in INFRASTRUCTURE}
    for process in psutil.process_iter(["name", "cpu_times"]):
        times = process.info["cpu_times"]
        for name, names in INFRASTRUCTURE.items():
            if times is not None and process.info["name"] in names:
                found[name][process.pid] = times.user + times.system
    return found


def infrastructure_cpu_ms(
    before: dict[str, dict[int, float]], after: dict[str, dict[int, float]], items: int
) -> dict[str, float]:
    """CPU milliseconds per item PostgreSQL and RabbitMQ spent between two readings (a backend
    started in between counts whole; one that ended in between is missed: pools keep theirs)."""
    count = max(items, 1)
    return {
        name: sum(cpu - before[name].get(pid, 0.0) for pid, cpu in processes.items()) * 1000 / count
        for name, processes in after.items()
    }


async def load(
    label: str,
    arguments: list[str],
    token: str,
    options: Options,
    servers: list[Server],
    *,
    rate: float | None = None,
) -> Phase:
    """Run a load generator (open loops at `rate`, else the target's); read the servers' CPU
    time over its window."""
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bench.flow", *arguments),
        *("--rate", f"{rate or options.rate:.1f}", "--seconds", str(options.seconds)),
        *("--warmup", str(options.warmup), "--clerks", str(options.clerks)),
        *("--grace", str(options.grace)),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        assert process.stdin is not None
        process.stdin.write(token.encode() + b"\n")
        await process.stdin.drain()
        process.stdin.close()
        await expect(process, b"window", QUIET_WITHIN + options.warmup + 60)
        async with sampling(servers, options.seconds, options.profile, label):
            before = {s.name: cpu_seconds(s.pid) for s in servers}
            shared_before = infrastructure_cpu()
            ticks = machine_ticks()
            await expect(process, b"end", options.seconds + 60)
            after = {s.name: cpu_seconds(s.pid) for s in servers}
            shared_after = infrastructure_cpu()
            busy = busy_percent(ticks, machine_ticks())
        line = await expect(process, b"", options.grace + 120)
        await asyncio.wait_for(process.wait(), 30)
    finally:
        await reap(process)
    result = json.loads(line)
    items = int(result["in_window"])
    cpu = load_cpu_ms(result["loadgen_cpu_s"], items, before, after)
    cpu |= infrastructure_cpu_ms(shared_before, shared_after, items)
    return Phase(label, result, cpu, busy)


async def start_platform(
    folder: Path, prefix: str, urls: dict[str, str], servers: list[Server]
) -> None:
    """Gateway, then supervision (its queue must exist before licensing publishes its demo
    licences, as when the platform runs), then licensing; each ready before the next."""
    ports = {name: free_port() for name in SERVICES}
    jwks = f"http://127.0.0.1:{ports['gateway']}/.well-known/jwks.json"
    # Each process its own broker user, as deployed: a consumer takes an event only from the
    # user of the process owning it.
    own_bus = await bus_urls(child_env(folder, prefix, 0), folder)
    envs = {
        "gateway": child_env(
            folder,
            prefix,
            ports["gateway"],
            DATABASE_URL=urls["gateway"],
            BUS_URL=own_bus["gateway"],
            SIGNING_KEYS_DIR=str(folder / "keys"),
            SEED_DEMO="1",
            LICENSING_URL=f"http://127.0.0.1:{ports['licensing']}",
            SUPERVISION_URL=f"http://127.0.0.1:{ports['supervision']}",
            API_RATE_LIMIT="1000000/second",
            LOGIN_RATE_LIMIT="1000/second",
        ),
        **{
            name: child_env(
                folder,
                prefix,
                ports[name],
                DATABASE_URL=urls[name],
                BUS_URL=own_bus[name],
                JWKS_URL=jwks,
                SEED_DEMO="1",
            )
            for name in ("supervision", "licensing")
        },
    }
    async with httpx.AsyncClient(timeout=10) as client:
        for name, module, ready in (
            ("gateway", "gateway", "/healthz"),  # its /readyz wants every upstream up
            ("supervision", "services.supervision", "/readyz"),
            ("licensing", "services.licensing", "/readyz"),
        ):
            servers.append(await start_server(name, module, envs[name], folder))
            await wait_for(servers[-1], ready, client)


async def sign_in(gateway: Server, licensing: Server) -> str:
    """The demo clerk's access token, checked once directly and through the gateway, so that
    neither path's first use (licensing fetching the gateway's key set) falls in a window."""
    form = {"grant_type": "password", "username": CLERK, "password": f"demo-{CLERK}"}
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.post(f"{gateway.url}/auth/token", data=form)
        if answer.status_code != 200:
            raise RuntimeError(f"no token for {CLERK}: {answer.status_code} {answer.text[:300]}")
        token = str(answer.json()["access_token"])
        headers = {"Authorization": f"Bearer {token}"}
        for url in (licensing.url, f"{gateway.url}/api/licensing"):
            check = await client.get(f"{url}/applications?limit=1", headers=headers)
            if check.status_code != 200:
                raise RuntimeError(f"GET {url}/applications: {check.status_code} {check.text}")
    return token


def resident_mb(servers: list[Server]) -> dict[str, float]:
    """Each server's resident memory in MB (psutil: RSS as the kernel counts it)."""
    return {s.name: psutil.Process(s.pid).memory_info().rss / 2**20 for s in servers}


async def measure(
    options: Options, resources: Resources, run_id: str, summary: Summary
) -> list[Phase]:
    """Start the platform, run every phase, put the figures into `summary`."""
    resources.note_bus(process.name for process in PROCESSES)  # `declare` makes every queue
    floor = f"{resources.prefix}.floor"
    resources.exchanges.append(floor)
    resources.queues.append(floor)
    folder = resources.temp_dir = Path(tempfile.mkdtemp(prefix="bench-flow-"))
    urls = {name: await resources.empty_database(name) for name in SERVICES}
    servers: list[Server] = []
    try:
        await start_platform(folder, resources.prefix, urls, servers)
        gateway, _, licensing = servers
        token = await sign_in(gateway, licensing)
        idle = resident_mb(servers)
        through, direct = f"{gateway.url}/api/licensing", licensing.url
        common = ["--prefix", resources.prefix]
        plan = [
            ("gateway", ["--load", "closed", "--url", through, "--names", f"压测{run_id}网"]),
            ("direct", ["--load", "closed", "--url", direct, "--names", f"压测{run_id}直"]),
            ("rate", ["--load", "rate", "--url", through, "--names", f"压测{run_id}速"]),
            ("broker", ["--load", "broker"]),
        ]
        phases = [
            await load(label, [*arguments, *common], token, options, servers)
            for label, arguments in plan
        ]
        # As bench.bus does: the latency at half the measured maximum, where the machine has
        # room, beside the latency at the target's rate.
        half = ["--load", "rate", "--url", through, "--names", f"压测{run_id}半", *common]
        half_rate = max(phases[0].get("per_s") / 2, 1.0)
        phases.append(await load("half", half, token, options, servers, rate=half_rate))
        after = resident_mb(servers)
        summary.figures |= {f"{name}_rss_idle_mb": mb for name, mb in idle.items()}
        summary.figures |= {f"{name}_rss_after_mb": mb for name, mb in after.items()}
        summary.lines.append(
            "resident memory, MB at idle → after every phase: "
            + ", ".join(f"{name} {idle[name]:.0f} → {after[name]:.0f}" for name in idle)
            + f" (target < {RSS_MB_MAX:g} each)"
        )
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
    """The phases' figures: the gateway's in `figures`, direct and broker in `baseline`."""
    through, direct, rate, broker, half = phases
    f, b = summary.figures, summary.baseline
    f["licences_per_s"] = through.get("per_s")
    f["achieved_rate_per_s"] = rate.get("per_s")
    for key in (
        "assigned_p50_ms",
        "assigned_p90_ms",
        "assigned_p99_ms",
        "assigned_max_ms",
        "on_bus_p50_ms",
        "on_bus_p99_ms",
        "hop_p50_ms",
        "hop_p99_ms",
        "issue_p50_ms",
        "issue_p99_ms",
        "lag_max_ms",
    ):
        f[key] = rate.get(key)
    f["unassigned"] = rate.get("unassigned")
    f["failed"] = float(rate.failures() + through.failures())
    f["machine_busy_pct"] = rate.machine_busy_pct
    f |= {f"{name}_cpu_ms_per_licence": v for name, v in rate.cpu_ms_per_item.items()}
    for key in ("per_s", "assigned_p50_ms", "assigned_p99_ms", "hop_p50_ms", "hop_p99_ms"):
        f[f"half_{key}"] = half.get(key)
    f["throughput_issue_p50_ms"] = through.get("issue_p50_ms")
    f["throughput_assigned_p99_ms"] = through.get("assigned_p99_ms")
    f["throughput_machine_busy_pct"] = through.machine_busy_pct
    f |= {f"throughput_{n}_cpu_ms_per_licence": v for n, v in through.cpu_ms_per_item.items()}
    b["direct_licences_per_s"] = direct.get("per_s")
    b["direct_issue_p50_ms"] = direct.get("issue_p50_ms")
    b["failed"] = float(direct.failures())
    b["broker_p50_ms"] = broker.get("p50_ms")
    b["broker_p99_ms"] = broker.get("p99_ms")
    b["broker_max_ms"] = broker.get("max_ms")
    b["broker_confirm_p50_ms"] = broker.get("confirm_p50_ms")
    b["broker_lost"] = broker.get("lost")


def describe(options: Options, phases: list[Phase], summary: Summary) -> list[str]:
    """The human-readable lines: each figure beside its baseline."""
    through, direct, rate, broker, half = phases
    f, target = summary.figures, summary.target()
    defaults = Settings.model_fields
    lines = [
        f"flow benchmark on {os.cpu_count()} cores: a licence = POST /applications, /accept,"
        f" /approve as {CLERK}; {options.seconds:g} s per phase after {options.warmup:g} s"
        " warm-up; gateway, licensing, supervision, load generator and its bus tap: four"
        " processes, PostgreSQL and RabbitMQ on the same machine",
        f"settings as deployed: RELAY_POLL_SECONDS={defaults['relay_poll_seconds'].default:g}"
        " (a backstop: a commit with events wakes its relay),"
        f" BUS_PREFETCH={defaults['bus_prefetch'].default},"
        f" BUS_CONCURRENCY={defaults['bus_concurrency'].default},"
        f" BUS_BATCH={defaults['bus_batch'].default}",
        "",
        "ms (p50 / p99)            licences/s   3 calls (issue)   issue → on bus"
        "   on bus → assigned   issue → assigned (max)",
    ]
    rows = (
        (rate, f"rate {options.rate:g}/s, gateway"),
        (half, f"rate {half.get('per_s'):.0f}/s (half max)"),
        (through, f"{options.clerks} clerks, gateway"),
        (direct, f"{options.clerks} clerks, direct"),
    )
    for phase, title in rows:
        get = phase.get
        lines.append(
            f"{title:24} {get('per_s'):11.1f}"
            f" {get('issue_p50_ms'):8.1f} /{get('issue_p99_ms'):7.1f}"
            f" {get('on_bus_p50_ms'):7.1f} /{get('on_bus_p99_ms'):6.1f}"
            f" {get('hop_p50_ms'):10.1f} /{get('hop_p99_ms'):7.1f}"
            f" {get('assigned_p50_ms'):10.1f} /{get('assigned_p99_ms'):7.1f}"
            f" ({get('assigned_max_ms'):.1f})"
        )
    lines += [
        "",
        "CPU ms per licence        gateway  licensing  supervision  loadgen  postgres  rabbitmq"
        "   machine",
    ]
    for phase, title in rows:
        cpu = phase.cpu_ms_per_item
        lines.append(
            f"{title:24} {cpu.get('gateway', math.nan):8.2f} {cpu.get('licensing', math.nan):10.2f}"
            f" {cpu.get('supervision', math.nan):12.2f} {cpu.get('loadgen', math.nan):8.2f}"
            f" {cpu.get('postgres', math.nan):9.2f} {cpu.get('rabbitmq', math.nan):9.2f}"
            f"   {phase.machine_busy_pct:3.0f}% busy"
        )
    lines += [
        "",
        f"broker floor {options.rate:g} msg/s, publish (confirmed) → consumed, quorum queue:"
        f" p50 {broker.get('p50_ms'):.1f} ms, p99 {broker.get('p99_ms'):.1f} ms,"
        f" max {broker.get('max_ms'):.1f} ms; confirm p50 {broker.get('confirm_p50_ms'):.1f} ms,"
        f" p99 {broker.get('confirm_p99_ms'):.1f} ms; lost {broker.get('lost'):.0f}",
        "",
        f"rate phase: {f['achieved_rate_per_s']:.1f} licences/s issued of {options.rate:g}/s"
        f" offered ({rate.get('issued'):.0f} of the {rate.get('licences'):.0f} due in the"
        f" window issued; latest start {f['lag_max_ms']:.1f} ms behind schedule);"
        f" issue → assigned p99 {f['assigned_p99_ms']:.1f} ms"
        f" (target < {target['assigned_p99_ms_max']:g} ms at {target['rate_per_s']:g}/s ±"
        f" {100 * RATE_TOLERANCE:g}%, nothing failed): {'met' if summary.met() else 'NOT met'}",
        f"through the gateway {f['licences_per_s']:.1f} licences/s,"
        f" directly {summary.baseline['direct_licences_per_s']:.1f}"
        f" ({100 * f['licences_per_s'] / summary.baseline['direct_licences_per_s']:.0f}%)",
    ]
    for phase in (rate, half, through, direct):
        if phase.failures():
            lines.append(
                f"!! {phase.label}: failed calls {phase.result.get('failures')}, households not"
                f" assigned within {options.grace:g} s {phase.get('unassigned'):.0f};"
                f" first answers: {phase.result.get('samples')}"
            )
    if broker.get("lost"):
        lines.append(f"!! broker floor: {broker.get('lost'):.0f} messages not consumed in time")
    return lines


async def main_async(options: Options) -> tuple[Summary, list[Phase]]:
    """Measure, always clean up, and say what could not be cleaned."""
    run_id = uuid.uuid4().hex[:8]
    resources = Resources(f"flow-{run_id}")  # bus prefix bench-flow-<run id>
    summary = Summary()
    phases = await cleaning_up(measure(options, resources, run_id, summary), resources, summary)
    return summary, phases


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line of both roles."""
    doc = __doc__ or ""
    # The first paragraph of the docstring: what it measures.
    description = " ".join(doc.split("\n\n")[0].split())
    parser = argparse.ArgumentParser(prog="python -m bench.flow", description=description)
    parser.add_argument("--rate", type=float, default=RATE, help="licences/s of the rate phase")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time per phase")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured time first")
    parser.add_argument("--clerks", type=int, default=CLERKS, help="clerks of the closed loops")
    parser.add_argument(
        "--grace", type=float, default=10.0, help="how long to wait for late household events"
    )
    add_profile_option(parser)
    parser.add_argument("--load", choices=("rate", "closed", "broker"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--prefix", help=argparse.SUPPRESS)
    parser.add_argument("--names", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Print each figure beside its baseline; the last line is the JSON summary."""
    args = parse(argv)
    if args.load:
        run_load(args)
        return
    options = Options(
        rate=args.rate,
        seconds=args.seconds,
        warmup=args.warmup,
        clerks=args.clerks,
        grace=args.grace,
        profile=args.profile,
    )
    summary, phases = asyncio.run(main_async(options))
    summary.print_report(describe(options, phases, summary))


if __name__ == "__main__":
    main()
