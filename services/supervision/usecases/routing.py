"""A household follows its licence and is routed to its grid's owner (or left unrouted)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from chassis.legalclock.deadlines import SHANGHAI
from chassis.uow import Work
from services.supervision.context import SupervisionContext
from services.supervision.domain import (
    Grid,
    Household,
    HouseholdStatus,
    LicenceFact,
    agent_of,
    claim_deadline,
    fold_licence,
)
from services.supervision.repositories.delegations import Delegations
from services.supervision.repositories.households import Households
from services.supervision.repositories.map import Map


async def assign(
    ctx: SupervisionContext,
    work: Work,
    household: Household,
    grid: Grid,
    now: datetime,
    *,
    routed_by: str,
    actor: str | None,
) -> None:
    """Give the household to the grid's owner (and the agent acting for them that day)."""
    day = now.astimezone(SHANGHAI).date()
    running = await Delegations(work.connection).running(day)
    agent = agent_of(grid.owner, running, day)
    deadline = claim_deadline(day, ctx.settings.claim_workdays)
    work.emit(
        household.assign(
            grid, agent=agent, deadline=deadline, now=now, routed_by=routed_by, actor=actor
        )
    )


async def route(
    ctx: SupervisionContext,
    work: Work,
    household: Household,
    now: datetime,
    *,
    office_hint: str | None = None,
    readdressed: bool = False,
) -> None:
    """Route a household to the grid its address lies in, or leave it unrouted.

    A household an office head put in a grid by hand stays there (following the grid to a
    new owner) until its address changes: the head knew something the map did not.
    """
    if household.status == HouseholdStatus.CANCELLED or household.address is None:
        return
    grid_map = await ctx.index.current(work.connection)
    by_hand = grid_map.get(household.grid_id or "") if household.routed_by == "hand" else None
    if by_hand is not None and not readdressed:
        if by_hand.owner != household.owner:
            await assign(ctx, work, household, by_hand, now, routed_by="hand", actor=None)
        return
    found = grid_map.route(*household.point)
    if found.grid is None:
        office = office_hint or household.office_id
        known = office is not None and await Map(work.connection).office(office) is not None
        household.unroute(office if known else None, now)
    elif found.grid.id != household.grid_id or found.grid.owner != household.owner:
        await assign(ctx, work, household, found.grid, now, routed_by=found.by, actor=None)
    elif found.by != household.routed_by:
        # Same grid and owner, reached another way now (its point left the grid, say).
        household.routed_by, household.updated_at = found.by, now


async def reroute(
    ctx: SupervisionContext, work: Work, credit_codes: Iterable[str], now: datetime
) -> None:
    """Route again the households a change of the map may have moved."""
    repository = Households(work.connection)
    for credit_code in credit_codes:
        household = await repository.get(credit_code, lock=True)
        if household is None:
            continue
        before = copy.copy(household)
        await route(ctx, work, household, now)
        if household != before or household.news:
            await repository.save(household)


@dataclass(frozen=True)
class RecordLicenceFact:
    """A licensing event about the business `credit_code`, handled at `at`."""

    credit_code: str
    fact: LicenceFact
    at: datetime


async def record_licence_fact(
    ctx: SupervisionContext, work: Work, command: RecordLicenceFact
) -> None:
    """Keep a licensing event and bring the household in line with all kept so far."""
    code, fact, now = command.credit_code, command.fact, command.at
    repository = Households(work.connection)
    await repository.lock_licence(code)
    if not await repository.keep_fact(code, fact, now):
        return  # a redelivered or re-published event: the household already follows it
    state = fold_licence(await repository.facts(code))
    existing = await repository.get(code, lock=True)
    household = existing if existing is not None else Household.opened(code, now)
    address, grid_id = household.address, household.grid_id
    household.follow(state, fact, now)
    # A change before the issue waits for the address; a cancelled household stays put.
    if state.issued and not state.cancelled:
        moved = existing is not None and address != household.address
        if existing is None or grid_id is None or moved:
            await route(ctx, work, household, now, office_hint=state.office_code, readdressed=moved)
    await repository.save(household, new=existing is None)
