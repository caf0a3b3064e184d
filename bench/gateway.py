"""The gateway benchmark: one authenticated GET straight to a service and through the gateway.

Run it from the project's root: `.venv/bin/python -m bench.gateway` (about a minute; `--help`).

What runs where, as in production, each in its own process:
- the licensing service (`python -m services.licensing`, migrated first), on a fresh
  PostgreSQL database, verifying tokens with the gateway's published keys (JWKS_URL);
- the gateway (`python -m gateway`, migrated first), forwarding `/api/licensing/...` to it;
- the load generator (`python -m bench.gateway --load ...`): asyncio + aiohttp on uvloop, a
  fixed number of keep-alive connections, each sending the next request as soon as the
  previous answer is read, for a fixed time after a warm-up; it times every request.
  (No wrk, ab, oha or hey on these machines, and the benchmark must run where the project
  installs; the generator's own CPU is printed so one can see when it is the limit.)
This process only starts and stops the others and reads their CPU time from /proc.

The request is GET `/admin/webhook-hosts` on the service, `/api/licensing/admin/webhook-hosts`
through the gateway: a route that checks a token and its role, opens a unit of work and reads
the database (empty here), and answers the same few bytes every time, so that the figure does
not move when the service's other routes do (`/openapi.json`, used before, grew from 85 bytes to
43 KB under the benchmark). The same admin token, issued by the gateway, is sent both ways; the
gateway checks it too, as its early filter, and counts it against its rate limits (raised for
the run: one subject from one address would otherwise be stopped at 600 a minute).

Measured, direct then through the gateway:
1. throughput: requests/s and p50/p99 latency with 16 connections (as many as a process
   handles at once, MAX_CONCURRENT_REQUESTS: beyond 24 it sheds by design);
2. latency: p50/p99 with one connection (nothing queues, so the difference is the hop itself;
   at 16 connections p50 is mostly queueing, 16 / rate, and says the same as the throughput).
Targets: the gateway keeps at least 60% of the direct throughput and adds at most 0.5 ms at p50.

Every process, the temporary folder and the broker objects of the run's bus prefix are removed
at the end whatever happens. The last line printed is the JSON summary.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import secrets
import socket
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import aiohttp
import httpx
import pyotp

from bench.bus import (
    BUS_URL,
    ROOT,
    Resources,
    busy_percent,
    cpu_ms_per_item,
    cpu_seconds,
    machine_ticks,
    percentile,
)
from bench.profiling import add_profile_option, sampling
from bench.summary import Figures, cleaning_up
from bench.summary import Summary as BenchSummary

SERVICE = "licensing"
DIRECT_PATH = "/admin/webhook-hosts"
GATEWAY_PATH = f"/api/{SERVICE}/admin/webhook-hosts"
THROUGHPUT_CONNECTIONS = 16
LATENCY_CONNECTIONS = 1
ADDED_P50_MS_MAX = 0.5
THROUGHPUT_FRACTION_MIN = 0.60
START_SECONDS = 60.0
STOP_SECONDS = 10.0


# --- the load generator, in its own process -------------------------------------------------


async def generate(
    url: str,
    token: str,
    connections: int,
    seconds: float,
    warmup: float,
    *,
    body: Callable[[], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Keep `connections` requests in flight (GETs, or POSTs of a fresh `body()` each); time
    those that end inside the measured window."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    connector = aiohttp.TCPConnector(limit=connections)
    timeout = aiohttp.ClientTimeout(total=30)
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        window_start = started + warmup
        window_end = window_start + seconds

        async def connection() -> None:
            while (sent := time.perf_counter()) < window_end:
                status = 0
                try:
                    request = (
                        session.get(url, headers=headers)
                        if body is None
                        else session.post(url, json=body(), headers=headers)
                    )
                    async with request as response:
                        await response.read()
                        status = response.status
                except (aiohttp.ClientError, TimeoutError) as error:
                    errors[type(error).__name__] += 1
                answered = time.perf_counter()
                if window_start <= answered <= window_end:
                    latencies.append(answered - sent)
                    statuses[status] += 1

        async def announce_window() -> float:
            await asyncio.sleep(warmup)
            # The parent reads the servers' CPU time when it sees this line, and at the end.
            print("window", flush=True)
            return time.process_time()

        announced = asyncio.create_task(announce_window())
        await asyncio.gather(*(connection() for _ in range(connections)))
        cpu = time.process_time() - await announced
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "per_s": len(latencies) / seconds,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p90_ms": percentile(latencies, 0.90) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "max_ms": max(latencies, default=math.nan) * 1000,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": dict(errors),
        "loadgen_cpu_s": cpu,
    }


def run_child(load: Callable[[str], Coroutine[Any, Any, object]]) -> None:
    """A load child's entry: run `load(token)` on uvloop, print its JSON result as the last line."""
    import uvloop

    token = sys.stdin.readline().strip()  # not on the command line, where `ps` shows it
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        result = runner.run(load(token))
    print(json.dumps(result), flush=True)


