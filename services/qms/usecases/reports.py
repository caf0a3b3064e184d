"""Reports computed on request from the objectives' totals, the nonconformities, the audit
programme and the controlled documents; nothing is stored."""

from __future__ import annotations

from chassis.auth import Principal
from chassis.clock import Clock
from chassis.errors import Forbidden
from chassis.uow import UnitOfWork
from services.qms.domain.objectives import months_up_to
from services.qms.domain.reports import (
    MonthlyReport,
    ReviewPack,
    month_end,
    month_given,
    month_start,
    monthly_report,
    months_between,
    review_pack,
)
from services.qms.repositories.audits import Audits
from services.qms.repositories.documents import DocumentRepository
from services.qms.repositories.nonconformities import Nonconformities
from services.qms.repositories.objectives import Observations
from services.qms.usecases.objectives import office_in_scope


async def monthly(uow: UnitOfWork, by: Principal, month: str, office: str | None) -> MonthlyReport:
    """The monthly work report of the bureau or an office, in the caller's scope (as the
    objectives: an office head reads their own office's only)."""
    month = month_given("month", month)
    office = office_in_scope(by, office)
    totals = await Observations(uow.connection).totals(months_up_to(month), office)
    start, end = month_start(month), month_end(month)
    found = await Nonconformities(uow.connection).touching(start, end, office)
    programme = await Audits(uow.connection).listed(start.date(), end.date())
    return monthly_report(month, office, totals, found, programme)


async def pack(uow: UnitOfWork, clock: Clock, by: Principal, first: str, last: str) -> ReviewPack:
    """The management review pack of the months from `first` to `last` (both included)."""
    if not by.has_any("qms_manager", "auditor"):
        raise Forbidden("only the quality office and auditors read the management review pack")
    months = months_between(month_given("from", first), month_given("to", last))
    totals = await Observations(uow.connection).totals(months)
    start, end = month_start(months[0]), month_end(months[-1])
    found = await Nonconformities(uow.connection).touching(start, end)
    programme = await Audits(uow.connection).listed(start.date(), end.date())
    documents = await DocumentRepository(uow.connection).every()
    return review_pack(months, totals, found, programme, documents, today=clock.today())
