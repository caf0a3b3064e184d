"""Every error is problem+json; metrics, readiness and idempotent creation behave for a user."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from prometheus_client.parser import text_string_to_metric_families

from chassis.app import create_service_app
from services.licensing.app import spec as licensing
from tests.chassis.conftest import PROBE
from tests.conftest import running, service_settings, serving
from tests.tokens import mint_token

CLERK = {"Authorization": "Bearer " + mint_token(subject="clerk-7", roles=["licensing_clerk"])}
VALID = {
    "name": "Jinjiang Noodle House",
    "operator_id": "11010519491231002X",
    "credit_code": "91350100M000100Y43",
    "capital": 0,
}


async def test_validation_error_lists_every_bad_field(probe: httpx.AsyncClient) -> None:
    body = {
        "name": "",
        "operator_id": "110105194912310021",
        "credit_code": "91350100M000100Y44",
        "capital": -1,
    }
    response = await probe.post("/registrations/check", json=body, headers=CLERK)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/validation"
    assert problem["title"] and problem["status"] == 422
    fields = {error["field"] for error in problem["errors"]}
    assert fields == {"body.name", "body.operator_id", "body.credit_code", "body.capital"}
    assert all(error["message"] for error in problem["errors"])
    assert "Traceback" not in response.text


async def test_a_field_the_request_does_not_know_is_refused_by_name(
    probe: httpx.AsyncClient,
) -> None:
    response = await probe.post("/registrations", json=VALID | {"capitel": 500}, headers=CLERK)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["body.capitel"]


async def test_malformed_json_is_problem_json(probe: httpx.AsyncClient) -> None:
    response = await probe.post(
        "/registrations/check",
        content=b"{not json",
        headers=CLERK | {"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"].startswith("body")


async def test_unknown_route_and_method_are_problem_json(probe: httpx.AsyncClient) -> None:
    missing = await probe.get("/no-such-thing", headers=CLERK)
    assert missing.status_code == 404
    assert missing.json()["type"] == "/problems/not-found"
    wrong_method = await probe.delete("/healthz")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["content-type"] == "application/problem+json"


async def test_unexpected_error_is_500_without_traceback(probe: httpx.AsyncClient) -> None:
    response = await probe.get("/boom", headers=CLERK)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/internal-error"
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text
    assert response.json()["request_id"] == response.headers["x-request-id"]


async def test_metrics_parse_and_hold_the_http_series(probe: httpx.AsyncClient) -> None:
    await probe.get("/protected", headers=CLERK)
    await probe.get("/protected")
    response = await probe.get("/metrics")
    assert response.status_code == 200
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    requests = families["shijian_http_requests"]
    seen = {
        (s.labels["route"], s.labels["status"])
        for s in requests.samples
        if s.labels.get("service") == "probe" and s.name.endswith("_total")
    }
    assert ("/protected", "200") in seen and ("/protected", "401") in seen
    latency = families["shijian_http_request_duration_seconds"]
    assert any(s.labels.get("route") == "/protected" for s in latency.samples)


async def test_readyz_reports_database_and_broker(probe: httpx.AsyncClient) -> None:
    response = await probe.get("/readyz")
    assert response.status_code == 200
    # Every service consumes at least the revocations of tokens.
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "consumer": "ok"}
    assert (await probe.get("/healthz")).json()["status"] == "alive"


async def test_a_broker_outage_leaves_the_service_ready_to_take_writes(
    probe_url: str, bus_prefix: str
) -> None:
    # Nothing listens on port 1: the broker is away for this process alone.
    settings = service_settings(
        "probe", probe_url, bus_prefix, bus_url="amqp://guest:guest@127.0.0.1:1/"
    )
    async with (
        serving(create_service_app(PROBE, settings)) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        readiness = await client.get("/readyz")
        assert readiness.status_code == 200
        assert readiness.json()["status"] == "degraded"
        # Its queue's consumer is away with the broker.
        assert readiness.json()["degraded"] == ["broker", "consumer"]
        assert readiness.json()["checks"]["database"] == "ok"
        assert readiness.json()["checks"]["broker"].startswith("unavailable")
        written = await client.post("/registrations", json=VALID, headers=CLERK)
        assert written.status_code == 201
        metrics = (await client.get("/metrics")).text
    ready = {
        sample.labels["check"]: sample.value
        for family in text_string_to_metric_families(metrics)
        if family.name == "shijian_ready"
        for sample in family.samples
        if sample.labels["service"] == "probe"
    }
    assert ready == {"database": 1.0, "broker": 0.0, "consumer": 0.0}


async def test_readyz_is_503_naming_what_is_down(bus_prefix: str) -> None:
    settings = service_settings(
        "licensing",
        "postgresql+asyncpg://postgres@127.0.0.1:5432/sj_no_such_database",
        bus_prefix,
        licensing.settings_class,
        bus_url="amqp://guest:guest@127.0.0.1:1/",
    )
    async with running(create_service_app(licensing, settings)) as client:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        checks = response.json()["checks"]
        assert checks["database"].startswith("unavailable")
        assert checks["broker"].startswith("unavailable")
        assert (await client.get("/healthz")).status_code == 200


async def test_request_id_is_kept_or_made(probe: httpx.AsyncClient) -> None:
    given = await probe.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = await probe.get("/healthz")
    assert len(made.headers["x-request-id"]) == 32


async def test_idempotent_creation_returns_the_first_answer(probe: httpx.AsyncClient) -> None:
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = await probe.post("/registrations", json=VALID, headers=CLERK | key)
    assert first.status_code == 201
    again = await probe.post("/registrations", json=VALID, headers=CLERK | key)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    other = await probe.post("/registrations", json=VALID | {"name": "Other"}, headers=CLERK | key)
    assert other.status_code == 422
    assert other.json()["type"] == "/problems/idempotency-key-reused"
    fresh = await probe.post("/registrations", json=VALID, headers=CLERK)
    assert fresh.json()["id"] != first.json()["id"]


async def test_concurrent_retries_create_once(probe: httpx.AsyncClient) -> None:
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = VALID | {"name": f"Van {uuid.uuid4().hex[:6]}"}
    answers = await asyncio.gather(
        *(probe.post("/registrations", json=body, headers=CLERK | key) for _ in range(5))
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
