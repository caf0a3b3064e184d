"""The record-of-everything benchmark: entries qms appends per second and the time from a
checkpoint being signed to its witness cosignature, beside raw inserts of the same rows in the
same run; and the time to verify a log of a million entries, offline and live.

Run it from the project's root: `.venv/bin/python -m bench.audit` (three to four minutes; run it
alone; `--help`).

What runs where, each in its own process, as deployed:
- qms (`python -m services.qms serve`, migrated first) on a fresh PostgreSQL database of the
  run, bound to every event of the run's bus prefix, signing a checkpoint every second
  (AUDIT_CHECKPOINT_SECONDS=1) or 1,000 entries, published once cosigned by
- a witness (`python -m services.qms witness`), its key and state in the run's temporary
  folder, the keys exchanged as `make run` does (chassis.launch.witnessed), quorum 1;
- this process publishes the events, runs the baseline, builds the million-entry log, runs
  `python -m services.qms audit export|verify` and reads CPU times from /proc.

Measured:
1. append: --events `complaints.ticket.received` envelopes (521 bytes, a fresh ticket each)
   published to the run's exchange while qms is stopped (a first start made its queue), then
   qms started: entries/s from the first row's `appended_at` to the last's, qms's CPU ms per
   entry, the entries each of its transactions carried (rows per xmin), how busy the machine
   was;
2. baseline, before 1: the same bytes inserted into a copy of `audit_log` by one asyncpg
   connection, 16 rows a transaction (the consumer's BUS_BATCH), each transaction locking and
   updating a state row as the appender does: no Merkle hashing, inbox, broker or parsing;
3. cosign: events published at --rate/s for --cosign-seconds with qms and the witness running;
   for each checkpoint signed meanwhile, `published_at - signed_at` (the witness cosigned it
   and the quorum was met): p50/p99/max; the same for the checkpoints signed during 1.;
4. verification: a log of --entries rows built on a second database of the run by qms's own
   appender (AuditLog.append, 5,000 a transaction) and checkpoint signer (sign_if_due, after
   each batch), then timed: `audit export DIR`, `audit verify DIR --key KEY` (no database),
   and the live verification (the use case behind GET /audit/verify) in this process.
Targets: at least 2,000 entries/s appended (the whole platform's event rate, with room to
spare); a million entries verified in under 60 s, offline and live.

Every process, both databases, the temporary folder and the broker objects of the run's bus
prefix are removed at the end whatever happens. The last line printed is the JSON summary.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import aio_pika
import asyncpg
import httpx

from bench.bus import (
    BUS_URL,
    ROOT,
    Resources,
    asyncpg_dsn,
    busy_percent,
    cpu_ms_per,
    cpu_seconds,
    machine_ticks,
    percentile,
)
from bench.flow import paced
from bench.gateway import (
    Server,
    child_env,
    free_port,
    log_findings,
    run_command,
    start_server,
    wait_for,
)
from bench.summary import Summary as BenchSummary
from bench.summary import cleaning_up
from chassis.bus import Topology
from chassis.db import Database
from chassis.launch import witnessed
from contracts import MEDIA_TYPE, Envelope
from contracts.complaints import TicketReceived
from services.qms.context import QmsContext
from services.qms.domain.trail import refs_of
from services.qms.repositories.log import Appended, AuditLog
from services.qms.settings import QmsSettings
from services.qms.usecases import audit
from services.qms.usecases.checkpoints import sign_if_due

SERVICE = "qms"
EVENTS = 20_000
RATE = 200.0
COSIGN_SECONDS = 25.0
ENTRIES = 1_000_000
RAW_BATCH = 16  # BUS_BATCH's default: the most deliveries one consumer transaction takes
BUILD_BATCH = 5_000
PUBLISH_AT_ONCE = 500  # publishes awaiting their confirms together while filling the queue
DRAIN_SECONDS_MIN = 300.0
SETTLE_SECONDS = 30.0  # the most the cosign phase waits for its last entries and checkpoint
APPENDED_PER_S_MIN = 2_000.0
VERIFY_S_MAX = 60.0


def tickets(count: int, first: int = 0) -> list[tuple[Envelope, bytes]]:
    """`count` fresh tickets' `complaints.ticket.received` as the complaints service publishes
    them, each with the exact bytes published (and appended)."""
    envelopes = (
        Envelope.wrap(
            TicketReceived(
                ticket_id=uuid.uuid4(),
                kind="complaint",
                credit_code=None,
                channel="phone",
                received_at=datetime.now(UTC),
            ),
            source="/services/complaints",
            sequence=first + n,
        )
        for n in range(count)
    )
    return [(envelope, envelope.to_json()) for envelope in envelopes]


async def publish(prefix: str, events: list[tuple[Envelope, bytes]], rate: float | None) -> None:
    """Publish to the run's exchange as the relay does, with confirms: flat out, or paced."""
    connection = await aio_pika.connect(BUS_URL)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(Topology(prefix).exchange)

        async def one(i: int, _: float = 0.0) -> None:
            envelope, body = events[i]
            message = aio_pika.Message(
                body,
                content_type=MEDIA_TYPE,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=str(envelope.id),
                type=envelope.type,
            )
            await exchange.publish(message, routing_key=envelope.routing_key, timeout=30)

        if rate is not None:
            await paced(rate, len(events), time.perf_counter(), one)
            return
        for first in range(0, len(events), PUBLISH_AT_ONCE):
            await asyncio.gather(
                *(one(i) for i in range(first, min(first + PUBLISH_AT_ONCE, len(events))))
            )
    finally:
        await connection.close()


