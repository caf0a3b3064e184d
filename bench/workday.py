"""The working-day load test: the bureau's day through the gateway, as Locust users.

Run it against a running platform (`make run REPLICAS=2`, its rate limits raised: see
docs/performance.md) from the project's root:

    .venv/bin/locust -f bench/workday.py --headless --host http://127.0.0.1:8000

Who works (weights in brackets), each demo person signed in once (password `demo-<username>`):
- the window clerk [4]: registers an individual business (application → accept → approve,
  the application sent with an Idempotency-Key and sent again with it when an answer is
  lost; a step sent again only after reading the application shows it not yet done) and
  looks licences up;
- the citizen [3]: files a complaint or a report through Open311 (the public's route, with
  the run's API key: OPEN311_API_KEY, else one the demo admin issues at the start), each with
  words of its own, and looks their request up; never sent twice (Open311 takes no
  Idempotency-Key, so a lost answer is a failure, not a retry);
- the grid inspector [2]: reads their households; the enforcement officer [1]: reads cases.
The day's shape (bench/workday_shape.py; WORKDAY_MINUTES long, 4 by default): opening, the
window's morning peak, lunch, a complaint surge after a news story, afternoon, closing.

Pass or fail at the end (exit code 1 on fail): p95 of every request but the sign-ins (slow
by design, once a day) ≤ WORKDAY_P95_MS (500) and their failed share <
WORKDAY_MAX_FAILURE_RATIO (0.01). With WORKDAY_RECORD=FILE every request
and every licence and complaint the platform accepted is written there as JSON lines (what
`python -m bench.replica_kill` checks the databases against); WORKDAY_RUN names the run's
businesses and complaints (random by default).
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
import uuid
from itertools import count
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

import pyotp
import requests
from locust import LoadTestShape, events, task
from locust.contrib.fasthttp import FastHttpUser, FastResponse
from locust.env import Environment
from locust.stats import StatsEntry

from bench import workday_shape
from bench.workday_shape import CITIZEN, CLERK, INSPECTOR, OFFICER

log = logging.getLogger("workday")

DISTRICT = json.loads(
    (Path(__file__).resolve().parent.parent / "deploy/demo/district.json").read_text("utf-8")
)
RUN = os.environ.get("WORKDAY_RUN") or uuid.uuid4().hex[:6]
P95_MS_MAX = float(os.environ.get("WORKDAY_P95_MS", "500"))
FAILURE_RATIO_MAX = float(os.environ.get("WORKDAY_MAX_FAILURE_RATIO", "0.01"))
# An answer lost on the way (no connection, a replica gone, the gateway unable to reach one):
# the caller cannot tell whether it was acted on.
LOST = frozenset({0, 502, 503, 504})
ATTEMPTS = 4
RETRY_SECONDS = 0.5
# Access tokens last 15 minutes: a user signs in again before theirs runs out.
SIGN_IN_AGAIN_SECONDS = 600.0
FORM = "application/x-www-form-urlencoded"
# Sign-ins are judged apart: a password's hash is slow by design (a quarter of a second of
# CPU), and each person signs in once a day, not once a request.
SIGN_IN = "/auth/token"


def demo_people(role: str) -> list[str]:
    """The demo district's people of `role`."""
    return [p["username"] for p in DISTRICT["people"] if role in p["roles"]]


class Record:
    """The WORKDAY_RECORD file (nothing without it): one JSON line per fact."""

    def __init__(self, path: str | None) -> None:
        self._file = None if not path else open(path, "a", encoding="utf-8")  # noqa: SIM115
        self._lock = threading.Lock()

    def write(self, kind: str, **fields: Any) -> None:
        """Add a line `{"kind", "t" (epoch seconds), ...fields}`."""
        if self._file is None:
            return
        line = json.dumps({"kind": kind, "t": time.time(), **fields}, ensure_ascii=False)
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()


RECORD = Record(os.environ.get("WORKDAY_RECORD"))
SEQUENCE = count(1)
# The Open311 key the citizens file with, set at the test's start.
OPEN311: dict[str, str] = {}


