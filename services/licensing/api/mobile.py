"""Mobile-licensing routes: the van's visit list (its upload is POST /applications:batch)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from chassis.problems import PROBLEM
from chassis.uow import UnitOfWorkDep
from services.licensing.api.deps import Reader
from services.licensing.schemas.applications import VisitList
from services.licensing.usecases import mobile

router = APIRouter(tags=["licensing"], responses={403: PROBLEM})


@router.get("/mobile/visits", response_model=VisitList, tags=["mobile licensing"])
async def mobile_visits(
    *,
    _: Reader,
    uow: UnitOfWorkDep,
    area: Annotated[int | None, Query(ge=1, le=99, description="Area (片区)")] = None,
    street_code: Annotated[str | None, Query(pattern=r"^[0-9]{9}$")] = None,
    status: Literal["open", "applied"] | None = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> VisitList:
    """Where inspectors found unlicensed trading: the van's list, by area or street."""
    found = await mobile.visits(uow, mobile.ListVisits(area, street_code, status, limit))
    return VisitList.model_validate({"visits": found}, from_attributes=True)
