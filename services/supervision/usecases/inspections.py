"""Inspection records (巡查记录): submitted, corrected by versions, read, and the plan."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.errors import RuleViolated
from chassis.legalclock.deadlines import SHANGHAI
from chassis.uow import UnitOfWork
from services.supervision.context import SupervisionContext
from services.supervision.domain import (
    Inspection,
    InspectionReport,
    check_correction,
    check_times,
    check_visited,
    visible,
)
from services.supervision.repositories.households import Households
from services.supervision.repositories.inspections import Inspections
from services.supervision.usecases import draws
from services.supervision.usecases.delegations import viewer_of


async def check_uploaded(connection: AsyncConnection, field: str, refs: Sequence[str]) -> None:
    """RuleViolated naming `field` unless every `sha256:` reference is a stored attachment."""
    missing = await Inspections(connection).missing(refs)
    if missing:
        raise RuleViolated(field, f"not uploaded: {', '.join(missing)}")


@dataclass(frozen=True)
class RecordInspection:
    """An inspection report as `by` submits it; with `correcting`, the next version of that
    record, and `reason` why."""

    by: Principal
    report: InspectionReport
    correcting: uuid.UUID | None = None
    reason: str | None = None


async def record(ctx: SupervisionContext, uow: UnitOfWork, command: RecordInspection) -> Inspection:
    """Submit an inspection record, or a correction of one (its next version)."""
    connection, by, report = uow.connection, command.by, command.report
    viewer = await viewer_of(ctx, connection, by)
    check_times(report.started_at, report.ended_at)
    inspection_id, version = uuid.uuid4(), 1
    if command.correcting is not None:
        latest = await Inspections(connection).latest(command.correcting, lock=True)
        latest = check_correction(viewer, latest)
        inspection_id, version = command.correcting, latest.version + 1
    visited = list(dict.fromkeys(report.households))
    found = await Households(connection).of(visited)
    check_visited(viewer, visited, {h.credit_code: h.owner for h in found})
    refs = list(dict.fromkeys(report.attachments))
    await check_uploaded(connection, "attachments", refs)
    inspection = Inspection(
        **vars(replace(report, households=visited, attachments=refs)),
        id=inspection_id,
        version=version,
        inspector=by.subject,
        office_id=next((h.office_id for h in found), by.office),
        correction_reason=command.reason,
        recorded_by=by.subject,
        recorded_at=ctx.clock.now(),
    )
    await Inspections(connection).add(inspection)
    if visited:
        await Households(connection).mark_inspected(visited, report.ended_at)
        ended_on = report.ended_at.astimezone(SHANGHAI).date()
        await draws.visited(connection, visited, ended_on, ctx.clock.now())
    uow.emit(inspection.event())
    await uow.commit()
    return await inspection_record(ctx, connection, by, inspection_id)


async def inspection_record(
    ctx: SupervisionContext,
    connection: AsyncConnection,
    principal: Principal,
    inspection_id: uuid.UUID,
) -> Inspection:
    """The latest version of a record with every earlier one; NotFound outside one's scope."""
    viewer = await viewer_of(ctx, connection, principal)
    return visible(viewer, await Inspections(connection).record(inspection_id), "inspection")
