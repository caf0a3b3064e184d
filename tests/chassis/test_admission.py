"""Load is shed, not queued: past the requests in flight and the short queue, a service answers
503 problem+json with Retry-After at once; operations routes are always answered; the requests
it took complete."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import APIRouter
from prometheus_client.parser import text_string_to_metric_families

from chassis.app import ServiceSpec, create_service_app
from chassis.bus import HandlerRegistry
from chassis.db import new_metadata
from tests.conftest import migrate, service_settings, serving, wait_until
from tests.tokens import mint_token

CLERK = {"Authorization": "Bearer " + mint_token(subject="clerk-7", roles=["licensing_clerk"])}


class Gate:
    """Holds every request to /slow until opened."""

    def __init__(self) -> None:
        self.open = asyncio.Event()


def slow_spec(gate: Gate) -> ServiceSpec:
    """A service whose one route waits for the gate: requests stay in flight until told."""
    router = APIRouter()

    @router.get("/slow")
    async def slow() -> dict[str, str]:
        await gate.open.wait()
        return {"status": "done"}

    return ServiceSpec(
        name="shedder",
        title="shedder",
        package_dir=Path(__file__).parent / "probe",
        metadata=new_metadata(),
        handlers=HandlerRegistry("shedder"),
        routers=(router,),
        consumes_revocations=False,
    )


@asynccontextmanager
async def shedder(
    gate: Gate, probe_url: str, bus_prefix: str, **limits: object
) -> AsyncIterator[httpx.AsyncClient]:
    """The service over real HTTP with the given limits; a client with no pool limit."""
    spec = slow_spec(gate)
    settings = service_settings("shedder", probe_url, bus_prefix, **limits)
    await migrate(spec, settings)
    app = create_service_app(spec, settings)
    unlimited = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with (
        serving(app) as url,
        httpx.AsyncClient(base_url=url, timeout=30, limits=unlimited) as client,
    ):
        yield client


def gauge(metrics: str, name: str) -> float:
    """The shedder's sample of a metric in a /metrics page."""
    return next(
        sample.value
        for family in text_string_to_metric_families(metrics)
        for sample in family.samples
        if sample.name == name and sample.labels.get("service") == "shedder"
    )


async def metrics_show(client: httpx.AsyncClient, in_flight: float, waiting: float) -> bool:
    page = (await client.get("/metrics")).text
    return (
        gauge(page, "shijian_http_in_flight") == in_flight
        and gauge(page, "shijian_http_waiting") == waiting
    )


def overloaded(answer: httpx.Response, retry_after: str) -> bool:
    problem = answer.json()
    return (
        answer.status_code == 503
        and answer.headers["content-type"] == "application/problem+json"
        and answer.headers["retry-after"] == retry_after
        and problem["type"] == "/problems/overloaded"
        and problem["status"] == 503
        and problem["instance"] == "/slow"
        and problem["request_id"] == answer.headers["x-request-id"]
    )


async def test_past_the_limit_and_the_queue_requests_are_shed_and_the_rest_complete(
    probe_url: str, bus_prefix: str
) -> None:
    gate = Gate()
    limits = {
        "max_concurrent_requests": 2,
        "max_waiting_requests": 1,
        "max_wait_seconds": 30,
        "retry_after_seconds": 3,
    }
    async with shedder(gate, probe_url, bus_prefix, **limits) as client:
        handled = [asyncio.create_task(client.get("/slow", headers=CLERK)) for _ in range(2)]
        await wait_until(lambda: metrics_show(client, in_flight=2, waiting=0))
        queued = asyncio.create_task(client.get("/slow", headers=CLERK))
        await wait_until(lambda: metrics_show(client, in_flight=2, waiting=1))
        before = gauge((await client.get("/metrics")).text, "shijian_http_shed_total")

        shed = await client.get("/slow", headers=CLERK)

        assert overloaded(shed, retry_after="3")
        assert "waiting" in shed.json()["detail"]
        # Operations routes are answered while every place is taken.
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/readyz")).status_code == 200
        page = (await client.get("/metrics")).text
        assert gauge(page, "shijian_http_shed_total") == before + 1
        assert not any(task.done() for task in [*handled, queued])
        gate.open.set()
        answers = await asyncio.gather(*handled, queued)
        assert [answer.json() for answer in answers] == [{"status": "done"}] * 3
        await wait_until(lambda: metrics_show(client, in_flight=0, waiting=0))
        # With places free again, requests are handled at once.
        assert (await client.get("/slow", headers=CLERK)).status_code == 200


async def test_a_request_that_waits_past_the_wait_is_shed(probe_url: str, bus_prefix: str) -> None:
    gate = Gate()
    limits = {"max_concurrent_requests": 1, "max_waiting_requests": 5, "max_wait_seconds": 0.05}
    async with shedder(gate, probe_url, bus_prefix, **limits) as client:
        handled = asyncio.create_task(client.get("/slow", headers=CLERK))
        await wait_until(lambda: metrics_show(client, in_flight=1, waiting=0))

        late = await client.get("/slow", headers=CLERK)

        assert overloaded(late, retry_after="1")
        assert "in time" in late.json()["detail"]
        gate.open.set()
        assert (await handled).status_code == 200
