"""The cluster drill: the platform on a three-node RabbitMQ cluster of its own under a steady
flow of licences, complaints and cases; one node killed (-9), later another stopped, never two
down at once; then 0 events lost, 0 applied twice, consumers back within 30 s of each fault,
every licence's household assigned.

Run it from the project's root: `.venv/bin/python -m bench.cluster_kill` (about four minutes;
run it alone; `--help`).

What runs: three RabbitMQ nodes of the run's own joined in one cluster (tests/servers.py: a
temporary folder, free ports; the machine's RabbitMQ is never touched), the run's broker users
and queue policies made on it through rabbitmqctl (`python -m chassis.bus provision --node`:
the own nodes have no management API, and the one on 127.0.0.1:15672 would be the machine's)
and its queues declared (quorum, on all three nodes); one replica of the gateway and of each
service, as bench/platform.py starts them, each with a BUS_URL listing the three nodes in
order (so every process connects to cluster[0]).

The flow, from this process through the gateway (asyncio + httpx), for the whole run:
- a licence every --licence-every s: clerk01 submits an individual business at a point of a
  random demo grid (with an Idempotency-Key, sent again with it while the answer is lost),
  accepts and approves it (a step sent again only after reading the application shows it not
  done);
- a complaint every --complaint-every s: a citizen's complaint or report through Open311, in
  words of its own, never sent twice;
- a case every --case-every s: a licence in inspector02's grid; its household awaited in
  inspector02's list (licensing → bus → supervision); a case source transferred by
  inspector02 (Idempotency-Key), awaited at officer11's section (supervision → bus →
  enforcement), filed there by officer11 (whose case.filed goes back to supervision).

Faults, after --warmup s: cluster[0], where every process is connected, killed (-9); once
every consumer is back, started again; once every quorum queue has its three members online
again and --between s more have passed, cluster[1] (where the processes moved) stopped
(stop_app); once every consumer is back, started again (start_app); --after s more of flow.
A consumer is back when its process has connected to a broker again (its log) and says its
consumer is attached (/readyz), the surviving cluster[2] counts a consumer on its queue, and
the service has applied an event it received after that or has none waiting.

After the flow, once every outbox is sent, every queue drained and every household assigned
(or --settle s passed), from the databases (asyncpg):
- lost: a licence the clerk was answered `issued` for that licensing does not hold, or whose
  household supervision does not; a complaint answered 201 whose ticket complaints does not;
  a case source transferred that enforcement does not hold, a case filed it does not hold, or
  whose filing supervision never heard of; an event of a process' outbox that a service's
  queue is bound to and that service's inbox does not hold;
- stuck: an outbox row never sent, an event left in a queue, a dead letter;
- not assigned: a licence's household without its grid and inspector (grid_id, owner);
- applied twice: two applications, licences or households of one business name, two
  submissions of one complaint's words, two case transfers or case sources of one
  allegation, two assignments in one household's file.
Beside each fault's figures, the baseline from the same run before the first fault: request
p95 and event lag (each delivered event's inbox `received_at` − its outbox `created_at`).
Targets: 0 lost, 0 stuck, 0 applied twice, every household assigned, consumers back within
30 s of each fault.

Every process, the databases, the temporary folder and the cluster are removed at the end
whatever happens. The last line printed is the JSON summary; the exit code is 0 only if every
target is met.
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
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import httpx
import pyotp
from aio_pika.abc import AbstractConnection

from bench.bus import Resources, percentile
from bench.flow import Grid, application, demo_grids
from bench.platform import (
    Platform,
    audit,
    base_environment,
    bus_urls,
    doubled,
    dsn,
    fetch,
    run_databases,
    start_platform,
)
from bench.summary import Summary as BenchSummary
from bench.summary import cleaning_up
from chassis.brokers import address
from chassis.bus import Topology
from chassis.bus.__main__ import consumed_routing_keys
from chassis.launch import port_of
from chassis.platform import GATEWAY, PROCESSES, SERVICES
from services.supervision.settings import DEMO_DISTRICT
from tests.servers import RabbitNode, broker_urls, rabbit_nodes

BACK_SECONDS_MAX = 30.0
# How long a fault is watched for its consumers to come back (NaN after).
WATCH_SECONDS = 90.0
POLL_SECONDS = 0.5
QUERY_SECONDS = 2.0
# The figures of a fault: what started in this long after it.
AFTER_FAULT_SECONDS = 60.0
# How long to wait for a node's queue members to be online again.
REJOIN_SECONDS = 180.0
# How long the case flow waits for what an event brings (a household, a case source).
ARRIVAL_SECONDS = 120.0
NODES = 3
CLERK, INSPECTOR, OFFICER = "clerk01", "inspector02", "officer11"
HANDLERS = ["officer11", "officer12"]
APPLICATIONS = "/api/licensing/applications"
# An answer lost on the way: the caller cannot tell whether it was acted on.
LOST = frozenset({0, 502, 503, 504})
ATTEMPTS = 4
RETRY_SECONDS = 0.5
BROKER_CONNECTED = "broker connected"


class Summary(BenchSummary):
    """The drill's target: nothing lost, stuck or doubled, every household assigned,
    consumers back within 30 s of each fault."""

    benchmark = "cluster_kill"

    def target(self) -> dict[str, float]:
        """0 lost, 0 stuck, 0 doubled, 0 unassigned, back within 30 s."""
        return {
            "lost_max": 0.0,
            "stuck_max": 0.0,
            "doubled_max": 0.0,
            "households_unassigned_max": 0.0,
            "back_s_max": BACK_SECONDS_MAX,
        }

    def met(self) -> bool:
        """Whether every target holds (NaN never does)."""
        f = self.figures
        return (
            f.get("lost", math.nan) == 0
            and f.get("stuck", math.nan) == 0
            and f.get("doubled", math.nan) == 0
            and f.get("households_unassigned", math.nan) == 0
            and f.get("back_s", math.nan) <= BACK_SECONDS_MAX
        )


@dataclass(frozen=True)
class Options:
    """The command line."""

    warmup: float
    between: float
    after: float
    settle: float
    licence_every: float
    complaint_every: float
    case_every: float


# --- the flow -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request through the gateway: when it started (epoch s), how long, whether it was
    answered as expected."""

    at: float
    ms: float
    ok: bool