def run_load(args: argparse.Namespace) -> None:
    """The child's entry: generate load."""
    run_child(lambda token: generate(args.load, token, args.connections, args.seconds, args.warmup))


# --- the servers ----------------------------------------------------------------------------


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tail(log: Path, lines: int = 20) -> str:
    """The last lines of a process' output file."""
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@dataclass
class Server:
    """A service or gateway process and the file its output goes to."""

    name: str
    url: str
    process: asyncio.subprocess.Process
    log: Path

    @property
    def pid(self) -> int:
        """Its process id."""
        return self.process.pid

    def tail(self) -> str:
        """The end of its output, to say why it failed."""
        return tail(self.log)

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not ended in time."""
        if self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), STOP_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()


def log_findings(server: Server) -> Counter[str]:
    """Warnings and errors a server logged, by level and message."""
    found: Counter[str] = Counter()
    with contextlib.suppress(OSError):
        for line in server.log.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                if "Traceback" in line or "Error" in line:
                    found[f"(text) {line.strip()[:160]}"] += 1
                continue
            if isinstance(entry, dict) and entry.get("level") in ("WARNING", "ERROR", "CRITICAL"):
                error = f" ({str(entry['error'])[:160]})" if entry.get("error") else ""
                found[f"{entry['level']} {entry.get('logger')}: {entry.get('message')}{error}"] += 1
    return found


async def run_command(module: str, command: str, env: dict[str, str], log: Path) -> None:
    """`python -m <module> <command>` to its end; raise with its output if it fails."""
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, command, env=env, cwd=ROOT, stdout=output, stderr=output
        )
        try:
            code = await process.wait()
        finally:
            if process.returncode is None:  # interrupted
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
    if code != 0:
        raise RuntimeError(f"`python -m {module} {command}` failed:\n{tail(log)}")


async def start_server(
    name: str,
    module: str,
    env: dict[str, str],
    folder: Path,
    *,
    command: str = "serve",
    migrate: bool = True,
) -> Server:
    """Migrate (unless told not to), then run `python -m <module> <command>`; its output goes
    to `<name>.log`."""
    log = folder / f"{name}.log"
    if migrate:
        await run_command(module, "migrate", env, log)
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, command, env=env, cwd=ROOT, stdout=output, stderr=output
        )
    return Server(name, f"http://127.0.0.1:{env['PORT']}", process, log)


async def wait_for(server: Server, path: str, client: httpx.AsyncClient) -> None:
    """Until `path` answers 200 (/readyz: ready, not merely degraded, so the queue is
    consumed), or fail with the server's last lines."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.returncode is not None:
            break
        with contextlib.suppress(httpx.HTTPError):
            answer = await client.get(server.url + path)
            if answer.status_code == 200 and (
                path != "/readyz" or answer.json()["status"] == "ready"
            ):
                return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"{server.name} did not become ready:\n{server.tail()}")


# --- the run --------------------------------------------------------------------------------


@dataclass
class Phase(Figures):
    """One load run against one URL, with the CPU the processes spent in its window."""

    label: str
    connections: int
    result: dict[str, Any]
    cpu_ms_per_request: dict[str, float]
    machine_busy_pct: float

    def failures(self) -> int:
        """Requests not answered 2xx inside the window, and transport and other errors."""
        statuses = self.result.get("statuses", {})
        bad = sum(count for status, count in statuses.items() if not status.startswith("2"))
        return int(bad + sum(self.result.get("errors", {}).values()))


@dataclass
class Options:
    """What the command line chose."""

    seconds: float
    warmup: float
    connections: int
    profile: Path | None = None  # a folder for py-spy's samples of each server in each phase


@dataclass
class Summary(BenchSummary):
    """The gateway's figures beside the direct ones."""

    benchmark: ClassVar[str] = "gateway"

    @staticmethod
    def target() -> dict[str, float]:
        """At least 60% of the direct throughput; at most 0.5 ms added at p50."""
        return {
            "throughput_fraction_min": THROUGHPUT_FRACTION_MIN,
            "added_p50_ms_max": ADDED_P50_MS_MAX,
        }

    def met(self) -> bool:
        """Whether both targets hold and every request was answered 200 (NaN never meets)."""
        target = self.target()
        fraction = self.figures.get("throughput_fraction", math.nan)
        added = self.figures.get("added_p50_ms", math.nan)
        failed = self.figures.get("failed_requests", 0) + self.baseline.get("failed_requests", 0)
        return (
            fraction >= target["throughput_fraction_min"]
            and added <= target["added_p50_ms_max"]
            and failed == 0
        )


