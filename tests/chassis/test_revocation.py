"""A service refuses the tokens `identity.tokens.revoked` names, within seconds of the event,
and still after a restart until they expire."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import jwt

from chassis.app import create_service_app
from chassis.bus import Topology
from chassis.bus.__main__ import declare
from contracts import Envelope, RevokedToken, TokensRevoked
from services.licensing.app import spec as licensing
from tests.conftest import (
    BUS_URL,
    CreateDatabase,
    migrate,
    publish,
    running,
    service_settings,
    wait_until,
)
from tests.tokens import mint_token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_revoked_token_is_refused_and_stays_refused_after_a_restart(
    create_database: CreateDatabase, bus_prefix: str
) -> None:
    prefix = f"{bus_prefix}-revoke"
    await declare(BUS_URL, Topology(prefix))
    settings = service_settings(
        "licensing", await create_database("licensing"), prefix, licensing.settings_class
    )
    await migrate(licensing, settings)
    out, cut, kept = (
        mint_token(subject=s, roles=["licensing_clerk"]) for s in ("li", "wang", "li")
    )
    now = datetime.now(UTC)
    logout = TokensRevoked(
        username="li",
        tokens=(
            RevokedToken(
                jti=jwt.decode(out, options={"verify_signature": False})["jti"],
                expires_at=now + timedelta(hours=1),
            ),
        ),
        by="li",
        at=now,
    )
    deactivation = TokensRevoked(
        username="wang",
        issued_before=now + timedelta(seconds=1),
        refused_until=now + timedelta(hours=1),
        by="admin",
        at=now,
    )
    async with running(create_service_app(licensing, settings)) as client:
        for token in (out, cut, kept):
            assert (await client.get("/openapi.json", headers=bearer(token))).status_code == 200
        started = time.monotonic()
        for sequence, event in enumerate((logout, deactivation), start=1):
            await publish(
                prefix, Envelope.wrap(event, source="/services/identity", sequence=sequence)
            )

        async def refused() -> bool:
            answers = [await client.get("/openapi.json", headers=bearer(t)) for t in (out, cut)]
            return all(answer.status_code == 401 for answer in answers)

        await wait_until(refused, within=5, interval=0.05)
        assert time.monotonic() - started < 5
        assert (await client.get("/openapi.json", headers=bearer(kept))).status_code == 200
    # A new process on the same database refuses them from its first request.
    async with running(create_service_app(licensing, settings)) as client:
        for token in (out, cut):
            answer = await client.get("/openapi.json", headers=bearer(token))
            assert answer.status_code == 401
            assert answer.json()["detail"] == "Token revoked"
        assert (await client.get("/openapi.json", headers=bearer(kept))).status_code == 200
