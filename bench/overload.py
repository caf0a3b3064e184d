"""The overload benchmark: a service offered twice the rate it sustains sheds the excess with
quick 503s, answers what it accepts as fast as at its sustainable rate, and still puts the
accepted requests' events on the bus within 2 s.

Run it from the project's root: `.venv/bin/python -m bench.overload` (under a minute with the
defaults; run it alone; `--help`).

What runs where, each in its own process:
- the licensing service (`python -m services.licensing`, migrated first) on a fresh PostgreSQL
  database of the run, with the chassis' default load shedding (MAX_CONCURRENT_REQUESTS,
  MAX_WAITING_REQUESTS, MAX_WAIT_SECONDS), pool sizes and relay (its own connection);
  tokens are signed with the development key, which a loopback service trusts outside
  production (no gateway in the way: the service's own limits are measured);
- the load generator (`python -m bench.overload --load ...`, one per phase): asyncio + aiohttp
  on uvloop.
This process starts and stops them, reads their CPU time from /proc, and prints.

A request is POST /applications: an establishment application of an individual business at
a point of a demo grid, a fresh name each time, by a licensing clerk of office-01. The service
stores it and commits `licensing.application.submitted` to its outbox in the same transaction.

Measured:
1. capacity: as many keep-alive connections as MAX_CONCURRENT_REQUESTS, each posting the next
   application as soon as the previous answer is read (nothing waits, nothing is shed): the
   requests per second answered is the sustainable rate;
2. 1×: an open loop at that rate (application i sent at t0 + i / rate whatever the earlier
   ones are doing): p50/p99 of the accepted (201) answers, the baseline;
3. 2×: an open loop at twice that rate: p50/p99 of the accepted answers, how many were
   answered 503 and those answers' p99;
after each phase, the relay's backlog is waited out, then the outbox says how long each of the
phase's events took from its commit (`created_at`) to the broker's confirm (`published_at`).
Targets at 2×: the 503 answers' p99 within 100 ms; the accepted answers' p99 within 1.5 times
the 1× p99 ("keep their p99": the admission limit keeps the work in hand what it is at 1×, so
only the short queue's wait may be added); events on the bus within 2 s at p99; nothing but
201 and 503 answered.

Every process, the database, the temporary folder and the broker objects of the run's bus
prefix are removed at the end whatever happens. The last line printed is the JSON summary.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import random
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import aiohttp
import asyncpg
import httpx

from bench.bus import Resources, asyncpg_dsn
from bench.complaints import CATCH_UP_SECONDS, relay_backlog
from bench.flow import application, demo_grids, ms, paced
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
from chassis.auth import DEV_KEY_ID, dev_private_key, sign_token
from chassis.settings import Settings

SERVICE = "licensing"
PATH = "/applications"
CLERK = "clerk.overload"
OFFICE = "office-01"
OPEN_LOOP_CONNECTIONS = 1024  # at most: enough that nothing waits for a connection here
SHED_P99_MS_MAX = 100.0
ACCEPTED_P99_RATIO_MAX = 1.5
LAG_P99_S_MAX = 2.0


# --- the load generator, in its own process -------------------------------------------------


def applications() -> Callable[[], dict[str, Any]]:
    """Fresh establishment applications, each its own name, at points of the demo grids."""
    tag, numbers, rng, grids = (
        uuid.uuid4().hex[:6],
        itertools.count(),
        random.Random(),
        demo_grids(),
    )

    def fresh() -> dict[str, Any]:
        return application(f"压测{tag}-{next(numbers)}号小店", rng.choice(grids), rng)

    return fresh


@dataclass
class Sent:
    """One request of the open loop: when it was due, when and how it was answered."""

    due: float
    answered: float = math.nan
    status: int = 0
    error: str | None = None


async def offered(args: argparse.Namespace, token: str) -> dict[str, Any]:
    """The open loop at `args.rate` against `args.load`; the accepted and the shed answers'
    latencies, measured from when each request was due."""
    fresh = applications()
    headers = {"Authorization": f"Bearer {token}"}
    connector = aiohttp.TCPConnector(limit=args.connections)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def send(_: int, due: float) -> Sent:
            sent = Sent(due)
            try:
                async with session.post(args.load, json=fresh(), headers=headers) as answer:
                    await answer.read()
                    sent.answered, sent.status = time.perf_counter(), answer.status
            except (aiohttp.ClientError, TimeoutError) as error:
                sent.error = type(error).__name__
            return sent

        first = round(args.warmup * args.rate)
        count = round((args.warmup + args.seconds) * args.rate)
        t0 = time.perf_counter() + 0.1
        window = (time.time() + 0.1 + args.warmup, time.time() + 0.1 + args.warmup + args.seconds)

        async def opening() -> float:
            await asyncio.sleep(max(0.0, t0 + first / args.rate - time.perf_counter()))
            print("window", flush=True)  # the parent reads the servers' CPU time now
            return time.process_time()

        opened = asyncio.create_task(opening())
        every, lags = await paced(args.rate, count, t0, send)
        cpu = time.process_time() - await opened
    measured = every[first:]
    accepted = [s.answered - s.due for s in measured if s.status == 201]
    shed = [s.answered - s.due for s in measured if s.status == 503]
    return {
        "requests": len(measured),
        "seconds": args.seconds,
        "offered_per_s": args.rate,
        "per_s": len(accepted) / args.seconds,
        "p50_ms": ms(accepted, 0.50),
        "p99_ms": ms(accepted, 0.99),
        "shed": len(shed),
        "shed_p50_ms": ms(shed, 0.50),
        "shed_p99_ms": ms(shed, 0.99),
        "shed_max_ms": max(shed, default=math.nan) * 1000,
        "lag_max_ms": max(lags[first:], default=math.nan) * 1000,
        "statuses": dict(Counter(str(s.status) for s in measured if s.error is None)),
        "errors": dict(Counter(s.error for s in measured if s.error is not None)),
        "window": window,
        "loadgen_cpu_s": cpu,
    }


def run_load(args: argparse.Namespace) -> None:
    """The child's entry: the open loop when given a rate, else the closed loop."""
    if args.rate is not None:
        run_child(lambda token: offered(args, token))
        return
    fresh = applications()

    async def closed(token: str) -> dict[str, Any]:
        started = time.time()
        result = await generate(
            args.load, token, args.connections, args.seconds, args.warmup, body=fresh
        )
        return result | {"window": (started + args.warmup, started + args.warmup + args.seconds)}

    run_child(closed)