async def raw_inserts(dsn: str, events: list[tuple[Envelope, bytes]]) -> tuple[float, float]:
    """Baseline: the rows alone into a copy of `audit_log`; rows/s and this process' CPU ms
    per row."""
    insert = (
        "INSERT INTO bench_raw_log (leaf_index, entry, tree_root, event_id, event_type,"
        " appended_at) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    no_root = bytes(32)  # the column's size, nothing hashed
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "CREATE TABLE bench_raw_log (LIKE audit_log INCLUDING ALL);"
            " CREATE TABLE bench_raw_state (id integer PRIMARY KEY, size bigint NOT NULL);"
            " INSERT INTO bench_raw_state VALUES (1, 0)"
        )
        cpu, started = time.process_time(), time.perf_counter()
        for first in range(0, len(events), RAW_BATCH):
            batch = events[first : first + RAW_BATCH]
            async with connection.transaction():
                size = await connection.fetchval(
                    "SELECT size FROM bench_raw_state WHERE id = 1 FOR UPDATE"
                )
                now = datetime.now(UTC)
                rows = [
                    (size + k, body, no_root, envelope.id, envelope.type, now)
                    for k, (envelope, body) in enumerate(batch)
                ]
                await connection.executemany(insert, rows)
                await connection.execute(
                    "UPDATE bench_raw_state SET size = $1 WHERE id = 1", size + len(batch)
                )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        await connection.close()
    return len(events) / elapsed, cpu * 1000 / len(events)


async def log_size(connection: asyncpg.Connection) -> int:
    """The log's size (its state row, read without waiting for the appender's lock)."""
    return int(await connection.fetchval("SELECT size FROM log_state WHERE id = 1"))


async def drain(
    dsn: str, qms: Server, expected: int, within: float, f: dict[str, float]
) -> tuple[datetime, datetime]:
    """Wait until qms has appended `expected` entries, reading its CPU at the first and last;
    its figures into `f`, and when it appended the first and the last."""
    connection = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + within
        start: tuple[int, float | None, tuple[int, int] | None] = (0, None, None)
        while (size := await log_size(connection)) < expected:
            if start[0] == 0 and size > 0:
                start = (size, cpu_seconds(qms.pid), machine_ticks())
            if qms.process.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"qms appended {size} of {expected}:\n{qms.tail()}")
            await asyncio.sleep(0.02)
        cpu, ticks = cpu_seconds(qms.pid), machine_ticks()
        # xmin is the appending transaction: how many entries the consumer's commits carried.
        first, last, transactions = await connection.fetchrow(
            "SELECT min(appended_at), max(appended_at), count(DISTINCT xmin::text)"
            " FROM audit_log WHERE leaf_index < $1",
            expected,
        )
    finally:
        await connection.close()
    f["appended_per_s"] = (expected - 1) / max((last - first).total_seconds(), 1e-6)
    f["qms_cpu_ms_per_entry"] = cpu_ms_per(start[1], cpu, expected - start[0])
    f["entries_per_transaction"] = expected / transactions
    f["machine_busy_pct"] = busy_percent(start[2], ticks)
    return first, last


