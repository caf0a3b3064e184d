"""A filed case's steps, each through the one `advance`: the supervision notice, investigation
records, the notice of the intended penalty and the party's statements, waiver and hearing,
the decision and its service, the return visit, stopped time, extensions, findings of fault,
the payment of the fine, the withdrawal of its publication; and the publicity feed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from chassis.auth import Principal
from chassis.copying import made_from
from chassis.uow import UnitOfWork
from services.enforcement import domain
from services.enforcement.domain.penalty_notice import (
    HearingThresholds,
    PenaltyNotice,
    Statement,
    StatementAnswer,
)
from services.enforcement.repositories.cases import CaseFilter, CaseRepository, ListedCase
from services.enforcement.settings import EnforcementContext, EnforcementSettings
from services.enforcement.usecases.steps import advance

T = TypeVar("T")


@dataclass(frozen=True)
class CaseCommand:
    """A step of one case, asked by an officer."""

    case_id: uuid.UUID
    by: Principal


@dataclass(frozen=True)
class CaseFile:
    """A case as its officers read it, with the late-payment surcharge so far and each of its
    deadlines as it stands today."""

    case: domain.Case
    late_payment_surcharge: Decimal | None
    deadlines: list[domain.CaseClock]


def _file(ctx: EnforcementContext, case: domain.Case) -> CaseFile:
    today = ctx.clock.today()
    clocks = case.clocks(today, ctx.settings.deadline_soon_days)
    return CaseFile(case, case.late_payment_surcharge(today), clocks)


def hearing_thresholds(settings: EnforcementSettings) -> HearingThresholds:
    """Where a fine or confiscation gives a hearing, as the bureau set it."""
    return HearingThresholds(settings.hearing_citizen_amount, settings.hearing_organisation_amount)


async def case_file(
    ctx: EnforcementContext, uow: UnitOfWork, by: Principal, case_id: uuid.UUID
) -> CaseFile:
    """A case of the caller's section, with its investigation records and history."""
    return _file(ctx, await CaseRepository(uow.connection, by).get(case_id))


async def case_list(
    uow: UnitOfWork, by: Principal, query: CaseFilter
) -> tuple[list[ListedCase], str | None]:
    """A page of the cases of the caller's section (every section's for auditors and admins),
    the newest filed first, and the next page's cursor."""
    return await CaseRepository(uow.connection, by).listed(query)


def _made(cls: type[T], command: CaseCommand, **given: Any) -> T:
    """A `cls` of the fields of the command of the same names (`given` supplies the rest)."""
    return made_from(cls, command, **given)


def _recorded(cls: type[T], command: CaseCommand, now: datetime, **given: Any) -> T:
    """A `cls` made of the command, recorded by its officer `now`."""
    return _made(cls, command, recorded_by=command.by.subject, recorded_at=now, **given)


async def _step(
    ctx: EnforcementContext,
    uow: UnitOfWork,
    command: CaseCommand,
    take: Callable[[domain.Case], domain.Step],
) -> CaseFile:
    """One step of a case of the caller's section."""
    repository = CaseRepository(uow.connection, command.by)
    case, _ = await advance(uow, repository, command.case_id, take)
    return _file(ctx, case)


@dataclass(frozen=True)
class DeliverNotice(CaseCommand):
    """The enforcement supervision notice (执法监督告知书) as delivered to the party."""

    delivered_to: str
    delivered_at: datetime
    method: str


async def deliver_notice(
    ctx: EnforcementContext, uow: UnitOfWork, command: DeliverNotice
) -> CaseFile:
    """The notice delivered: the investigation may begin."""
    notice = _recorded(domain.Notice, command, ctx.clock.now())
    return await _step(ctx, uow, command, lambda c: c.deliver_notice(notice))


@dataclass(frozen=True)
class AddRecord(CaseCommand):
    """An investigation record and the evidence it cites."""

    kind: str
    summary: str
    evidence: tuple[str, ...]


async def add_record(
    ctx: EnforcementContext, uow: UnitOfWork, command: AddRecord
) -> domain.InvestigationRecord:
    """An investigation record (询问笔录, 现场检查笔录…), appended, never changed."""
    record = _recorded(domain.InvestigationRecord, command, ctx.clock.now(), id=uuid.uuid4())
    await _step(ctx, uow, command, lambda c: c.add_record(record))
    return record


