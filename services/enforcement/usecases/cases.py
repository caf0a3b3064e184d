"""A filed case's steps, each through the one `advance`: the supervision notice, investigation
records, the decision, the return visit, stopped time, extensions, findings of fault, the
payment of the fine, the withdrawal of its publication; and the publicity feed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from chassis.auth import Principal
from chassis.uow import UnitOfWork
from services.enforcement.domain import (
    Case,
    Decision,
    DecisionKind,
    FaultFinding,
    InvestigationRecord,
    Notice,
    Penalty,
    Publication,
    ReturnVisit,
    Step,
    Stop,
)
from services.enforcement.repositories.cases import CaseRepository
from services.enforcement.settings import EnforcementContext
from services.enforcement.usecases.steps import advance


@dataclass(frozen=True)
class CaseFile:
    """A case as its officers read it, with the late-payment surcharge so far."""

    case: Case
    late_payment_surcharge: Decimal | None


def _file(ctx: EnforcementContext, case: Case) -> CaseFile:
    return CaseFile(case, case.late_payment_surcharge(ctx.clock.today()))


async def case_file(
    ctx: EnforcementContext, uow: UnitOfWork, by: Principal, case_id: uuid.UUID
) -> CaseFile:
    """A case of the caller's section, with its investigation records and history."""
    return _file(ctx, await CaseRepository(uow.connection, by).get(case_id))


async def _step(
    ctx: EnforcementContext,
    uow: UnitOfWork,
    by: Principal,
    case_id: uuid.UUID,
    take: Callable[[Case], Step],
) -> CaseFile:
    case, _ = await advance(uow, CaseRepository(uow.connection, by), case_id, take)
    return _file(ctx, case)


@dataclass(frozen=True)
class DeliverNotice:
    """The enforcement supervision notice (执法监督告知书) as delivered to the party."""

    case_id: uuid.UUID
    by: Principal
    delivered_to: str
    delivered_at: datetime
    method: str


async def deliver_notice(
    ctx: EnforcementContext, uow: UnitOfWork, command: DeliverNotice
) -> CaseFile:
    """The notice delivered: the investigation may begin."""
    notice = Notice(
        command.delivered_to,
        command.delivered_at,
        command.method,
        recorded_by=command.by.subject,
        recorded_at=ctx.clock.now(),
    )
    return await _step(ctx, uow, command.by, command.case_id, lambda c: c.deliver_notice(notice))


@dataclass(frozen=True)
class AddRecord:
    """An investigation record and the evidence it cites."""

    case_id: uuid.UUID
    by: Principal
    kind: str
    summary: str
    evidence: tuple[str, ...]


async def add_record(
    ctx: EnforcementContext, uow: UnitOfWork, command: AddRecord
) -> InvestigationRecord:
    """An investigation record (询问笔录, 现场检查笔录…), appended, never changed."""
    record = InvestigationRecord(
        id=uuid.uuid4(),
        case_id=command.case_id,
        kind=command.kind,
        summary=command.summary,
        evidence=command.evidence,
        recorded_by=command.by.subject,
        recorded_at=ctx.clock.now(),
    )
    await _step(ctx, uow, command.by, command.case_id, lambda c: c.add_record(record))
    return record


@dataclass(frozen=True)
class Decide:
    """The penalty decision of a general-procedure case and its legal basis."""

    case_id: uuid.UUID
    by: Principal
    kind: DecisionKind
    amount: Decimal | None
    legal_basis: str


async def decide(ctx: EnforcementContext, uow: UnitOfWork, command: Decide) -> CaseFile:
    """Recorded with whether it came in time, notified, published unless a warning."""
    penalty = Penalty(command.kind, command.amount)  # refuses a fine without an amount first
    decision = Decision(penalty, command.legal_basis, decided_by=command.by.subject)
    now, days = ctx.clock.now(), ctx.settings.fine_payment_days
    return await _step(
        ctx, uow, command.by, command.case_id, lambda c: c.decide(decision, now, days)
    )


