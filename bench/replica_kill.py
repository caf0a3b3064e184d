"""The replica-kill drill: the platform with two replicas of every process under the working
day's load (bench/workday.py), one replica of each process killed with SIGKILL in the middle
of the complaint surge; then nothing lost, nothing doubled, few errors, p95 soon back.

Run it from the project's root: `.venv/bin/python -m bench.replica_kill` (about seven minutes
with the default five-minute day; run it alone; `--help`).

What runs, each replica its own process, as `make run REPLICAS=2` starts them (bench/platform.py
says how): the gateway twice on one port (SO_REUSEPORT), each service twice (replica k on its
port + 10·k, the gateway balancing over them), each process' replicas sharing a fresh
PostgreSQL database of the run, the second replica started once the first serves; the run's
own bus prefix and broker users on the machine's RabbitMQ. The load: Locust headless in its
own process (`locust -f bench/workday.py`), writing every request and every licence and
complaint it was answered for to a file (WORKDAY_RECORD).

At --kill-at of the day (0.6: inside the surge) the first replica of every process, the
gateway's included, is killed (-9) at once; none is restarted. After the day, once the
households of the licences issued are in supervision (or --settle seconds passed):
- lost: a licence the clerks were answered `issued` for that licensing does not hold, or whose
  household supervision does not; a complaint answered 201 whose ticket complaints does not;
- doubled: two applications or licences of one business name (each submission has its own,
  sent again only with its own Idempotency-Key), two households of one name, two submissions
  of one complaint's words;
- errors: the failed share of the requests started in the 30 s after the kill (every attempt
  counts, a resent one too);
- recovery: from the kill to the end of the first 5-s window whose p95 is within 1.5× the
  baseline: the p95 of the 30 s before the kill, in the same run.
Targets: 0 lost, 0 doubled, under 1% errors in the 30 s after the kill, p95 back within 30 s.

Every process, the databases, the temporary folder and the broker objects, users and policies
of the run's bus prefix are removed at the end whatever happens. The last line printed is the
JSON summary.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.bus import BUS_URL, ROOT, Resources, percentile
from bench.gateway import reap
from bench.platform import (
    Platform,
    audit,
    base_environment,
    bus_urls,
    kill,
    run_databases,
    start_platform,
)
from bench.summary import Summary as BenchSummary
from bench.summary import cleaning_up
from chassis.bus.users import delete_provisioned
from chassis.launch import port_of
from chassis.platform import GATEWAY, PROCESSES, SERVICES

# The load's sign-ins, counted apart (bench/workday.py says why).
SIGN_IN = "/auth/token"
WINDOW_SECONDS = 5.0
AFTER_KILL_SECONDS = 30.0
BASELINE_SECONDS = 30.0
RECOVERED_WITHIN_P95 = 1.5
ERROR_RATE_MAX = 0.01
RECOVERY_SECONDS_MAX = 30.0


class Summary(BenchSummary):
    """The drill's target: nothing lost or doubled, few errors, a quick recovery."""

    benchmark = "replica_kill"

    def target(self) -> dict[str, float]:
        """0 lost, 0 doubled, errors < 1% after the kill, p95 back within 30 s."""
        return {
            "lost_max": 0.0,
            "doubled_max": 0.0,
            "error_rate_after_kill_max": ERROR_RATE_MAX,
            "recovered_s_max": RECOVERY_SECONDS_MAX,
        }

    def met(self) -> bool:
        """Whether every target holds (NaN never does)."""
        f = self.figures
        return (
            f.get("lost", math.nan) == 0
            and f.get("doubled", math.nan) == 0
            and f.get("error_rate_after_kill", math.nan) < ERROR_RATE_MAX
            and f.get("recovered_s", math.nan) <= RECOVERY_SECONDS_MAX
        )


@dataclass(frozen=True)
class Options:
    """The command line."""

    minutes: float
    kill_at: float
    settle: float


class BrokerResources(Resources):
    """The run's databases, folder, queues and exchanges, and its broker users and policies."""

    async def remove(self) -> list[str]:
        """Everything `Resources` removes, and the users and policies `provision` made."""
        left = await super().remove()
        try:
            await asyncio.to_thread(delete_provisioned, BUS_URL, self.prefix)
        except Exception as error:
            left.append(f"broker users and policies of {self.prefix}: {error!r}")
        return left


