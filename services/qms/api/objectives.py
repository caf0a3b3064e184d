"""Quality objectives measured from the events: as measured live, and recomputed from the
record of everything (the two agree); the quality office and auditors read every office's, an
office head their own."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from chassis.auth import Principal, require_roles
from chassis.context import context_of
from chassis.problems import PROBLEM
from chassis.uow import UnitOfWorkDep
from services.qms.context import QmsContext
from services.qms.domain.objectives import Figure, month_of
from services.qms.schemas import ObjectiveList
from services.qms.usecases import objectives

Ctx = Annotated[QmsContext, Depends(context_of)]
router = APIRouter(tags=["qms"], responses={403: PROBLEM, 404: PROBLEM, 422: PROBLEM})
Reader = Annotated[Principal, require_roles("qms_manager", "auditor", "office_head")]
Period = Annotated[
    str | None,
    Query(
        pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        description="The month measured, YYYY-MM (Asia/Shanghai); this month by default",
    ),
]
Office = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="One office's figures; the bureau's without"),
]


def listed(found: list[Figure]) -> ObjectiveList:
    return ObjectiveList.model_validate({"items": [asdict(figure) for figure in found]})


@router.get("/objectives", response_model=ObjectiveList)
async def list_objectives(
    principal: Reader, ctx: Ctx, uow: UnitOfWorkDep, period: Period = None, office: Office = None
) -> ObjectiveList:
    """Each quality objective as measured while the events were handled."""
    month = period or month_of(ctx.clock.today())
    return listed(await objectives.live(uow, principal, month, office))


@router.get("/objectives/recomputed", response_model=ObjectiveList)
async def recomputed_objectives(
    principal: Reader, ctx: Ctx, uow: UnitOfWorkDep, period: Period = None, office: Office = None
) -> ObjectiveList:
    """Each quality objective measured again from every entry of the record of everything: the
    same figures as GET /objectives, or the measurement lost or invented something."""
    month = period or month_of(ctx.clock.today())
    return listed(await objectives.recomputed(uow, principal, month, office))
