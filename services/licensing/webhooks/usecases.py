"""Webhook use cases."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.licensing.tables import webhook_deliveries, webhooks


async def schedule_push(
    connection: AsyncConnection,
    *,
    request_id: uuid.UUID,
    agency: str,
    payload: dict[str, Any],
    now: datetime,
) -> bool:
    """Queue a push of the request to the agency's webhook, if it has one."""
    registered = await connection.scalar(
        sa.select(webhooks.c.agency).where(webhooks.c.agency == agency)
    )
    if registered is None:
        return False
    await connection.execute(
        sa.insert(webhook_deliveries).values(
            id=uuid.uuid4(),
            request_id=request_id,
            agency=agency,
            payload=payload,
            next_attempt_at=now,
        )
    )
    return True
