"""GET /applications: oldest first, a page at a time by cursor, filtered by status, channel,
kind and a search for part of the name or the start of a credit code."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import Any

import httpx
import sqlalchemy as sa

from chassis.db import Database
from services.licensing.tables import applications
from tests.licensing.conftest import AUDITOR, CLERK, OPERATOR_ID, Licensing, shop, unique


async def submitted(licensing: Licensing, body: dict[str, Any]) -> dict[str, Any]:
    created = await licensing.client.post("/applications", json=body, headers=CLERK)
    assert created.status_code == 201, created.text
    application: dict[str, Any] = created.json()
    return application


async def walked(licensing: Licensing, query: dict[str, str | int]) -> tuple[list[Any], int]:
    """Every application the query lists, page after page, and the number of pages."""
    found: list[dict[str, Any]] = []
    pages, cursor = 0, None
    while True:
        params = query if cursor is None else query | {"cursor": cursor}
        answer = await licensing.client.get("/applications", params=params, headers=AUDITOR)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert len(page["applications"]) <= int(query["limit"])
        found += page["applications"]
        pages, cursor = pages + 1, page["next_cursor"]
        if cursor is None:
            return found, pages


def oldest_first(found: list[dict[str, Any]]) -> bool:
    keys = [(datetime.fromisoformat(a["submitted_at"]), uuid.UUID(a["id"])) for a in found]
    return keys == sorted(keys)


def refused_on(answer: httpx.Response) -> list[str]:
    """The fields a 422 problem names."""
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    return [error["field"] for error in answer.json()["errors"]]


async def test_the_cursor_walks_every_application_once_oldest_first(
    licensing: Licensing,
) -> None:
    created = [(await submitted(licensing, shop(unique("杂货"))))["id"] for _ in range(5)]
    # Two handed in at the very same instant: the cursor still tells them apart.
    database = Database(licensing.settings.database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(
                sa.update(applications)
                .where(applications.c.id.in_([uuid.UUID(i) for i in created[2:4]]))
                .values(submitted_at=datetime.fromisoformat("2020-01-05T09:00:00+08:00"))
            )
            stored = await connection.scalar(sa.select(sa.func.count()).select_from(applications))
    finally:
        await database.dispose()

    found, pages = await walked(licensing, {"limit": 2})
    ids = [a["id"] for a in found]
    assert len(ids) == len(set(ids)) == stored
    assert set(created) <= set(ids)
    assert pages == (stored + 1) // 2
    assert oldest_first(found)
    # The tied pair comes first (the oldest), in the order of their ids.
    assert ids[:2] == sorted(created[2:4], key=uuid.UUID)


async def test_filters_combine_with_the_cursor(licensing: Licensing) -> None:
    marker = uuid.uuid4().hex[:8]
    window = [
        (await submitted(licensing, shop(f"示范区{marker}小卖部{n}")))["id"] for n in range(3)
    ]
    mobile = [
        (await submitted(licensing, shop(f"示范区{marker}摊位{n}", channel="mobile")))["id"]
        for n in range(2)
    ]
    online = (await submitted(licensing, shop(f"示范区{marker}网店", channel="online")))["id"]
    code = await licensing.issued(shop(f"示范区{marker}五金"))
    change = {
        "kind": "change",
        "entity_type": "individual_business",
        "credit_code": code,
        "name": f"示范区{marker}五金店",
        "operator": {"name": "王某", "id_number": OPERATOR_ID},
        "materials": ["application_form", "operator_id", "original_licence"],
    }
    changed = (await submitted(licensing, change))["id"]
    unrelated = await submitted(licensing, shop(unique("面包")))

    def ids(found: list[dict[str, Any]]) -> list[str]:
        return [a["id"] for a in found]

    queue = {"q": marker, "status": "submitted", "channel": "window", "kind": "establishment"}
    found, pages = await walked(licensing, queue | {"limit": 1})
    assert ids(found) == window and pages == 3 and oldest_first(found)
    found, _ = await walked(licensing, {"q": marker, "channel": "mobile", "limit": 1})
    assert ids(found) == mobile
    found, _ = await walked(licensing, {"q": marker, "channel": "online", "limit": 1})
    assert ids(found) == [online]
    found, _ = await walked(licensing, {"q": marker, "kind": "change", "limit": 1})
    assert ids(found) == [changed]
    # Part of the name in another case; the start of a credit code, typed in lower case.
    found, _ = await walked(licensing, {"q": f"{marker.upper()}小卖", "limit": 2})
    assert ids(found) == window
    found, _ = await walked(licensing, {"q": code[:17].lower(), "limit": 1})
    assert len(found) == 2 and changed in ids(found)
    assert all(a["credit_code"] == code for a in found)
    # LIKE's wildcards are searched as themselves.
    for wildcard in ("%", "_", f"{marker}%"):
        found, _ = await walked(licensing, {"q": wildcard, "limit": 50})
        assert found == [], wildcard
    # Blanks are no search at all.
    found, _ = await walked(licensing, {"q": "  ", "status": "submitted", "limit": 100})
    assert unrelated["id"] in ids(found)


async def test_a_cursor_this_list_did_not_give_is_refused(licensing: Licensing) -> None:
    def encoded(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()

    garbage = [
        "not-a-cursor",
        encoded(["yesterday", str(uuid.uuid4())]),
        encoded(["2026-12-01T08:00:00+00:00", "A-1"]),
        encoded({"submitted_at": "2026-12-01T08:00:00+00:00"}),
        encoded(["2026-12-01T08:00:00+00:00"]),
    ]
    for cursor in garbage:
        answer = await licensing.client.get(
            "/applications", params={"cursor": cursor}, headers=AUDITOR
        )
        assert refused_on(answer) == ["query.cursor"], cursor


async def test_wrong_filters_are_refused_naming_the_field(licensing: Licensing) -> None:
    for query, field in (
        ({"channel": "fax"}, "query.channel"),
        ({"kind": "merger"}, "query.kind"),
        ({"status": "lost"}, "query.status"),
        ({"q": "名" * 101}, "query.q"),
        ({"limit": 501}, "query.limit"),
    ):
        answer = await licensing.client.get("/applications", params=query, headers=AUDITOR)
        assert refused_on(answer) == [field], query