async def load(
    label: str,
    url: str,
    *,
    token: str,
    connections: int,
    options: Options,
    servers: list[Server],
    module: str = "bench.gateway",
    extra: Sequence[str] = (),
) -> Phase:
    """Run `module`'s load generator against `url` (with `extra` arguments); read the servers'
    CPU time from its `window` line to its result line."""
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", module, "--load", url),
        *("--connections", str(connections)),
        *("--seconds", str(options.seconds), "--warmup", str(options.warmup)),
        *extra,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(token.encode() + b"\n")
        await process.stdin.drain()
        process.stdin.close()
        within = options.warmup + options.seconds + 60
        line = await asyncio.wait_for(process.stdout.readline(), within)
        if line.strip() != b"window":
            raise RuntimeError(f"the load generator did not start: {line!r}")
        async with sampling(servers, options.seconds, options.profile, label):
            before = {s.name: cpu_seconds(s.pid) for s in servers}
            ticks = machine_ticks()
            line = await asyncio.wait_for(process.stdout.readline(), within)
            after = {s.name: cpu_seconds(s.pid) for s in servers}
            busy = busy_percent(ticks, machine_ticks())
        await asyncio.wait_for(process.wait(), 30)
    finally:
        await reap(process)
    result = json.loads(line)
    cpu = load_cpu_ms(result["loadgen_cpu_s"], int(result["requests"]), before, after)
    return Phase(label, connections, result, cpu, busy)


