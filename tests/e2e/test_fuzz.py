"""schemathesis against the gateway's merged OpenAPI, on a platform with data in it, on
PostgreSQL and on the embedded default (SQLite), where date-times and token refreshes once broke.

Every service runs behind the gateway with the demo district seeded (people, offices, grids,
licences and their households), and the run adds applications in several states, a partner
request, a delegation, an inspection, an unlicensed finding, a filed case, a procedure in force
with a work instruction under it, a nonconformity with a corrective action and an internal
audit. The fuzzer's path parameters are drawn, nine times in ten, from the ids that exist, so
every operation meets real objects past its 404; the checks: no 5xx, no response outside its
schema.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from chassis.legalclock.deadlines import shanghai_today
from tests.conftest import wait_until
from tests.e2e.conftest import Databases
from tests.e2e.test_household_flow import shop
from tests.e2e.test_licensing_flow import signed_in
from tests.gateway.conftest import running_platform
from tests.gateway.signin import demo_sign_in
from tests.tokens import mint_token

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
# Left out: logout would revoke the run's own token; the event stream never ends.
EXCLUDED_PATHS = ("/auth/logout", "/api/notifications/stream")
# How often a path parameter is an existing id rather than whatever the fuzzer makes up.
EXISTING_ID_PROBABILITY = 0.9
PEOPLE = ("clerk01", "inspector02", "head02", "officer11", "handler01", "quality01")


class Seeder:
    """Puts the objects every operation should meet on the platform, through the gateway."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.people: dict[str, dict[str, str]] = {}
        self.ids: dict[str, set[str]] = {}

    def keep(self, name: str, *values: Any) -> None:
        self.ids.setdefault(name, set()).update(str(value) for value in values)

    async def call(self, who: str, method: str, path: str, body: Any = None) -> Any:
        answer = await self.client.request(method, path, json=body, headers=self.people[who])
        assert answer.status_code < 300, f"{method} {path}: {answer.text}"
        return answer.json()

    async def sign_in(self) -> None:
        for username in PEOPLE:
            self.people[username] = await signed_in(self.client, **demo_sign_in(username))
        self.people["health"] = await signed_in(
            self.client,
            grant_type="client_credentials",
            client_id="health",
            client_secret="demo-health",
        )

    async def licensing(self) -> str:
        """Applications submitted, accepted and issued, a food one waiting on its partner."""
        path = "/api/licensing/applications"
        for number, state in enumerate(("submitted", "accepted", "issued")):
            created = await self.call("clerk01", "POST", path, shop(f"示范区西华路样例店{number}"))
            self.keep("application_id", created["id"])
            if state in ("accepted", "issued"):
                await self.call("clerk01", "POST", f"{path}/{created['id']}/accept")
            if state == "issued":
                issued = await self.call("clerk01", "POST", f"{path}/{created['id']}/approve")
                code = issued["credit_code"]
        food = shop("示范区西华路样例面馆") | {"business_scope": ["catering"]}
        created = await self.call("clerk01", "POST", path, food)
        self.keep("application_id", created["id"])
        await self.call("clerk01", "POST", f"{path}/{created['id']}/accept")
        await self.call("clerk01", "POST", f"{path}/{created['id']}/approve")
        requests = await self.call("health", "GET", "/api/licensing/partner/requests")
        self.keep("request_id", *(request["id"] for request in requests["requests"]))
        return str(code)

    async def supervision(self, code: str) -> str:
        """The new household reached, inspected, a finding, a delegation, a case source."""
        household = f"/api/supervision/households/{code}"

        async def assigned() -> bool:
            answer = await self.client.get(household, headers=self.people["inspector02"])
            return answer.status_code == 200

        await wait_until(assigned, within=15)
        grids = await self.call("inspector02", "GET", "/api/supervision/grids")
        self.keep("grid_id", *(grid["id"] for grid in grids["grids"]))
        households = await self.call("inspector02", "GET", "/api/supervision/households")
        self.keep("credit_code", *(h["credit_code"] for h in households["households"]))
        now = datetime.now(UTC)
        inspection = {
            "started_at": (now - timedelta(hours=1)).isoformat(),
            "ended_at": now.isoformat(),
            "households": [code],
            "findings": "证照齐全，经营正常",
        }
        recorded = await self.call(
            "inspector02", "POST", "/api/supervision/inspections", inspection
        )
        self.keep("inspection_id", recorded["id"])
        grid = grids["grids"][0]
        finding = {
            "address": {
                "text": "示范区西华路流动摊点",
                "community_code": grid["community_codes"][0],
            },
            "description": "无照烧烤摊",
        }
        found = await self.call(
            "inspector02", "POST", "/api/supervision/unlicensed-findings", finding
        )
        self.keep("finding_id", found["finding_id"])
        today = shanghai_today().isoformat()
        delegation = {
            "officer": "inspector02",
            "agent": "standby02",
            "start": today,
            "end": today,
        }
        await self.call("head02", "POST", "/api/supervision/delegations", delegation)
        transfer = {"credit_code": code, "allegation": "超范围经营：无许可销售熟食"}
        sent = await self.call("inspector02", "POST", "/api/supervision/case-transfers", transfer)
        return str(sent["case_source_id"])

    async def enforcement(self, case_source_id: str) -> None:
        """The case source filed as a case, its notice delivered; a second one left open."""
        source = f"/api/enforcement/case-sources/{case_source_id}"

        async def arrived() -> bool:
            answer = await self.client.get(source, headers=self.people["officer11"])
            return answer.status_code == 200

        await wait_until(arrived, within=15)
        handlers = {"handlers": ["officer11", "officer12"]}
        case = await self.call("officer11", "POST", f"{source}/file", handlers)
        self.keep("case_id", case["case_id"])
        notice = {
            "delivered_to": "李某",
            "delivered_at": datetime.now(UTC).isoformat(),
            "method": "in_person",
        }
        await self.call(
            "officer11", "POST", f"/api/enforcement/cases/{case['case_id']}/notice", notice
        )
        by_hand = {
            "source_department": "market",
            "credit_code": next(iter(self.ids["credit_code"])),
            "allegation": "价格欺诈：明码标价不符",
        }
        received = await self.call("officer11", "POST", "/api/enforcement/case-sources", by_hand)
        self.keep("case_source_id", case_source_id, received["id"])

    async def complaints(self, code: str) -> None:
        """A complaint that is also a report about the licensed shop, one accepted; a station."""
        submission = {
            "channel": "phone",
            "kinds": ["complaint", "report"],
            "submitter": {"name": "王芳", "phone": "13800138000"},
            "description": "销售过期食品",
            "business": {"credit_code": code},
        }
        received = await self.call("handler01", "POST", "/api/complaints/submissions", submission)
        ids = [ticket["id"] for ticket in received["tickets"]]
        self.keep("ticket_id", *ids)
        self.keep("service_request_id", *ids)
        await self.call("handler01", "POST", f"/api/complaints/tickets/{ids[0]}/accept")
        station = {
            "name": "西华路农贸市场投诉站",
            "kind": "market",
            "office": "office-02",
            "community_codes": ["510106001003"],
        }
        await self.call("handler01", "POST", "/api/complaints/stations", station)
        self.keep("code", "complaint", "report")
        self.keep("fmt", "json", "xml")

    async def documents(self) -> None:
        """A procedure in force and a work instruction under it with a second version, written
        by the quality office's quality01; the procedure approved by another member of it."""
        path = "/api/qms/documents"
        procedure = {
            "kind": "procedure",
            "code": "QP-07",
            "title": "12315 投诉处理程序",
            "process": "complaints-12315",
            "text": "受理、调解、答复、回访。",
        }
        written = await self.call("quality01", "POST", path, procedure)
        await self.call("quality02", "POST", f"{path}/{written['id']}/versions/1/approve")
        instruction = procedure | {
            "kind": "work_instruction",
            "code": "WI-07-01",
            "title": "电话受理作业指导书",
            "procedure_id": written["id"],
        }
        under = await self.call("quality01", "POST", path, instruction)
        change = {"text": "接听电话时先告知工号。", "change_note": "加工号"}
        await self.call("quality01", "POST", f"{path}/{under['id']}/versions", change)
        self.keep("id", written["id"], under["id"])

    async def nonconformities(self, code: str) -> None:
        """A nonconformity about the licensed shop with a corrective action, and an audit."""
        raised = await self.call(
            "quality01",
            "POST",
            "/api/qms/nonconformities",
            {"subject": code, "description": "亮照经营不规范", "office": "office-02"},
        )
        due = (shanghai_today() + timedelta(days=30)).isoformat()
        action = {"description": "全所培训", "owner": "head02", "due": due}
        path = f"/api/qms/nonconformities/{raised['id']}/actions"
        await self.call("quality01", "POST", path, action)
        self.keep("nonconformity_id", raised["id"])
        self.keep("number", 1)
        audit = {
            "title": "二所网格监管内审",
            "process": "supervision",
            "office": "office-02",
            "planned_on": due,
            "auditors": ["auditor01"],
            "checklist": [{"question": "是否每日跟踪户口认领时限？", "reference": "QP-07"}],
        }
        planned = await self.call("quality01", "POST", "/api/qms/audits", audit)
        self.keep("audit_id", planned["id"])

    async def administration(self) -> None:
        """An allowed webhook host; the people and roles the identity routes name."""
        await self.call("admin", "PUT", "/api/licensing/admin/webhook-hosts/health/health.example")
        self.keep("agency", "health")
        self.keep("host", "health.example")
        self.keep("username", *PEOPLE)
        self.keep("role", "grid_inspector", "licensing_clerk", "enforcement_officer")