@dataclass
class Case:
    """A case source transferred by the inspector, and whether it was filed."""

    case_source_id: str
    filed: bool = False


@dataclass
class Flow:
    """The steady flow through the gateway, and what the platform answered it."""

    client: httpx.AsyncClient
    prefix: str  # the run's bus prefix
    label: str  # the run's businesses are named `<label>-…`
    headers: dict[str, dict[str, str]]
    open311_key: str
    grids: list[Grid] = field(default_factory=demo_grids)
    rng: random.Random = field(default_factory=random.Random)
    numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    calls: list[Call] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    licences: list[str] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    # Seconds from a licence's approval to its household in the inspector's list, and from a
    # transfer to its case source at the section: the event hops as a user waits for them.
    household_s: list[float] = field(default_factory=list)
    case_source_s: list[float] = field(default_factory=list)

    async def call(
        self,
        method: str,
        path: str,
        name: str,
        *,
        who: str | None = None,
        body: dict[str, Any] | None = None,
        form: dict[str, str] | None = None,
        key: str | None = None,
        expected: frozenset[int] = frozenset({200, 201}),
    ) -> httpx.Response | None:
        """One request, timed and noted; its answer (None when none came)."""
        headers = dict(self.headers[who]) if who else {}
        if key is not None:
            headers["Idempotency-Key"] = key
        at, started = time.time(), time.perf_counter()
        try:
            answer = await self.client.request(method, path, json=body, data=form, headers=headers)
        except httpx.HTTPError as error:
            self.calls.append(Call(at, (time.perf_counter() - started) * 1000, False))
            self.failures[f"{name}: {type(error).__name__}"] += 1
            return None
        ok = answer.status_code in expected
        self.calls.append(Call(at, (time.perf_counter() - started) * 1000, ok))
        if not ok:
            self.failures[f"{name}: {answer.status_code}"] += 1
        return answer

    async def answered(
        self,
        send: Callable[[], Awaitable[httpx.Response | None]],
        success: int,
        resend_on: frozenset[int],
        done: Callable[[], Awaitable[dict[str, Any] | None]] | None = None,
    ) -> dict[str, Any] | None:
        """`send()` until answered `success` (its JSON), or None; sent again only when its
        answer was lost (`resend_on`), and only once `done()` has found it not done."""
        for attempt in range(1, ATTEMPTS + 1):
            answer = await send()
            status = 0 if answer is None else answer.status_code
            if answer is not None and status == success:
                result: dict[str, Any] = answer.json()
                return result
            if status not in resend_on or attempt == ATTEMPTS:
                return None
            await asyncio.sleep(RETRY_SECONDS * attempt)
            if done is not None and (found := await done()) is not None:
                return found
        return None

    async def read(self, path: str, name: str, who: str, status: set[str]) -> dict[str, Any] | None:
        """The resource at `path` if its status is one of `status`."""
        answer = await self.call("GET", path, name, who=who)
        if answer is None or answer.status_code != 200 or answer.json()["status"] not in status:
            return None
        found: dict[str, Any] = answer.json()
        return found

    async def licence(self, grid: Grid) -> tuple[str, float] | None:
        """One individual business from application to licence: its credit code and when the
        approval was read (perf_counter), or None."""
        name = f"{self.label}-{next(self.numbers)}号店"
        body, key = application(name, grid, self.rng), f"cluster-{uuid.uuid4()}"
        created = await self.answered(
            lambda: self.call("POST", APPLICATIONS, "submit", who=CLERK, body=body, key=key),
            201,
            LOST | {409},  # 409: the first request with this key is still being answered
        )
        if created is None:
            return None
        path = f"{APPLICATIONS}/{created['id']}"
        if await self.step(path, "accept", {"accepted", "issued"}) is None:
            return None
        result = await self.step(path, "approve", {"issued"})
        if result is None:
            return None
        if result["status"] != "issued":
            self.failures["approve: not issued"] += 1
            return None
        self.licences.append(result["credit_code"])
        return result["credit_code"], time.perf_counter()

    async def step(self, path: str, step: str, done: set[str]) -> dict[str, Any] | None:
        """POST a step of the application at `path`; its answer, or the application once it
        shows the step `done`."""
        return await self.answered(
            lambda: self.call("POST", f"{path}/{step}", step, who=CLERK),
            200,
            LOST,
            lambda: self.read(path, "application", CLERK, done),
        )

    async def register(self) -> None:
        """A business at a random demo grid."""
        await self.licence(self.rng.choice(self.grids))

    async def complain(self) -> None:
        """A complaint or a report through Open311, in words of its own."""
        lon, lat = self.rng.choice(self.grids).point(self.rng)
        description = f"【{self.label}-{next(self.numbers)}】这家店的熟食过期还在卖。"
        kind = self.rng.choice(("complaint", "report"))
        # A complaint is made in one's name, for mediation; a report may be anonymous.
        named = {"last_name": "张", "first_name": "先生", "phone": "13900000000"}
        form = (named if kind == "complaint" else {}) | {
            "api_key": self.open311_key,
            "service_code": kind,
            "description": description,
            "lat": f"{lat:.6f}",
            "long": f"{lon:.6f}",
        }
        answer = await self.call("POST", "/open311/v2/requests.json", "open311", form=form)
        if answer is not None and answer.status_code == 201:
            self.tickets += [row["service_request_id"] for row in answer.json()]

    async def arrival(self, path: str, name: str, who: str) -> float | None:
        """Poll `path` until it is found (what an event brings): when (perf_counter), or None
        after ARRIVAL_SECONDS."""
        deadline = time.perf_counter() + ARRIVAL_SECONDS
        while time.perf_counter() < deadline:
            answer = await self.call("GET", path, name, who=who, expected=frozenset({200, 404}))
            if answer is not None and answer.status_code == 200:
                return time.perf_counter()
            await asyncio.sleep(POLL_SECONDS)
        self.failures[f"{name}: not there within {ARRIVAL_SECONDS:g} s"] += 1
        return None

    async def case(self, grid: Grid) -> None:
        """A licence in the inspector's grid, its household, a case source transferred from it
        and filed at the section."""
        issued = await self.licence(grid)
        if issued is None:
            return
        code, approved = issued
        seen = await self.arrival(f"/api/supervision/households/{code}", "household", INSPECTOR)
        if seen is None:
            return
        self.household_s.append(seen - approved)
        allegation = f"{self.label}-案{next(self.numbers)}：超范围经营，无许可销售熟食"
        transfer, key = {"credit_code": code, "allegation": allegation}, f"cluster-{uuid.uuid4()}"
        sent = await self.answered(
            lambda: self.call(
                "POST",
                "/api/supervision/case-transfers",
                "transfer",
                who=INSPECTOR,
                body=transfer,
                key=key,
            ),
            201,
            LOST | {409},
        )
        if sent is None:
            return
        transferred = time.perf_counter()
        case = Case(sent["case_source_id"])
        self.cases.append(case)
        source = f"/api/enforcement/case-sources/{case.case_source_id}"
        seen = await self.arrival(source, "case source", OFFICER)
        if seen is None:
            return
        self.case_source_s.append(seen - transferred)
        filed = await self.answered(
            lambda: self.call(
                "POST", f"{source}/file", "file", who=OFFICER, body={"handlers": HANDLERS}
            ),
            201,
            LOST,
            lambda: self.read(source, "case source", OFFICER, {"filed"}),
        )
        case.filed = filed is not None