@dataclass(frozen=True)
class ServePenaltyNotice(CaseCommand):
    """The notice of the intended penalty as served on the party."""

    facts: str
    legal_basis: str
    kind: domain.DecisionKind
    amount: Decimal | None
    party_kind: domain.PartyKind
    served_on: date
    served_how: str


async def serve_penalty_notice(
    ctx: EnforcementContext, uow: UnitOfWork, command: ServePenaltyNotice
) -> CaseFile:
    """The intended penalty told: the statement period runs, and a hearing may be asked for
    when art. 63 lists the penalty."""
    notice = PenaltyNotice.served(
        facts=command.facts,
        legal_basis=command.legal_basis,
        penalty=domain.Penalty(command.kind, command.amount),
        party_kind=command.party_kind,
        served_on=command.served_on,
        served_how=command.served_how,
        thresholds=hearing_thresholds(ctx.settings),
        by=command.by.subject,
        now=ctx.clock.now(),
    )
    today = ctx.clock.today()
    return await _step(ctx, uow, command, lambda c: c.serve_penalty_notice(notice, today))


@dataclass(frozen=True)
class RecordStatement(CaseCommand):
    """The party's statement and defence as received."""

    received_on: date
    content: str


async def record_statement(
    ctx: EnforcementContext, uow: UnitOfWork, command: RecordStatement
) -> CaseFile:
    """Kept, numbered, to be answered before the decision."""
    now, today = ctx.clock.now(), ctx.clock.today()

    def record(case: domain.Case) -> domain.Step:
        notice = case.penalty_notice
        number = 1 + (len(notice.statements) if notice is not None else 0)
        statement = Statement(number, command.received_on, command.content, command.by.subject)
        return case.record_statement(statement, today, now)

    return await _step(ctx, uow, command, record)


@dataclass(frozen=True)
class AnswerStatement(CaseCommand):
    """The bureau's answer to one statement."""

    number: int
    accepted: bool
    reasons: str


async def answer_statement(
    ctx: EnforcementContext, uow: UnitOfWork, command: AnswerStatement
) -> CaseFile:
    """Accepted or rejected, with the reasons (art. 45)."""
    answer = StatementAnswer(command.accepted, command.reasons, command.by.subject, ctx.clock.now())
    return await _step(ctx, uow, command, lambda c: c.answer_statement(command.number, answer))


@dataclass(frozen=True)
class RecordWaiver(CaseCommand):
    """The party's written waiver of its statement, defence and hearing."""

    received_on: date


async def record_waiver(
    ctx: EnforcementContext, uow: UnitOfWork, command: RecordWaiver
) -> CaseFile:
    """The decision need not wait for the statement period to run."""
    subject, now = command.by.subject, ctx.clock.now()
    return await _step(
        ctx, uow, command, lambda c: c.record_waiver(command.received_on, subject, now)
    )


@dataclass(frozen=True)
class RequestHearing(CaseCommand):
    """The day the party asked for a hearing."""

    requested_on: date


async def request_hearing(
    ctx: EnforcementContext, uow: UnitOfWork, command: RequestHearing
) -> CaseFile:
    """Within 5 working days of the notice; no decision until the hearing concludes."""
    subject, now = command.by.subject, ctx.clock.now()
    return await _step(
        ctx, uow, command, lambda c: c.request_hearing(command.requested_on, subject, now)
    )


@dataclass(frozen=True)
class HoldHearing(CaseCommand):
    """The hearing's days and its conclusion."""

    start: date
    end: date
    conclusion: str


async def hold_hearing(ctx: EnforcementContext, uow: UnitOfWork, command: HoldHearing) -> CaseFile:
    """Its days stop the decision clock."""
    stop = domain.Stop(
        id=uuid.uuid4(),
        case_id=command.case_id,
        start=command.start,
        end=command.end,
        reason=f"听证: {command.conclusion}"[:2000],
        kind="hearing",
        recorded_by=command.by.subject,
        recorded_at=ctx.clock.now(),
    )
    return await _step(ctx, uow, command, lambda c: c.hold_hearing(stop, command.conclusion))


@dataclass(frozen=True)
class Decide(CaseCommand):
    """The penalty decision of a general-procedure case and its legal basis."""

    kind: domain.DecisionKind
    amount: Decimal | None
    legal_basis: str