async def reap(process: asyncio.subprocess.Process) -> None:
    """Kill a load child still running (its phase was cut short) and wait for its end."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


def load_cpu_ms(
    loadgen_cpu_s: float,
    items: int,
    before: dict[str, float | None],
    after: dict[str, float | None],
) -> dict[str, float]:
    """CPU milliseconds per item of the load generator and of each server over the window."""
    count = max(items, 1)
    return {"loadgen": loadgen_cpu_s * 1000 / count} | cpu_ms_per_item(before, after, count)


def child_env(folder: Path, prefix: str, port: int, **settings: str) -> dict[str, str]:
    """The environment of a server: ours, with every setting that matters given explicitly."""
    env = dict(os.environ)
    env.update(
        {
            "ENVIRONMENT": "test",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "DATA_DIR": str(folder),
            "BUS_URL": BUS_URL,
            "BUS_PREFIX": prefix,
            "LOG_LEVEL": "INFO",  # as deployed: one JSON line per request
            "PYTHONUNBUFFERED": "1",
        }
        | settings
    )
    return env


async def measure(options: Options, resources: Resources, summary: Summary) -> list[Phase]:
    """Start the service and the gateway, load each, and put the figures into `summary`."""
    resources.note_bus(["gateway", SERVICE])  # a service's queues, if it consumes events
    folder = resources.temp_dir = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    service_port, gateway_port = free_port(), free_port()
    password = f"Bench-{secrets.token_hex(8)}"
    authenticator = pyotp.random_base32()  # admin signs in with a second factor
    gateway_env = child_env(
        folder,
        resources.prefix,
        gateway_port,
        DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'gateway.db'}",
        SIGNING_KEYS_DIR=str(folder / "keys"),
        ADMIN_PASSWORD=password,
        ADMIN_TOTP_SECRET=authenticator,
        SEED_DEMO="false",
        LICENSING_URL=f"http://127.0.0.1:{service_port}",
        API_RATE_LIMIT="1000000/second",
    )
    service_env = child_env(
        folder,
        resources.prefix,
        service_port,
        DATABASE_URL=await resources.empty_database(SERVICE),
        JWKS_URL=f"http://127.0.0.1:{gateway_port}/.well-known/jwks.json",
    )
    servers: list[Server] = []
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            gateway = await start_server("gateway", "gateway", gateway_env, folder)
            servers.append(gateway)
            service = await start_server(SERVICE, f"services.{SERVICE}", service_env, folder)
            servers.append(service)
            await wait_for(gateway, "/healthz", client)
            await wait_for(service, "/readyz", client)
            form = {"grant_type": "password", "username": "admin", "password": password}
            form["totp"] = pyotp.TOTP(authenticator).now()
            answer = await client.post(f"{gateway.url}/auth/token", data=form)
            if answer.status_code != 200:
                raise RuntimeError(f"no token from the gateway: {answer.status_code} {answer.text}")
            token = str(answer.json()["access_token"])
            direct_url, through_url = service.url + DIRECT_PATH, gateway.url + GATEWAY_PATH
            for url in (direct_url, through_url):
                check = await client.get(url, headers={"Authorization": f"Bearer {token}"})
                if check.status_code != 200:
                    raise RuntimeError(f"GET {url}: {check.status_code} {check.text[:300]}")
        plan = [
            ("direct", direct_url, options.connections),
            ("gateway", through_url, options.connections),
            ("direct", direct_url, LATENCY_CONNECTIONS),
            ("gateway", through_url, LATENCY_CONNECTIONS),
        ]
        phases = [
            await load(label, url, token=token, connections=n, options=options, servers=servers)
            for label, url, n in plan
        ]
    finally:
        for server in reversed(servers):
            await server.stop()
    record(phases, summary)
    return phases


def record(phases: list[Phase], summary: Summary) -> None:
    """The phases' figures: the gateway's in `figures`, the direct ones in `baseline`."""
    direct, through, direct_one, through_one = phases
    for phase, one, into in (
        (direct, direct_one, summary.baseline),
        (through, through_one, summary.figures),
    ):
        into["per_s"] = phase.get("per_s")
        into["p50_ms"] = phase.get("p50_ms")
        into["p99_ms"] = phase.get("p99_ms")
        into["serial_per_s"] = one.get("per_s")
        into["serial_p50_ms"] = one.get("p50_ms")
        into["serial_p99_ms"] = one.get("p99_ms")
        into["connections"] = phase.connections
        into["failed_requests"] = phase.failures() + one.failures()
        for name, value in phase.cpu_ms_per_request.items():
            into[f"{name}_cpu_ms_per_request"] = value
        into["machine_busy_pct"] = phase.machine_busy_pct
    summary.figures["throughput_fraction"] = through.get("per_s") / direct.get("per_s")
    summary.figures["added_p50_ms"] = through_one.get("p50_ms") - direct_one.get("p50_ms")
    summary.figures["added_p99_ms"] = through_one.get("p99_ms") - direct_one.get("p99_ms")
    summary.figures["added_p50_ms_at_load"] = through.get("p50_ms") - direct.get("p50_ms")


def describe(options: Options, phases: list[Phase], summary: Summary) -> list[str]:
    """The human-readable lines: each gateway figure beside the direct one."""
    f, target = summary.figures, summary.target()
    lines = [
        f"gateway benchmark on {os.cpu_count()} cores: GET {DIRECT_PATH} of {SERVICE} with a"
        f" token, direct and as {GATEWAY_PATH}; {options.seconds:g} s per phase after"
        f" {options.warmup:g} s warm-up",
        "load generator: asyncio + aiohttp (uvloop) in its own process, keep-alive connections;"
        " service, gateway and generator are three processes",
        "",
        "                         req/s   p50 ms   p99 ms   CPU ms/request:"
        " service gateway loadgen   machine",
    ]
    for phase in phases:
        cpu = phase.cpu_ms_per_request
        lines.append(
            f"{phase.label:8} {phase.connections:2} conn  {phase.get('per_s'):8.0f} "
            f"{phase.get('p50_ms'):8.2f} {phase.get('p99_ms'):8.2f}"
            f"   {cpu.get(SERVICE, math.nan):22.3f} {cpu.get('gateway', math.nan):7.3f}"
            f" {cpu.get('loadgen', math.nan):7.3f}   {phase.machine_busy_pct:5.0f}% busy"
        )
    lines += [
        "",
        f"through the gateway: {100 * f['throughput_fraction']:.0f}% of the direct throughput"
        f" (target ≥ {100 * target['throughput_fraction_min']:.0f}%);"
        f" adds {f['added_p50_ms']:.2f} ms at p50, {f['added_p99_ms']:.2f} ms at p99 with one"
        f" connection (target p50 ≤ {target['added_p50_ms_max']:g} ms);"
        f" {f['added_p50_ms_at_load']:.2f} ms at p50 with {options.connections}",
    ]
    for phase in phases:
        if phase.failures():
            lines.append(
                f"!! {phase.label} with {phase.connections} connections: {phase.failures()}"
                f" requests failed: {phase.result.get('statuses')} {phase.result.get('errors')}"
            )
    return lines


async def main_async(options: Options) -> tuple[Summary, list[Phase]]:
    """Measure, always clean up, and say what could not be cleaned."""
    resources = Resources(f"gw{uuid.uuid4().hex[:8]}")
    summary = Summary()
    phases = await cleaning_up(measure(options, resources, summary), resources, summary)
    return summary, phases


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line of both roles."""
    doc = __doc__ or ""
    parser = argparse.ArgumentParser(prog="python -m bench.gateway", description=doc.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per phase")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured time first")
    parser.add_argument(
        "--connections",
        type=int,
        default=THROUGHPUT_CONNECTIONS,
        help="connections of the throughput phases",
    )
    add_profile_option(parser)
    parser.add_argument("--load", metavar="URL", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Print each figure beside its baseline; the last line is the JSON summary."""
    args = parse(argv)
    if args.load:
        run_load(args)
        return
    options = Options(args.seconds, args.warmup, args.connections, args.profile)
    summary, phases = asyncio.run(main_async(options))
    summary.print_report(describe(options, phases, summary))


if __name__ == "__main__":
    main()