async def steady(
    every: float, stop: asyncio.Event, work: Callable[[], Coroutine[Any, Any, None]]
) -> None:
    """Start `work()` every `every` seconds, whatever the earlier ones are doing, until `stop`;
    then wait for those started."""
    tasks: list[asyncio.Task[None]] = []
    due = time.perf_counter()
    while not stop.is_set():
        tasks.append(asyncio.create_task(work()))
        due += every
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max(0.0, due - time.perf_counter()))
    await asyncio.gather(*tasks)


def inspectors_grid(grids: list[Grid]) -> Grid:
    """The demo grid INSPECTOR owns (demo_grids keeps the district's order)."""
    district = json.loads(DEMO_DISTRICT.read_text(encoding="utf-8"))
    owners = [grid["owner"] for grid in district["grids"]]
    return grids[owners.index(INSPECTOR)]


async def signed_in(client: httpx.AsyncClient) -> tuple[dict[str, dict[str, str]], str]:
    """The demo people's Authorization headers, and an Open311 key the demo admin issues
    (password and authenticator of the demo district)."""
    district = json.loads(DEMO_DISTRICT.read_text(encoding="utf-8"))
    headers = {}
    for username in (CLERK, INSPECTOR, OFFICER, "admin"):
        form = {"grant_type": "password", "username": username, "password": f"demo-{username}"}
        if username == "admin":
            form["totp"] = pyotp.TOTP(district["second_factor_secret"]).now()
        answer = await client.post("/auth/token", data=form)
        if answer.status_code != 200:
            raise RuntimeError(f"{username} not signed in: {answer.status_code} {answer.text}")
        headers[username] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    issued = await client.post(
        "/api/admin/open311-keys", json={"name": "cluster-drill"}, headers=headers["admin"]
    )
    if issued.status_code != 201:
        raise RuntimeError(f"no Open311 key: {issued.status_code} {issued.text}")
    return headers, str(issued.json()["api_key"])