async def first_line(record: Path, kind: str, within: float) -> dict[str, Any]:
    """The first line of `kind` the load writes to its record."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            text = await asyncio.to_thread(record.read_text, encoding="utf-8")
            for line in text.splitlines():
                entry: dict[str, Any] = json.loads(line)
                if entry["kind"] == kind:
                    return entry
        await asyncio.sleep(0.5)
    raise RuntimeError(f"the load wrote no {kind!r} line within {within:g} s")


async def run_day(
    options: Options, gateway: str, run_id: str, folder: Path, platform: Platform
) -> tuple[float, float, int]:
    """Locust through the day, the first replica of every process killed at --kill-at: the
    day's start and the kill (epoch seconds), Locust's exit code."""
    record = folder / "record.jsonl"
    env = os.environ | {
        "WORKDAY_MINUTES": f"{options.minutes:g}",
        "WORKDAY_RECORD": str(record),
        "WORKDAY_RUN": run_id,
    }
    locust = str(Path(sys.executable).parent / "locust")
    with (folder / "locust.log").open("ab") as output:
        load = await asyncio.create_subprocess_exec(
            *(locust, "-f", "bench/workday.py", "--headless", "--host", gateway),
            *("--only-summary", "--stop-timeout", "10"),
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=output,
        )
    try:
        started = float((await first_line(record, "start", 60))["t"])
        killed_at = started + options.kill_at * options.minutes * 60
        await asyncio.sleep(max(0.0, killed_at - time.time()))
        killed_at = time.time()
        kill(servers[0] for servers in platform.replicas.values())
        code = await asyncio.wait_for(load.wait(), options.minutes * 60 + 120)
    finally:
        await reap(load)
    return started, killed_at, code


def read_record(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The record's lines by kind."""
    lines: dict[str, list[dict[str, Any]]] = {}
    for text in path.read_text(encoding="utf-8").splitlines():
        entry = json.loads(text)
        lines.setdefault(entry["kind"], []).append(entry)
    return lines


@dataclass(frozen=True)
class Window:
    """Requests started in [start, start + WINDOW_SECONDS), relative to the kill."""

    start: float
    requests: int
    failed: int
    p95_ms: float


def windows(requests: list[dict[str, Any]], killed_at: float, first: float) -> list[Window]:
    """5-s windows of the requests from `first` seconds around the kill on."""
    by_window: dict[int, list[dict[str, Any]]] = {}
    for request in requests:
        offset = float(request["at"]) - killed_at
        if offset >= first:
            by_window.setdefault(math.floor((offset - first) / WINDOW_SECONDS), []).append(request)
    return [
        Window(
            first + index * WINDOW_SECONDS,
            len(rows),
            sum(not row["ok"] for row in rows),
            percentile([row["ms"] for row in rows], 0.95),
        )
        for index, rows in sorted(by_window.items())
    ]


def between(requests: list[dict[str, Any]], start: float, end: float) -> list[dict[str, Any]]:
    """The requests started in [start, end) (epoch seconds)."""
    return [r for r in requests if start <= float(r["at"]) < end]


def load_figures(
    requests: list[dict[str, Any]], started: float, killed_at: float
) -> tuple[dict[str, float], dict[str, float], list[Window]]:
    """Errors and p95 around the kill (figures), before it (baseline), the windows."""
    before = between(requests, killed_at - BASELINE_SECONDS, killed_at)
    after = between(requests, killed_at, killed_at + AFTER_KILL_SECONDS)
    baseline_p95 = percentile([r["ms"] for r in before], 0.95)
    around = windows(requests, killed_at, -BASELINE_SECONDS)
    recovered = next(
        (
            w.start + WINDOW_SECONDS
            for w in around
            if w.start >= 0 and w.p95_ms <= RECOVERED_WITHIN_P95 * baseline_p95
        ),
        math.nan,
    )
    failed_after = sum(not r["ok"] for r in after)
    figures = {
        "requests_after_kill": float(len(after)),
        "failed_after_kill": float(failed_after),
        "error_rate_after_kill": failed_after / len(after) if after else math.nan,
        "p95_after_kill_ms": percentile([r["ms"] for r in after], 0.95),
        "recovered_s": recovered,
        "killed_at_s": killed_at - started,
        "requests": float(len(requests)),
        "failed": float(sum(not r["ok"] for r in requests)),
        "p95_ms": percentile([r["ms"] for r in requests], 0.95),
    }
    baseline = {
        "p95_before_kill_ms": baseline_p95,
        "requests_before_kill": float(len(before)),
        "failed_before_kill": float(sum(not r["ok"] for r in before)),
    }
    return figures, baseline, around


async def measure(
    options: Options, resources: Resources, run_id: str, summary: Summary
) -> list[Window]:
    """Start the platform, run the day with the kill, audit; the figures into `summary`."""
    resources.note_bus(process.name for process in PROCESSES)
    folder = resources.temp_dir = Path(tempfile.mkdtemp(prefix="bench-replica-kill-"))
    base = base_environment(folder, resources.prefix, REPLICAS="2")
    urls = await run_databases(base, resources)
    own_bus = await bus_urls(base, folder)
    platform = Platform()
    try:
        await start_platform(base, own_bus, urls, folder, platform)
        gateway = f"http://127.0.0.1:{port_of(GATEWAY, base)}"
        started, killed_at, code = await run_day(options, gateway, run_id, folder, platform)
        record = read_record(folder / "record.jsonl")
        requests = record.get("request", [])
        work = [r for r in requests if r["name"] != SIGN_IN]
        figures, baseline, around = load_figures(work, started, killed_at)
        signed_in = [r for r in requests if r["name"] == SIGN_IN]
        figures["sign_ins"] = float(len(signed_in))
        figures["sign_ins_failed"] = float(sum(not r["ok"] for r in signed_in))
        figures["sign_in_p95_ms"] = percentile([r["ms"] for r in signed_in], 0.95)
        codes = [entry["credit_code"] for entry in record.get("licence", [])]
        tickets = [t for entry in record.get("complaint", []) for t in entry["tickets"]]
        found = await audit(urls, f"工作日{run_id}", codes, tickets, options.settle)
        found["applications_answered"] = float(len(record.get("submitted", [])))
    finally:
        await platform.stop(summary)
    summary.figures |= figures | found
    summary.figures["lost"] = sum(v for k, v in found.items() if k.endswith("_lost"))
    summary.figures["doubled"] = sum(v for k, v in found.items() if k.endswith("_doubled"))
    summary.figures["locust_exit_code"] = float(code)
    summary.baseline |= baseline
    summary.lines += platform.exited_early()
    return around


