"""Application routes: the window's queue and each step of an application."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from chassis.copying import made_from
from chassis.problems import PROBLEM, Problem
from chassis.uow import UnitOfWorkDep
from contracts.licensing import ApplicationKind, Channel
from services.licensing.api.deps import ApplicationId, Clerk, Ctx, Once, Reader
from services.licensing.domain.applications import Application, Draft, Search
from services.licensing.domain.places import Place
from services.licensing.domain.rules import Status
from services.licensing.repositories.applications import ApplicationFilter
from services.licensing.schemas.applications import (
    ApplicationIn,
    ApplicationList,
    ApplicationOut,
    BatchIn,
    BatchItem,
    BatchOut,
    Extension,
    OperatorOut,
    Reasons,
    Rejection,
    Resubmission,
)
from services.licensing.usecases import applications as use
from services.licensing.usecases import mobile

Route = TypeVar("Route", bound=Callable[..., Any])
router = APIRouter(tags=["licensing"], responses={403: PROBLEM})


def step(name: str) -> Callable[[Route], Route]:
    """The route of one step on an application: its file, or 404 or 409."""
    return router.post(
        f"/applications/{{application_id}}/{name}",
        response_model=ApplicationOut,
        responses={404: PROBLEM, 409: PROBLEM},
    )


def out(application: Application) -> ApplicationOut:
    """The answer of an application's file."""
    return ApplicationOut.model_validate(application, from_attributes=True)


def draft_of(body: ApplicationIn) -> Draft:
    """The application as handed in, in the domain's terms."""
    address = body.address
    return made_from(
        Draft,
        body,
        operator_name=body.operator.name,
        operator_id_number=str(body.operator.id_number),
        address=None if address is None else Place(**address.model_dump()),
        business_scope=tuple(body.business_scope),
        materials=tuple(body.materials),
        credit_code=None if body.credit_code is None else str(body.credit_code),
    )


@router.post(
    "/applications",
    status_code=201,
    response_model=ApplicationOut,
    responses={409: PROBLEM, 422: PROBLEM},
)
async def submit(body: ApplicationIn, actor: Clerk, ctx: Ctx, creation: Once) -> JSONResponse:
    """Take in an application; `missing_materials` lists at once everything still missing."""
    command = use.Submit(draft_of(body), actor.subject, actor.office)

    async def create() -> ApplicationOut:
        return out(await use.submit(ctx, creation.uow, command))

    return await creation.once(body, scope=f"applications:{actor.subject}", create=create)


def _batch_item(raw: dict[str, object], actor: Clerk) -> use.Submit | mobile.Uploaded:
    """One uploaded item as a command, or refused as POST /applications would refuse it."""
    client_id = raw.get("client_id")
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
        problem = Problem("validation", 422, f"Invalid fields: {fields}", errors=errors)
        return mobile.Uploaded(
            client_id if isinstance(client_id, str) else None, "refused", problem=problem.body()
        )
    return use.Submit(draft_of(item), actor.subject, actor.office, client_ref=item.client_id)


@router.post("/applications:batch", response_model=BatchOut)
async def upload_batch(body: BatchIn, actor: Clerk, ctx: Ctx) -> BatchOut:
    """The mobile van's upload: each item created once (by `client_id`), answered alone."""
    items = [_batch_item(raw, actor) for raw in body.applications]
    results = await mobile.upload_batch(ctx, items)
    return BatchOut.model_validate({"results": results}, from_attributes=True)


@router.get("/applications", response_model=ApplicationList, responses={422: PROBLEM})
async def list_applications(
    *,
    _: Reader,
    uow: UnitOfWorkDep,
    status: Status | None = None,
    channel: Channel | None = None,
    kind: ApplicationKind | None = None,
    q: Annotated[
        str | None,
        Query(max_length=100, description="Part of the business name, or a credit code's start"),
    ] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ApplicationList:
    """Applications oldest first, a page at a time; `status=submitted` is the window's queue."""
    query = ApplicationFilter(status, channel, kind, Search.of(q), cursor, limit)
    found, following = await use.list_applications(uow, query)
    return ApplicationList(
        applications=[out(application) for application in found], next_cursor=following
    )


@router.get("/applications/{application_id}", response_model=ApplicationOut)
async def get_application(
    application_id: ApplicationId, _: Reader, uow: UnitOfWorkDep
) -> ApplicationOut:
    """An application, its steps (who, when) and its partner requests."""
    return out(await use.get_application(uow, application_id))


@router.get(
    "/applications/{application_id}/operator",
    response_model=OperatorOut,
    responses={404: PROBLEM},
)
async def get_operator(
    application_id: ApplicationId, actor: Clerk, ctx: Ctx, uow: UnitOfWorkDep
) -> OperatorOut:
    """The operator's ID number in clear, for the clerk checking it against the papers; every
    such read is recorded (`licensing.operator.read`)."""
    name, id_number = await use.read_operator(ctx, uow, application_id, actor.subject)
    return OperatorOut(name=name, id_number=id_number)


@step("accept")
async def accept(
    application_id: ApplicationId, actor: Clerk, ctx: Ctx, uow: UnitOfWorkDep
) -> ApplicationOut:
    """受理: only with complete materials (else 409 listing every missing one)."""
    return out(await use.advance(ctx, uow, use.Accept(application_id, actor.subject)))


@step("return")
async def return_for_correction(
    application_id: ApplicationId,
    actor: Clerk,
    ctx: Ctx,
    uow: UnitOfWorkDep,
    body: Reasons | None = None,
) -> ApplicationOut:
    """补正: return it with every missing material and reason in one notice."""
    reasons = tuple(body.reasons) if body else ()
    command = use.ReturnForCorrection(application_id, actor.subject, reasons)
    return out(await use.advance(ctx, uow, command))


@step("resubmit")
async def resubmit(
    application_id: ApplicationId, body: Resubmission, actor: Clerk, ctx: Ctx, uow: UnitOfWorkDep
) -> ApplicationOut:
    """The corrected application comes back with the missing materials."""
    command = use.Resubmit(application_id, actor.subject, tuple(body.materials))
    return out(await use.advance(ctx, uow, command))


@step("reject")
async def reject(
    application_id: ApplicationId, body: Rejection, actor: Clerk, ctx: Ctx, uow: UnitOfWorkDep
) -> ApplicationOut:
    """Refuse it, with reasons, at any step before issue."""
    command = use.Reject(application_id, actor.subject, tuple(body.reasons))
    return out(await use.reject(ctx, uow, command))


@step("extend")
async def extend(
    application_id: ApplicationId, body: Extension, actor: Clerk, ctx: Ctx, uow: UnitOfWorkDep
) -> ApplicationOut:
    """Record the approved extension of the running deadline."""
    command = use.ExtendDeadline(application_id, actor.subject, body.approved_by, body.reason)
    return out(await use.advance(ctx, uow, command))
