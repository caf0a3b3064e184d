"""Two gateway replicas on one database behind one address, with the five services: tokens,
key rotations, logouts, deactivations and rate limits hold across both."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import jwt
from fastapi import FastAPI, Request, Response

from gateway.app import create_gateway_app
from tests.conftest import CreateDatabase, free_port, serving, wait_until
from tests.gateway.conftest import Platform, running_platform
from tests.gateway.signin import PASSWORD, add_user, admin_access, bearer, refused, sign_in

REDIS_URL = "redis://127.0.0.1:6379/0"
# What a revocation must take at most to be refused everywhere.
WITHIN_SECONDS = 5.0
# Longer than a service waits before fetching the key set again (30 s): a service that fetched
# it just before the rotation fetches it again when the new key's first token arrives.
ACTIVATION_SECONDS = 31
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


def round_robin(upstreams: list[str]) -> FastAPI:
    """One address in front of the replicas, handing each request to the next one."""
    turn = itertools.cycle(upstreams)
    client = httpx.AsyncClient()

    async def forward(request: Request) -> Response:
        answer = await client.request(
            request.method,
            f"{next(turn)}{request.url.path}",
            params=request.query_params,
            headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
            content=await request.body(),
        )
        headers = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
        return Response(answer.content, answer.status_code, headers)

    app = FastAPI(openapi_url=None)
    app.add_api_route("/{path:path}", forward, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    return app


@asynccontextmanager
async def two_replicas(
    create_database: CreateDatabase, bus_prefix: str, tmp_path: Path
) -> AsyncIterator[tuple[Platform, list[httpx.AsyncClient], httpx.AsyncClient]]:
    """The platform, a client of each replica, and a client of the address in front."""
    front_port = free_port()
    async with running_platform(
        create_database,
        bus_prefix,
        tmp_path / "keys",
        jwks_url=f"http://127.0.0.1:{front_port}/.well-known/jwks.json",
        signing_key_activation_seconds=ACTIVATION_SECONDS,
        rate_limit_storage_url=REDIS_URL,
        login_rate_limit="300/minute",
        api_rate_limit="5/minute",
    ) as platform:
        # The second replica: the same settings, database, bus and Redis, its own process state.
        second = create_gateway_app(platform.gateway.state.settings)
        async with (
            serving(second) as second_url,
            serving(round_robin([platform.gateway_url, second_url]), port=front_port) as front,
            httpx.AsyncClient(base_url=platform.gateway_url) as first_client,
            httpx.AsyncClient(base_url=second_url) as second_client,
            httpx.AsyncClient(base_url=front) as front_client,
        ):
            yield platform, [first_client, second_client], front_client


async def token_of(client: httpx.AsyncClient, username: str, password: str) -> str:
    answer = await sign_in(client, username, password)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


async def accepted_everywhere(
    platform: Platform, replicas: list[httpx.AsyncClient], token: str
) -> None:
    """Each replica and each service takes the token."""
    for replica in replicas:
        answer = await replica.get("/auth/me", headers=bearer(token))
        assert answer.status_code == 200, answer.text
    async with httpx.AsyncClient() as client:
        for name, url in platform.service_urls.items():
            answer = await client.get(f"{url}/openapi.json", headers=bearer(token))
            assert answer.status_code == 200, (name, answer.text)


async def seconds_until_refused_everywhere(
    platform: Platform, replicas: list[httpx.AsyncClient], token: str
) -> float:
    """How long until each replica and each service answers 401 to the token (at most 5 s)."""
    started = time.monotonic()
    pending = {f"gateway-{n}": (r, "/auth/me") for n, r in enumerate(replicas)}
    async with httpx.AsyncClient() as client:
        pending |= {
            name: (client, f"{url}/openapi.json") for name, url in platform.service_urls.items()
        }
        while pending and time.monotonic() - started < WITHIN_SECONDS:
            for name, (asker, path) in list(pending.items()):
                answer = await asker.get(path, headers=bearer(token))
                if answer.status_code == 401:
                    assert refused(answer), answer.text
                    pending.pop(name)
            await asyncio.sleep(0.05)
    assert not pending, f"still accepted after {WITHIN_SECONDS} s by {sorted(pending)}"
    return time.monotonic() - started


async def test_two_replicas_share_tokens_keys_revocations_and_limits(
    create_database: CreateDatabase, bus_prefix: str, tmp_path: Path
) -> None:
    async with two_replicas(create_database, bus_prefix, tmp_path) as (platform, replicas, front):
        first, second = replicas

        # A token issued by one is accepted by the other, and by every service (admin signs in
        # once, its code being good once; a clerk as often as the test needs).
        admin = await admin_access(first)
        await accepted_everywhere(platform, replicas, admin)
        await add_user(first, "clerk70", ["licensing_clerk"], office="registration")
        from_second = await token_of(second, "clerk70", PASSWORD)
        await accepted_everywhere(platform, replicas, from_second)

        # A rotation on one is used by both: the new key signs at each once its delay is over.
        rotated = await first.post("/api/admin/signing-keys", headers=bearer(admin))
        assert rotated.status_code == 201, rotated.text
        new_kid = rotated.json()["kid"]
        signs_from = datetime.fromisoformat(rotated.json()["signs_from"])

        async def published_by_the_other() -> bool:
            listed = await second.get("/.well-known/jwks.json")
            return new_kid in {key["kid"] for key in listed.json()["keys"]}

        # The other replica reads the new key within a second or two, long before it signs.
        await wait_until(published_by_the_other, within=3)
        await asyncio.sleep((signs_from - datetime.now(UTC)).total_seconds() + 1.5)
        for replica in replicas:
            fresh = await token_of(replica, "clerk70", PASSWORD)
            assert jwt.get_unverified_header(fresh)["kid"] == new_kid
            await accepted_everywhere(platform, replicas, fresh)
        # Tokens signed before the rotation live on.
        await accepted_everywhere(platform, replicas, admin)

        # A logout on one is refused by the other and by every service within 5 s.
        await add_user(first, "clerk71", ["licensing_clerk"], office="registration")
        clerk = await token_of(front, "clerk71", PASSWORD)
        await accepted_everywhere(platform, replicas, clerk)
        assert (await first.post("/auth/logout", headers=bearer(clerk))).status_code == 204
        assert await seconds_until_refused_everywhere(platform, replicas, clerk) < WITHIN_SECONDS

        # A deactivation on one: every token the person holds, ids unknown, the same.
        held = [await token_of(replica, "clerk71", PASSWORD) for replica in replicas]
        for token in held:
            await accepted_everywhere(platform, replicas, token)
        deactivated = await second.post(
            "/api/admin/users/clerk71/deactivate", headers=bearer(admin)
        )
        assert deactivated.status_code == 200, deactivated.text
        for token in held:
            assert await seconds_until_refused_everywhere(platform, replicas, token) < 5

        # The rate limit holds across both: five calls a minute per person, wherever they land.
        await add_user(first, "clerk72", ["licensing_clerk"], office="registration")
        other = bearer(await token_of(front, "clerk72", PASSWORD))
        path = "/api/licensing/applications?status=submitted"
        answers = [await replicas[turn % 2].get(path, headers=other) for turn in range(6)]
        assert [a.status_code for a in answers[:5]] == [200] * 5, answers[-1].text
        assert answers[5].status_code == 429
        assert answers[5].headers["content-type"] == "application/problem+json"