# --- the faults -----------------------------------------------------------------------------


async def queue_state(connection: AbstractConnection, queue: str) -> tuple[int, int]:
    """(consumers, ready events) the broker counts on `queue`; (-1, -1) when it cannot say
    now (its leader being elected)."""
    try:
        async with connection.channel() as channel:
            declared = await asyncio.wait_for(
                channel.declare_queue(queue, passive=True), QUERY_SECONDS
            )
    except (TimeoutError, aio_pika.exceptions.AMQPError, OSError):
        return -1, -1
    result = declared.declaration_result
    return int(result.consumer_count or 0), int(result.message_count or 0)


@dataclass
class Connections:
    """The brokers each process' log says it connected to, in order, read as the log grows."""

    read: dict[str, int] = field(default_factory=dict)
    brokers: dict[str, list[str]] = field(default_factory=dict)

    def update(self, platform: Platform) -> None:
        """Read what each process' log gained."""
        for name in platform.replicas:
            server = platform.first(name)
            with server.log.open("rb") as log:
                log.seek(self.read.get(name, 0))
                text = log.read()
            # Up to the last whole line: the rest is read next time.
            whole = text[: text.rfind(b"\n") + 1]
            self.read[name] = self.read.get(name, 0) + len(whole)
            for line in whole.decode(errors="replace").splitlines():
                if BROKER_CONNECTED in line:
                    with contextlib.suppress(ValueError):
                        entry = json.loads(line)
                        if entry.get("message") == BROKER_CONNECTED:
                            self.brokers.setdefault(name, []).append(entry["broker"])

    def count(self, name: str) -> int:
        """How many times the process has connected."""
        return len(self.brokers.get(name, []))


@dataclass
class Fault:
    """One node down: what, when (epoch s), and seconds until each consumer was back."""

    what: str
    at: float
    back: dict[str, float]

    @property
    def back_s(self) -> float:
        """Until the last consumer was back (NaN if one was not)."""
        return latest(self.back.values())

    def slowest(self) -> str:
        """The process whose consumer came back last (or not at all)."""
        return max(
            self.back, key=lambda name: math.inf if math.isnan(self.back[name]) else self.back[name]
        )


def latest(seconds: Iterable[float]) -> float:
    """The greatest of `seconds`; NaN if one is NaN or there are none."""
    values = list(seconds)
    return math.nan if not values or any(map(math.isnan, values)) else max(values)


@dataclass
class Watch:
    """Where the drill looks for the consumers: each process' log and /readyz, a surviving
    node's count of each queue's consumers and events, each process' inbox."""

    platform: Platform
    inboxes: dict[str, asyncpg.Connection]
    queues: dict[str, str]
    client: httpx.AsyncClient
    connections: Connections = field(default_factory=Connections)

    async def linked(self, name: str) -> bool:
        """Whether the process says its broker link and its consumer are up."""
        with contextlib.suppress(httpx.HTTPError, ValueError):
            answer = await self.client.get(f"{self.platform.first(name).url}/readyz")
            checks = answer.json().get("checks", {})
            return bool(checks.get("broker") == "ok" and checks.get("consumer") == "ok")
        return False

    async def received_since(self, name: str, since: float) -> bool:
        """Whether the process has applied an event it received after `since` (epoch s)."""
        latest = await self.inboxes[name].fetchval("SELECT max(received_at) FROM inbox")
        return latest is not None and latest.timestamp() > since

    def connected(self) -> dict[str, int]:
        """How many times each process has connected to a broker so far."""
        self.connections.update(self.platform)
        return {name: self.connections.count(name) for name in self.queues}

    async def back(
        self, what: str, at: float, before: dict[str, int], survivor: RabbitNode
    ) -> Fault:
        """Watch the consumers after the fault at `at` (`before` it: `connected()`) until each
        is back (or WATCH_SECONDS)."""
        attached: dict[str, float] = {}
        back: dict[str, float] = {}
        connection = await aio_pika.connect(survivor.url, timeout=10)
        try:
            while len(back) < len(self.queues) and time.time() < at + WATCH_SECONDS:
                polled = time.time()
                self.connections.update(self.platform)
                for name in self.queues.keys() - back.keys():
                    consumers, ready = await queue_state(connection, self.queues[name])
                    if (
                        name not in attached
                        and self.connections.count(name) > before[name]
                        and consumers >= 1
                        and await self.linked(name)
                    ):
                        attached[name] = polled
                    if name in attached and (
                        ready == 0 or await self.received_since(name, attached[name])
                    ):
                        back[name] = time.time() - at
                await asyncio.sleep(POLL_SECONDS)
        finally:
            await connection.close()
        return Fault(what, at, {name: back.get(name, math.nan) for name in self.queues})


