"""Signing in at the gateway under test, and reading its refusals."""

from __future__ import annotations

import json
import weakref
from typing import Any

import httpx
import pyotp
from fastapi import FastAPI

from gateway.settings import DEMO_DISTRICT
from tests.gateway.conftest import ADMIN_PASSWORD, ADMIN_TOTP_SECRET

PROBLEM = "application/problem+json"
# The demo district's authenticator of admin, auditor01 and quality01.
DEMO_TOTP_SECRET: str = json.loads(DEMO_DISTRICT.read_text(encoding="utf-8"))[
    "second_factor_secret"
]
DEMO_SECOND_FACTOR = frozenset({"admin", "auditor01", "quality01"})
# A code is good once: each client signs in as admin once and keeps the token.
_ADMIN_TOKENS: weakref.WeakKeyDictionary[httpx.AsyncClient, str] = weakref.WeakKeyDictionary()


async def sign_in(
    client: httpx.AsyncClient, username: str, password: str, **extra: str
) -> httpx.Response:
    form = {"grant_type": "password", "username": username, "password": password} | extra
    return await client.post("/auth/token", data=form)


def totp_code(secret: str = ADMIN_TOTP_SECRET) -> str:
    """The code the authenticator holding `secret` shows now (admin's by default)."""
    return pyotp.TOTP(secret).now()


def demo_sign_in(username: str) -> dict[str, str]:
    """The token form of a demo person: `demo-<username>`, and a code where one is needed."""
    form = {"grant_type": "password", "username": username, "password": f"demo-{username}"}
    if username in DEMO_SECOND_FACTOR:
        form["totp"] = totp_code(DEMO_TOTP_SECRET)
    return form


async def sign_in_as_admin(client: httpx.AsyncClient) -> httpx.Response:
    """Sign in as `admin` with its password and a code of its authenticator."""
    return await sign_in(client, "admin", ADMIN_PASSWORD, totp=totp_code())


async def admin_access(client: httpx.AsyncClient) -> str:
    """An access token of `admin` at the gateway `client` talks to (signed in once a client)."""
    if client not in _ADMIN_TOKENS:
        answer = await sign_in_as_admin(client)
        assert answer.status_code == 200, answer.text
        _ADMIN_TOKENS[client] = answer.json()["access_token"]
    return _ADMIN_TOKENS[client]


async def admin_token(client: httpx.AsyncClient) -> dict[str, str]:
    """The Authorization header of `admin` at the gateway `client` talks to."""
    return bearer(await admin_access(client))


def token_of(app: FastAPI, username: str, *roles: str) -> str:
    """An access token the running gateway `app` signs for `username`, without signing in (a
    code of an authenticator is good once, and some tests need many admins)."""
    identity = app.state.identity
    now = identity.clock.now()
    return str(
        identity.access_token(now, subject=username, name=username, roles=list(roles), kind="staff")
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def refused(answer: httpx.Response, reason: str | None = None) -> bool:
    body = answer.json()
    return (
        answer.status_code == 401
        and answer.headers["content-type"] == PROBLEM
        and body["type"] == "/problems/unauthenticated"
        and (reason is None or body.get("reason") == reason)
    )


def token_error(answer: httpx.Response, status: int, error: str) -> bool:
    """An RFC 6749 §5.2 error beside the problem+json members."""
    body = answer.json()
    return (
        answer.status_code == status
        and answer.headers["content-type"] == PROBLEM
        and answer.headers["cache-control"] == "no-store"
        and body["status"] == status
        and {"type", "title", "detail"} <= set(body)
        and body["error"] == error
        and body["error_description"] == body["detail"]
    )


def grant_refused(answer: httpx.Response, reason: str) -> bool:
    """A sign-in or refresh refused as RFC 6749's `invalid_grant`, with its reason."""
    body = answer.json()
    return (
        token_error(answer, 400, "invalid_grant")
        and body["type"] == "/problems/unauthenticated"
        and body["reason"] == reason
    )


def client_refused(answer: httpx.Response) -> bool:
    """A client refused as RFC 6749's `invalid_client`, challenged to authenticate with Basic."""
    return (
        token_error(answer, 401, "invalid_client")
        and answer.json()["type"] == "/problems/unauthenticated"
        and answer.headers["www-authenticate"] == 'Basic realm="shijian"'
    )


# The password `add_user` gives; long and uncommon enough for the password rules.
PASSWORD = "Pass-word-9-of-the-bureau"
SECOND_FACTOR_ROLES = {"admin", "auditor", "qms_manager"}


async def add_user(
    client: httpx.AsyncClient, username: str, roles: list[str], **extra: Any
) -> str | None:
    """Add a person with PASSWORD; when a role requires a second factor by default, enrol
    their authenticator and give its secret (for `totp_code`)."""
    admin = await admin_token(client)
    answer = await client.post(
        "/api/admin/users",
        json={"username": username, "password": PASSWORD, "name": username, "roles": roles} | extra,
        headers=admin,
    )
    assert answer.status_code == 201, answer.text
    if not SECOND_FACTOR_ROLES & set(roles):
        return None
    enrolled = await client.post(f"/api/admin/users/{username}/totp", headers=admin)
    assert enrolled.status_code == 200, enrolled.text
    secret: str = enrolled.json()["secret"]
    return secret
