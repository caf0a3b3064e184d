"""What the licensing routes are handed: the context, a unit of work, who calls."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from chassis.auth import Principal, require_roles
from chassis.context import context_of
from chassis.idempotency import idempotent_create, request_fingerprint
from chassis.uow import UnitOfWork
from services.licensing.context import LicensingContext

Ctx = Annotated[LicensingContext, Depends(context_of)]
Clerk = Annotated[Principal, require_roles("licensing_clerk")]
Reader = Annotated[Principal, require_roles("licensing_clerk", "auditor")]
ApplicationId = Annotated[uuid.UUID, Path(description="The application's id")]


async def created(
    request: Request,
    uow: UnitOfWork,
    body: BaseModel,
    *,
    key: str | None,
    scope: str,
    create: Callable[[], Awaitable[BaseModel]],
    status_code: int = 201,
) -> JSONResponse:
    """Run a creating use case once per Idempotency-Key and scope: a retry of the same
    request gets the first answer."""
    return await idempotent_create(
        uow,
        key=key,
        scope=scope,
        fingerprint=request_fingerprint(request, body),
        create=create,
        status_code=status_code,
    )