async def rejoined(node: RabbitNode, prefix: str) -> None:
    """Until every quorum queue of the run has all its members online (one more node may go)."""
    deadline = time.monotonic() + REJOIN_SECONDS
    while time.monotonic() < deadline:
        listed = await asyncio.to_thread(
            node.ctl, "list_queues", "name", "type", "online", "--no-table-headers", check=False
        )
        online = [
            [member for member in members.strip("[]").split(",") if member.strip()]
            for name, kind, members in (
                [*line.split("\t"), "", ""][:3] for line in listed.splitlines()
            )
            if name.startswith(prefix) and kind == "quorum"
        ]
        if online and all(len(members) == NODES for members in online):
            return
        await asyncio.sleep(2)
    raise RuntimeError(f"the queues of {prefix} lack members after {REJOIN_SECONDS:g} s")


async def faults(
    options: Options, cluster: list[RabbitNode], prefix: str, watch: Watch
) -> list[Fault]:
    """The first node killed and restarted, then the second stopped and started."""
    await asyncio.sleep(options.warmup)
    before, at = watch.connected(), time.time()
    await asyncio.to_thread(cluster[0].kill)
    killed = await watch.back("cluster[0] killed (-9)", at, before, cluster[2])
    await asyncio.to_thread(cluster[0].start)
    await rejoined(cluster[2], prefix)
    await asyncio.sleep(options.between)
    before, at = watch.connected(), time.time()
    await asyncio.to_thread(cluster[1].stop_app)
    stopped = await watch.back("cluster[1] stopped (stop_app)", at, before, cluster[2])
    await asyncio.to_thread(cluster[1].start_app)
    await rejoined(cluster[2], prefix)
    await asyncio.sleep(options.after)
    return [killed, stopped]


# --- what the databases and the broker hold -----------------------------------------------


async def unsent(urls: dict[str, str]) -> int:
    """Outbox rows of every process not yet sent."""
    count = 0
    for url in urls.values():
        rows = await fetch(url, "SELECT count(*) FROM outbox WHERE published_at IS NULL")
        count += int(rows[0][0])
    return count


async def waiting(node: RabbitNode, queues: list[str]) -> float:
    """Events waiting in `queues` (each service's queue, or its dead letters); NaN when the
    broker cannot say for one of them."""
    count = 0.0
    connection = await aio_pika.connect(node.url, timeout=10)
    try:
        for queue in queues:
            ready = (await queue_state(connection, queue))[1]
            count += math.nan if ready < 0 else ready
    finally:
        await connection.close()
    return count


async def settled(
    urls: dict[str, str], node: RabbitNode, queues: list[str], codes: list[str], within: float
) -> float:
    """Until every outbox is sent, every queue drained and every licence's household assigned,
    twice in a row a second apart (or `within` seconds); how long it took."""
    started = time.monotonic()
    quiet = 0
    while quiet < 2 and time.monotonic() - started < within:
        assigned = await fetch(
            urls["supervision"],
            "SELECT count(*) FROM households WHERE credit_code = ANY($1)"
            " AND grid_id IS NOT NULL AND owner IS NOT NULL",
            codes,
        )
        calm = (
            await unsent(urls) == 0
            and await waiting(node, queues) == 0
            and assigned[0][0] == len(codes)
        )
        quiet = quiet + 1 if calm else 0
        await asyncio.sleep(1)
    return time.monotonic() - started


async def events(urls: dict[str, str]) -> tuple[int, int, list[tuple[float, float]]]:
    """Events a queue is bound to: how many were published, how many its service's inbox
    lacks, and (created at, lag s) of each delivery."""
    published: dict[uuid.UUID, tuple[str, float]] = {}
    for url in urls.values():
        rows = await fetch(url, "SELECT id, routing_key, created_at FROM outbox")
        published |= {
            row["id"]: (row["routing_key"], row["created_at"].timestamp()) for row in rows
        }
    bound = 0
    lost = 0
    lags = []
    for name, keys in consumed_routing_keys().items():
        inbox = {
            row["event_id"]: row["received_at"].timestamp()
            for row in await fetch(urls[name], "SELECT event_id, received_at FROM inbox")
        }
        for event_id, (key, created) in published.items():
            if "#" not in keys and key not in keys:
                continue
            bound += 1
            if event_id in inbox:
                lags.append((created, inbox[event_id] - created))
            else:
                lost += 1
    return bound, lost, lags


