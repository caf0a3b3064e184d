"""A standard OAuth 2.0 client against the gateway on the embedded default (SQLite).

No OAuth client library is installed here, so the requests are the ones a standard client
(authlib's OAuth2Client as a public client, `token_endpoint_auth_method="none"`, or with
`client_secret_basic`) sends: form-encoded bodies, `Accept: application/json`, the client id in
the body or HTTP Basic credentials. It reads RFC 6749 §5.1 answers and §5.2 errors.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from gateway.app import create_gateway_app, spec
from gateway.settings import GatewaySettings
from tests.conftest import BUS_URL, migrate, running
from tests.gateway.conftest import ADMIN_PASSWORD, ADMIN_TOTP_SECRET
from tests.gateway.signin import totp_code

CLIENT_HEADERS = {
    "Accept": "application/json",
    "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
}
CONSOLE = "console"  # a public client: it sends its id and no secret


@pytest.fixture
async def client(bus_prefix: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway on a fresh SQLite file, as `make run` starts it."""
    settings = GatewaySettings(
        service="gateway",
        environment="test",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}",
        bus_url=BUS_URL,
        bus_prefix=bus_prefix,
        signing_keys_dir=tmp_path / "keys",
        admin_password=ADMIN_PASSWORD,
        admin_totp_secret=ADMIN_TOTP_SECRET,
    )
    assert settings.is_sqlite
    await migrate(spec, settings)
    async with running(create_gateway_app(settings)) as client:
        yield client


async def token_request(
    client: httpx.AsyncClient, form: dict[str, str], headers: dict[str, str] | None = None
) -> httpx.Response:
    """POST the token endpoint as a standard client does."""
    return await client.post(
        "/auth/token", content=urlencode(form), headers=CLIENT_HEADERS | (headers or {})
    )


async def sign_in(client: httpx.AsyncClient, password: str = ADMIN_PASSWORD) -> httpx.Response:
    form = {"grant_type": "password", "username": "admin", "password": password}
    return await token_request(client, form | {"totp": totp_code(), "client_id": CONSOLE})


