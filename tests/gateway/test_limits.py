"""Rate limits at the gateway: the token endpoint per client IP and per name, /api per person;
any app answers a spent budget with 429 problem+json and Retry-After."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator

import httpx
from fastapi import Depends, FastAPI, Request

from chassis.problems import install_problem_handlers
from gateway.app import create_gateway_app
from gateway.ratelimit import RateLimits, client_ip
from tests.access.matrix import SERVICES
from tests.conftest import running, serving
from tests.gateway.conftest import ADMIN_PASSWORD, GatewaySettingsFactory
from tests.gateway.signin import admin_token, totp_code


def too_many(answer: httpx.Response) -> bool:
    return (
        answer.status_code == 429
        and answer.headers["content-type"] == "application/problem+json"
        and int(answer.headers["retry-after"]) >= 1
    )


async def test_the_token_endpoint_is_limited(gateway_settings: GatewaySettingsFactory) -> None:
    settings = await gateway_settings(login_rate_limit="3/minute")
    form = {"grant_type": "password", "username": "admin", "password": "guess-1"}
    async with running(create_gateway_app(settings)) as client:
        for _ in range(3):
            assert (await client.post("/auth/token", data=form)).status_code == 400
        refused = await client.post("/auth/token", data=form | {"password": ADMIN_PASSWORD})
        assert too_many(refused)
        assert "token" in refused.json()["detail"]


async def test_api_calls_are_limited_per_person(gateway_settings: GatewaySettingsFactory) -> None:
    settings = await gateway_settings(api_rate_limit="2/minute", login_rate_limit="100/minute")
    async with running(create_gateway_app(settings)) as client:
        headers = await admin_token(client)
        for _ in range(2):
            # No licensing service runs here: the call gets as far as the upstream.
            assert (await client.get("/api/licensing/licences", headers=headers)).status_code == 503
        assert too_many(await client.get("/api/licensing/licences", headers=headers))
        # Without a token nothing is forwarded and no budget is spent.
        assert (await client.get("/api/licensing/licences")).status_code == 401


def limited_app(limits: RateLimits) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    async def per_ip(request: Request) -> None:
        await limits.hit("api", f"ip:{client_ip(request)}")

    @app.get("/things", dependencies=[Depends(per_ip)])
    async def things() -> dict[str, str]:
        return {"status": "ok"}

    async def per_subject(request: Request) -> None:
        await limits.hit("token", f"sub:{request.headers['x-subject']}")

    @app.post("/token", dependencies=[Depends(per_subject)])
    async def token() -> dict[str, str]:
        return {"status": "ok"}

    return app


async def test_an_app_answers_429_problem_json_with_retry_after() -> None:
    limits = RateLimits({"api": "2/minute", "token": "1/minute"})
    async with running(limited_app(limits)) as client:
        assert (await client.get("/things")).status_code == 200
        assert (await client.get("/things")).status_code == 200
        response = await client.get("/things")
        assert response.status_code == 429
        assert response.headers["content-type"] == "application/problem+json"
        assert int(response.headers["retry-after"]) >= 1
        body = response.json()
        assert body["type"] == "/problems/rate-limited"
        assert body["status"] == 429
        assert "2/minute" in body["detail"]

        alice, bob = f"alice-{uuid.uuid4().hex[:6]}", f"bob-{uuid.uuid4().hex[:6]}"
        assert (await client.post("/token", headers={"x-subject": alice})).status_code == 200
        assert (await client.post("/token", headers={"x-subject": alice})).status_code == 429
        assert (await client.post("/token", headers={"x-subject": bob})).status_code == 200


REDIS_URL = "redis://127.0.0.1:6379/0"


async def test_two_gateway_replicas_share_one_budget(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    # Two processes of one deployment: the same database, the same Redis, the same prefix.
    settings = await gateway_settings(login_rate_limit="3/minute", rate_limit_storage_url=REDIS_URL)
    form = {"grant_type": "password", "username": "admin", "password": "guess-1"}
    async with (
        running(create_gateway_app(settings)) as first,
        running(create_gateway_app(settings)) as second,
    ):
        assert (await first.post("/auth/token", data=form)).status_code == 400
        assert (await second.post("/auth/token", data=form)).status_code == 400
        assert (await first.post("/auth/token", data=form)).status_code == 400
        # Each replica has seen fewer than three, but the client has spent the budget.
        assert too_many(await second.post("/auth/token", data=form | {"password": ADMIN_PASSWORD}))


async def test_an_unreachable_rate_limit_store_lets_nothing_through_uncounted() -> None:
    # Port 1: nothing listens there.
    limits = RateLimits({"api": "2/minute"}, storage_url="redis://127.0.0.1:1/0", namespace="t")
    async with running(limited_app(limits)) as client:
        answer = await client.get("/things")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert "rate limit store" in answer.json()["detail"]


async def test_a_huge_sign_in_form_is_refused_before_it_is_parsed(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    settings = await gateway_settings(login_rate_limit="1000/minute")
    fields = {f"field{number}": "x" * 1024 for number in range(1000)}  # a thousand 1 KB fields
    async with running(create_gateway_app(settings)) as client:
        declared = await client.post("/auth/token", data=fields | {"grant_type": "password"})

        async def chunks() -> AsyncIterator[bytes]:  # no length told beforehand
            for _ in range(100):
                yield b"grant_type=password&padding=" + b"x" * 1024 + b"&"

        streamed = await client.post(
            "/auth/token",
            content=chunks(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        signed_in = await client.post(
            "/auth/token",
            data={
                "grant_type": "password",
                "username": "admin",
                "password": ADMIN_PASSWORD,
                "totp": totp_code(),
            },
        )
    for refused in (declared, streamed):
        assert refused.status_code == 413, (refused is declared, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert "16384 bytes" in refused.json()["detail"]
    assert signed_in.status_code == 200


async def test_anonymous_readiness_and_openapi_calls_do_not_fan_out_each_time(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    asked: Counter[str] = Counter()
    upstream = FastAPI(openapi_url=None)  # its own below, counted

    @upstream.get("/readyz")
    async def ready() -> dict[str, str]:
        asked["readyz"] += 1
        await asyncio.sleep(0.2)  # callers arriving meanwhile wait for this check
        return {"status": "ready"}

    @upstream.get("/openapi.json")
    async def document() -> dict[str, object]:
        asked["openapi"] += 1
        return {"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {}}

    async with serving(upstream) as url:
        every_service = {f"{name}_url": url for name in SERVICES}
        settings = await gateway_settings(**every_service)
        async with running(create_gateway_app(settings)) as client:
            readiness = await asyncio.gather(*(client.get("/readyz") for _ in range(30)))
            documents = await asyncio.gather(*(client.get("/openapi.json") for _ in range(30)))
    assert {answer.status_code for answer in readiness + documents} == {200}
    # Thirty callers, one round of the five services each.
    assert asked == {"readyz": len(SERVICES), "openapi": len(SERVICES)}
