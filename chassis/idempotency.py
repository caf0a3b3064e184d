"""Idempotent creation: a retried request with the same Idempotency-Key gets the first answer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from chassis.db import idempotency_keys
from chassis.problems import Problem
from chassis.uow import UnitOfWork

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="A unique key per intended creation; a retry with it returns the first result.",
    ),
]


def request_fingerprint(request: Request, body: Any) -> str:
    """SHA-256 of method, path and the parsed body: a reused key must mean the same request."""
    canonical = json.dumps(jsonable_encoder(body), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.url.path} {canonical}".encode()).hexdigest()


async def _stored(uow: UnitOfWork, scope: str, key: str) -> sa.Row[Any] | None:
    statement = sa.select(idempotency_keys).where(
        idempotency_keys.c.scope == scope, idempotency_keys.c.key == key
    )
    return (await uow.connection.execute(statement)).first()


def _replay(row: sa.Row[Any], fingerprint: str) -> JSONResponse:
    if row.request_hash != fingerprint:
        raise Problem(
            "idempotency-key-reused",
            422,
            "This Idempotency-Key was used for a different request; use a new key.",
        )
    return JSONResponse(
        row.response, status_code=row.status_code, headers={"Idempotent-Replayed": "true"}
    )


async def idempotent_create(
    uow: UnitOfWork,
    *,
    key: str | None,
    scope: str,
    fingerprint: str,
    create: Callable[[], Awaitable[Any]],
    status_code: int = 201,
) -> JSONResponse:
    """Run the creating use case once per (scope, key); store its answer in the same transaction.

    `create` is the use case call; it commits the unit of work as usual, and the commit is
    held until the answer is stored beside the created rows.
    """
    if key is None:
        result = await create()
        return JSONResponse(jsonable_encoder(result), status_code=status_code)
    row = await _stored(uow, scope, key)
    if row is not None:
        return _replay(row, fingerprint)
    async with uow.deferred_commit():
        result = await create()
    body = jsonable_encoder(result)
    if not uow.commit_requested:
        return JSONResponse(body, status_code=status_code)
    try:
        await uow.connection.execute(
            sa.insert(idempotency_keys).values(
                scope=scope,
                key=key,
                request_hash=fingerprint,
                status_code=status_code,
                response=body,
                created_at=datetime.now(UTC),
            )
        )
        await uow.commit()
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer what it stored.
        await uow.rollback()
        row = await _stored(uow, scope, key)
        if row is None:
            raise
        return _replay(row, fingerprint)
    return JSONResponse(body, status_code=status_code)
