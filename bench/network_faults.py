"""Network faults between a service and its broker (issue 18) at the issue's durations: per
fault, events lost and doubled, and the lag from commit to handler, during the fault and for
the events committed from the moment it clears, beside a baseline without fault.

Run it from the project's root: `.venv/bin/python -m bench.network_faults` (about eighteen
minutes with the ten minutes of latency; `--latency-minutes 1` takes nine; `--help`).

What runs (tests/bus/network.py, as tests/bus/test_network_faults.py runs it, shorter): an own
RabbitMQ node (tests/servers.py, in a temporary folder, on free ports), reached by the relay of
a source database (in this process) and by the consumer of a sink database (a worker process)
each through a proxy of its own (tests/netproxy.py); both databases fresh on the machine's
PostgreSQL for each drill; the platform's heartbeat (BUS_HEARTBEAT_SECONDS, 15 s) and
settings, but the relay's backstop poll at 0.2 s. The flow commits --rate events a second.

In this order: the baseline; the relay's link cut (closed, new connections reset), then the
consumer's; the relay's link black-holed (every byte dropped, nothing closed; the connection
stays dead), then the consumer's, for longer than the 48 s the client takes to give a silent
link up at a 15 s heartbeat; the relay's link partitioned (every byte held and passed on after,
as TCP does across a partition), then the consumer's, for less than those 48 s (the
connections live through it); 200 ms added each way on both links; the broker paused (SIGSTOP)
for 30 s; its disk alarm raised (publishers blocked). Targets, for every fault: 0 lost, 0
applied twice, lag p99 of the events committed after it clears under 5 s.

The node, the proxies, the databases and the worker processes are removed at the end whatever
happens. The last line printed is the JSON summary; the exit code is 0 only if every target is
met.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.bus import Resources
from bench.summary import Summary as BenchSummary
from bench.summary import cleaning_up
from chassis.db import Database
from tests.bus.harness import prepare_database
from tests.bus.network import (
    Fault,
    Network,
    Outcome,
    black_hole,
    cut,
    disk_alarm,
    drill,
    latency,
    network,
    partition,
    paused,
    percentile,
)

LAG_AFTER_MAX_SECONDS = 5.0
PAUSE_SECONDS = 30.0


class Summary(BenchSummary):
    """Every fault: nothing lost or doubled, lag p99 after it clears under 5 s."""

    benchmark = "network_faults"

    def target(self) -> dict[str, float]:
        """0 lost, 0 doubled, lag p99 after each fault under 5 s."""
        return {"lost_max": 0.0, "doubled_max": 0.0, "lag_after_p99_s_max": LAG_AFTER_MAX_SECONDS}

    def met(self) -> bool:
        """Whether every fault meets the target (NaN, or no fault measured, never does)."""
        faults = {key.split(".")[0] for key in self.figures}
        return bool(faults) and all(
            self.figures.get(f"{fault}.lost", math.nan) == 0
            and self.figures.get(f"{fault}.doubled", math.nan) == 0
            and self.figures.get(f"{fault}.lag_after_p99_s", math.nan) < LAG_AFTER_MAX_SECONDS
            for fault in faults
        )


@dataclass(frozen=True)
class Options:
    """The command line."""

    rate: int
    baseline_seconds: float
    cut_seconds: float
    hole_seconds: float
    partition_seconds: float
    latency_minutes: float
    alarm_seconds: float
    before: float
    after: float


def faults(options: Options) -> dict[str, Fault]:
    """The faults by key, in the order they run."""
    return {
        "cut_relay": cut("relay", options.cut_seconds),
        "cut_consumer": cut("consumer", options.cut_seconds),
        "hole_relay": black_hole("relay", options.hole_seconds),
        "hole_consumer": black_hole("consumer", options.hole_seconds),
        "partition_relay": partition("relay", options.partition_seconds),
        "partition_consumer": partition("consumer", options.partition_seconds),
        "latency": latency(options.latency_minutes * 60),
        "paused": paused(PAUSE_SECONDS),
        "disk_alarm": disk_alarm(options.alarm_seconds),
    }


def record(summary: Summary, key: str, outcome: Outcome) -> None:
    """The drill's figures under `key`."""
    history = outcome.history
    summary.figures |= {
        f"{key}.committed": float(len(outcome.committed)),
        f"{key}.lost": float(len(history.lost)),
        f"{key}.doubled": float(len(history.duplicate_effects)),
        f"{key}.redundant_deliveries": float(outcome.redundant_deliveries),
        f"{key}.held": float(outcome.held),
        f"{key}.reconnections": float(outcome.reconnections),
        f"{key}.lag_during_p50_s": percentile(outcome.during, 0.5),
        f"{key}.lag_during_p99_s": percentile(outcome.during, 0.99),
        f"{key}.lag_after_p50_s": percentile(outcome.after, 0.5),
        f"{key}.lag_after_p99_s": percentile(outcome.after, 0.99),
    }
    if not math.isnan(outcome.noticed_after):
        summary.figures[f"{key}.noticed_s"] = outcome.noticed_after