# --- the run --------------------------------------------------------------------------------


@dataclass
class Summary(BenchSummary):
    """The 2× figures beside the 1× baseline."""

    benchmark: ClassVar[str] = "overload"

    @staticmethod
    def target() -> dict[str, float]:
        """503s within 100 ms, accepted p99 within 1.5× of 1×, events on the bus within 2 s."""
        return {
            "shed_p99_ms_max": SHED_P99_MS_MAX,
            "accepted_p99_ratio_max": ACCEPTED_P99_RATIO_MAX,
            "bus_lag_p99_s_max": LAG_P99_S_MAX,
        }

    def met(self) -> bool:
        """Every target holds, requests were shed, nothing else failed (NaN never meets)."""
        target, f = self.target(), self.figures
        return (
            f.get("shed", 0) > 0
            and f.get("shed_p99_ms", math.nan) <= target["shed_p99_ms_max"]
            and f.get("accepted_p99_ratio", math.nan) <= target["accepted_p99_ratio_max"]
            and f.get("bus_lag_p99_s", math.nan) <= target["bus_lag_p99_s_max"]
            and f.get("failed", math.nan) == 0
        )


def clerk_token() -> str:
    """A licensing clerk's token signed with the development key (trusted on loopback)."""
    settings = Settings(service=SERVICE)
    return sign_token(
        subject=CLERK,
        roles=["licensing_clerk"],
        office=OFFICE,
        key=dev_private_key(),
        key_id=DEV_KEY_ID,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=timedelta(hours=1),
    )