def grid_point(rng: random.Random) -> tuple[dict[str, Any], float, float]:
    """A demo grid and a point well inside it (the demo grids are rectangles)."""
    grid = rng.choice(DISTRICT["grids"])
    ring = grid["polygon"]["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    lon = rng.uniform(min(lons), max(lons))
    lat = rng.uniform(min(lats), max(lats))
    # Away from the border, where a point may belong to the neighbour.
    middle = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    return grid, round((lon + middle[0]) / 2, 6), round((lat + middle[1]) / 2, 6)


def application(name: str, rng: random.Random) -> dict[str, Any]:
    """A complete establishment of an individual business at a point of a demo grid."""
    grid, lon, lat = grid_point(rng)
    return {
        "kind": "establishment",
        "entity_type": "individual_business",
        "name": name,
        "operator": {"name": "王某", "id_number": "11010519491231002X"},
        "address": {
            "text": f"示范区工作日路 {rng.randint(1, 999)} 号",
            "community_code": grid["community_codes"][0],
            "lon": lon,
            "lat": lat,
        },
        "business_scope": ["retail_general"],
        "materials": ["application_form", "operator_id", "premises_proof"],
    }


def elapsed(environment: Environment) -> float:
    """Seconds into the day (the shape's clock; 0 without a shape)."""
    shape = environment.shape_class
    return time.perf_counter() - float(shape.start_time) if shape is not None else 0.0


class Worker(FastHttpUser):
    """Someone at work: signed in as a demo person of `role`, as busy as the day makes them."""

    abstract = True
    kind = ""
    role = ""
    # Seconds between two tasks in an ordinary hour, on average.
    think_seconds = 3.0
    people: ClassVar[list[str]] = []
    _turn = count()

    def wait_time(self) -> float:
        """Random (exponential) pauses, shorter when the day makes this kind busier."""
        stage = (
            workday_shape.stage_at(elapsed(self.environment), workday_shape.day_seconds())
            or workday_shape.DAY[-1]
        )
        return random.expovariate(stage.pace_of(self.kind) / self.think_seconds)

    def on_start(self) -> None:
        """Sign in as the next demo person of the role."""
        self.rng = random.Random()
        self.username = self.people[next(self._turn) % len(self.people)] if self.people else ""
        self.signed_in_at = -SIGN_IN_AGAIN_SECONDS
        self.headers: dict[str, str] = {}

    def signed_in(self) -> dict[str, str]:
        """The Authorization header, signing in first when the token is (nearly) out."""
        if time.monotonic() - self.signed_in_at >= SIGN_IN_AGAIN_SECONDS:
            form = {
                "grant_type": "password",
                "username": self.username,
                "password": f"demo-{self.username}",
            }
            answer = self.client.post(
                "/auth/token",
                data=urlencode(form),
                headers={"Content-Type": FORM},
                name=SIGN_IN,
            )
            if answer.status_code == 200:
                self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
                self.signed_in_at = time.monotonic()
        return self.headers

    def get(self, path: str, name: str) -> FastResponse:
        """A signed-in GET."""
        return self.client.get(path, headers=self.signed_in(), name=name)


class WindowClerk(Worker):
    """The licensing window: registers individual businesses, looks licences up."""

    weight = 4
    kind = CLERK
    people = demo_people("licensing_clerk")
    think_seconds = 3.0

    def on_start(self) -> None:
        """Sign in; no licences issued yet."""
        super().on_start()
        self.issued: list[str] = []

    def _post(self, path: str, name: str, body: Any = None, key: str | None = None) -> FastResponse:
        headers = self.signed_in() | ({"Idempotency-Key": key} if key else {})
        return self.client.post(path, json=body, headers=headers, name=name)

    def _submit(self, name: str) -> dict[str, Any] | None:
        """POST /applications, sent again with the same key while the answer is lost."""
        body, key = application(name, self.rng), f"workday-{uuid.uuid4()}"
        for attempt in range(1, ATTEMPTS + 1):
            answer = self._post("/api/licensing/applications", "submit", body, key)
            if answer.status_code == 201:
                created: dict[str, Any] = answer.json()
                RECORD.write("submitted", name=name, key=key, application=created["id"])
                return created
            # 409: the first request with this key is still being answered.
            if answer.status_code not in LOST | {409} or attempt == ATTEMPTS:
                return None
            time.sleep(RETRY_SECONDS * attempt)
        return None

    def _step(self, application_id: str, step: str, done: set[str]) -> dict[str, Any] | None:
        """POST a step; when its answer is lost, read the application before sending it again."""
        path = f"/api/licensing/applications/{application_id}"
        for attempt in range(1, ATTEMPTS + 1):
            answer = self._post(f"{path}/{step}", step)
            if answer.status_code == 200:
                result: dict[str, Any] = answer.json()
                return result
            if answer.status_code not in LOST or attempt == ATTEMPTS:
                return None
            time.sleep(RETRY_SECONDS * attempt)
            current = self.get(path, "/api/licensing/applications/[id]")
            if current.status_code == 200 and current.json()["status"] in done:
                found: dict[str, Any] = current.json()
                return found
        return None

    @task(3)
    def register_a_business(self) -> None:
        """One individual business from application to licence."""
        name = f"工作日{RUN}-{next(SEQUENCE)}号店"
        created = self._submit(name)
        if created is None:
            return
        accepted = self._step(created["id"], "accept", {"accepted", "issued"})
        if accepted is None:
            return
        approved = self._step(created["id"], "approve", {"issued"})
        if approved is None or approved.get("status") != "issued":
            return
        code = approved["credit_code"]
        RECORD.write("licence", name=name, application=created["id"], credit_code=code)
        self.issued.append(code)

    @task(2)
    def look_up_a_licence(self) -> None:
        """A licence the clerk issued, or the newest in the register."""
        if self.issued:
            code = self.rng.choice(self.issued)
            self.get(f"/api/licensing/licences/{code}", "/api/licensing/licences/[code]")
        else:
            self.get("/api/licensing/licences?limit=20", "/api/licensing/licences")


class Citizen(Worker):
    """A member of the public with a complaint or a report, through Open311."""

    weight = 3
    kind = CITIZEN
    think_seconds = 4.0

    def on_start(self) -> None:
        """No sign-in: Open311 with the run's API key."""
        super().on_start()
        self.filed: list[str] = []

    @task(3)
    def file_a_complaint(self) -> None:
        """A complaint or a report at a point of the district, in words of its own."""
        _, lon, lat = grid_point(self.rng)
        description = f"【工作日{RUN}-{next(SEQUENCE)}】看到新闻后反映：这家店的熟食过期还在卖。"
        # A complaint is made in one's name, for mediation; a report may be anonymous.
        named = {
            "last_name": "张",
            "first_name": "先生",
            "phone": f"139{self.rng.randrange(10**8):08d}",
        }
        kind = self.rng.choice(("complaint", "report"))
        form = (named if kind == "complaint" else {}) | {
            "api_key": OPEN311.get("api_key", ""),
            "service_code": kind,
            "description": description,
            "lat": str(lat),
            "long": str(lon),
        }
        answer = self.client.post(
            "/open311/v2/requests.json",
            data=urlencode(form),
            headers={"Content-Type": FORM},
            name="/open311/v2/requests.json",
        )
        if answer.status_code == 201:
            ids = [row["service_request_id"] for row in answer.json()]
            RECORD.write("complaint", description=description, tickets=ids)
            self.filed += ids

    @task(1)
    def follow_up(self) -> None:
        """Where one's request stands (the public list, no key needed)."""
        if self.filed:
            ticket = self.rng.choice(self.filed)
            self.client.get(
                f"/open311/v2/requests/{ticket}.json", name="/open311/v2/requests/[id].json"
            )


class GridInspector(Worker):
    """A grid inspector reading the households in their grids."""

    weight = 2
    kind = INSPECTOR
    people = demo_people("grid_inspector")

    @task
    def read_households(self) -> None:
        """The first page of one's households."""
        self.get("/api/supervision/households?limit=50", "/api/supervision/households")


class EnforcementOfficer(Worker):
    """An enforcement officer reading their section's cases."""

    weight = 1
    kind = OFFICER
    people = demo_people("enforcement_officer")
    think_seconds = 4.0

    @task
    def read_cases(self) -> None:
        """The newest cases of one's section."""
        self.get("/api/enforcement/cases?limit=20", "/api/enforcement/cases")


class WorkingDay(LoadTestShape):
    """The bureau's day, WORKDAY_MINUTES long (bench/workday_shape.py)."""

    def tick(self) -> tuple[int, float] | None:
        """People at work now, or None when the day is over."""
        elapsed = time.perf_counter() - float(self.start_time)
        return workday_shape.tick(elapsed, workday_shape.day_seconds())


def open311_key(host: str) -> str:
    """OPEN311_API_KEY, else a key the demo admin issues (password and authenticator of the
    demo district)."""
    given = os.environ.get("OPEN311_API_KEY")
    if given:
        return given
    form = {
        "grant_type": "password",
        "username": "admin",
        "password": "demo-admin",
        "totp": pyotp.TOTP(DISTRICT["second_factor_secret"]).now(),
    }
    signed_in = requests.post(f"{host}/auth/token", data=form, timeout=30)
    signed_in.raise_for_status()
    headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    issued = requests.post(
        f"{host}/api/admin/open311-keys",
        json={"name": f"workday-{RUN}"},
        headers=headers,
        timeout=30,
    )
    issued.raise_for_status()
    return str(issued.json()["api_key"])


def _start(environment: Environment, **_: Any) -> None:
    OPEN311["api_key"] = open311_key(str(environment.host))
    RECORD.write("start", day_seconds=workday_shape.day_seconds())


def _request(
    request_type: str,
    name: str,
    response_time: float,
    exception: BaseException | None,
    start_time: float | None = None,
    **_: Any,
) -> None:
    RECORD.write(
        "request",
        at=start_time,
        method=request_type,
        name=name,
        ms=round(response_time, 2),
        ok=exception is None,
        error=None if exception is None else str(exception)[:200],
    )


def verdict(p95_ms: float, failure_ratio: float) -> tuple[bool, str]:
    """Whether the run passed, and the line that says so."""
    passed = p95_ms <= P95_MS_MAX and failure_ratio < FAILURE_RATIO_MAX
    return passed, (
        f"working day {'PASSED' if passed else 'FAILED'}: p95 {p95_ms:.0f} ms (≤ {P95_MS_MAX:g}),"
        f" failed {100 * failure_ratio:.2f}% (< {100 * FAILURE_RATIO_MAX:g}%)"
    )


def _quitting(environment: Environment, **_: Any) -> None:
    work = StatsEntry(environment.stats, "work", "")
    for entry in environment.stats.entries.values():
        if entry.name != SIGN_IN:
            work.extend(entry)
    passed, line = verdict(float(work.get_response_time_percentile(0.95)), work.fail_ratio)
    log.info(line)
    # Set either way: Locust's own rule (exit 1 on any failed request) is not the bureau's.
    environment.process_exit_code = 0 if passed else 1


events.test_start.add_listener(_start)
events.request.add_listener(_request)
events.quitting.add_listener(_quitting)