async def case_audit(urls: dict[str, str], label: str, cases: list[Case]) -> dict[str, float]:
    """Case sources and cases lost and doubled, in supervision and enforcement."""
    ids = [uuid.UUID(case.case_source_id) for case in cases]
    filed = [uuid.UUID(case.case_source_id) for case in cases if case.filed]
    sources = await fetch(
        urls["enforcement"], "SELECT id FROM case_sources WHERE id = ANY($1)", ids
    )
    held = await fetch(
        urls["enforcement"],
        "SELECT case_source_id FROM cases WHERE case_source_id = ANY($1)",
        filed,
    )
    heard = await fetch(
        urls["supervision"],
        "SELECT case_source_id FROM case_transfers WHERE case_source_id = ANY($1)"
        " AND case_id IS NOT NULL",
        filed,
    )
    assignments = await fetch(
        urls["supervision"],
        "SELECT count(*) FROM (SELECT h.credit_code FROM household_history h"
        " JOIN households USING (credit_code) WHERE households.name LIKE $1"
        " AND h.kind = 'assignment' GROUP BY h.credit_code HAVING count(*) > 1) AS doubled",
        f"{label}-%",
    )
    return {
        "cases_transferred": float(len(ids)),
        "cases_filed": float(len(filed)),
        "case_sources_lost": float(len(set(ids) - {row["id"] for row in sources})),
        "cases_lost": float(len(set(filed) - {row["case_source_id"] for row in held})),
        "filings_unheard_lost": float(len(set(filed) - {row["case_source_id"] for row in heard})),
        "case_transfers_doubled": await doubled(
            urls["supervision"], "case_transfers", "allegation", f"{label}-%"
        ),
        "case_sources_doubled": await doubled(
            urls["enforcement"], "case_sources", "allegation", f"{label}-%"
        ),
        "assignments_doubled": float(assignments[0][0]),
    }


# --- figures --------------------------------------------------------------------------------


def request_figures(calls: list[Call], start: float, end: float) -> dict[str, float]:
    """Requests started in [start, end): how many, failed, p95 ms."""
    inside = [call for call in calls if start <= call.at < end]
    return {
        "requests": float(len(inside)),
        "failed": float(sum(not call.ok for call in inside)),
        "p95_ms": percentile([call.ms for call in inside], 0.95),
    }


def lag_figures(lags: list[tuple[float, float]], start: float, end: float) -> dict[str, float]:
    """Deliveries of the events created in [start, end): how many, lag p95 and max in s."""
    inside = [lag for created, lag in lags if start <= created < end]
    return {
        "events": float(len(inside)),
        "lag_p95_s": percentile(inside, 0.95),
        "lag_max_s": max(inside, default=math.nan),
    }


def record_figures(
    summary: Summary,
    flow: Flow,
    started: float,
    found: list[Fault],
    lags: list[tuple[float, float]],
) -> None:
    """Requests and event lag before the first fault (the baseline) and in the minute after
    each; the consumers' return."""
    first = found[0].at if found else math.inf
    summary.baseline |= {
        f"{k}_before": v
        for k, v in (
            request_figures(flow.calls, started, first) | lag_figures(lags, started, first)
        ).items()
    }
    for n, fault in enumerate(found, 1):
        end = fault.at + AFTER_FAULT_SECONDS
        window = request_figures(flow.calls, fault.at, end) | lag_figures(lags, fault.at, end)
        summary.figures |= {f"{k}_after_fault{n}": v for k, v in window.items()}
        summary.figures[f"back_s_fault{n}"] = fault.back_s
        summary.figures |= {f"back_s_fault{n}_{k}": v for k, v in fault.back.items()}
    summary.figures["back_s"] = latest(fault.back_s for fault in found)
    summary.figures |= {f"{k}_all": v for k, v in request_figures(flow.calls, 0, math.inf).items()}
    summary.figures |= {f"{k}_all": v for k, v in lag_figures(lags, started, math.inf).items()}
    summary.figures["household_p95_s"] = percentile(flow.household_s, 0.95)
    summary.figures["case_source_p95_s"] = percentile(flow.case_source_s, 0.95)


# --- the run --------------------------------------------------------------------------------


@dataclass
class ClusterResources(Resources):
    """The run's databases and folder, and its own cluster (stopped and removed first)."""

    stack: contextlib.ExitStack[bool | None] = field(default_factory=contextlib.ExitStack)
    booting: asyncio.Future[list[RabbitNode]] | None = None

    async def cluster(self) -> list[RabbitNode]:
        """Boot the three nodes and join them (in a thread: it takes a while)."""

        def boot() -> list[RabbitNode]:
            return self.stack.enter_context(rabbit_nodes(NODES, clustered=True))

        self.booting = asyncio.ensure_future(asyncio.to_thread(boot))
        return await asyncio.shield(self.booting)

    async def remove(self) -> list[str]:
        """The cluster (once booted, should it still be booting), then what `Resources`
        removes."""
        left = []
        try:
            if self.booting is not None:
                with contextlib.suppress(Exception):
                    await self.booting
            await asyncio.to_thread(self.stack.close)
        except Exception as error:
            left.append(f"the cluster: {error!r}")
        return left + await super().remove()


@dataclass
class Run:
    """What the description needs besides the figures."""

    faults: list[Fault] = field(default_factory=list)
    connections: Connections = field(default_factory=Connections)
    # `host:port` of each node, in the order BUS_URL lists them.
    nodes: list[str] = field(default_factory=list)


