"""Allowed webhook hosts, partners' webhooks and the pushes scheduled to them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.copying import made_from
from chassis.db import dialect_of
from chassis.rows import values_for
from services.licensing.domain.webhooks import AllowedHost, Webhook
from services.licensing.tables import webhook_deliveries, webhook_hosts, webhooks


@dataclass
class Webhooks:
    """The webhook tables."""

    connection: AsyncConnection

    def _insert(self, table: sa.Table) -> Any:
        # Both dialects' inserts take ON CONFLICT (SQLite embedded, PostgreSQL in production).
        return dialect_of(self.connection).insert(table)

    async def allow(self, host: AllowedHost, *, actor: str, now: datetime) -> None:
        """Allow a host for an agency; allowing it again changes nothing."""
        await self.connection.execute(
            self._insert(webhook_hosts)
            .values(agency=host.agency, host=host.host, allowed_by=actor, allowed_at=now)
            .on_conflict_do_nothing(index_elements=[webhook_hosts.c.agency, webhook_hosts.c.host])
        )

    async def disallow(self, host: AllowedHost) -> bool:
        """Stop allowing a host; whether it was allowed."""
        result = await self.connection.execute(
            sa.delete(webhook_hosts).where(
                webhook_hosts.c.agency == host.agency, webhook_hosts.c.host == host.host
            )
        )
        return bool(result.rowcount)

    async def hosts(self) -> list[AllowedHost]:
        """Every allowed host, by agency."""
        rows = await self.connection.execute(
            sa.select(webhook_hosts.c.agency, webhook_hosts.c.host).order_by(
                webhook_hosts.c.agency, webhook_hosts.c.host
            )
        )
        return [AllowedHost(row.agency, row.host) for row in rows]

    async def hosts_of(self, agency: str) -> set[str]:
        """The hosts an administrator has allowed for the agency."""
        found = await self.connection.scalars(
            sa.select(webhook_hosts.c.host).where(webhook_hosts.c.agency == agency)
        )
        return set(found)

    async def register(self, webhook: Webhook) -> None:
        """Store (or replace) an agency's webhook."""
        values = values_for(webhooks, webhook)
        insert = self._insert(webhooks).values(values)
        await self.connection.execute(
            insert.on_conflict_do_update(
                index_elements=[webhooks.c.agency],
                set_={name: insert.excluded[name] for name in values if name != "agency"},
            )
        )

    async def get(self, agency: str) -> Webhook | None:
        """The agency's webhook, if it has one."""
        row = (
            await self.connection.execute(sa.select(webhooks).where(webhooks.c.agency == agency))
        ).first()
        return None if row is None else made_from(Webhook, row)

    async def delete(self, agency: str) -> bool:
        """Remove the agency's webhook; whether it had one."""
        result = await self.connection.execute(
            sa.delete(webhooks).where(webhooks.c.agency == agency)
        )
        return bool(result.rowcount)

    async def schedule(
        self, *, request_id: uuid.UUID, agency: str, payload: dict[str, Any], now: datetime
    ) -> None:
        """Queue a push of a partner's payload, due now."""
        await self.connection.execute(
            sa.insert(webhook_deliveries).values(
                id=uuid.uuid4(),
                request_id=request_id,
                agency=agency,
                payload=payload,
                attempts=0,
                next_attempt_at=now,
            )
        )