async def bus_lag(dsn: str, window: tuple[float, float]) -> dict[str, float]:
    """Of the events committed in the window: how many, how many are still unsent, and the
    p50/p99/max seconds from commit to the broker's confirm."""
    query = """
        SELECT count(*) AS events,
               count(*) FILTER (WHERE published_at IS NULL) AS unsent,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY published_at - created_at) AS p50,
               percentile_cont(0.99) WITHIN GROUP (ORDER BY published_at - created_at) AS p99,
               max(published_at - created_at) AS max
        FROM outbox WHERE created_at BETWEEN $1 AND $2
    """
    start, end = (datetime.fromtimestamp(t, UTC) for t in window)
    connection = await asyncpg.connect(dsn)
    try:
        row = await connection.fetchrow(query, start, end)
    finally:
        await connection.close()
    assert row is not None

    def seconds(value: timedelta | None) -> float:
        return value.total_seconds() if value is not None else math.nan

    return {
        "events": float(row["events"]),
        "unsent": float(row["unsent"]),
        "bus_lag_p50_s": seconds(row["p50"]),
        "bus_lag_p99_s": seconds(row["p99"]),
        "bus_lag_max_s": seconds(row["max"]),
    }


async def measure(options: Options, resources: Resources, summary: Summary) -> list[Phase]:
    """Start the service, find its sustainable rate, offer it 1× and 2×; figures into
    `summary`."""
    resources.note_bus([SERVICE])
    folder = resources.temp_dir = Path(tempfile.mkdtemp(prefix="bench-overload-"))
    database_url = await resources.empty_database(SERVICE)
    dsn = asyncpg_dsn(database_url)
    env = child_env(folder, resources.prefix, free_port(), DATABASE_URL=database_url)
    limit = Settings(service=SERVICE).max_concurrent_requests
    token = clerk_token()
    service: Server | None = None
    try:
        service = await start_server(SERVICE, f"services.{SERVICE}", env, folder)
        url = service.url + PATH
        async with httpx.AsyncClient(timeout=10) as client:
            await wait_for(service, "/readyz", client)
            check = await client.post(
                url, json=applications()(), headers={"Authorization": f"Bearer {token}"}
            )
            if check.status_code != 201:
                raise RuntimeError(f"POST {url}: {check.status_code} {check.text[:300]}")

        async def phase(label: str, connections: int, *extra: str) -> Phase:
            assert service is not None
            done = await load(
                label,
                url,
                token=token,
                connections=connections,
                options=options,
                servers=[service],
                module="bench.overload",
                extra=extra,
            )
            await relay_backlog(dsn, CATCH_UP_SECONDS)
            window = done.result["window"]
            done.result |= await bus_lag(dsn, (window[0], window[1]))
            return done

        capacity = await phase("capacity", limit)
        rate = max(capacity.get("per_s"), 1.0)
        phases = [capacity]
        for label, factor in (("1x", 1.0), ("2x", 2.0)):
            arguments = ("--rate", f"{rate * factor:.1f}")
            phases.append(await phase(label, OPEN_LOOP_CONNECTIONS, *arguments))
    finally:
        if service is not None:
            await service.stop()
            findings = log_findings(service)
            summary.figures[f"{SERVICE}_log_warnings_and_errors"] = float(findings.total())
            summary.lines += [
                f"!! {SERVICE} logged {count}× {what}" for what, count in findings.most_common(5)
            ]
    record(phases, summary)
    return phases


def record(phases: list[Phase], summary: Summary) -> None:
    """The 2× figures in `figures`, the 1× ones in `baseline`."""
    capacity, single, double = phases
    for phase, into in ((single, summary.baseline), (double, summary.figures)):
        for key in (
            "offered_per_s",
            "per_s",
            "p50_ms",
            "p99_ms",
            "shed",
            "shed_p99_ms",
            "bus_lag_p50_s",
            "bus_lag_p99_s",
            "bus_lag_max_s",
            "unsent",
        ):
            into[key] = phase.get(key)
        statuses = phase.result.get("statuses", {})
        other = sum(n for status, n in statuses.items() if status not in ("201", "503"))
        into["failed"] = float(other + sum(phase.result.get("errors", {}).values()))
        into["machine_busy_pct"] = phase.machine_busy_pct
        into[f"{SERVICE}_cpu_ms_per_request"] = phase.cpu_ms_per_request.get(SERVICE, math.nan)
    summary.baseline["sustainable_per_s"] = capacity.get("per_s")
    summary.baseline["capacity_p99_ms"] = capacity.get("p99_ms")
    summary.figures["accepted_p99_ratio"] = double.get("p99_ms") / single.get("p99_ms")


