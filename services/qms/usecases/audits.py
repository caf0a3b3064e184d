"""The internal audit programme: audits planned by the quality office, their findings recorded,
a major or minor finding raising its nonconformity in the same transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from chassis.auth import Principal
from chassis.errors import Forbidden
from chassis.uow import UnitOfWork
from services.qms.context import QmsContext
from services.qms.domain.audits import Audit, Finding, Severity
from services.qms.repositories.audits import Audits
from services.qms.usecases.nonconformities import open_once


@dataclass(frozen=True)
class NewAudit:
    """An audit to plan: what it covers, when, by whom, and its checklist (question and the
    requirement it checks, if any)."""

    title: str
    process: str | None
    office: str | None
    planned_on: date
    auditors: tuple[str, ...]
    checklist: tuple[tuple[str, str | None], ...]


def _managing(by: Principal) -> None:
    if not by.has_any("qms_manager"):
        raise Forbidden("only the quality office runs internal audits")


async def plan_audit(ctx: QmsContext, uow: UnitOfWork, by: Principal, new: NewAudit) -> Audit:
    """Add an audit to the programme."""
    _managing(by)
    audit = Audit.plan(
        uuid.uuid4(),
        title=new.title,
        process=new.process,
        office=new.office,
        planned_on=new.planned_on,
        auditors=new.auditors,
        checklist=new.checklist,
        by=by.subject,
        at=ctx.clock.now(),
    )
    await Audits(uow.connection).add(audit)
    await uow.commit()
    return audit


async def record_finding(
    ctx: QmsContext,
    uow: UnitOfWork,
    by: Principal,
    audit_id: uuid.UUID,
    *,
    description: str,
    severity: Severity,
    checklist_item: int | None,
) -> tuple[Audit, Finding]:
    """Record a finding of an audit; a major or minor one raises its nonconformity (with
    `qms.nonconformity.raised`) in the same transaction."""
    _managing(by)
    repository = Audits(uow.connection)
    audit = await repository.get(audit_id, lock=True)
    now = ctx.clock.now()
    finding, origin = audit.record_finding(
        description=description,
        severity=severity,
        checklist_item=checklist_item,
        by=by.subject,
        at=now,
        nonconformity_id=uuid.uuid4(),
    )
    if origin is not None:
        # The audit is locked and its finding numbered: no other finding has this once key.
        raised = await open_once(uow.work, origin, by.subject, now, finding.nonconformity_id)
        assert raised is not None
    await repository.add_finding(audit, finding)
    await uow.commit()
    return audit, finding


async def audit(uow: UnitOfWork, audit_id: uuid.UUID) -> Audit:
    """One audit with its findings."""
    return await Audits(uow.connection).get(audit_id)


async def programme(uow: UnitOfWork, year: int | None) -> list[Audit]:
    """The audits planned in `year` (every year: None), by planned day."""
    if year is None:
        return await Audits(uow.connection).listed(None, None)
    return await Audits(uow.connection).listed(date(year, 1, 1), date(year, 12, 31))
