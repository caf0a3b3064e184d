"""Idempotent creation: a retried request with the same Idempotency-Key gets the first answer."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from chassis.db import idempotency_keys
from chassis.problems import Problem
from chassis.uow import UnitOfWork

# How long a retry waits for the answer of a claimed key before it is told to come back.
ANSWER_WAIT_SECONDS = 0.05
ANSWER_WAIT_ROUNDS = 100

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="A unique key per intended creation; a retry with it returns the first result.",
    ),
]


def as_json(value: Any) -> Any:
    """`value` as JSON data, as FastAPI would answer it; a model is dumped by pydantic's own
    serializer (FastAPI's encoder walks it in Python: about a millisecond per application)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    return jsonable_encoder(value)


def request_fingerprint(request: Request, body: Any) -> str:
    """SHA-256 of method, path and the parsed body: a reused key must mean the same request."""
    canonical = json.dumps(as_json(body), sort_keys=True, separators=(",", ":"))
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
    if row.response is None:
        # Claimed by a request whose answer is not stored yet (still running, or its process
        # stopped between committing and answering): never run the creation a second time.
        raise Problem(
            "conflict",
            409,
            "A request with this Idempotency-Key is in progress; retry it in a moment.",
            headers={"Retry-After": "1"},
        )
    return JSONResponse(
        row.response, status_code=row.status_code, headers={"Idempotent-Replayed": "true"}
    )


async def _answered(uow: UnitOfWork, scope: str, key: str) -> sa.Row[Any] | None:
    """The stored claim of (scope, key), once its answer is there or the wait is over.

    A claim is answered moments after its creation commits; a retry arriving in between
    waits for the answer rather than being turned away.
    """
    for _ in range(ANSWER_WAIT_ROUNDS):
        row = await _stored(uow, scope, key)
        if row is None or row.response is not None:
            return row
        await uow.connection.rollback()  # the next read sees what committed since
        await asyncio.sleep(ANSWER_WAIT_SECONDS)
    return await _stored(uow, scope, key)


async def idempotent_create(
    uow: UnitOfWork,
    *,
    key: str | None,
    scope: str,
    fingerprint: str,
    create: Callable[[], Awaitable[Any]],
    status_code: int = 201,
) -> JSONResponse:
    """Run the creating use case once per (scope, key); a retry gets the first answer.

    The key is claimed in the creation's own transaction before the use case runs, so the
    claim commits with what the use case created (or vanishes with its rollback), and a
    concurrent retry waits on the claim instead of creating twice. The answer is stored
    against the claim once the use case has committed.
    """
    if key is None:
        result = await create()
        return JSONResponse(as_json(result), status_code=status_code)
    row = await _answered(uow, scope, key)
    if row is not None:
        return _replay(row, fingerprint)
    try:
        await uow.connection.execute(
            sa.insert(idempotency_keys).values(
                scope=scope, key=key, request_hash=fingerprint, created_at=datetime.now(UTC)
            )
        )
    except IntegrityError:
        # A concurrent request with the same key claimed it first and has committed.
        await uow.rollback()
        row = await _answered(uow, scope, key)
        if row is None:
            raise
        return _replay(row, fingerprint)
    result = await create()
    body = as_json(result)
    if uow.committed:
        await uow.connection.execute(
            sa.update(idempotency_keys)
            .where(idempotency_keys.c.scope == scope, idempotency_keys.c.key == key)
            .values(status_code=status_code, response=body)
        )
        await uow.connection.commit()
    return JSONResponse(body, status_code=status_code)