def describe(options: Options, phases: list[Phase], summary: Summary) -> list[str]:
    """The human-readable lines: each phase, then the 2× figures beside the 1× ones."""
    f, b, target = summary.figures, summary.baseline, summary.target()
    settings = Settings(service=SERVICE)
    lines = [
        f"overload benchmark on {os.cpu_count()} cores: POST {PATH} on {SERVICE} (an"
        f" establishment application) as {CLERK}; {options.seconds:g} s per phase after"
        f" {options.warmup:g} s warm-up",
        f"admission: {settings.max_concurrent_requests} in flight,"
        f" {settings.max_waiting_requests} waiting at most {settings.max_wait_seconds:g} s;"
        f" database pool {settings.db_pool_size} + {settings.db_max_overflow}, the relay's own"
        " connection; PostgreSQL and RabbitMQ on the same machine",
        "",
        "phase       offered/s  accepted/s  accepted p50 / p99 ms   503s  503 p50 / p99 (max) ms"
        "   commit → bus p50 / p99 (max) s   CPU ms/req   machine",
    ]
    for phase in phases:
        offered = phase.get("offered_per_s")
        kind = f"{phase.connections} conn" if math.isnan(offered) else f"{offered:9.1f}"
        shed = phase.get("shed")
        lines.append(
            f"{phase.label:9} {kind:>11} {phase.get('per_s'):11.1f}"
            f" {phase.get('p50_ms'):13.1f} / {phase.get('p99_ms'):6.1f}"
            f" {0 if math.isnan(shed) else shed:6.0f}"
            f" {phase.get('shed_p50_ms'):8.1f} / {phase.get('shed_p99_ms'):5.1f}"
            f" ({phase.get('shed_max_ms'):.0f})"
            f" {phase.get('bus_lag_p50_s'):14.3f} / {phase.get('bus_lag_p99_s'):.3f}"
            f" ({phase.get('bus_lag_max_s'):.3f})"
            f" {phase.cpu_ms_per_request.get(SERVICE, math.nan):9.2f}"
            f" {phase.machine_busy_pct:7.0f}% busy"
        )
    lines += [
        "",
        f"sustainable rate {b['sustainable_per_s']:.1f}/s; at 2× ({f['offered_per_s']:.1f}/s):"
        f" accepted p99 {f['p99_ms']:.1f} ms against {b['p99_ms']:.1f} ms at 1×"
        f" ({f['accepted_p99_ratio']:.2f}×, target ≤ {target['accepted_p99_ratio_max']:g}×);"
        f" {f['shed']:.0f} answered 503, p99 {f['shed_p99_ms']:.1f} ms"
        f" (target ≤ {target['shed_p99_ms_max']:g} ms); commit → bus p99"
        f" {f['bus_lag_p99_s']:.3f} s (target ≤ {target['bus_lag_p99_s_max']:g} s):"
        f" {'met' if summary.met() else 'NOT met'}",
    ]
    for phase in phases:
        statuses = phase.result.get("statuses", {})
        odd = {s: n for s, n in statuses.items() if s not in ("201", "503")}
        if odd or phase.result.get("errors") or phase.get("unsent"):
            lines.append(
                f"!! {phase.label}: answers {odd}, errors {phase.result.get('errors')},"
                f" events unsent after the catch-up {phase.get('unsent'):.0f}"
            )
    return lines


async def main_async(options: Options) -> tuple[Summary, list[Phase]]:
    """Measure, always clean up, and say what could not be cleaned."""
    resources = Resources(f"overload-{uuid.uuid4().hex[:8]}")
    summary = Summary()
    phases = await cleaning_up(measure(options, resources, summary), resources, summary)
    return summary, phases


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line of both roles."""
    doc = __doc__ or ""
    description = " ".join(doc.split("\n\n")[0].split())
    parser = argparse.ArgumentParser(prog="python -m bench.overload", description=description)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per phase")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured time first")
    parser.add_argument("--load", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--connections", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--rate", type=float, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Print each figure beside its baseline; the last line is the JSON summary."""
    args = parse(argv)
    if args.load:
        run_load(args)
        return
    options = Options(seconds=args.seconds, warmup=args.warmup, connections=0)
    summary, phases = asyncio.run(main_async(options))
    summary.print_report(describe(options, phases, summary))


if __name__ == "__main__":
    main()