async def refresh(client: httpx.AsyncClient, refresh_token: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": CONSOLE}
    return await token_request(client, form)


def oauth_error(answer: httpx.Response, status: int, error: str) -> str:
    """The §5.2 error's `error_description`, once its shape is checked."""
    body = answer.json()
    assert answer.status_code == status, answer.text
    assert body["error"] == error
    assert body["status"] == status and body["type"] and body["title"]
    assert isinstance(body["error_description"], str)
    return str(body["error_description"])


def aware(text: str) -> bool:
    """An RFC 3339 date-time with its offset."""
    return datetime.fromisoformat(text).utcoffset() is not None


async def test_a_standard_client_signs_in_and_refreshes_on_sqlite(
    client: httpx.AsyncClient,
) -> None:
    first = await sign_in(client)
    assert first.status_code == 200, first.text
    tokens = first.json()
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 900
    second = await refresh(client, tokens["refresh_token"])
    assert second.status_code == 200, second.text
    assert second.headers["cache-control"] == "no-store"
    rotated = second.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    me = await client.get(
        "/auth/me", headers={"Authorization": f"Bearer {rotated['access_token']}"}
    )
    assert me.json()["sub"] == "admin"
    third = await refresh(client, rotated["refresh_token"])
    assert third.status_code == 200, third.text
    # A reused refresh token revokes its family: the client must sign in again.
    assert "reused" in oauth_error(
        await refresh(client, tokens["refresh_token"]), 400, "invalid_grant"
    )
    revoked = await refresh(client, third.json()["refresh_token"])
    assert "revoked" in oauth_error(revoked, 400, "invalid_grant")
    assert "unknown" in oauth_error(await refresh(client, "made-up"), 400, "invalid_grant")


async def test_a_standard_client_reads_why_it_was_refused_on_sqlite(
    client: httpx.AsyncClient,
) -> None:
    oauth_error(await sign_in(client, "not-the-password"), 400, "invalid_grant")
    admin = {"Authorization": f"Bearer {(await sign_in(client)).json()['access_token']}"}
    partner = {
        "client_id": "health",
        "client_secret": "health-secret-1",
        "name": "区卫生健康局",
        "agency": "health",
    }
    assert (await client.post("/api/admin/clients", json=partner, headers=admin)).status_code == 201
    basic = base64.b64encode(b"health:health-secret-1").decode()
    granted = await token_request(
        client, {"grant_type": "client_credentials"}, {"Authorization": f"Basic {basic}"}
    )
    assert granted.status_code == 200, granted.text
    wrong = base64.b64encode(b"health:not-the-secret").decode()
    refused = await token_request(
        client, {"grant_type": "client_credentials"}, {"Authorization": f"Basic {wrong}"}
    )
    oauth_error(refused, 401, "invalid_client")
    assert refused.headers["www-authenticate"].startswith("Basic")
    oauth_error(
        await token_request(client, {"grant_type": "refresh_token"}), 400, "invalid_request"
    )
    oauth_error(
        await token_request(client, {"grant_type": "implicit"}), 400, "unsupported_grant_type"
    )


async def test_date_times_carry_their_zone_on_sqlite(client: httpx.AsyncClient) -> None:
    admin = {"Authorization": f"Bearer {(await sign_in(client)).json()['access_token']}"}
    person = {
        "username": "clerk01",
        "password": "Pass-word-9-of-the-bureau",
        "name": "x",
        "roles": ["auditor"],
    }
    created = await client.post("/api/admin/users", json=person, headers=admin)
    assert aware(created.json()["created_at"])
    partner = {
        "client_id": "fire",
        "client_secret": "fire-secret-01",
        "name": "x",
        "agency": "fire",
    }
    assert aware(
        (await client.post("/api/admin/clients", json=partner, headers=admin)).json()["created_at"]
    )
    for _ in range(5):  # held back after the fifth failure
        await token_request(
            client, {"grant_type": "password", "username": "clerk01", "password": "wrong-Pass-1"}
        )
    clerk = (await client.get("/api/admin/users/clerk01", headers=admin)).json()
    assert aware(clerk["created_at"]) and aware(clerk["locked_until"])
    users = (await client.get("/api/admin/users", headers=admin)).json()["items"]
    clients = (await client.get("/api/admin/clients", headers=admin)).json()["items"]
    stamps = [u["created_at"] for u in users] + [c["created_at"] for c in clients]
    assert len(stamps) == 3 and all(aware(stamp) for stamp in stamps)


async def test_the_users_list_reads_roles_and_policies_on_sqlite(
    client: httpx.AsyncClient,
) -> None:
    admin = {"Authorization": f"Bearer {(await sign_in(client)).json()['access_token']}"}
    for username, roles in (
        ("clerk02", ["licensing_clerk"]),
        ("officer02", ["auditor", "enforcement_officer"]),
    ):
        person = {
            "username": username,
            "password": "Pass-word-9-of-the-bureau",
            "name": "x",
            "roles": roles,
        }
        assert (await client.post("/api/admin/users", json=person, headers=admin)).is_success
    required = await client.put(
        "/api/admin/role-policies/enforcement_officer", json={"totp_required": True}, headers=admin
    )
    assert required.is_success
    for _ in range(5):  # held back after the fifth failure
        await token_request(
            client, {"grant_type": "password", "username": "clerk02", "password": "wrong-Pass-1"}
        )

    async def listed(query: str) -> list[str]:
        answer = await client.get(f"/api/admin/users?{query}", headers=admin)
        assert answer.status_code == 200, answer.text
        return [user["username"] for user in answer.json()["items"]]

    assert await listed("role=enforcement_officer") == ["officer02"]
    assert await listed("role=auditor&status=no_second_factor") == ["officer02"]
    assert await listed("status=locked") == ["clerk02"]
    assert await listed("status=active&q=ADM") == ["admin"]
    first = (await client.get("/api/admin/users?limit=2", headers=admin)).json()
    rest = await listed(f"limit=2&cursor={first['next_cursor']}")
    assert [u["username"] for u in first["items"]] + rest == ["admin", "clerk02", "officer02"]
    # Signing in reads the same rule as the list's `no_second_factor`.
    officer = {
        "grant_type": "password",
        "username": "officer02",
        "password": "Pass-word-9-of-the-bureau",
    }
    refused = await token_request(client, officer)
    assert "requires a second factor" in oauth_error(refused, 400, "invalid_grant")
