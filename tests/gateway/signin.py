"""Signing in at the gateway under test, and reading its refusals."""

from __future__ import annotations

from typing import Any

import httpx

from tests.gateway.conftest import ADMIN_PASSWORD

PROBLEM = "application/problem+json"


async def sign_in(
    client: httpx.AsyncClient, username: str, password: str, **extra: str
) -> httpx.Response:
    form = {"grant_type": "password", "username": username, "password": password} | extra
    return await client.post("/auth/token", data=form)


async def admin_token(client: httpx.AsyncClient) -> dict[str, str]:
    answer = await sign_in(client, "admin", ADMIN_PASSWORD)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


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


async def add_user(
    client: httpx.AsyncClient, username: str, roles: list[str], **extra: Any
) -> None:
    answer = await client.post(
        "/api/admin/users",
        json={"username": username, "password": "Pass-word-9", "name": username, "roles": roles}
        | extra,
        headers=await admin_token(client),
    )
    assert answer.status_code == 201, answer.text
