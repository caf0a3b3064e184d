"""Webhook use cases: the hosts admins allow, partners' webhooks, and pushes to schedule."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.problems import Problem
from chassis.uow import UnitOfWork
from services.licensing.tables import webhook_deliveries, webhook_hosts, webhooks

# Both dialects' inserts take ON CONFLICT (the default SQLite and PostgreSQL in production).
_INSERT: dict[str, Callable[..., Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def url_host(url: str) -> str:
    """The host of `url` as it is compared with the allowed hosts: lower-cased, no port."""
    return (urlsplit(url).hostname or "").lower()


def _not_found(what: str) -> Problem:
    return Problem("not-found", 404, f"No such {what}")


async def host_allowed(connection: AsyncConnection, agency: str, host: str) -> bool:
    """Whether an administrator has allowed `host` for the agency's webhook (exact match)."""
    found = await connection.scalar(
        sa.select(sa.func.count())
        .select_from(webhook_hosts)
        .where(webhook_hosts.c.agency == agency, webhook_hosts.c.host == host.lower())
    )
    return bool(found)


async def allow_host(
    uow: UnitOfWork, *, agency: str, host: str, actor: str, now: datetime | None = None
) -> dict[str, str]:
    """Let the agency's webhook point at `host`; allowing it again changes nothing."""
    host = host.lower()
    connection = uow.connection
    insert = _INSERT[connection.dialect.name](webhook_hosts)
    await connection.execute(
        insert.values(
            agency=agency, host=host, allowed_by=actor, allowed_at=now or datetime.now(UTC)
        ).on_conflict_do_nothing(index_elements=[webhook_hosts.c.agency, webhook_hosts.c.host])
    )
    await uow.commit()
    return {"agency": agency, "host": host}


async def disallow_host(uow: UnitOfWork, *, agency: str, host: str) -> None:
    """Stop allowing `host` for the agency: pending pushes to it fail instead of being sent."""
    result = await uow.connection.execute(
        sa.delete(webhook_hosts).where(
            webhook_hosts.c.agency == agency, webhook_hosts.c.host == host.lower()
        )
    )
    if result.rowcount == 0:
        raise _not_found("allowed host")
    await uow.commit()


async def list_hosts(connection: AsyncConnection) -> list[dict[str, str]]:
    """Every allowed host, by agency."""
    rows = await connection.execute(
        sa.select(webhook_hosts.c.agency, webhook_hosts.c.host).order_by(
            webhook_hosts.c.agency, webhook_hosts.c.host
        )
    )
    return [{"agency": row.agency, "host": row.host} for row in rows]


async def register_webhook(
    uow: UnitOfWork, *, agency: str, url: str, actor: str, now: datetime | None = None
) -> dict[str, Any]:
    """Register (or replace) the agency's webhook with a new secret; the answer shows it once.

    The URL's host must be one an administrator has allowed for this agency.
    """
    connection = uow.connection
    host = url_host(url)
    if not await host_allowed(connection, agency, host):
        raise Problem(
            "rule-violation",
            422,
            f"url: the host {host!r} is not allowed for the agency {agency!r};"
            " an administrator allows webhook hosts per agency",
            errors=[
                {"field": "body.url", "message": "host not allowed", "code": "host_not_allowed"}
            ],
        )
    webhook = {
        "agency": agency,
        "url": url,
        "secret": secrets.token_urlsafe(32),
        "registered_by": actor,
        "registered_at": now or datetime.now(UTC),
    }
    insert = _INSERT[connection.dialect.name](webhooks).values(webhook)
    await connection.execute(
        insert.on_conflict_do_update(
            index_elements=[webhooks.c.agency],
            set_={name: insert.excluded[name] for name in webhook if name != "agency"},
        )
    )
    await uow.commit()
    return webhook


async def get_webhook(connection: AsyncConnection, agency: str) -> dict[str, Any]:
    """The agency's webhook, without its secret; 404 when it has none."""
    row = (
        await connection.execute(
            sa.select(webhooks.c.agency, webhooks.c.url, webhooks.c.registered_at).where(
                webhooks.c.agency == agency
            )
        )
    ).first()
    if row is None:
        raise _not_found("webhook")
    return dict(row._mapping)


async def delete_webhook(uow: UnitOfWork, agency: str) -> None:
    """Stop pushing to the agency; its pending pushes fail (its requests stay listed)."""
    result = await uow.connection.execute(sa.delete(webhooks).where(webhooks.c.agency == agency))
    if result.rowcount == 0:
        raise _not_found("webhook")
    await uow.commit()


async def schedule_push(
    connection: AsyncConnection,
    *,
    request_id: uuid.UUID,
    agency: str,
    payload: dict[str, Any],
    now: datetime,
) -> bool:
    """Queue a push of `payload` to the agency's webhook if it has one; whether it did.

    Call it in the transaction that creates the partner request: the push is then written
    if and only if the request is, and sent later, never holding up the licensing flow.
    """
    registered = await connection.scalar(
        sa.select(sa.func.count()).select_from(webhooks).where(webhooks.c.agency == agency)
    )
    if not registered:
        return False
    await connection.execute(
        sa.insert(webhook_deliveries).values(
            id=uuid.uuid4(),
            request_id=request_id,
            agency=agency,
            payload=payload,
            attempts=0,
            next_attempt_at=now,
        )
    )
    return True