@dataclass(frozen=True)
class RecordReturnVisit:
    """案件回访: what the party said of how the case was handled."""

    case_id: uuid.UUID
    by: Principal
    party_view: str
    satisfaction: str


async def return_visit(
    ctx: EnforcementContext, uow: UnitOfWork, command: RecordReturnVisit
) -> CaseFile:
    """The party's view heard, the case closes."""
    visit = ReturnVisit(command.party_view, command.satisfaction, visited_by=command.by.subject)
    now = ctx.clock.now()
    return await _step(ctx, uow, command.by, command.case_id, lambda c: c.close(visit, now))


@dataclass(frozen=True)
class StopClock:
    """Days that do not count towards the decision (both ends included)."""

    case_id: uuid.UUID
    by: Principal
    kind: str
    start: date
    end: date
    reason: str


async def stop_clock(ctx: EnforcementContext, uow: UnitOfWork, command: StopClock) -> CaseFile:
    """A suspension, a hearing, testing: the decision deadline moves by its days."""
    stop = Stop(
        id=uuid.uuid4(),
        case_id=command.case_id,
        kind=command.kind,
        start=command.start,
        end=command.end,
        reason=command.reason,
        recorded_by=command.by.subject,
        recorded_at=ctx.clock.now(),
    )
    return await _step(ctx, uow, command.by, command.case_id, lambda c: c.stop_clock(stop))


@dataclass(frozen=True)
class ExtendDecision:
    """An extension of the decision period: 30 days approved, or a collective decision's."""

    case_id: uuid.UUID
    by: Principal
    approved_by: str
    reason: str
    collective_days: int | None


async def extend_decision(
    ctx: EnforcementContext, uow: UnitOfWork, command: ExtendDecision
) -> CaseFile:
    """+30 days with approval, once; beyond that only with a collective decision's days."""
    subject, now = command.by.subject, ctx.clock.now()

    def extend(case: Case) -> Step:
        return case.extend(
            command.approved_by, command.reason, command.collective_days, subject, now
        )

    return await _step(ctx, uow, command.by, command.case_id, extend)


@dataclass(frozen=True)
class FindFault:
    """A finding of fault (执法过错) against one step of a case."""

    case_id: uuid.UUID
    by: Principal
    step: str
    finding: str
    responsible: tuple[str, ...]


async def find_fault(ctx: EnforcementContext, uow: UnitOfWork, command: FindFault) -> CaseFile:
    """Kept in the case history."""
    finding = FaultFinding(command.step, command.finding, command.responsible)
    subject, now = command.by.subject, ctx.clock.now()
    return await _step(
        ctx, uow, command.by, command.case_id, lambda c: c.find_fault(finding, subject, now)
    )


@dataclass(frozen=True)
class RecordPayment:
    """When the fine was paid."""

    case_id: uuid.UUID
    by: Principal
    paid_on: date


async def record_payment(
    ctx: EnforcementContext, uow: UnitOfWork, command: RecordPayment
) -> CaseFile:
    """The late-payment surcharge stops on the day the fine was paid."""
    subject, now = command.by.subject, ctx.clock.now()
    return await _step(
        ctx,
        uow,
        command.by,
        command.case_id,
        lambda c: c.record_payment(command.paid_on, subject, now),
    )


@dataclass(frozen=True)
class WithdrawPublication:
    """Why a published decision is withdrawn."""

    case_id: uuid.UUID
    by: Principal
    change: str
    reason: str


async def withdraw_publication(
    ctx: EnforcementContext, uow: UnitOfWork, command: WithdrawPublication
) -> CaseFile:
    """The decision was changed or annulled: its publication is withdrawn."""
    subject, now = command.by.subject, ctx.clock.now()

    def withdraw(case: Case) -> Step:
        return case.withdraw_publication(command.change, command.reason, subject, now)

    return await _step(ctx, uow, command.by, command.case_id, withdraw)


async def published(uow: UnitOfWork, *, limit: int) -> list[Publication]:
    """The publicity feed, newest first."""
    return await CaseRepository(uow.connection).published(limit=limit)
