"""Reports computed on request: the monthly work report of the bureau or an office (JSON or
CSV), and the management review pack over a span of months."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from chassis.auth import Principal, require_roles
from chassis.context import context_of
from chassis.problems import PROBLEM
from chassis.uow import UnitOfWorkDep
from services.qms.context import QmsContext
from services.qms.domain.reports import monthly_csv
from services.qms.schemas import MonthlyReportOut, ReviewPackOut
from services.qms.usecases import reports

Ctx = Annotated[QmsContext, Depends(context_of)]
router = APIRouter(tags=["qms"], responses={403: PROBLEM, 422: PROBLEM})
Reader = Annotated[Principal, require_roles("qms_manager", "auditor", "office_head")]
Reviewer = Annotated[Principal, require_roles("qms_manager", "auditor")]
Month = Annotated[str, Query(max_length=7, description="YYYY-MM (Asia/Shanghai)")]
Office = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="One office's report; the bureau's without"),
]


@router.get(
    "/reports/monthly",
    response_model=MonthlyReportOut,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        404: PROBLEM,
    },
)
async def monthly_report(
    principal: Reader,
    uow: UnitOfWorkDep,
    month: Month,
    office: Office = None,
    format: Literal["json", "csv"] = "json",
) -> MonthlyReportOut | Response:
    """The month's objectives against target and the month before (with a 12-month series),
    nonconformities raised, closed and open by source, audits and their findings."""
    report = await reports.monthly(uow, principal, month, office)
    if format == "csv":
        name = f"qms-monthly-{report.month}-{report.office or 'bureau'}.csv"
        return Response(
            monthly_csv(report.objectives, report.nonconformities),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return MonthlyReportOut.model_validate(asdict(report))


@router.get("/reviews/pack", response_model=ReviewPackOut)
async def review_pack(
    principal: Reviewer,
    ctx: Ctx,
    uow: UnitOfWorkDep,
    first: Annotated[str, Query(alias="from", max_length=7, description="First month, YYYY-MM")],
    last: Annotated[str, Query(alias="to", max_length=7, description="Last month, YYYY-MM")],
) -> ReviewPackOut:
    """The management review pack: objectives month by month and over the span against target,
    nonconformities by source and office with overdue corrective actions, audits and findings,
    and the controlled documents' versions approved in the span."""
    pack = await reports.pack(uow, ctx.clock, principal, first, last)
    return ReviewPackOut.model_validate(asdict(pack))