async def flow_through_faults(
    options: Options,
    cluster: list[RabbitNode],
    urls: dict[str, str],
    *,
    platform: Platform,
    flow: Flow,
    run: Run,
) -> float:
    """The flow from start to end, the faults in its course; when it started (epoch s)."""
    queues = {process.name: Topology(flow.prefix).queue(process.name) for process in PROCESSES}
    async with contextlib.AsyncExitStack() as stack:
        inboxes = {name: await asyncpg.connect(dsn(url)) for name, url in urls.items()}
        for inbox in inboxes.values():
            stack.push_async_callback(inbox.close)
        watch = Watch(platform, inboxes, queues, flow.client, run.connections)
        stop = asyncio.Event()
        started = time.time()
        grid = inspectors_grid(flow.grids)
        flowing = [
            asyncio.create_task(steady(options.licence_every, stop, flow.register)),
            asyncio.create_task(steady(options.complaint_every, stop, flow.complain)),
            asyncio.create_task(steady(options.case_every, stop, lambda: flow.case(grid))),
        ]
        try:
            run.faults = await faults(options, cluster, flow.prefix, watch)
        finally:
            stop.set()
            await asyncio.gather(*flowing)
        run.connections.update(platform)
    return started


async def check(
    urls: dict[str, str], survivor: RabbitNode, flow: Flow, settle: float, summary: Summary
) -> list[tuple[float, float]]:
    """Once settled, what the databases and the broker hold against what the flow was
    answered, into `summary`; (created at, lag s) of each delivered event."""
    topology = Topology(flow.prefix)
    queues = [topology.queue(process.name) for process in PROCESSES]
    dead_letters = [topology.dead_letter_queue(process.name) for process in PROCESSES]
    summary.figures["settle_s"] = await settled(urls, survivor, queues, flow.licences, settle)
    found = await audit(urls, flow.label, flow.licences, flow.tickets, 0)
    found |= await case_audit(urls, flow.label, flow.cases)
    unassigned = await fetch(
        urls["supervision"],
        "SELECT count(*) FROM households WHERE credit_code = ANY($1)"
        " AND (grid_id IS NULL OR owner IS NULL)",
        flow.licences,
    )
    found["households_unassigned"] = float(unassigned[0][0])
    bound, events_lost, lags = await events(urls)
    found |= {"events_bound": float(bound), "events_lost": float(events_lost)}
    stuck = {
        "outbox_unsent": float(await unsent(urls)),
        "queued_at_end": await waiting(survivor, queues),
        "dead_letters": await waiting(survivor, dead_letters),
    }
    summary.figures |= found | stuck
    summary.figures["lost"] = sum(v for k, v in found.items() if k.endswith("_lost"))
    summary.figures["doubled"] = sum(v for k, v in found.items() if k.endswith("_doubled"))
    summary.figures["stuck"] = sum(stuck.values())
    return lags


async def measure(
    options: Options, resources: ClusterResources, run_id: str, summary: Summary, run: Run
) -> None:
    """Boot the cluster, start the platform on it, run the flow through the faults, check."""
    folder = resources.temp_dir = Path(tempfile.mkdtemp(prefix="bench-cluster-kill-"))
    cluster = await resources.cluster()
    run.nodes = [address(node.url) for node in cluster]
    base = base_environment(folder, resources.prefix, BUS_URL=broker_urls(cluster))
    urls = await run_databases(base, resources)
    own_bus = await bus_urls(base, folder, node=cluster[0].node)
    platform = Platform()
    try:
        await start_platform(base, own_bus, urls, folder, platform)
        gateway = f"http://127.0.0.1:{port_of(GATEWAY, base)}"
        async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
            headers, key = await signed_in(client)
            flow = Flow(client, resources.prefix, f"集群{run_id}", headers, key)
            started = await flow_through_faults(
                options, cluster, urls, platform=platform, flow=flow, run=run
            )
        lags = await check(urls, cluster[2], flow, options.settle, summary)
    finally:
        await platform.stop(summary)
    record_figures(summary, flow, started, run.faults, lags)
    summary.lines += [f"!! the flow: {n}× {what}" for what, n in flow.failures.most_common(5)]
    summary.lines += platform.exited_early()


