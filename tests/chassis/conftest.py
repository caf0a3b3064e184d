"""A probe service: the chassis with a few routes of its own, on a real database and broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter, Request
from pydantic import Field
from sqlalchemy.ext.asyncio import create_async_engine

from chassis.app import ServiceSpec
from chassis.auth import Principal, require_roles
from chassis.bus import HandlerRegistry
from chassis.db import Database, new_metadata
from chassis.idempotency import IdempotencyKeyHeader, idempotent_create, request_fingerprint
from chassis.schemas import RequestModel
from chassis.uow import UnitOfWork, UnitOfWorkDep
from contracts import CreditCode, ResidentId
from tests.conftest import CreateDatabase, running_service, service_settings

metadata = new_metadata()
registrations = sa.Table(
    "probe_registrations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False),
)


class Registration(RequestModel):
    name: str = Field(min_length=1, max_length=100)
    operator_id: ResidentId
    credit_code: CreditCode
    capital: int = Field(ge=0)


router = APIRouter()
Clerk = Annotated[Principal, require_roles("licensing_clerk")]


@router.get("/protected")
async def protected(principal: Clerk) -> dict[str, Any]:
    return {"subject": principal.subject, "roles": sorted(principal.roles)}


@router.post("/registrations/check")
async def check(registration: Registration, _: Clerk) -> dict[str, str]:
    return {"name": registration.name}


async def register(uow: UnitOfWork, name: str) -> dict[str, Any]:
    statement = sa.insert(registrations).values(name=name).returning(registrations.c.id)
    registration_id = (await uow.connection.execute(statement)).scalar_one()
    await uow.commit()
    return {"id": registration_id, "name": name}


@router.post("/registrations", status_code=201)
async def create(
    registration: Registration,
    request: Request,
    uow: UnitOfWorkDep,
    principal: Clerk,
    key: IdempotencyKeyHeader = None,
) -> Any:
    return await idempotent_create(
        uow,
        key=key,
        scope=f"{principal.subject}:registrations",
        fingerprint=request_fingerprint(request, registration),
        create=lambda: register(uow, registration.name),
    )


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internal detail")


PROBE = ServiceSpec(
    name="probe",
    title="probe",
    package_dir=Path(__file__).parent / "probe",
    metadata=metadata,
    handlers=HandlerRegistry("probe"),
    routers=(router,),
)


@pytest.fixture(scope="module")
async def probe_url(create_database: CreateDatabase) -> str:
    """A fresh database holding the probe's table."""
    url = await create_database("probe")
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    await engine.dispose()
    return url


@pytest.fixture(scope="module")
async def probe(probe_url: str, bus_prefix: str) -> AsyncIterator[httpx.AsyncClient]:
    """The running probe service."""
    async with running_service(PROBE, service_settings("probe", probe_url, bus_prefix)) as client:
        yield client


@pytest.fixture(params=["postgresql", "sqlite"])
async def database_of_each_kind(
    request: pytest.FixtureRequest,
    create_database: CreateDatabase,
    tmp_path: Path,
    schema: sa.MetaData,
) -> AsyncIterator[Database]:
    """A fresh PostgreSQL database, then a SQLite file (the embedded default), each with the
    tables of the module's `schema` fixture: what the chassis promises holds on both."""
    if request.param == "postgresql":
        url = await create_database("each")
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'each.db'}"
    database = Database(url)
    async with database.engine.begin() as connection:
        await connection.run_sync(schema.create_all)
    yield database
    await database.dispose()
