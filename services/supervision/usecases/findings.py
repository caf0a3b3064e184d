"""What inspectors hand on: unlicensed trading found (无照经营) and case sources (案源移送)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.case_transfers import CaseNews, Outcome, discovery_day, folded
from chassis.copying import made_from
from chassis.errors import Forbidden, RuleViolated
from chassis.uow import UnitOfWork, Work
from services.supervision.context import SupervisionContext
from services.supervision.domain import CaseTransfer, UnlicensedFinding, may_see, visible
from services.supervision.repositories.findings import Findings
from services.supervision.repositories.households import Households
from services.supervision.usecases.delegations import viewer_of
from services.supervision.usecases.inspections import check_uploaded


@dataclass(frozen=True)
class ReportUnlicensed:
    """A trader without a licence found by `by` at `address`."""

    by: Principal
    address: Mapping[str, Any]  # contracts.values.Address as JSON
    description: str


async def unlicensed_found(
    ctx: SupervisionContext, uow: UnitOfWork, command: ReportUnlicensed
) -> UnlicensedFinding:
    """Record a trader without a licence; licensing puts the place on the van's list."""
    finding = UnlicensedFinding(
        id=uuid.uuid4(),
        address=command.address,
        description=command.description,
        office_id=command.by.office,
        found_by=command.by.subject,
        found_at=ctx.clock.now(),
        credit_code=None,
    )
    await Findings(uow.connection).add(finding)
    uow.emit(finding.event())
    await uow.commit()
    return finding


async def finding(
    ctx: SupervisionContext,
    connection: AsyncConnection,
    principal: Principal,
    finding_id: uuid.UUID,
) -> UnlicensedFinding:
    """A finding, for its office, its inspector, or readers of everything."""
    viewer = await viewer_of(ctx, connection, principal)
    return visible(viewer, await Findings(connection).get(finding_id), "finding")


async def link_finding(work: Work, finding_id: uuid.UUID, credit_code: str) -> None:
    """The trader registered: the finding now names their licence."""
    await Findings(work.connection).link(finding_id, credit_code)


@dataclass(frozen=True)
class TransferCaseSource:
    """案源移送 by `by`: the business (or the finding), the allegation and its evidence."""

    by: Principal
    credit_code: str | None
    finding_id: uuid.UUID | None
    allegation: str
    evidence: list[str]
    discovered_on: date | None = None  # None: found today


async def transfer(
    ctx: SupervisionContext, uow: UnitOfWork, command: TransferCaseSource
) -> CaseTransfer:
    """Hand a case source, with its evidence, to enforcement."""
    connection, by = uow.connection, command.by
    viewer = await viewer_of(ctx, connection, by)
    if command.credit_code is not None:
        household = await Households(connection).get(command.credit_code)
        if household is None or not may_see(
            viewer, owner=household.owner, office_id=household.office_id
        ):
            raise RuleViolated("credit_code", "no such household in your scope")
    if command.finding_id is not None:
        await finding(ctx, connection, by, command.finding_id)
    await check_uploaded(connection, "evidence", command.evidence)
    if by.office is None:
        raise Forbidden("A case source is transferred by an office's staff")
    # What the command names is kept as named; the rest is who and when.
    now = ctx.clock.now()
    transferred = made_from(
        CaseTransfer,
        vars(command),
        case_source_id=uuid.uuid4(),
        office_id=by.office,
        transferred_by=by.subject,
        transferred_at=now,
        discovered_on=discovery_day(command.discovered_on, ctx.clock.today()),
        outcome=Outcome.transferred(now),
    )
    await Findings(connection).add_transfer(transferred)
    uow.emit(transferred.event())
    await uow.commit()
    return transferred


async def case_transfer(
    ctx: SupervisionContext, connection: AsyncConnection, by: Principal, case_source_id: uuid.UUID
) -> CaseTransfer:
    """A case source the offices transferred, and what came of it, if in the caller's scope."""
    viewer = await viewer_of(ctx, connection, by)
    return visible(viewer, await Findings(connection).transfer(case_source_id), "case transfer")


async def case_transfers(
    ctx: SupervisionContext,
    connection: AsyncConnection,
    by: Principal,
    credit_code: str | None,
    limit: int,
) -> list[CaseTransfer]:
    """The case sources in the caller's scope the offices transferred, the latest first."""
    viewer = await viewer_of(ctx, connection, by)
    return await Findings(connection).transfers(viewer, credit_code, limit)


async def hear_of_case(work: Work, news: CaseNews) -> CaseTransfer | None:
    """Enforcement's news of a case source (通报备案), folded into the office's transfer of
    it; the transfer as it was, or None when no office transferred it (another department's)."""
    findings = Findings(work.connection)
    found = await findings.outcome_locked(news.case_source_id, news.case_id)
    if found is not None:
        await findings.keep_outcome(found.case_source_id, folded(found.outcome, news.outcome))
    return found
