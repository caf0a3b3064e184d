"""Failed sign-ins are throttled per source address and per account, with growing waits, and
nobody can keep a person out who signs in from where they have signed in before."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pyotp
from asgi_lifespan import LifespanManager

from gateway.app import create_gateway_app
from gateway.settings import GatewaySettings
from tests.gateway.conftest import ADMIN_PASSWORD, ADMIN_TOTP_SECRET, GatewaySettingsFactory
from tests.gateway.signin import (
    PASSWORD,
    add_user,
    admin_token,
    grant_refused,
    sign_in,
    sign_in_as_admin,
)

ClientFrom = Callable[[str], httpx.AsyncClient]
OFFICE = "10.1.0.7"
ATTACKER = "203.0.113.9"
# The token endpoint's own budget per address is out of the way: the throttle is under test.
UNLIMITED = "100000/minute"


@asynccontextmanager
async def gateway_from_addresses(settings: GatewaySettings) -> AsyncIterator[ClientFrom]:
    """A gateway in process, and clients of it each calling from the address given."""
    app = create_gateway_app(settings)
    async with LifespanManager(app, startup_timeout=30) as manager:
        clients: list[httpx.AsyncClient] = []

        def client_from(address: str) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=manager.app, client=(address, 50000))
            clients.append(httpx.AsyncClient(transport=transport, base_url="http://gateway"))
            return clients[-1]

        try:
            yield client_from
        finally:
            for client in clients:
                await client.aclose()


def next_admin_code() -> str:
    """The code admin's authenticator shows next: newer than one just used, and accepted (one
    step of drift is)."""
    return pyotp.TOTP(ADMIN_TOTP_SECRET).at(time.time() + 30)


def held(answer: httpx.Response) -> bool:
    return (
        answer.status_code == 429
        and answer.headers["content-type"] == "application/problem+json"
        and int(answer.headers["retry-after"]) >= 1
        and answer.json()["reason"] == "throttled"
    )


async def test_a_thousand_wrong_passwords_for_admin_from_one_address_do_not_keep_admin_out(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    settings = await gateway_settings(login_rate_limit=UNLIMITED)
    async with gateway_from_addresses(settings) as client_from:
        office, attacker = client_from(OFFICE), client_from(ATTACKER)
        assert (await sign_in_as_admin(office)).status_code == 200
        answers: Counter[str] = Counter()
        for guess in range(1000):
            answer = await sign_in(attacker, "admin", f"guess-{guess}-of-1000")
            answers["held" if held(answer) else answer.json()["reason"]] += 1
        # Five failures hold the account back from addresses admin never signed in from (and
        # ten would hold the address back from any account): 995 guesses were never checked.
        assert answers == {"invalid_credentials": 5, "held": 995}
        # Without a code of admin's authenticator, even the right password is not looked at...
        assert held(await sign_in(attacker, "admin", ADMIN_PASSWORD))
        # ...and from the office, where admin signs in, the right password and code get in.
        back = await sign_in(office, "admin", ADMIN_PASSWORD, totp=next_admin_code())
        assert back.status_code == 200, back.text


async def test_wrong_passwords_from_many_addresses_hold_the_account_back_only_from_strangers(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    settings = await gateway_settings(login_rate_limit=UNLIMITED)
    async with gateway_from_addresses(settings) as client_from:
        office = client_from(OFFICE)
        await add_user(office, "clerk01", ["licensing_clerk"])
        assert (await sign_in(office, "clerk01", PASSWORD)).status_code == 200
        answers: Counter[str] = Counter()
        for n in range(200):
            answer = await sign_in(client_from(f"198.51.100.{n}"), "clerk01", f"guess-{n}-x")
            answers["held" if held(answer) else answer.json()["reason"]] += 1
        # Five failures on the account hold it back from addresses it never signed in from.
        assert answers == {"invalid_credentials": 5, "held": 195}
        assert held(await sign_in(client_from("192.0.2.1"), "clerk01", PASSWORD))
        assert (await sign_in(office, "clerk01", PASSWORD)).status_code == 200
        # The admin sees the hold, and lifting it lets the clerk in from anywhere again.
        admin = await admin_token(office)
        shown = (await office.get("/api/admin/users/clerk01", headers=admin)).json()
        assert shown["locked_until"] is not None
        locked = await office.get("/api/admin/users?status=locked", headers=admin)
        assert [person["username"] for person in locked.json()["items"]] == ["clerk01"]
        assert (await office.post("/api/admin/users/clerk01/unlock", headers=admin)).is_success
        assert (await sign_in(client_from("192.0.2.1"), "clerk01", PASSWORD)).status_code == 200


async def test_a_valid_code_gets_past_the_account_s_hold_from_a_new_address(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    settings = await gateway_settings(login_rate_limit=UNLIMITED)
    async with gateway_from_addresses(settings) as client_from:
        for n in range(5):
            await sign_in(client_from(f"198.51.100.{n}"), "admin", "wrong-password-x")
        hotel = client_from("192.0.2.50")
        assert held(await sign_in(hotel, "admin", ADMIN_PASSWORD))
        wrong_code = str((int(next_admin_code()) + 1) % 1_000_000).zfill(6)
        assert held(await sign_in(hotel, "admin", ADMIN_PASSWORD, totp=wrong_code))
        answer = await sign_in(hotel, "admin", ADMIN_PASSWORD, totp=next_admin_code())
        assert answer.status_code == 200, answer.text


async def test_repeated_failures_meet_growing_waits(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    settings = await gateway_settings(
        login_rate_limit=UNLIMITED, login_address_throttle="2/10 seconds;4/hour"
    )
    async with gateway_from_addresses(settings) as client_from:
        attacker = client_from(ATTACKER)
        for _ in range(2):
            assert grant_refused(
                await sign_in(attacker, "nobody", "guess-x"), "invalid_credentials"
            )
        first = await sign_in(attacker, "nobody", "guess-x")
        assert held(first) and int(first.headers["retry-after"]) <= 10
        await asyncio.sleep(int(first.headers["retry-after"]) + 0.5)
        for _ in range(2):
            assert grant_refused(
                await sign_in(attacker, "nobody", "guess-x"), "invalid_credentials"
            )
        second = await sign_in(attacker, "nobody", "guess-x")
        assert held(second) and int(second.headers["retry-after"]) > 60