def cosigned(
    rows: Sequence[asyncpg.Record], start: datetime, end: datetime
) -> tuple[list[float], int]:
    """Signed → published seconds of the checkpoints signed in [start, end], and how many of
    them were never published."""
    signed = [row for row in rows if start <= row["signed_at"] <= end]
    published = [row for row in signed if row["published_at"] is not None]
    latencies = [(row["published_at"] - row["signed_at"]).total_seconds() for row in published]
    return latencies, len(signed) - len(published)


async def cosign(
    dsn: str, prefix: str, qms: Server, rate: float, seconds: float
) -> tuple[datetime, datetime, list[asyncpg.Record]]:
    """Publish at `rate` for `seconds`; once every entry is in and the newest checkpoint
    published (or the time is up), the window and every checkpoint."""
    connection = await asyncpg.connect(dsn)
    try:
        before, count = await log_size(connection), round(rate * seconds)
        events, expected = tickets(count, first=before), before + count
        start = datetime.now(UTC)
        await publish(prefix, events, rate)
        end = datetime.now(UTC)
        deadline = time.monotonic() + SETTLE_SECONDS
        newest = "SELECT size, published_at FROM checkpoints ORDER BY size DESC LIMIT 1"
        while time.monotonic() < deadline and qms.process.returncode is None:
            size, published_at = await connection.fetchrow(newest)
            if size >= expected and published_at is not None:
                break
            await asyncio.sleep(0.1)
        rows = await connection.fetch("SELECT size, signed_at, published_at FROM checkpoints")
    finally:
        await connection.close()
    return start, end, rows


