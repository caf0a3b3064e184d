"""12315 through the gateway: a phone complaint about a licensed shop goes to the shop's office
and is handled to its follow-up; a mixed submission's report reaches enforcement and comes back
with the reporter's reply deadline; and the submitter's identity is nowhere outside the
complaints service: not in supervision's or enforcement's tables, not on the bus, and not in
plain text in the complaints database either."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from chassis.db import Database
from chassis.legalclock import compute_deadline
from tests.conftest import tapping, wait_until
from tests.e2e.conftest import Databases, on_both_databases
from tests.e2e.test_household_flow import shop
from tests.e2e.test_licensing_flow import signed_in
from tests.gateway.conftest import running_platform
from tests.tokens import mint_token

NAME, PHONE, ID_NUMBER = "欧阳明月", "13712345678", "510106198506153873"
SECRETS = (NAME, PHONE, ID_NUMBER)
SUBMITTER = {"name": NAME, "phone": PHONE, "id_number": ID_NUMBER}


async def every_value(database_url: str) -> str:
    """Every value of every table of a database, as text (what a dump would show)."""
    database = Database(database_url)
    try:
        async with database.engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
            rows = [
                str(list(found))
                for table in tables
                for found in await connection.execute(sa.text(f'SELECT * FROM "{table}"'))
            ]
    finally:
        await database.dispose()
    return "\n".join(rows)


@on_both_databases
async def test_complaints_and_reports_through_the_network_without_the_submitter(
    databases: Databases, bus_prefix: str, tmp_path: Path
) -> None:
    prefix = f"{bus_prefix}-e2e-complaints-{databases.kind}"
    urls: dict[str, str] = {}

    async def create(label: str) -> str:
        urls[label] = await databases.create(label)
        return urls[label]

    async with (
        tapping(prefix, "#") as bus,
        running_platform(
            create,
            prefix,
            tmp_path / "keys",
            services={
                name: {"relay_poll_seconds": 0.2}
                for name in ("licensing", "enforcement", "complaints")
            }
            | {"supervision": {"seed_demo": True, "relay_poll_seconds": 0.2}},
            seed_demo=True,
        ) as platform,
        httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client,
    ):
        people: dict[str, dict[str, str]] = {}
        for username in ("clerk01", "inspector02", "officer11", "handler01"):
            people[username] = await signed_in(
                client, grant_type="password", username=username, password=f"demo-{username}"
            )

        async def post(who: str, path: str, body: dict[str, Any], status: int = 200) -> Any:
            answer = await client.post(path, json=body, headers=people[who])
            assert answer.status_code == status, answer.text
            return answer.json()

        # A shop in office-02's grid, licensed at the window; supervision assigns it.
        applications = "/api/licensing/applications"
        created = await post("clerk01", applications, shop("示范区西华路副食店"), 201)
        await post("clerk01", f"{applications}/{created['id']}/accept", {})
        code = (await post("clerk01", f"{applications}/{created['id']}/approve", {}))["credit_code"]
        draft = {
            "channel": "phone",
            "kinds": ["complaint"],
            "submitter": SUBMITTER,
            "description": "在该店买到过期酸奶，要求退款",
            "business": {"credit_code": code, "name": "示范区西华路副食店"},
        }

        async def known() -> bool:
            routing = await post("handler01", "/api/complaints/routing:preview", draft)
            return bool(routing["rule"] == "business_grid")

        await wait_until(known, within=10)

        # The phone complaint: in office-02's list within 2 s of being taken.
        taken_at = time.monotonic()
        received = await post("handler01", "/api/complaints/submissions", draft, 201)
        (ticket,) = received["tickets"]
        listed: list[str] = []

        async def at_the_office() -> bool:
            answer = await client.get(
                "/api/complaints/tickets",
                params={"unit": "office:office-02"},
                headers=people["handler01"],
            )
            listed[:] = [t["id"] for t in answer.json()["tickets"]]
            return ticket["id"] in listed

        await wait_until(at_the_office, within=10, interval=0.02)
        assert time.monotonic() - taken_at < 2.0
        assert ticket["unit"] == {"level": "office", "id": "office-02"}
        assert ticket["routing_rule"] == "business_grid"

        path = f"/api/complaints/tickets/{ticket['id']}"
        await post("handler01", f"{path}/accept", {})
        await post("handler01", f"{path}/mediation", {"outcome": "settled", "summary": "退款"})
        await post("handler01", f"{path}/reply", {"text": "已调解退款"})
        await post("handler01", f"{path}/close", {})
        done = await post("handler01", f"{path}/follow-up", {"satisfaction": 5})
        assert done["status"] == "followed_up"

        household = f"/api/supervision/households/{code}/file"
        entries: list[dict[str, Any]] = []

        async def in_the_file() -> bool:
            answer = await client.get(household, headers=people["inspector02"])
            entries[:] = [e for e in answer.json()["entries"] if e["kind"] == "complaint"]
            return {e.get("step") for e in entries} >= {"received", "closed"}

        await wait_until(in_the_file, within=10)
        assert {e["ticket_id"] for e in entries} == {ticket["id"]}

        # A complaint that is also a report: two linked tickets; the report goes to
        # enforcement, is filed, and the real-name reporter must hear within 5 working days.
        mixed = await post(
            "handler01",
            "/api/complaints/submissions",
            draft | {"kinds": ["complaint", "report"], "description": "该店销售过期食品"},
            201,
        )
        complaint, report = mixed["tickets"]
        assert complaint["linked"] == [report["id"]]
        report_path = f"/api/complaints/tickets/{report['id']}"
        await post("handler01", f"{report_path}/accept", {})
        sources: list[dict[str, Any]] = []

        async def at_enforcement() -> bool:
            answer = await client.get("/api/enforcement/case-sources", headers=people["officer11"])
            sources[:] = [
                s for s in answer.json()["case_sources"] if s["source_department"] == "complaints"
            ]
            return bool(sources)

        await wait_until(at_enforcement, within=10)
        (source,) = sources
        assert source["credit_code"] == code
        filed = await post(
            "officer11",
            f"/api/enforcement/case-sources/{source['id']}/file",
            {"handlers": ["officer11", "officer12"]},
            201,
        )
        told: dict[str, Any] = {}

        async def reporter_clock() -> bool:
            answer = await client.get(report_path, headers=people["handler01"])
            told.update(answer.json())
            return any(d["rule"] == "complaints.tell_reporter" for d in told["deadlines"])

        await wait_until(reporter_clock, within=10)
        (deadline,) = [d for d in told["deadlines"] if d["rule"] == "complaints.tell_reporter"]
        start = date.fromisoformat(deadline["start"])
        assert (
            deadline["due"] == compute_deadline("complaints.tell_reporter", start).due.isoformat()
        )
        assert "art. 31" in deadline["basis"]
        assert filed["case_source_id"] == source["id"]

        # The handler may open the identity (and it is logged); nobody else holds it.
        who = await client.get(f"{path}/submitter", headers=people["handler01"])
        assert who.json()["name"] == NAME
        refused = await client.get(f"{path}/submitter", headers=people["inspector02"])
        assert refused.status_code == 403

    published = "\n".join(str(envelope) for envelope in bus.envelopes)
    assert {"complaints.ticket.received", "complaints.report.transferred"} <= {
        e["type"] for e in bus.envelopes
    }
    for label in ("supervision", "enforcement", "complaints"):
        dumped = await every_value(urls[label])
        for secret in SECRETS:
            assert secret not in dumped, (label, secret)
    for secret in SECRETS:
        assert secret not in published


async def test_an_open311_client_session_through_the_gateway(
    databases: Databases, bus_prefix: str, tmp_path: Path
) -> None:
    async with (
        running_platform(
            databases.create,
            f"{bus_prefix}-e2e-open311-{databases.kind}",
            tmp_path / "keys",
            services={"supervision": {"seed_demo": True, "relay_poll_seconds": 0.2}},
            seed_demo=True,
        ) as platform,
        httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client,
    ):
        key = platform.gateway.state.identity.keys.active
        token = mint_token(subject="admin", roles=["admin"], key=key.private_key, key_id=key.kid)
        admin = {"Authorization": f"Bearer {token}"}
        desk_token = mint_token(
            subject="handler01",
            roles=["complaints_handler"],
            office="complaints",
            key=key.private_key,
            key_id=key.kid,
        )
        far_away = {
            "channel": "phone",
            "kinds": ["complaint"],
            "submitter": {"name": "王芳", "phone": "13800138000"},
            "description": "买到过期牛奶",
            "location": {"lon": 116.4, "lat": 39.9},
        }

        async def district_known() -> bool:
            """Complaints has supervision's demo map: a place far away is outside it."""
            preview = await client.post(
                "/api/complaints/routing:preview",
                json=far_away,
                headers={"Authorization": f"Bearer {desk_token}"},
            )
            return preview.status_code == 422

        await wait_until(district_known, within=30)
        issued = await client.post(
            "/api/admin/open311-keys", json={"name": "city-app"}, headers=admin
        )
        assert issued.status_code == 201, issued.text
        api_key = issued.json()["api_key"]

        services = (await client.get("/open311/v2/services.json")).json()
        assert {s["service_code"] for s in services} == {
            "complaint",
            "report",
            "suggestion",
            "consultation",
        }
        for service in services:
            assert set(service) >= {
                "service_code",
                "service_name",
                "description",
                "metadata",
                "type",
                "keywords",
                "group",
            }
            assert isinstance(service["metadata"], bool)
        form = {
            "api_key": api_key,
            "service_code": "complaint",
            "lat": "30.73",
            "long": "104.01",
            "address_string": "营门口路 18 号",
            "first_name": "明月",
            "last_name": "欧阳",
            "phone": PHONE,
            "description": "商场电梯长期停运",
        }
        posted = await client.post("/open311/v2/requests.json", data=form)
        assert posted.status_code == 201, posted.text
        ((created),) = posted.json()
        request_id = created["service_request_id"]
        assert set(created) == {"service_request_id", "service_notice", "account_id"}

        (found,) = (await client.get(f"/open311/v2/requests/{request_id}.json")).json()
        types = {
            "service_request_id": str,
            "status": str,
            "service_name": str,
            "service_code": str,
            "description": str,
            "agency_responsible": str,
            "requested_datetime": str,
            "updated_datetime": str,
            "expected_datetime": str,
            "address": str,
            "lat": float,
            "long": float,
        }
        for name, kind in types.items():
            assert isinstance(found[name], kind), name
        assert found["status"] == "open"
        for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
            assert datetime.fromisoformat(found[name]).tzinfo is not None
        window = {
            "start_date": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            "end_date": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
            "status": "open",
        }
        listed = (await client.get("/open311/v2/requests.json", params=window)).json()
        assert request_id in {r["service_request_id"] for r in listed}
        closed = (
            await client.get("/open311/v2/requests.json", params=window | {"status": "closed"})
        ).json()
        assert closed == []
        as_xml = await client.get("/open311/v2/requests.xml", params=window)
        root = ET.fromstring(as_xml.content)
        assert root.tag == "service_requests"
        assert request_id in [r.findtext("service_request_id") for r in root.findall("request")]
        assert NAME[:2] not in as_xml.text and PHONE not in as_xml.text and PHONE not in str(listed)

        refused = await client.post("/open311/v2/requests.xml", data=form | {"api_key": "wrong"})
        assert refused.status_code == 403
        assert ET.fromstring(refused.content).findtext("error/code") == "403"
        bad = await client.post(
            "/open311/v2/requests.json", data=form | {"lat": "39.9", "long": "116.4"}
        )
        assert bad.status_code == 400 and bad.json()[0]["code"] == 400