def config(ids: dict[str, set[str]]) -> str:
    """schemathesis.toml: one dictionary of existing values per path parameter name."""
    lines = []
    for name, values in sorted(ids.items()):
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(sorted(values))}", ""]
    lines.append("[parameters]")
    for name in sorted(ids):
        binding = f'dictionary = "{name}", probability = {EXISTING_ID_PROBABILITY}'
        lines.append(f'"path.{name}" = {{ {binding} }}')
    return "\n".join(lines) + "\n"


async def complete_openapi(client: httpx.AsyncClient) -> dict[str, Any]:
    """The gateway's merged OpenAPI once every service is in it."""
    latest: list[dict[str, Any]] = []

    async def complete() -> bool:
        latest[:] = [(await client.get("/openapi.json")).json()]
        missing: list[str] = latest[0]["info"]["x-missing-services"]
        return not missing

    await wait_until(complete, within=60, interval=2)
    return latest[0]


def unmet_operations(openapi: dict[str, Any], har: dict[str, Any]) -> list[str]:
    """The operations with path parameters that never answered anything but 404 in the run."""
    met: set[tuple[str, str]] = set()
    templates = {
        (method.upper(), template): re.compile(
            "^" + re.sub(r"\\{[^/]+\\}", "[^/]+", re.escape(template)) + "$"
        )
        for template, operations in openapi["paths"].items()
        if "{" in template and template not in EXCLUDED_PATHS
        for method in operations
    }
    for entry in har["log"]["entries"]:
        if entry["response"]["status"] == 404:
            continue
        path = httpx.URL(entry["request"]["url"]).path
        for (method, template), pattern in templates.items():
            if method == entry["request"]["method"] and pattern.match(path):
                met.add((method, template))
    return sorted(f"{method} {template}" for method, template in set(templates) - met)