async def timed(arguments: list[str], env: dict[str, str], log: Path) -> tuple[float, float, str]:
    """`python -m <arguments>` to its end: seconds, its CPU seconds, what it printed; raise
    with its output if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with log.open("ab") as errors:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", *arguments),
            env=env,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=errors,
        )
        try:
            out, _ = await process.communicate()
        finally:
            if process.returncode is None:  # interrupted
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    printed = out.decode(errors="replace").strip()
    if process.returncode != 0:
        raise RuntimeError(f"`python -m {' '.join(arguments)}` failed: {printed}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, cpu, printed


async def verification(resources: Resources, folder: Path, entries: int, summary: Summary) -> None:
    """Build a log of `entries` rows as qms would, then time exporting and verifying it."""
    f = summary.figures
    url = await resources.empty_database("million")
    data = folder / "million"
    env = child_env(data, resources.prefix, free_port(), DATABASE_URL=url)
    log = folder / "million.log"
    await run_command("services.qms", "migrate", env, log)
    settings = QmsSettings(
        service=SERVICE,
        environment="test",
        database_url=url,
        data_dir=data,
        audit_checkpoint_every=BUILD_BATCH,
        audit_witness_quorum=0,
    )
    ctx = QmsContext(settings=settings, database=Database(url))
    try:
        started, making = time.perf_counter(), 0.0
        for first in range(0, entries, BUILD_BATCH):
            made = time.perf_counter()
            leaves = [
                Appended(body, envelope.id, envelope.type, refs_of(envelope.subject, envelope.data))
                for envelope, body in tickets(min(BUILD_BATCH, entries - first), first)
            ]
            making += time.perf_counter() - made
            async with ctx.unit_of_work() as uow:
                await AuditLog(uow.connection).append(leaves, ctx.clock.now())
                await uow.commit()
            await sign_if_due(ctx)
        f["build_s"], f["build_envelopes_s"] = time.perf_counter() - started, making
        exported = folder / "export"
        command = ["services.qms", "audit", "export", str(exported)]
        f["export_s"], _, _ = await timed(command, env, log)
        f["export_mb"] = sum(p.stat().st_size for p in exported.rglob("*")) / 1e6
        key = ctx.signer.verifier_key().text()  # the key the bureau gives out of band
        command = ["services.qms", "audit", "verify", str(exported), "--key", key]
        f["verify_offline_s"], f["verify_offline_cpu_s"], printed = await timed(command, env, log)
        if f"verified: {entries} entries" not in printed:
            raise RuntimeError(f"the offline verifier said: {printed}")
        cpu, started = time.process_time(), time.perf_counter()
        async with ctx.unit_of_work() as uow:
            verdict = await audit.verify(ctx, uow)
            f["verify_live_s"] = time.perf_counter() - started
            f["verify_live_cpu_s"] = time.process_time() - cpu
            signed = len(await AuditLog(uow.connection).checkpoint_notes())
        if not (verdict.verified and verdict.size == entries):
            raise RuntimeError(f"the live verification found: {verdict}")
        f["entries"], f["checkpoints_verified"] = entries, signed
    finally:
        await ctx.database.dispose()


@dataclass
class Options:
    """What the command line chose."""

    events: int
    rate: float
    cosign_seconds: float
    entries: int


@dataclass
class Summary(BenchSummary):
    """qms's figures beside the raw inserts'."""

    benchmark: ClassVar[str] = "audit"

    @staticmethod
    def target() -> dict[str, float]:
        """At least 2,000 entries/s appended; a million entries verified in under 60 s."""
        return {"appended_per_s_min": APPENDED_PER_S_MIN, "verify_1m_s_max": VERIFY_S_MAX}

    def met(self) -> bool:
        """Both targets hold, offline and live, and every checkpoint was cosigned (NaN never
        meets)."""
        f, target = self.figures, self.target()
        per_million = ENTRIES / f.get("entries", math.nan)
        verify = [f.get(k, math.nan) * per_million for k in ("verify_offline_s", "verify_live_s")]
        return (
            f.get("appended_per_s", math.nan) >= target["appended_per_s_min"]
            and all(seconds < target["verify_1m_s_max"] for seconds in verify)
            and f.get("checkpoints_unpublished", math.nan) == 0
        )


async def measure(options: Options, resources: Resources, summary: Summary) -> None:
    """Start the witness and qms, run the four measurements, put the figures in `summary`."""
    f, b = summary.figures, summary.baseline
    resources.note_bus([SERVICE])
    folder = resources.temp_dir = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    url = await resources.empty_database(SERVICE)
    dsn = asyncpg_dsn(url)
    base = child_env(
        folder,
        resources.prefix,
        free_port(),
        DATABASE_URL=url,
        AUDIT_CHECKPOINT_SECONDS="1",
        AUDIT_WITNESS_QUORUM="1",
        WITNESS_PORT=str(free_port()),
        WITNESS_KEY_FILE=str(folder / "witness" / "witness-key.txt"),
        WITNESS_STATE=str(folder / "witness" / "witness.db"),
    )
    servers: list[Server] = []
    try:
        env = await asyncio.to_thread(witnessed, base)
        witness_env = env | {"PORT": env["WITNESS_PORT"]}
        async with httpx.AsyncClient(timeout=10) as client:
            witness = await start_server(
                "witness", "services.qms", witness_env, folder, command="witness", migrate=False
            )
            servers.append(witness)
            await wait_for(witness, "/healthz", client)
            qms = await start_server(SERVICE, "services.qms", env, folder)
            servers.append(qms)
            await wait_for(qms, "/readyz", client)  # its queue and bindings exist
            await qms.stop()
            events = tickets(options.events)
            await publish(resources.prefix, events, None)
            b["per_s"], b["cpu_ms_per_entry"] = await raw_inserts(dsn, events)
            qms = await start_server(SERVICE, "services.qms", env, folder, migrate=False)
            servers.append(qms)
            within = max(DRAIN_SECONDS_MIN, options.events / 50)
            flat_out = await drain(dsn, qms, options.events, within, f)
        *at_rate, rows = await cosign(
            dsn, resources.prefix, qms, options.rate, options.cosign_seconds
        )
        f["checkpoints_unpublished"] = 0
        for label, (since, until) in (("", at_rate), ("_flat_out", flat_out)):
            latencies, never = cosigned(rows, since, until)
            f[f"checkpoints{label}"] = len(latencies)
            f["checkpoints_unpublished"] += never
            for q, name in ((0.5, "p50"), (0.99, "p99"), (1.0, "max")):
                f[f"cosign{label}_{name}_ms"] = percentile(latencies, q) * 1000
    finally:
        for server in reversed(servers):
            await server.stop()
        for server in servers[:2]:  # qms's two runs share one log file
            findings = log_findings(server)
            f[f"{server.name}_log_warnings_and_errors"] = float(findings.total())
            summary.lines += [
                f"!! {server.name} logged {n}× {what}" for what, n in findings.most_common(5)
            ]
    await verification(resources, folder, options.entries, summary)


def describe(options: Options, summary: Summary) -> list[str]:
    """The human-readable lines: each figure beside its baseline and target."""
    f, b, target = summary.figures, summary.baseline, summary.target()
    scale = ENTRIES / f.get("entries", math.nan)
    extrapolated = "" if scale == 1 else f" (×{scale:.1f} for a million: extrapolated)"
    return [
        f"audit benchmark on {os.cpu_count()} cores: qms and its witness as processes,"
        " PostgreSQL and RabbitMQ on the same machine",
        "",
        f"append ({options.events:,} complaints.ticket.received envelopes queued, then qms"
        " started):",
        f"  qms           {f['appended_per_s']:8.0f} entries/s  {f['qms_cpu_ms_per_entry']:.3f}"
        f" ms CPU/entry  {f['entries_per_transaction']:.1f} entries/transaction"
        f"  machine {f['machine_busy_pct']:.0f}% busy"
        f"  (target ≥ {target['appended_per_s_min']:,.0f}/s)",
        f"  raw inserts   {b['per_s']:8.0f} rows/s     {b['cpu_ms_per_entry']:.3f}"
        " ms client CPU/row"
        f"  ({RAW_BATCH} a transaction, state row locked and updated; no hashing, inbox or"
        " broker)",
        f"  qms appends at {100 * f['appended_per_s'] / b['per_s']:.0f}% of the raw rate",
        "",
        f"checkpoint signed → witness cosigned, {f['checkpoints']:.0f} checkpoints at"
        f" {options.rate:g} events/s: p50 {f['cosign_p50_ms']:.1f} ms, p99"
        f" {f['cosign_p99_ms']:.1f} ms, max {f['cosign_max_ms']:.1f} ms; while appending flat"
        f" out ({f['checkpoints_flat_out']:.0f}): p50 {f['cosign_flat_out_p50_ms']:.1f} ms,"
        f" p99 {f['cosign_flat_out_p99_ms']:.1f} ms; never published:"
        f" {f['checkpoints_unpublished']:.0f}",
        "",
        f"verification of {f['entries']:,.0f} entries"
        f" ({f['checkpoints_verified']:.0f} signed checkpoints):",
        f"  built by AuditLog.append in {f['build_s']:.1f} s"
        f" ({f['build_envelopes_s']:.1f} s of it making the envelopes)",
        f"  audit export  {f['export_s']:6.1f} s ({f['export_mb']:,.0f} MB)",
        f"  audit verify  {f['verify_offline_s']:6.1f} s"
        f" ({f['verify_offline_cpu_s']:.1f} s CPU){extrapolated}",
        f"  live verify   {f['verify_live_s']:6.1f} s"
        f" ({f['verify_live_cpu_s']:.1f} s CPU){extrapolated}"
        f"  (target < {target['verify_1m_s_max']:g} s for a million)",
        "",
        f"targets: {'met' if summary.met() else 'NOT met'}",
    ]


async def main_async(options: Options) -> Summary:
    """Measure, always clean up, and say what could not be cleaned."""
    resources = Resources(f"audit-{uuid.uuid4().hex[:8]}")  # bus prefix bench-audit-…
    summary = Summary()
    await cleaning_up(measure(options, resources, summary), resources, summary)
    return summary


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    doc = __doc__ or ""
    description = " ".join(doc.split("\n\n")[0].split())
    parser = argparse.ArgumentParser(prog="python -m bench.audit", description=description)
    parser.add_argument("--events", type=int, default=EVENTS, help="events queued before qms")
    parser.add_argument("--rate", type=float, default=RATE, help="events/s of the cosign phase")
    parser.add_argument(
        "--cosign-seconds", type=float, default=COSIGN_SECONDS, help="how long it publishes"
    )
    parser.add_argument("--entries", type=int, default=ENTRIES, help="entries verified")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Print each figure beside its baseline; the last line is the JSON summary."""
    args = parse(argv)
    options = Options(args.events, args.rate, args.cosign_seconds, args.entries)
    summary = asyncio.run(main_async(options))
    summary.print_report(describe(options, summary))


if __name__ == "__main__":
    main()
