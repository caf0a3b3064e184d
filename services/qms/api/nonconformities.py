"""Nonconformities and corrective action: raise, plan and complete actions, check
effectiveness; read in scope (the quality office and auditors all, an office head their
office's)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from chassis.auth import Principal, require_roles
from chassis.context import context_of
from chassis.problems import PROBLEM, post_route
from chassis.uow import UnitOfWorkDep
from services.qms.context import QmsContext
from services.qms.domain.nonconformities import Nonconformity, Source, Status
from services.qms.repositories.nonconformities import NonconformityFilter
from services.qms.schemas import (
    ActionIn,
    EffectivenessIn,
    NonconformityIn,
    NonconformityList,
    NonconformityOut,
)
from services.qms.usecases import nonconformities

Ctx = Annotated[QmsContext, Depends(context_of)]
Uow = UnitOfWorkDep
router = APIRouter(tags=["qms"], responses={403: PROBLEM})
Manager = Annotated[Principal, require_roles("qms_manager")]
Raiser = Annotated[Principal, require_roles("qms_manager", "office_head")]
Reader = Annotated[Principal, require_roles("qms_manager", "auditor", "office_head")]
NonconformityId = Annotated[uuid.UUID, Path(description="The nonconformity's id")]
_post = partial(post_route, router)


def nonconformity_out(nonconformity: Nonconformity) -> NonconformityOut:
    """A nonconformity as the routes show it, with its PDCA stage."""
    evidence = nonconformity.evidence
    document = asdict(nonconformity) | {
        "stage": nonconformity.stage,
        "evidence": asdict(evidence) | {"facts": dict(evidence.facts)},
        "actions": [asdict(a) | {"done": a.done} for a in nonconformity.actions],
    }
    return NonconformityOut.model_validate(document)


@router.get("/nonconformities", response_model=NonconformityList, responses={422: PROBLEM})
async def list_nonconformities(
    *,
    principal: Reader,
    uow: Uow,
    status: Status | None = None,
    source: Source | None = None,
    office: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> NonconformityList:
    """The caller's nonconformities, newest first."""
    query = NonconformityFilter(status, source, office, limit)
    found = await nonconformities.nonconformities(uow, principal, query)
    return NonconformityList(nonconformities=[nonconformity_out(n) for n in found])


@_post("/nonconformities", NonconformityOut, 422, status_code=201)
async def raise_nonconformity(
    body: NonconformityIn, principal: Raiser, ctx: Ctx, uow: Uow
) -> NonconformityOut:
    """Raise a nonconformity against any record (an office head: of their own office)."""
    raised = await nonconformities.raise_nonconformity(
        ctx,
        uow,
        principal,
        subject=body.subject,
        description=body.description,
        office=body.office,
        basis_code=body.basis_code,
    )
    return nonconformity_out(raised)


@router.get(
    "/nonconformities/{nonconformity_id}",
    response_model=NonconformityOut,
    responses={404: PROBLEM},
)
async def get_nonconformity(
    nonconformity_id: NonconformityId, principal: Reader, uow: Uow
) -> NonconformityOut:
    """A nonconformity with its evidence, corrective actions, checks and PDCA stage."""
    return nonconformity_out(await nonconformities.nonconformity(uow, principal, nonconformity_id))


@_post(
    "/nonconformities/{nonconformity_id}/actions", NonconformityOut, 404, 409, 422, status_code=201
)
async def plan_action(
    nonconformity_id: NonconformityId, body: ActionIn, principal: Manager, ctx: Ctx, uow: Uow
) -> NonconformityOut:
    """Plan a corrective action: what, its owner, its due day."""
    planned = await nonconformities.plan_action(
        ctx,
        uow,
        principal,
        nonconformity_id,
        description=body.description,
        owner=body.owner,
        due=body.due,
    )
    return nonconformity_out(planned)


@_post("/nonconformities/{nonconformity_id}/actions/{number}/done", NonconformityOut, 404, 409)
async def complete_action(
    nonconformity_id: NonconformityId,
    number: Annotated[int, Path(ge=1, le=10_000, description="The action's number, from 1")],
    principal: Manager,
    ctx: Ctx,
    uow: Uow,
) -> NonconformityOut:
    """Mark a corrective action done; once all are, the nonconformity awaits its check."""
    done = await nonconformities.complete_action(ctx, uow, principal, nonconformity_id, number)
    return nonconformity_out(done)


@_post(
    "/nonconformities/{nonconformity_id}/effectiveness",
    NonconformityOut,
    404,
    409,
    422,
    status_code=201,
)
async def check_effectiveness(
    nonconformity_id: NonconformityId,
    body: EffectivenessIn,
    principal: Manager,
    ctx: Ctx,
    uow: Uow,
) -> NonconformityOut:
    """Record the effectiveness check once every action is done: effective closes the
    nonconformity, not effective reopens it for further corrective action."""
    checked = await nonconformities.check_effectiveness(
        ctx, uow, principal, nonconformity_id, effective=body.effective, evidence=body.evidence
    )
    return nonconformity_out(checked)
