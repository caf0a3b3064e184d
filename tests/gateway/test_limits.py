"""Rate limits at the gateway: the token endpoint per client IP and per name, /api per person."""

from __future__ import annotations

import httpx

from gateway.app import create_gateway_app
from tests.conftest import running
from tests.gateway.conftest import ADMIN_PASSWORD, GatewaySettingsFactory


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
        form = {"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD}
        token = (await client.post("/auth/token", data=form)).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(2):
            # No licensing service runs here: the call gets as far as the upstream.
            assert (await client.get("/api/licensing/licences", headers=headers)).status_code == 503
        assert too_many(await client.get("/api/licensing/licences", headers=headers))
        # Without a token nothing is forwarded and no budget is spent.
        assert (await client.get("/api/licensing/licences")).status_code == 401
