"""What the licensing routes are handed: the context, a unit of work, who calls."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from chassis.auth import Principal, require_roles
from chassis.context import context_of
from chassis.idempotency import IdempotencyKeyHeader, idempotent_create, request_fingerprint
from chassis.uow import UnitOfWork, UnitOfWorkDep
from services.licensing.context import LicensingContext

Ctx = Annotated[LicensingContext, Depends(context_of)]
Clerk = Annotated[Principal, require_roles("licensing_clerk")]
Reader = Annotated[Principal, require_roles("licensing_clerk", "auditor")]
# The register's entries (name, credit code, address, operator: what the licence on the wall
# shows) for the staff who must tell which business a call, a finding or a case is about.
RegisterReader = Annotated[
    Principal,
    require_roles(
        "licensing_clerk",
        "auditor",
        "grid_inspector",
        "office_head",
        "enforcement_officer",
        "complaints_handler",
        "station_staff",
    ),
]
ApplicationId = Annotated[uuid.UUID, Path(description="The application's id")]


@dataclass(frozen=True)
class Creation:
    """What a creating route needs to run once per Idempotency-Key and scope: the request
    (whose fingerprint tells a retry from a different request), its unit of work, the key."""

    request: Request
    uow: UnitOfWork
    key: str | None

    async def once(
        self,
        body: BaseModel,
        *,
        scope: str,
        create: Callable[[], Awaitable[BaseModel]],
        status_code: int = 201,
    ) -> JSONResponse:
        """Run the creating use case; a retry of the same request gets the first answer."""
        return await idempotent_create(
            self.uow,
            key=self.key,
            scope=scope,
            fingerprint=request_fingerprint(self.request, body),
            create=create,
            status_code=status_code,
        )


async def _creation(
    request: Request, uow: UnitOfWorkDep, idempotency_key: IdempotencyKeyHeader = None
) -> Creation:
    return Creation(request, uow, idempotency_key)


Once = Annotated[Creation, Depends(_creation)]