def describe(options: Options, around: list[Window], summary: Summary) -> list[str]:
    """The human-readable lines: the figures beside the pre-kill baseline."""
    f, b = summary.figures, summary.baseline
    lines = [
        f"replica-kill drill on {os.cpu_count()} cores: two replicas of the gateway and of each"
        f" of {len(SERVICES)} services, PostgreSQL, RabbitMQ and Locust on the same machine;"
        f" a {options.minutes:g}-minute working day, the first replica of every process killed"
        f" (-9) {f['killed_at_s']:.0f} s in",
        "",
        "from the kill   requests   failed   p95 ms",
    ]
    lines += [
        f"{w.start:+6.0f} s {w.requests:13d} {w.failed:8d} {w.p95_ms:8.0f}"
        for w in around
        if w.start < AFTER_KILL_SECONDS * 2
    ]
    lines += [
        "",
        f"30 s before the kill (baseline): {b['requests_before_kill']:.0f} requests,"
        f" {b['failed_before_kill']:.0f} failed, p95 {b['p95_before_kill_ms']:.0f} ms",
        f"30 s after the kill: {f['requests_after_kill']:.0f} requests,"
        f" {f['failed_after_kill']:.0f} failed ({100 * f['error_rate_after_kill']:.2f}%),"
        f" p95 {f['p95_after_kill_ms']:.0f} ms; p95 within {RECOVERED_WITHIN_P95:g}× the"
        f" baseline {f['recovered_s']:.0f} s after the kill",
        f"the whole day: {f['requests']:.0f} requests, {f['failed']:.0f} failed,"
        f" p95 {f['p95_ms']:.0f} ms (Locust's verdict: exit code {f['locust_exit_code']:.0f});"
        f" sign-ins apart: {f['sign_ins']:.0f}, {f['sign_ins_failed']:.0f} failed,"
        f" p95 {f['sign_in_p95_ms']:.0f} ms",
        f"licences issued {f['licences_issued']:.0f}: lost in licensing"
        f" {f['licences_lost']:.0f}, households missing {f['households_lost']:.0f};"
        f" complaints accepted {f['complaints_accepted']:.0f}: lost {f['complaints_lost']:.0f}"
        f" ({f['complaints_stored']:.0f} stored: those whose answer was lost included);"
        f" applications answered {f['applications_answered']:.0f}, stored"
        f" {f['applications_stored']:.0f}",
        "doubled: "
        + ", ".join(
            f"{k.removesuffix('_doubled')} {v:.0f}" for k, v in f.items() if k.endswith("_doubled")
        ),
        f"target: 0 lost, 0 doubled, errors < {100 * ERROR_RATE_MAX:g}% in the 30 s after the"
        f" kill, p95 back within {RECOVERY_SECONDS_MAX:g} s:"
        f" {'met' if summary.met() else 'NOT met'}",
    ]
    return lines


async def main_async(options: Options) -> tuple[Summary, list[Window]]:
    """Measure, always clean up, and say what could not be cleaned."""
    run_id = uuid.uuid4().hex[:8]
    resources = BrokerResources(f"workday-{run_id}")  # bus prefix bench-workday-<run id>
    summary = Summary()
    around = await cleaning_up(measure(options, resources, run_id, summary), resources, summary)
    return summary, around


def main(argv: list[str] | None = None) -> None:
    """Print the figures beside the baseline; the last line is the JSON summary."""
    doc = __doc__ or ""
    parser = argparse.ArgumentParser(
        prog="python -m bench.replica_kill", description=" ".join(doc.split("\n\n")[0].split())
    )
    parser.add_argument("--minutes", type=float, default=5.0, help="the working day's length")
    parser.add_argument(
        "--kill-at", type=float, default=0.6, help="when to kill, as a fraction of the day"
    )
    parser.add_argument(
        "--settle", type=float, default=120.0, help="how long to wait for late households"
    )
    args = parser.parse_args(argv)
    options = Options(args.minutes, args.kill_at, args.settle)
    summary, around = asyncio.run(main_async(options))
    summary.print_report(describe(options, around, summary))


if __name__ == "__main__":
    main()
