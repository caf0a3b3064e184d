"""Open311 GeoReport v2 as the complaints service serves it behind the gateway: the
standard's field names and types, JSON and XML, its error format, and no submitter."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.complaints.conftest import DESK, Complaints
from tests.tokens import mint_token


def client_bearer(name: str) -> dict[str, str]:
    """The token the gateway mints for an Open311 caller (an API key's name, or public)."""
    token = mint_token(
        subject=f"open311:{name}", roles=["open311_client"], kind="partner", agency=name
    )
    return {"Authorization": f"Bearer {token}"}


CLIENT = client_bearer("city-app")
PUBLIC = client_bearer("public")
BASE = "/open311/v2"
REQUEST_FIELDS = {
    "service_request_id": str,
    "status": str,
    "service_name": str,
    "service_code": str,
    "requested_datetime": str,
    "updated_datetime": str,
    "agency_responsible": str,
}


def request_form(**changes: str) -> dict[str, str]:
    form = {
        "api_key": "checked-by-the-gateway",
        "service_code": "complaint",
        "lat": "30.73",
        "long": "104.01",
        "address_string": "营门口路 18 号",
        "first_name": "芳",
        "last_name": "王",
        "phone": "13900139000",
        "description": "商场电梯长期停运",
    }
    return form | changes


async def test_a_client_session_json(complaints: Complaints) -> None:
    client = complaints.client
    services = (await client.get(f"{BASE}/services.json", headers=PUBLIC)).json()
    assert {s["service_code"] for s in services} == {
        "complaint",
        "report",
        "suggestion",
        "consultation",
    }
    for service in services:
        assert service["metadata"] is False and service["type"] == "realtime"
        assert isinstance(service["service_name"], str) and service["group"] == "12315"
    definition = (await client.get(f"{BASE}/services/complaint.json", headers=PUBLIC)).json()
    assert definition == {"service_code": "complaint", "attributes": []}

    posted = await client.post(f"{BASE}/requests.json", data=request_form(), headers=CLIENT)
    assert posted.status_code == 201, posted.text
    ((created),) = posted.json()
    request_id = created["service_request_id"]

    (one,) = (await client.get(f"{BASE}/requests/{request_id}.json", headers=PUBLIC)).json()
    for name, kind in REQUEST_FIELDS.items():
        assert isinstance(one[name], kind), name
    assert one["status"] == "open" and one["service_code"] == "complaint"
    assert one["agency_responsible"] == "office:office-01"
    assert one["lat"] == 30.73 and one["long"] == 104.01
    expected = datetime.fromisoformat(one["expected_datetime"])
    assert expected > datetime.fromisoformat(one["requested_datetime"])
    shown = str(one)
    for secret in ("王", "13900139000"):
        assert secret not in shown

    today = datetime.now(UTC)
    window = {
        "start_date": (today - timedelta(days=1)).isoformat(),
        "end_date": (today + timedelta(days=1)).isoformat(),
        "status": "open",
    }
    listed = (await client.get(f"{BASE}/requests.json", params=window, headers=PUBLIC)).json()
    assert request_id in {r["service_request_id"] for r in listed}
    closed = (
        await client.get(
            f"{BASE}/requests.json", params=window | {"status": "closed"}, headers=PUBLIC
        )
    ).json()
    assert request_id not in {r["service_request_id"] for r in closed}
    # A ticket from the phone channel is not on the public list.
    phone = await complaints.submit()
    ids = {r["service_request_id"] for r in listed}
    assert phone["tickets"][0]["id"] not in ids


async def test_xml_parses_with_the_standard_element_names(complaints: Complaints) -> None:
    client = complaints.client
    services = ET.fromstring((await client.get(f"{BASE}/services.xml", headers=PUBLIC)).content)
    assert services.tag == "services"
    assert {s.findtext("service_code") for s in services.findall("service")} >= {"report"}
    posted = await client.post(
        f"{BASE}/requests.xml", data=request_form(service_code="report"), headers=CLIENT
    )
    created = ET.fromstring(posted.content)
    assert created.tag == "service_requests"
    request_id = created.findtext("request/service_request_id")
    assert request_id
    found = ET.fromstring(
        (await client.get(f"{BASE}/requests/{request_id}.xml", headers=PUBLIC)).content
    )
    assert found.findtext("request/service_code") == "report"
    assert not found.findtext("request/description")  # a report's text stays inside


async def errors(answer: Any) -> list[dict[str, Any]]:
    if answer.headers["content-type"].startswith("text/xml"):
        root = ET.fromstring(answer.content)
        assert root.tag == "errors"
        return [
            {"code": int(e.findtext("code") or 0), "description": e.findtext("description")}
            for e in root.findall("error")
        ]
    body: list[dict[str, Any]] = answer.json()
    return body


async def test_errors_in_open311_format_and_nothing_stored(complaints: Complaints) -> None:
    client = complaints.client
    before = len(
        (await client.get("/tickets", headers=DESK, params={"limit": 200})).json()["tickets"]
    )
    cases = [
        (PUBLIC, "json", request_form(), 403, "api_key"),
        (CLIENT, "json", request_form(service_code="praise"), 400, "service_code"),
        (CLIENT, "xml", request_form(description=""), 400, "description"),
        (CLIENT, "json", request_form(lat="39.9", long="116.4"), 400, "location"),
        (CLIENT, "json", request_form(lat="north"), 400, "lat"),
        (CLIENT, "xml", request_form(first_name="", last_name="", phone=""), 400, "anonymous"),
    ]
    for headers, fmt, form, code, named in cases:
        answer = await client.post(f"{BASE}/requests.{fmt}", data=form, headers=headers)
        assert answer.status_code == code, (form, answer.text)
        (error,) = await errors(answer)
        assert error["code"] == code and named in error["description"], error
    missing = await client.get(
        f"{BASE}/requests/00000000-0000-4000-8000-000000000000.json", headers=PUBLIC
    )
    assert missing.status_code == 404 and (await errors(missing))[0]["code"] == 404
    bad_filter = await client.get(
        f"{BASE}/requests.json", params={"status": "pending"}, headers=PUBLIC
    )
    assert bad_filter.status_code == 400
    after = len(
        (await client.get("/tickets", headers=DESK, params={"limit": 200})).json()["tickets"]
    )
    assert after == before
