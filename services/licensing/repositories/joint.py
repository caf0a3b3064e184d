"""Partner requests of joint licensing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.copying import made_from
from chassis.errors import NotFound
from chassis.rows import values_for
from services.licensing.domain.joint import PartnerRequest, PartnerRequestView
from services.licensing.repositories.applications import application_of
from services.licensing.tables import applications, partner_requests


def _columns(row: sa.Row[Any], table: sa.Table) -> dict[str, object]:
    """The values of `table`'s columns in a (joined) row."""
    return {column.name: row._mapping[column] for column in table.c}


@dataclass
class PartnerRequests:
    """The requests to partner agencies."""

    connection: AsyncConnection

    async def add(self, request: PartnerRequest) -> None:
        """Store a new request."""
        await self.connection.execute(
            sa.insert(partner_requests).values(values_for(partner_requests, request))
        )

    async def save(self, request: PartnerRequest) -> None:
        """Store the agency's decision."""
        await self.connection.execute(
            sa.update(partner_requests)
            .where(partner_requests.c.id == request.id)
            .values(values_for(partner_requests, request))
        )

    async def locked(self, agency: str, request_id: uuid.UUID) -> PartnerRequest:
        """One of the agency's requests, held for this transaction; another agency's is as
        absent as a missing one."""
        row = (
            await self.connection.execute(
                sa.select(partner_requests)
                .where(partner_requests.c.id == request_id, partner_requests.c.agency == agency)
                .with_for_update()
            )
        ).first()
        if row is None:
            raise NotFound("partner request")
        return made_from(PartnerRequest, row)

    async def of_application(self, application_id: uuid.UUID) -> list[PartnerRequest]:
        """The requests of one application, by agency."""
        rows = await self.connection.execute(
            sa.select(partner_requests)
            .where(partner_requests.c.application_id == application_id)
            .order_by(partner_requests.c.agency)
        )
        return [made_from(PartnerRequest, row) for row in rows]

    async def withdraw_pending(self, application_id: uuid.UUID, now: datetime) -> None:
        """Withdraw the requests still waiting at partners (the application was refused)."""
        await self.connection.execute(
            sa.update(partner_requests)
            .where(
                partner_requests.c.application_id == application_id,
                partner_requests.c.status == "pending",
            )
            .values(status="withdrawn", decided_at=now)
        )

    async def seen_by(
        self, agency: str, *, request_id: uuid.UUID | None = None, status: str | None = None
    ) -> list[PartnerRequestView]:
        """The agency's requests as it sees them, oldest first (one, when `request_id`)."""
        statement = (
            sa.select(partner_requests, applications)
            .join(applications, applications.c.id == partner_requests.c.application_id)
            .where(partner_requests.c.agency == agency)
            .order_by(partner_requests.c.requested_at)
        )
        if request_id is not None:
            statement = statement.where(partner_requests.c.id == request_id)
        if status is not None:
            statement = statement.where(partner_requests.c.status == status)
        rows = await self.connection.execute(statement)
        return [
            made_from(PartnerRequest, _columns(row, partner_requests)).view(
                application_of(_columns(row, applications))
            )
            for row in rows.all()
        ]
