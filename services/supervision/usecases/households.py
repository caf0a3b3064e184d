"""Households and claims: claiming, assigning by hand, reading, the file, missed deadlines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.errors import Forbidden, RuleViolated
from chassis.observability import count_missed_deadline
from chassis.uow import UnitOfWork, Work
from services.supervision.context import SupervisionContext
from services.supervision.domain import FileEntry, Household, Viewer, visible
from services.supervision.domain.households import CLAIM_RULE
from services.supervision.repositories.households import Households
from services.supervision.repositories.inspections import Inspections
from services.supervision.usecases.delegations import viewer_of
from services.supervision.usecases.draws import enter_plan
from services.supervision.usecases.routing import assign


async def _in_scope(
    connection: AsyncConnection, viewer: Viewer, credit_code: str, *, lock: bool = False
) -> Household:
    return visible(viewer, await Households(connection).get(credit_code, lock=lock), "household")


@dataclass(frozen=True)
class Claim:
    """认领: `by` takes the household `credit_code` into their plan."""

    by: Principal
    credit_code: str


async def claim(ctx: SupervisionContext, uow: UnitOfWork, command: Claim) -> Household:
    """The owner, or the agent acting for them, claims an assigned household."""
    viewer = await viewer_of(ctx, uow.connection, command.by)
    household = await _in_scope(uow.connection, viewer, command.credit_code, lock=True)
    household.claim(viewer, ctx.clock.now())
    await Households(uow.connection).save(household)
    await enter_plan(uow.connection, [household.credit_code], ctx.clock.today(), ctx.clock.now())
    await uow.commit()
    return household


@dataclass(frozen=True)
class AssignByHand:
    """The office head `by` gives the household `credit_code` to the grid `grid_id`."""

    by: Principal
    credit_code: str
    grid_id: str


async def assign_by_hand(
    ctx: SupervisionContext, uow: UnitOfWork, command: AssignByHand
) -> Household:
    """The office head (or an admin) gives an unrouted household to one of the grids."""
    viewer = await viewer_of(ctx, uow.connection, command.by)
    household = await _in_scope(uow.connection, viewer, command.credit_code, lock=True)
    grid = (await ctx.index.current(uow.connection)).get(command.grid_id)
    if grid is None:
        raise RuleViolated("grid_id", "no such grid", "unknown")
    if not viewer.sees_everything and viewer.office != grid.office_id:
        raise Forbidden("An office head assigns to their own office's grids")
    household.may_be_assigned_by_hand()
    now = ctx.clock.now()
    await assign(ctx, uow.work, household, grid, now, routed_by="hand", actor=command.by.subject)
    await Households(uow.connection).save(household)
    await uow.commit()
    return household


async def household(
    ctx: SupervisionContext, connection: AsyncConnection, principal: Principal, credit_code: str
) -> Household:
    """One household, if in the caller's scope (NotFound otherwise)."""
    return await _in_scope(connection, await viewer_of(ctx, connection, principal), credit_code)


@dataclass(frozen=True)
class HouseholdQuery:
    """Which households `by` asks for: a page after `cursor`, of a grid or a status."""

    by: Principal
    grid_id: str | None
    status: str | None
    cursor: str | None
    limit: int


@dataclass(frozen=True)
class HouseholdPage:
    """A page of households, each as listed (its fields by name), and the cursor of the next
    one."""

    households: list[dict[str, Any]]
    next_cursor: str | None


async def households(
    ctx: SupervisionContext, connection: AsyncConnection, query: HouseholdQuery
) -> HouseholdPage:
    """The households in the caller's scope, by credit code, a page at a time."""
    viewer = await viewer_of(ctx, connection, query.by)
    found, following = await Households(connection).page(
        viewer, grid_id=query.grid_id, status=query.status, cursor=query.cursor, limit=query.limit
    )
    return HouseholdPage(found, following)


async def file(
    ctx: SupervisionContext, connection: AsyncConnection, principal: Principal, credit_code: str
) -> list[FileEntry]:
    """The supervision file: licence events, assignments, claims, inspections, penalties,
    complaints, oldest first."""
    await household(ctx, connection, principal, credit_code)
    entries = await Households(connection).entries(credit_code)
    for visit in await Inspections(connection).visits_of(credit_code):
        detail = {
            "inspection_id": str(visit.id),
            "version": visit.version,
            "findings": visit.findings,
            "actions": visit.actions,
            "attachments": visit.attachments,
        }
        entries.append(
            FileEntry(credit_code, "inspection", visit.recorded_at, visit.inspector, detail)
        )
    return sorted(entries, key=lambda entry: entry.at)


@dataclass(frozen=True)
class Note:
    """Another department's news about the business `credit_code` for its file."""

    credit_code: str
    kind: str  # "penalty", "case" or "complaint"
    detail: Mapping[str, Any]  # the news as the other department published it (JSON)


async def note(ctx: SupervisionContext, work: Work, command: Note) -> None:
    """Put another department's news about the business in its file."""
    entry = FileEntry(command.credit_code, command.kind, ctx.clock.now(), None, command.detail)
    await Households(work.connection).add_entries([entry])


async def raise_overdue_claims(ctx: SupervisionContext, uow: UnitOfWork, day: date) -> int:
    """Raise `supervision.claim.overdue` once for each claim deadline missed before `day`."""
    repository = Households(uow.connection)
    now = ctx.clock.now()
    raised = 0
    for missed in await repository.missed_claims(day):
        if not await repository.raise_once(missed, now):
            continue  # another process raised it first
        uow.emit(missed.overdue(now))
        count_missed_deadline(uow.work, CLAIM_RULE)
        await repository.add_entries(missed.news)
        raised += 1
    await uow.commit()
    return raised