# The fuzzer's own run takes minutes; the suite's 120 s limit is for ordinary tests.
@pytest.mark.timeout(900)
async def test_no_server_errors_and_no_schema_violations_on_a_platform_with_data(
    databases: Databases, bus_prefix: str, tmp_path: Path
) -> None:
    async with (
        running_platform(
            databases.create,
            f"{bus_prefix}-fuzz-{databases.kind}",
            tmp_path / "keys",
            services={
                "licensing": {"seed_demo": True, "relay_poll_seconds": 0.2},
                "supervision": {"seed_demo": True, "relay_poll_seconds": 0.2},
                "enforcement": {"relay_poll_seconds": 0.2},
                "complaints": {"relay_poll_seconds": 0.2},
            },
            seed_demo=True,
            login_rate_limit="100000/minute",
            api_rate_limit="100000/minute",
        ) as platform,
        httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client,
    ):
        key = platform.gateway.state.identity.keys.active
        # A clerk, a 12315 handler and a member of the quality office as well as the admin, so
        # that licensing, complaints and qms are exercised past their role checks.
        token = mint_token(
            subject="admin",
            roles=["admin", "licensing_clerk", "complaints_handler", "qms_manager"],
            office="office-02",
            key=key.private_key,
            key_id=key.kid,
        )
        # The quality office's second member, who approves what quality01 writes.
        reviewer = mint_token(
            subject="quality02",
            roles=["qms_manager"],
            office="quality",
            key=key.private_key,
            key_id=key.kid,
        )
        seeder = Seeder(client)
        await seeder.sign_in()
        seeder.people["admin"] = {"Authorization": f"Bearer {token}"}
        seeder.people["quality02"] = {"Authorization": f"Bearer {reviewer}"}
        code = await seeder.licensing()
        await seeder.enforcement(await seeder.supervision(code))
        await seeder.complaints(code)
        await seeder.documents()
        await seeder.nonconformities(code)
        await seeder.administration()
        (tmp_path / "schemathesis.toml").write_text(config(seeder.ids), encoding="utf-8")
        # The fuzzer gets the very document the coverage check reads, once it lacks no service:
        # on a loaded machine a service can miss the gateway's 3 s to give its own, and the
        # gateway then leaves it out of the merge (for 10 s) and says so in x-missing-services.
        openapi = await complete_openapi(client)
        (tmp_path / "openapi.json").write_text(json.dumps(openapi), encoding="utf-8")
        command = [
            str(Path(sys.executable).with_name("schemathesis")),
            "--config-file",
            str(tmp_path / "schemathesis.toml"),
            "run",
            str(tmp_path / "openapi.json"),
            "--url",
            platform.gateway_url,
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--seed",
            "20261204",
            "--generation-database",
            "none",
            "--workers",
            "1",
            "--request-timeout",
            "15",
            "--no-color",
            "--report",
            "har",
            "--report-har-path",
            str(tmp_path / "run.har"),
            *[arg for path in EXCLUDED_PATHS for arg in ("--exclude-path", path)],
        ]
        run = await asyncio.create_subprocess_exec(
            *command,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=tmp_path,
        )
        output, _ = await asyncio.wait_for(run.communicate(), 600)
        report = output.decode(errors="replace")
        assert run.returncode == 0, report
        cases = re.search(r"(\d+) generated, (\d+) passed", report)
        assert cases is not None, report
        assert int(cases[1]) > 100, report
        assert cases[1] == cases[2], report
        har = json.loads((tmp_path / "run.har").read_text(encoding="utf-8"))
        assert unmet_operations(openapi, har) == []
