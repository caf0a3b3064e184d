"""Supervision routes: the map, households and their claims, position agents."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request

from chassis.auth import Principal, require_roles
from chassis.problems import PROBLEM_MEDIA_TYPE
from chassis.uow import UnitOfWorkDep
from contracts.values import CreditCode
from services.supervision.grids import GridMap
from services.supervision.schemas import (
    Assignment,
    DelegationIn,
    DelegationOut,
    GridChange,
    GridIn,
    GridList,
    GridOut,
    HouseholdList,
    HouseholdOut,
    OfficeIn,
    OfficeList,
    OfficeOut,
)
from services.supervision.usecases import Supervision

PROBLEM: dict[str, Any] = {"content": {PROBLEM_MEDIA_TYPE: {}}}
Admin = Annotated[Principal, require_roles("admin")]
Staff = Annotated[Principal, require_roles("grid_inspector", "office_head", "auditor", "admin")]
Head = Annotated[Principal, require_roles("office_head", "admin")]
Inspector = Annotated[Principal, require_roles("grid_inspector")]
CreditCodePath = Annotated[CreditCode, Path(description="Unified social credit code")]
GridPath = Annotated[str, Path(pattern=r"^[0-9]{15}$", description="Grid code")]

router = APIRouter(tags=["supervision"], responses={403: PROBLEM})


def supervision(request: Request) -> Supervision:
    """The household use cases of this process."""
    found: Supervision = request.app.state.supervision
    return found


def grid_map(request: Request) -> GridMap:
    """The map's use cases of this process."""
    found: GridMap = request.app.state.grid_map
    return found


SupervisionDep = Annotated[Supervision, Depends(supervision)]
GridMapDep = Annotated[GridMap, Depends(grid_map)]


@router.post("/offices", status_code=201, response_model=OfficeOut, responses={409: PROBLEM})
async def create_office(
    body: OfficeIn, _: Admin, use: GridMapDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """A new office in area 1 or 2."""
    return await use.create_office(uow, body.model_dump())


@router.get("/offices", response_model=OfficeList)
async def list_offices(_: Staff, use: GridMapDep, uow: UnitOfWorkDep) -> dict[str, Any]:
    """Every office and its area."""
    return {"offices": await use.offices(uow.connection)}


@router.post(
    "/grids", status_code=201, response_model=GridOut, responses={409: PROBLEM, 422: PROBLEM}
)
async def create_grid(
    body: GridIn, _: Admin, use: GridMapDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """Draw a grid; unrouted households inside it go to its owner."""
    return await use.create_grid(uow, body.model_dump(mode="json"))


@router.put("/grids/{grid_id}", response_model=GridOut, responses={404: PROBLEM, 409: PROBLEM})
async def update_grid(
    grid_id: GridPath, body: GridChange, _: Admin, use: GridMapDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """Re-draw or re-assign a grid; the households it touches are re-routed."""
    changes = body.model_dump(mode="json", exclude_unset=True)
    return await use.update_grid(uow, grid_id, changes)


@router.get("/grids", response_model=GridList)
async def list_grids(
    _: Staff,
    use: GridMapDep,
    uow: UnitOfWorkDep,
    office_id: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """The grids (of one office if asked)."""
    return {"grids": await use.grids(uow.connection, office_id)}


@router.get("/grids/{grid_id}", response_model=GridOut, responses={404: PROBLEM})
async def get_grid(
    grid_id: GridPath, _: Staff, use: GridMapDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """One grid."""
    return await use.grid(uow.connection, grid_id)


@router.get("/households", response_model=HouseholdList)
async def list_households(
    *,
    principal: Staff,
    use: SupervisionDep,
    uow: UnitOfWorkDep,
    grid_id: Annotated[str | None, Query(pattern=r"^[0-9]{15}$")] = None,
    status: Literal["unrouted", "assigned", "claimed", "cancelled"] | None = None,
    cursor: Annotated[str | None, Query(max_length=18)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """The households in one's scope (one's grids, one's office, or all for auditors)."""
    found, following = await use.households(
        uow.connection, principal, grid_id=grid_id, status=status, cursor=cursor, limit=limit
    )
    return {"households": found, "next_cursor": following}


@router.get("/households/{credit_code}", response_model=HouseholdOut, responses={404: PROBLEM})
async def get_household(
    credit_code: CreditCodePath, principal: Staff, use: SupervisionDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """One household; 404 when absent or outside one's scope."""
    return await use.household(uow.connection, principal, credit_code)


@router.post(
    "/households/{credit_code}/claim",
    response_model=HouseholdOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def claim(
    credit_code: CreditCodePath, principal: Inspector, use: SupervisionDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """认领: the grid's owner, or their agent, takes the household into the inspection plan."""
    return await use.claim(uow, principal, credit_code)


@router.post(
    "/households/{credit_code}/assign",
    response_model=HouseholdOut,
    responses={404: PROBLEM, 409: PROBLEM, 422: PROBLEM},
)
async def assign(
    credit_code: CreditCodePath,
    body: Assignment,
    principal: Head,
    use: SupervisionDep,
    uow: UnitOfWorkDep,
) -> dict[str, Any]:
    """The office head gives an unrouted (or misrouted) household to one of their grids."""
    return await use.assign_by_hand(uow, principal, credit_code, body.grid_id)


@router.post("/delegations", status_code=201, response_model=DelegationOut)
async def delegate(
    body: DelegationIn,
    principal: Staff,
    use: SupervisionDep,
    uow: UnitOfWorkDep,
) -> dict[str, Any]:
    """Name a position agent for an officer for a date range."""
    return await use.delegate(
        uow, principal, officer=body.officer, agent=body.agent, start=body.start, end=body.end
    )