async def decide(ctx: EnforcementContext, uow: UnitOfWork, command: Decide) -> CaseFile:
    """Recorded with whether it came in time, notified, published unless a warning."""
    penalty = domain.Penalty(command.kind, command.amount)  # refuses a fine without an amount first
    decision = domain.Decision(penalty, command.legal_basis, decided_by=command.by.subject)
    now = ctx.clock.now()
    return await _step(ctx, uow, command, lambda c: c.decide(decision, now))


@dataclass(frozen=True)
class ServeDecision(CaseCommand):
    """When and how the party received the decision."""

    served_on: date
    served_how: str


async def serve_decision(
    ctx: EnforcementContext, uow: UnitOfWork, command: ServeDecision
) -> CaseFile:
    """The fine's payment day runs from it."""
    subject, now = command.by.subject, ctx.clock.now()

    def serve(case: domain.Case) -> domain.Step:
        return case.serve_decision(command.served_on, command.served_how, subject, now)

    return await _step(ctx, uow, command, serve)


@dataclass(frozen=True)
class RecordReturnVisit(CaseCommand):
    """案件回访: what the party said of how the case was handled."""

    party_view: str
    satisfaction: str


async def return_visit(
    ctx: EnforcementContext, uow: UnitOfWork, command: RecordReturnVisit
) -> CaseFile:
    """The party's view heard, the case closes."""
    visit = _made(domain.ReturnVisit, command, visited_by=command.by.subject)
    now = ctx.clock.now()
    return await _step(ctx, uow, command, lambda c: c.close(visit, now))


@dataclass(frozen=True)
class StopClock(CaseCommand):
    """Days that do not count towards the decision (both ends included)."""

    kind: str
    start: date
    end: date
    reason: str


async def stop_clock(ctx: EnforcementContext, uow: UnitOfWork, command: StopClock) -> CaseFile:
    """A suspension, a hearing, testing: the decision deadline moves by its days."""
    stop = _recorded(domain.Stop, command, ctx.clock.now(), id=uuid.uuid4())
    return await _step(ctx, uow, command, lambda c: c.stop_clock(stop))


@dataclass(frozen=True)
class ExtendDecision(CaseCommand):
    """An extension of the decision period: 30 days approved, or a collective decision's."""

    approved_by: str
    reason: str
    collective_days: int | None


async def extend_decision(
    ctx: EnforcementContext, uow: UnitOfWork, command: ExtendDecision
) -> CaseFile:
    """+30 days with approval, once; beyond that only with a collective decision's days."""
    subject, now = command.by.subject, ctx.clock.now()

    def extend(case: domain.Case) -> domain.Step:
        return case.extend(
            command.approved_by, command.reason, command.collective_days, subject, now
        )

    return await _step(ctx, uow, command, extend)


@dataclass(frozen=True)
class FindFault(CaseCommand):
    """A finding of fault (执法过错) against one step of a case."""

    step: str
    finding: str
    responsible: tuple[str, ...]


async def find_fault(ctx: EnforcementContext, uow: UnitOfWork, command: FindFault) -> CaseFile:
    """Kept in the case history."""
    finding = _made(domain.FaultFinding, command)
    subject, now = command.by.subject, ctx.clock.now()
    return await _step(ctx, uow, command, lambda c: c.find_fault(finding, subject, now))


@dataclass(frozen=True)
class RecordPayment(CaseCommand):
    """When the fine was paid."""

    paid_on: date


async def record_payment(
    ctx: EnforcementContext, uow: UnitOfWork, command: RecordPayment
) -> CaseFile:
    """The late-payment surcharge stops on the day the fine was paid."""
    subject, now = command.by.subject, ctx.clock.now()
    return await _step(
        ctx,
        uow,
        command,
        lambda c: c.record_payment(command.paid_on, subject, now),
    )


@dataclass(frozen=True)
class WithdrawPublication(CaseCommand):
    """Why a published decision is withdrawn, and the day it was changed or annulled."""

    change: str
    changed_on: date
    reason: str


async def withdraw_publication(
    ctx: EnforcementContext, uow: UnitOfWork, command: WithdrawPublication
) -> CaseFile:
    """The decision was changed or annulled: its publication is withdrawn."""
    subject, now = command.by.subject, ctx.clock.now()

    def withdraw(case: domain.Case) -> domain.Step:
        return case.withdraw_publication(
            command.change, command.changed_on, command.reason, subject, now
        )

    return await _step(ctx, uow, command, withdraw)


async def published(uow: UnitOfWork, *, limit: int) -> list[domain.Publication]:
    """The publicity feed, newest first."""
    return await CaseRepository(uow.connection).published(limit=limit)
