"""Mobile licensing (流动办照): where the van should call, and what it uploads after a trip."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.problems import Problem
from chassis.uow import UnitOfWork
from contracts.supervision import UnlicensedTradingFound
from services.licensing.domain import AreaMap
from services.licensing.schemas import BatchItem
from services.licensing.tables import applications, mobile_visits
from services.licensing.usecases import Licensing


async def record_finding(connection: AsyncConnection, finding: UnlicensedTradingFound) -> None:
    """Put a place where unlicensed trading was found on the van's visit list."""
    address = finding.address
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    # The same finding published again (a re-sent event has a new id) is already listed.
    await connection.execute(
        dialect.insert(mobile_visits)
        .on_conflict_do_nothing(index_elements=[mobile_visits.c.finding_id])
        .values(
            finding_id=finding.finding_id,
            address={
                "text": address.text,
                "community_code": address.community_code,
                "lon": address.location.lon if address.location else None,
                "lat": address.location.lat if address.location else None,
            },
            community_code=address.community_code,
            street_code=address.street_code,
            description=finding.description,
            found_at=finding.found_at,
            found_by=finding.found_by,
            status="open",
        )
    )


async def visits(
    connection: AsyncConnection,
    area_map: AreaMap,
    *,
    area: int | None,
    street_code: str | None,
    status: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    """The visit list, oldest finding first, for one area or street if asked."""
    statement = sa.select(mobile_visits).order_by(mobile_visits.c.found_at).limit(limit)
    if area is not None:
        communities = [code for code, found in area_map.areas.items() if found == area]
        statement = statement.where(mobile_visits.c.community_code.in_(communities))
    if street_code is not None:
        statement = statement.where(mobile_visits.c.street_code == street_code)
    if status is not None:
        statement = statement.where(mobile_visits.c.status == status)
    return [
        row._asdict() | {"area": area_map.area_of(row.community_code)}
        for row in await connection.execute(statement)
    ]


async def _uploaded(licensing: Licensing, uow: UnitOfWork, client_id: str) -> dict[str, Any] | None:
    found = await uow.connection.scalar(
        sa.select(applications.c.id).where(applications.c.client_ref == client_id)
    )
    if found is None:
        return None
    application = await licensing.application(uow.connection, found)
    return {"client_id": client_id, "outcome": "existing", "application": application}


def _refusal(client_id: str | None, problem: Problem) -> dict[str, Any]:
    return {"client_id": client_id, "outcome": "refused", "problem": problem.body()}


async def upload_batch(
    licensing: Licensing,
    new_unit_of_work: Callable[[], UnitOfWork],
    actor: Principal,
    items: list[dict[str, Any]],
    *,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Submit each application captured offline in its own transaction.

    An item already uploaded (same client id) is answered as it stands, so a batch re-sent
    after a lost answer creates nothing twice; a bad item is refused alone.
    """
    results = []
    for raw in items:
        client_id = raw.get("client_id") if isinstance(raw.get("client_id"), str) else None
        try:
            item = BatchItem.model_validate(raw)
        except ValidationError as error:
            errors = [
                # Named as for POST /applications, which each item is.
                {
                    "field": ".".join(map(str, ("body", *e["loc"]))),
                    "message": e["msg"],
                    "code": e["type"],
                }
                for e in error.errors(include_input=False)
            ]
            fields = ", ".join(e["field"] for e in errors)
            results.append(
                _refusal(
                    client_id,
                    Problem("validation", 422, f"Invalid fields: {fields}", errors=errors),
                )
            )
            continue
        async with new_unit_of_work() as uow:
            uploaded = await _uploaded(licensing, uow, item.client_id)
            if uploaded is not None:
                results.append(uploaded)
                continue
            try:
                created = await licensing.submit(
                    uow, actor, item, client_ref=item.client_id, now=now
                )
            except Problem as problem:
                results.append(_refusal(item.client_id, problem))
                continue
            except IntegrityError:
                # The same batch uploaded twice at once: the other upload stored it.
                await uow.rollback()
                uploaded = await _uploaded(licensing, uow, item.client_id)
                if uploaded is None:
                    raise
                results.append(uploaded)
                continue
            results.append(
                {"client_id": item.client_id, "outcome": "created", "application": created}
            )
    return results
