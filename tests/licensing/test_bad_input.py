"""Bad input is refused with problem+json naming what is wrong, and nothing is stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from chassis.db import Database
from services.licensing.tables import applications
from tests.licensing.conftest import CLERK, Licensing, shop, unique


async def stored_applications(licensing: Licensing) -> int:
    """How many applications the service's database holds."""
    database = Database(licensing.settings.database_url)
    try:
        async with database.engine.connect() as connection:
            return int(
                await connection.scalar(sa.select(sa.func.count()).select_from(applications)) or 0
            )
    finally:
        await database.dispose()


def company(**changes: Any) -> dict[str, Any]:
    """A company establishment, complete but for what a case changes."""
    return (
        shop(
            unique("有限公司"),
            entity_type="company",
            registered_capital="500000.00",
            materials=[
                "application_form",
                "articles",
                "investor_id",
                "representative_appointment",
                "premises_proof",
            ],
        )
        | changes
    )


CASES: dict[str, tuple[dict[str, Any], str]] = {
    "ID number with a wrong check digit": (
        shop("x", operator={"name": "王某", "id_number": "110105194912310021"}),
        "body.operator.id_number",
    ),
    "ID number too short": (
        shop("x", operator={"name": "王某", "id_number": "11010519491231"}),
        "body.operator.id_number",
    ),
    "malformed credit code": (
        shop("x", kind="change", credit_code="91510106MA0000000X"),
        "body.credit_code",
    ),
    "unknown scope item": (shop("x", business_scope=["casino"]), "body.business_scope"),
    "negative capital": (company(registered_capital="-1"), "body.registered_capital"),
    "capital missing for a company": (
        company(registered_capital=None),
        "body.registered_capital",
    ),
    "capital for an individual business": (
        shop("x", registered_capital="1000"),
        "body.registered_capital",
    ),
    "unknown material": (shop("x", materials=["bribe"]), "body.materials"),
    "community code of 11 digits": (
        shop("x", address={"text": "某路 1 号", "community_code": "51010600100"}),
        "body.address.community_code",
    ),
    "a 10 MB name": (shop("名" * (10 * 1024 * 1024 // 3)), "body.name"),
    "unknown entity type": (shop("x", entity_type="state_farm"), "body.entity_type"),
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_bad_application_is_refused_naming_the_field(licensing: Licensing, case: str) -> None:
    body, field = CASES[case]
    before = await stored_applications(licensing)
    refused = await licensing.client.post("/applications", json=body, headers=CLERK)
    assert refused.status_code == 422, refused.text[:300]
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert field in [error["field"] for error in problem["errors"]], problem
    assert field in problem["detail"]
    # Personal data is never echoed back in a refusal.
    assert "11010519491231" not in refused.text
    assert await stored_applications(licensing) == before


async def test_a_body_that_is_not_json_is_refused_as_such(licensing: Licensing) -> None:
    before = await stored_applications(licensing)
    refused = await licensing.client.post(
        "/applications",
        content=json.dumps(shop(unique("纯文本"))),
        headers=CLERK | {"Content-Type": "text/plain"},
    )
    assert refused.status_code == 415
    assert refused.headers["content-type"] == "application/problem+json"
    assert "text/plain" in refused.json()["detail"]
    assert await stored_applications(licensing) == before


async def test_a_body_beyond_the_limit_is_refused_before_it_is_read(
    licensing: Licensing,
) -> None:
    limit = licensing.settings.max_request_bytes
    refused = await licensing.client.post(
        "/applications",
        content=b'{"name": "' + b"x" * limit + b'"}',
        headers=CLERK | {"Content-Type": "application/json"},
    )
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"


async def test_malformed_credit_code_in_the_path(licensing: Licensing) -> None:
    refused = await licensing.client.get("/licences/91510106MA0000000X", headers=CLERK)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "path.credit_code"