async def run_drill(
    fault: Fault | None,
    key: str,
    *,
    net: Network,
    resources: Resources,
    folder: Path,
    options: Options,
) -> Outcome:
    """One drill on fresh databases, under a prefix of its own."""
    source_url = await prepare_database(resources.empty_database, f"{key}_source")
    sink_url = await prepare_database(resources.empty_database, f"{key}_sink")
    source, sink = Database(source_url), Database(sink_url)
    try:
        outcome = await drill(
            fault,
            net,
            (source, sink),
            f"{resources.prefix}-{key.replace('_', '-')}",
            folder / f"{key}.log",
            rate=options.rate,
            before=options.before,
            after=options.baseline_seconds if fault is None else options.after,
        )
    finally:
        await source.dispose()
        await sink.dispose()
    print(f"  {outcome.summary()}", flush=True)
    return outcome


async def measure(options: Options, resources: Resources, summary: Summary) -> None:
    """Boot the node, run the baseline and every fault, note the figures."""
    folder = Path(tempfile.mkdtemp(prefix="bench-network-faults-"))
    resources.temp_dir = folder
    with network() as net:
        baseline = await run_drill(
            None, "baseline", net=net, resources=resources, folder=folder, options=options
        )
        lags = baseline.lags(baseline.began)
        summary.baseline |= {
            "committed": float(len(baseline.committed)),
            "lost": float(len(baseline.history.lost)),
            "doubled": float(len(baseline.history.duplicate_effects)),
            "lag_p50_s": percentile(lags, 0.5),
            "lag_p99_s": percentile(lags, 0.99),
        }
        for key, fault in faults(options).items():
            outcome = await run_drill(
                fault, key, net=net, resources=resources, folder=folder, options=options
            )
            record(summary, key, outcome)


def describe(options: Options, summary: Summary) -> list[str]:
    """The table: each fault's figures beside the baseline's."""
    f, b = summary.figures, summary.baseline
    lines = [
        f"network faults on {os.cpu_count()} cores: an own RabbitMQ node, the relay and the"
        f" consumer each through a proxy, the machine's PostgreSQL; {options.rate} events/s,"
        " heartbeat 15 s",
        "",
        "fault              lasted  committed  lost  doubled  held  copies"
        "  lag during p50/p99 s  after p50/p99 s  noticed",
        f"{'baseline':18} {'-':>6} {b.get('committed', math.nan):10.0f}"
        f" {b.get('lost', math.nan):5.0f} {b.get('doubled', math.nan):8.0f} {'-':>5} {'-':>7}"
        f"  {'-':>20}  {b.get('lag_p50_s', math.nan):6.2f} /{b.get('lag_p99_s', math.nan):6.2f}",
    ]
    for key, fault in faults(options).items():

        def get(name: str, key: str = key) -> float:
            return f.get(f"{key}.{name}", math.nan)

        noticed = f"{get('noticed_s'):5.1f} s" if f"{key}.noticed_s" in f else "-"
        lines.append(
            f"{key:18} {fault.seconds:5.0f}s {get('committed'):10.0f} {get('lost'):5.0f}"
            f" {get('doubled'):8.0f} {get('held'):5.0f} {get('redundant_deliveries'):7.0f}"
            f"  {get('lag_during_p50_s'):9.2f} /{get('lag_during_p99_s'):6.2f}"
            f"    {get('lag_after_p50_s'):6.2f} /{get('lag_after_p99_s'):6.2f}  {noticed:>7}"
        )
    lines += [
        "",
        "held: outbox rows unsent when the fault cleared; copies: deliveries beyond the first"
        " (the inbox skips them); noticed: from the black hole to the client giving the dead"
        " link up",
        f"target: 0 lost, 0 doubled, lag p99 after each fault < {LAG_AFTER_MAX_SECONDS:g} s:"
        f" {'met' if summary.met() else 'NOT met'}",
    ]
    return lines


async def main_async(options: Options) -> Summary:
    """Measure, always clean up, and say what could not be cleaned."""
    resources = Resources(f"net{uuid.uuid4().hex[:8]}")
    summary = Summary()
    await cleaning_up(measure(options, resources, summary), resources, summary)
    return summary


def main(argv: Iterable[str] | None = None) -> None:
    """Print the figures beside the baseline; the last line is the JSON summary."""
    doc = __doc__ or ""
    parser = argparse.ArgumentParser(
        prog="python -m bench.network_faults",
        description=" ".join(doc.split("\n\n")[0].split()),
    )
    parser.add_argument("--rate", type=int, default=50, help="events committed a second")
    parser.add_argument("--baseline-seconds", type=float, default=30.0)
    parser.add_argument("--cut-seconds", type=float, default=30.0)
    parser.add_argument(
        "--hole-seconds", type=float, default=60.0, help="longer than the 48 s to notice one"
    )
    parser.add_argument(
        "--partition-seconds",
        type=float,
        default=30.0,
        help="shorter than the 48 s a silent link is given",
    )
    parser.add_argument("--latency-minutes", type=float, default=10.0)
    parser.add_argument("--alarm-seconds", type=float, default=30.0)
    parser.add_argument("--before", type=float, default=5.0, help="flow before each fault, s")
    parser.add_argument("--after", type=float, default=20.0, help="flow after each fault, s")
    args = parser.parse_args(None if argv is None else list(argv))
    options = Options(
        args.rate,
        args.baseline_seconds,
        args.cut_seconds,
        args.hole_seconds,
        args.partition_seconds,
        args.latency_minutes,
        args.alarm_seconds,
        args.before,
        args.after,
    )
    summary = asyncio.run(main_async(options))
    summary.print_report(describe(options, summary))
    sys.exit(0 if summary.met() else 1)


if __name__ == "__main__":
    main()
