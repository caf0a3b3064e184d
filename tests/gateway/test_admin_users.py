"""GET /api/admin/users: by username a page at a time, filtered by the gateway as the console's
users list asks (text, role, office, status)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from chassis.paging import cursor_after
from tests.gateway.signin import PROBLEM, admin_token, sign_in

PASSWORD = "Pass-word-9-of-the-bureau"

# username: roles, office, name. enforcement_officer is made to require a second factor;
# dave has his enrolled, erin is held back after failed sign-ins, frank deactivated.
BUREAU: dict[str, tuple[list[str], str | None, str]] = {
    "ann.lee": (["auditor"], "office-01", "Ann Lee"),
    "bob": (["licensing_clerk"], "office-01", "周博"),
    "carol_1": (["enforcement_officer"], "office-02", "Carol"),
    "dave": (["auditor", "enforcement_officer"], "office-02", "Dave"),
    "erin": (["grid_inspector"], "office-01", "Erin"),
    "frank": (["licensing_clerk"], None, "Frank"),
    "gina": (["enforcement_officer"], None, "吉娜"),
}
EVERYONE = sorted([*BUREAU, "admin"])


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.at.date()


@pytest.fixture
async def bureau(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> tuple[FastAPI, httpx.AsyncClient, dict[str, str]]:
    """The gateway with BUREAU's people in their states, and an admin's headers."""
    app, client = gateway  # holds an account back after 3 failures
    admin = await admin_token(client)
    for username, (roles, office, name) in BUREAU.items():
        person = {"username": username, "password": PASSWORD, "name": name, "roles": roles}
        added = await client.post(
            "/api/admin/users", json=person | {"office": office}, headers=admin
        )
        assert added.status_code == 201, added.text
    policy = await client.put(
        "/api/admin/role-policies/enforcement_officer", json={"totp_required": True}, headers=admin
    )
    assert policy.is_success, policy.text
    assert (await client.post("/api/admin/users/dave/totp", headers=admin)).is_success
    for _ in range(3):
        await sign_in(client, "erin", "wrong-Pass-1")
    assert (await client.post("/api/admin/users/frank/deactivate", headers=admin)).is_success
    return app, client, admin


async def listed(client: httpx.AsyncClient, admin: dict[str, str], query: str) -> list[str]:
    """The usernames of one page."""
    answer = await client.get(f"/api/admin/users?{query}", headers=admin)
    assert answer.status_code == 200, answer.text
    return [user["username"] for user in answer.json()["items"]]


async def walked(
    client: httpx.AsyncClient, admin: dict[str, str], query: str, limit: int
) -> list[list[str]]:
    """Every page, following next_cursor from the first."""
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        after = "" if cursor is None else f"&cursor={cursor}"
        answer = await client.get(f"/api/admin/users?{query}&limit={limit}{after}", headers=admin)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        pages.append([user["username"] for user in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 20, "the cursor does not move on"


def fields_of(answer: httpx.Response) -> list[str]:
    """The parameters a 422 problem names."""
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == PROBLEM
    return [error["field"] for error in answer.json()["errors"]]


async def test_the_cursor_walks_every_person_once_in_username_order(
    bureau: tuple[FastAPI, httpx.AsyncClient, dict[str, str]],
) -> None:
    _, client, admin = bureau
    pages = await walked(client, admin, "", limit=3)
    assert pages == [EVERYONE[0:3], EVERYONE[3:6], EVERYONE[6:8]]
    # A last page that is exactly full says there is no more.
    assert await walked(client, admin, "", limit=4) == [EVERYONE[0:4], EVERYONE[4:8]]
    whole = (await client.get("/api/admin/users", headers=admin)).json()
    assert [u["username"] for u in whole["items"]] == EVERYONE
    assert whole["next_cursor"] is None
    assert {"password_hash", "totp_secret"}.isdisjoint(whole["items"][0])


# What each filter keeps of BUREAU, as the console filtered it in the browser.
KEPT: list[tuple[str, list[str]]] = [
    ("q=LEE", ["ann.lee"]),  # the username, in any case
    ("q=周", ["bob"]),  # the name
    ("q=%20ann%20", ["ann.lee"]),  # spaces around it ignored
    ("q=_", ["carol_1"]),  # an underscore is itself, not any character
    ("q=%25", []),  # and so is a percent sign
    ("q=", EVERYONE),
    ("role=enforcement_officer", ["carol_1", "dave", "gina"]),
    ("role=auditor", ["ann.lee", "dave"]),
    ("office=office-02", ["carol_1", "dave"]),
    ("office=office-09", []),
    ("status=inactive", ["frank"]),
    ("status=locked", ["erin"]),
    ("status=active", ["admin", "ann.lee", "bob", "carol_1", "dave", "gina"]),
    # auditor (by default) and enforcement_officer require a second factor: dave has one,
    # these three cannot sign in.
    ("status=no_second_factor", ["ann.lee", "carol_1", "gina"]),
    ("q=a&office=office-01", ["ann.lee"]),
    ("role=licensing_clerk&status=active", ["bob"]),
]


async def test_each_filter_keeps_whom_the_console_would(
    bureau: tuple[FastAPI, httpx.AsyncClient, dict[str, str]],
) -> None:
    _, client, admin = bureau
    for query, expected in KEPT:
        assert await listed(client, admin, query) == expected, query


async def test_locked_is_read_by_the_gateways_clock_and_policies_as_they_stand(
    bureau: tuple[FastAPI, httpx.AsyncClient, dict[str, str]],
) -> None:
    app, client, admin = bureau
    erin = (await client.get("/api/admin/users/erin", headers=admin)).json()
    lifted = datetime.fromisoformat(erin["locked_until"]) + timedelta(seconds=1)
    app.state.identity.clock = FixedClock(lifted)
    assert await listed(client, admin, "status=locked") == []
    assert "erin" in await listed(client, admin, "status=active")
    # No role of theirs requires a second factor any more: nobody lacks one.
    for role in ("enforcement_officer", "auditor"):
        policy = await client.put(
            f"/api/admin/role-policies/{role}", json={"totp_required": False}, headers=admin
        )
        assert policy.is_success
    assert await listed(client, admin, "status=no_second_factor") == []


async def test_filters_hold_across_the_pages(
    bureau: tuple[FastAPI, httpx.AsyncClient, dict[str, str]],
) -> None:
    _, client, admin = bureau
    for query, expected in KEPT:
        pages = await walked(client, admin, query, limit=1)
        assert pages == ([[username] for username in expected] or [[]]), query


async def test_a_foreign_cursor_or_an_unknown_role_or_status_is_refused_by_name(
    bureau: tuple[FastAPI, httpx.AsyncClient, dict[str, str]],
) -> None:
    _, client, admin = bureau

    async def refused(query: dict[str, Any]) -> list[str]:
        return fields_of(await client.get("/api/admin/users", params=query, headers=admin))

    # A cursor of another list (a ticket's: received_at and id), or none at all.
    tickets = cursor_after(datetime.now(UTC), uuid.uuid4())
    for cursor in (tickets, "not-a-cursor", "%ff%fe"):
        assert await refused({"cursor": cursor}) == ["query.cursor"], cursor
    assert await refused({"status": "gone"}) == ["query.status"]
    assert await refused({"status": "all"}) == ["query.status"]
    assert await refused({"role": "king"}) == ["query.role"]
    partner = await client.get("/api/admin/users", params={"role": "partner_agency"}, headers=admin)
    assert fields_of(partner) == ["query.role"]
    assert "partner clients" in partner.json()["errors"][0]["message"]
    assert await refused({"q": "x" * 201}) == ["query.q"]
    assert await refused({"limit": 0}) == ["query.limit"]
    assert await refused({"limit": 201}) == ["query.limit"]