def describe(options: Options, run: Run, summary: Summary) -> list[str]:
    """The human-readable lines: each fault's figures beside the baseline before the first."""
    f, b = summary.figures, summary.baseline
    lines = [
        f"cluster drill on {os.cpu_count()} cores: the gateway and {len(SERVICES)} services"
        f" (one process each), PostgreSQL, {NODES} RabbitMQ nodes of the run's own in one"
        " cluster (every BUS_URL lists them) and the flow on the same machine; a licence"
        f" every {options.licence_every:g} s, a complaint every {options.complaint_every:g} s,"
        f" a case every {options.case_every:g} s",
        "",
        "                                  consumers back          requests  failed  p95 ms"
        "   events  lag p95 s  lag max s",
        f"{'before the first fault (baseline)':33} {'':22} {b['requests_before']:9.0f}"
        f" {b['failed_before']:7.0f} {b['p95_ms_before']:7.0f} {b['events_before']:8.0f}"
        f" {b['lag_p95_s_before']:10.2f} {b['lag_max_s_before']:10.2f}",
    ]
    for n, fault in enumerate(run.faults, 1):
        back = f"{fault.back_s:5.1f} s ({fault.slowest()})"
        lines.append(
            f"{fault.what:33} {back:22} {f[f'requests_after_fault{n}']:9.0f}"
            f" {f[f'failed_after_fault{n}']:7.0f} {f[f'p95_ms_after_fault{n}']:7.0f}"
            f" {f[f'events_after_fault{n}']:8.0f} {f[f'lag_p95_s_after_fault{n}']:10.2f}"
            f" {f[f'lag_max_s_after_fault{n}']:10.2f}"
        )
    nodes = {node: f"cluster[{index}]" for index, node in enumerate(run.nodes)}
    lines += [
        "(after a fault: what started in the next"
        f" {AFTER_FAULT_SECONDS:g} s; consumers back: the slowest process named)",
        "each process connected to: "
        + ", ".join(
            f"{name} {' → '.join(nodes.get(broker, broker) for broker in brokers)}"
            for name, brokers in run.connections.brokers.items()
        ),
        "",
        f"the whole run: {f['requests_all']:.0f} requests, {f['failed_all']:.0f} failed,"
        f" p95 {f['p95_ms_all']:.0f} ms; {f['events_all']:.0f} events delivered, lag p95"
        f" {f['lag_p95_s_all']:.2f} s, max {f['lag_max_s_all']:.2f} s; approval →"
        f" household in the inspector's list p95 {f['household_p95_s']:.2f} s, transfer → case"
        f" source at the section p95 {f['case_source_p95_s']:.2f} s; settled"
        f" {f['settle_s']:.0f} s after the flow",
        f"licences issued {f['licences_issued']:.0f}: lost in licensing"
        f" {f['licences_lost']:.0f}, households missing {f['households_lost']:.0f}, not assigned"
        f" {f['households_unassigned']:.0f}; complaints accepted {f['complaints_accepted']:.0f}:"
        f" lost {f['complaints_lost']:.0f}; cases transferred {f['cases_transferred']:.0f}:"
        f" lost at enforcement {f['case_sources_lost']:.0f}, filed {f['cases_filed']:.0f}, lost"
        f" {f['cases_lost']:.0f}, unheard in supervision {f['filings_unheard_lost']:.0f}",
        f"events a queue is bound to {f['events_bound']:.0f}: not in the service's inbox"
        f" {f['events_lost']:.0f}; outbox rows unsent {f['outbox_unsent']:.0f}, left in queues"
        f" {f['queued_at_end']:.0f}, dead letters {f['dead_letters']:.0f}",
        "doubled: "
        + ", ".join(
            f"{k.removesuffix('_doubled')} {v:.0f}" for k, v in f.items() if k.endswith("_doubled")
        ),
        f"target: 0 lost, 0 stuck, 0 doubled, every household assigned, consumers back within"
        f" {BACK_SECONDS_MAX:g} s of each fault: {'met' if summary.met() else 'NOT met'}",
    ]
    return lines


async def main_async(options: Options) -> tuple[Summary, Run]:
    """Measure, always clean up, and say what could not be cleaned."""
    run_id = uuid.uuid4().hex[:8]
    resources = ClusterResources(f"cluster-{run_id}")  # bus prefix bench-cluster-<run id>
    summary, run = Summary(), Run()
    await cleaning_up(measure(options, resources, run_id, summary, run), resources, summary)
    return summary, run


def main(argv: list[str] | None = None) -> None:
    """Print the figures beside the baseline; the last line is the JSON summary; exit 1 unless
    every target is met."""
    doc = __doc__ or ""
    parser = argparse.ArgumentParser(
        prog="python -m bench.cluster_kill", description=" ".join(doc.split("\n\n")[0].split())
    )
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds before the first fault")
    parser.add_argument(
        "--between", type=float, default=30.0, help="seconds between the faults, all nodes up"
    )
    parser.add_argument("--after", type=float, default=60.0, help="seconds of flow after them")
    parser.add_argument(
        "--settle", type=float, default=120.0, help="how long to wait for the last events"
    )
    parser.add_argument("--licence-every", type=float, default=1.0, help="seconds")
    parser.add_argument("--complaint-every", type=float, default=1.0, help="seconds")
    parser.add_argument("--case-every", type=float, default=5.0, help="seconds")
    args = parser.parse_args(argv)
    options = Options(
        args.warmup,
        args.between,
        args.after,
        args.settle,
        args.licence_every,
        args.complaint_every,
        args.case_every,
    )
    summary, run = asyncio.run(main_async(options))
    summary.print_report(describe(options, run, summary))
    sys.exit(0 if summary.met() else 1)


if __name__ == "__main__":
    main()
