"""A filed case's steps: the supervision notice first, investigation records (appended, never
changed), the penalty decision within its time, the return visit; each in the case's history."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.legalclock import Interval
from chassis.legalclock.deadlines import SHANGHAI
from chassis.problems import Problem, invalid_field, not_found
from chassis.uow import UnitOfWork
from contracts.enforcement import CaseClosed, PenaltyDecided
from services.enforcement import domain
from services.enforcement.domain import CaseStatus, CaseStepError
from services.enforcement.filing import record_step
from services.enforcement.intake import in_section
from services.enforcement.tables import (
    case_extensions,
    case_history,
    case_sources,
    case_stops,
    cases,
    investigation_records,
    publicity,
)


async def _locked(connection: AsyncConnection, principal: Principal, case_id: uuid.UUID) -> Any:
    row = (
        await connection.execute(
            sa.select(cases)
            .where(cases.c.id == case_id, in_section(principal, cases.c.section))
            .with_for_update()
        )
    ).first()
    if row is None:
        raise not_found("case")
    return row


def _advance(status: str, step: str) -> CaseStatus:
    """The case's next status, or the 409 saying why this step cannot come now."""
    try:
        return domain.next_status(CaseStatus(status), step)
    except CaseStepError as error:
        raise Problem("conflict", 409, str(error)) from None


async def case(
    connection: AsyncConnection, principal: Principal, case_id: uuid.UUID
) -> dict[str, Any]:
    """A case of the caller's section, with its investigation records and history."""
    row = (
        await connection.execute(
            sa.select(cases).where(cases.c.id == case_id, in_section(principal, cases.c.section))
        )
    ).first()
    if row is None:
        raise not_found("case")
    records = await connection.execute(
        sa.select(investigation_records)
        .where(investigation_records.c.case_id == case_id)
        .order_by(investigation_records.c.recorded_at)
    )
    history = await connection.execute(
        sa.select(case_history)
        .where(case_history.c.case_source_id == row.case_source_id)
        .order_by(case_history.c.id)
    )
    return row._asdict() | {
        "late_payment_surcharge": late_payment(row),
        "investigation_records": [r._asdict() for r in records],
        "history": [h._asdict() for h in history],
    }


def late_payment(row: Any, today: date | None = None) -> Decimal | None:
    """加处罚款 so far: 3% of the fine a day past its payment day, up to the fine; None when
    there is no fine."""
    if row.payment_due is None or row.decision is None:
        return None
    fine = Decimal(str(row.decision["penalty"]["amount"]))
    until = row.paid_on or today or datetime.now(SHANGHAI).date()
    return domain.late_payment_surcharge(fine, row.payment_due, until)


async def deliver_notice(
    uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, notice: dict[str, Any]
) -> dict[str, Any]:
    """执法监督告知书 delivered to the party: the investigation may begin."""
    connection = uow.connection
    row = await _locked(connection, principal, case_id)
    status = _advance(row.status, "notice")
    now = datetime.now(UTC)
    notice = notice | {"recorded_by": principal.subject, "recorded_at": now.isoformat()}
    await connection.execute(
        sa.update(cases).where(cases.c.id == case_id).values(status=status, notice=notice)
    )
    await record_step(
        connection,
        row.case_source_id,
        "notice_delivered",
        actor=principal.subject,
        at=now,
        detail=notice,
    )
    await uow.commit()
    return await case(connection, principal, case_id)


async def add_record(
    uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, record: dict[str, Any]
) -> dict[str, Any]:
    """An investigation record (询问笔录, 现场检查笔录…) with the evidence it cites."""
    connection = uow.connection
    row = await _locked(connection, principal, case_id)
    _advance(row.status, "investigation_record")
    stored = {
        "id": uuid.uuid4(),
        "case_id": case_id,
        "kind": record["kind"],
        "summary": record["summary"],
        "evidence": record["evidence"],
        "recorded_by": principal.subject,
        "recorded_at": datetime.now(UTC),
    }
    await connection.execute(sa.insert(investigation_records).values(stored))
    await record_step(
        connection,
        row.case_source_id,
        "investigation_record",
        actor=principal.subject,
        at=stored["recorded_at"],
        detail={"record_id": str(stored["id"]), "kind": record["kind"]},
    )
    await uow.commit()
    return stored


# The decision's kinds as the law names them in the published language; an order to correct
# (责令改正) is not a penalty (Administrative Penalty Law art. 28) and is published as none.
PENALTY_KINDS = {
    "warning": "warning",
    "fine": "fine",
    "confiscation": "confiscation_of_illegal_gains",
}


async def decide(
    uow: UnitOfWork,
    principal: Principal,
    case_id: uuid.UUID,
    decision: dict[str, Any],
    payment_days: int,
) -> dict[str, Any]:
    """The penalty decision: recorded with whether it came within its deadline, notified to
    the source department, and put on the publicity feed unless it is a warning."""
    penalty = decision["penalty"]
    amount = penalty.get("amount")
    if penalty["kind"] == "fine" and (amount is None or Decimal(str(amount)) <= 0):
        raise invalid_field("penalty.amount", "a fine needs an amount above zero")
    if penalty["kind"] != "fine" and amount is not None:
        raise invalid_field("penalty.amount", f"a {penalty['kind']} carries no amount")
    connection = uow.connection
    row = await _locked(connection, principal, case_id)
    status = _advance(row.status, "decision")
    now = datetime.now(UTC)
    today = now.astimezone(SHANGHAI).date()
    on_time = today <= row.decision_due
    recorded = decision | {"decided_by": principal.subject}
    payment_due = today + timedelta(days=payment_days) if penalty["kind"] == "fine" else None
    await connection.execute(
        sa.update(cases)
        .where(cases.c.id == case_id)
        .values(
            status=status,
            decision=recorded,
            decided_at=now,
            decided_on_time=on_time,
            payment_due=payment_due,
        )
    )
    await record_step(
        connection, row.case_source_id, "decided", actor=principal.subject, at=now, detail=recorded
    )
    source_department = await connection.scalar(
        sa.select(case_sources.c.source_department).where(case_sources.c.id == row.case_source_id)
    )
    kind = PENALTY_KINDS.get(penalty["kind"])
    if kind is not None:
        uow.emit(
            PenaltyDecided(
                case_id=case_id,
                credit_code=row.credit_code,
                procedure="general",
                penalty_kinds=(kind,),
                fine_amount=None if amount is None else Decimal(str(amount)),
                legal_basis=decision["legal_basis"],
                source_department=source_department or "unknown",
                case_source_id=row.case_source_id,
                decided_at=now,
            )
        )
    deadline = domain.publicity_deadline(now.astimezone(SHANGHAI).date(), [penalty["kind"]])
    if deadline is not None:
        await connection.execute(
            sa.insert(publicity).values(
                case_id=case_id,
                credit_code=row.credit_code,
                penalty=penalty,
                legal_basis=decision["legal_basis"],
                decided_at=now,
                publish_deadline=deadline.model_dump(mode="json"),
                published_at=now,
            )
        )
    await uow.commit()
    return await case(connection, principal, case_id)


async def return_visit(
    uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, visit: dict[str, Any]
) -> dict[str, Any]:
    """案件回访: the party's view and satisfaction are heard; the case closes."""
    connection = uow.connection
    row = await _locked(connection, principal, case_id)
    status = _advance(row.status, "return_visit")
    now = datetime.now(UTC)
    recorded = visit | {"visited_by": principal.subject}
    await connection.execute(
        sa.update(cases)
        .where(cases.c.id == case_id)
        .values(status=status, return_visit=recorded, closed_at=now)
    )
    await record_step(
        connection, row.case_source_id, "closed", actor=principal.subject, at=now, detail=recorded
    )
    uow.emit(
        CaseClosed(
            case_id=case_id,
            case_source_id=row.case_source_id,
            credit_code=row.credit_code,
            satisfaction=visit["satisfaction"],
            closed_at=now,
        )
    )
    await uow.commit()
    return await case(connection, principal, case_id)


async def published(connection: AsyncConnection, *, limit: int) -> list[dict[str, Any]]:
    """The publicity feed, newest first."""
    rows = await connection.execute(
        sa.select(publicity)
        .where(publicity.c.withdrawn_at.is_(None))
        .order_by(publicity.c.published_at.desc())
        .limit(limit)
    )
    return [row._asdict() for row in rows]


async def _recompute_decision_due(connection: AsyncConnection, row: Any) -> dict[str, Any]:
    """The case's decision deadline from its filing, every stop and every extension."""
    stops = await connection.execute(sa.select(case_stops).where(case_stops.c.case_id == row.id))
    extensions = (
        await connection.execute(
            sa.select(case_extensions)
            .where(case_extensions.c.case_id == row.id)
            .order_by(case_extensions.c.number)
        )
    ).all()
    collective = sum(e.days for e in extensions if e.number > 1)
    # Collective decisions may each set other days: the clock counts them as one further
    # extension of their total, which gives the same due day.
    deadline = domain.decision_deadline(
        row.filed_at.astimezone(SHANGHAI).date(),
        extensions=min(len(extensions), 2),
        collective_days=collective or None,
        stopped=[Interval(kind=s.kind, start=s.start, end=s.end) for s in stops],
    )
    await connection.execute(
        sa.update(cases)
        .where(cases.c.id == row.id)
        .values(decision_deadline=deadline.model_dump(mode="json"), decision_due=deadline.due)
    )
    return deadline.model_dump(mode="json")


async def stop_clock(
    uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, stop: dict[str, Any]
) -> dict[str, Any]:
    """Time that does not count towards the decision: a suspension, a hearing, testing."""
    connection = uow.connection
    row = await _locked(connection, principal, case_id)
    if row.status not in {CaseStatus.FILED, CaseStatus.INVESTIGATING}:
        raise Problem("conflict", 409, f"The case is {row.status}: its clock has stopped")
    now = datetime.now(UTC)
    await connection.execute(
        sa.insert(case_stops).values(
            id=uuid.uuid4(),
            case_id=case_id,
            kind=stop["kind"],
            start=stop["start"],
            end=stop["end"],
            reason=stop["reason"],
            recorded_by=principal.subject,
            recorded_at=now,
        )
    )
    deadline = await _recompute_decision_due(connection, row)
    detail = {k: str(v) for k, v in stop.items()} | {"decision_due": deadline["due"]}
    await record_step(
        connection,
        row.case_source_id,
        "clock_stopped",
        actor=principal.subject,
        at=now,
        detail=detail,
    )
    await uow.commit()
    return await case(connection, principal, case_id)


async def extend_decision(
    uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, extension: dict[str, Any]
) -> dict[str, Any]:
    """One approved extension of 30 days; beyond it only a recorded collective decision (集体讨论),
    which sets its own days."""
    connection = uow.connection
    row = await _locked(connection, principal, case_id)
    if row.status not in {CaseStatus.FILED, CaseStatus.INVESTIGATING}:
        raise Problem("conflict", 409, f"The case is {row.status}: nothing to extend")
    number = 1 + int(
        await connection.scalar(
            sa.select(sa.func.count())
            .select_from(case_extensions)
            .where(case_extensions.c.case_id == case_id)
        )
        or 0
    )
    collective = extension.get("collective_days")
    if number > 1 and collective is None:
        raise invalid_field(
            "collective_days",
            "the 30-day extension was used; a further one needs a collective decision's days",
        )
    if number == 1 and collective is not None:
        raise invalid_field("collective_days", "the first extension is the approved 30 days")
    now = datetime.now(UTC)
    await connection.execute(
        sa.insert(case_extensions).values(
            case_id=case_id,
            number=number,
            approved_by=extension["approved_by"],
            reason=extension["reason"],
            days=collective,
            recorded_by=principal.subject,
            recorded_at=now,
        )
    )
    deadline = await _recompute_decision_due(connection, row)
    detail = extension | {"number": number, "decision_due": deadline["due"]}
    await record_step(
        connection,
        row.case_source_id,
        "decision_extended",
        actor=principal.subject,
        at=now,
        detail=detail,
    )
    await uow.commit()
    return await case(connection, principal, case_id)


async def find_fault(
    uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, finding: dict[str, Any]
) -> dict[str, Any]:
    """行政执法过错责任追究: a finding of fault against a step of the case, kept in its history."""
    connection = uow.connection
    row = await _locked(connection, principal, case_id)
    steps = set(
        await connection.scalars(
            sa.select(case_history.c.step).where(
                case_history.c.case_source_id == row.case_source_id
            )
        )
    )
    if finding["step"] not in steps:
        raise invalid_field("step", f"the case has no step {finding['step']!r}: {sorted(steps)}")
    await record_step(
        connection,
        row.case_source_id,
        "fault_found",
        actor=principal.subject,
        at=datetime.now(UTC),
        detail=finding,
    )
    await uow.commit()
    return await case(connection, principal, case_id)


async def record_payment(
    uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, paid_on: date
) -> dict[str, Any]:
    """The day the fine was paid: the late-payment surcharge stops there."""
    connection = uow.connection
    row = await _locked(connection, principal, case_id)
    if row.payment_due is None:
        raise Problem("conflict", 409, "The case has no fine to pay")
    if row.paid_on is not None:
        raise Problem("conflict", 409, f"The fine was recorded as paid on {row.paid_on}")
    if paid_on < row.decided_at.astimezone(SHANGHAI).date():
        raise invalid_field("paid_on", "the fine cannot be paid before it was decided")
    await connection.execute(sa.update(cases).where(cases.c.id == case_id).values(paid_on=paid_on))
    await record_step(
        connection,
        row.case_source_id,
        "fine_paid",
        actor=principal.subject,
        at=datetime.now(UTC),
        detail={"paid_on": paid_on.isoformat()},
    )
    await uow.commit()
    return await case(connection, principal, case_id)


async def withdraw_publicity(
    uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, change: dict[str, Any]
) -> dict[str, Any]:
    """A decision changed or annulled (on review, in court): its publication is withdrawn at
    once, well within the 3 working days of SAMR Order 45."""
    connection = uow.connection
    row = await _locked(connection, principal, case_id)
    entry = (
        await connection.execute(sa.select(publicity).where(publicity.c.case_id == case_id))
    ).first()
    if entry is None or entry.withdrawn_at is not None:
        raise Problem("conflict", 409, "The case's decision is not on the publicity feed")
    now = datetime.now(UTC)
    deadline = domain.withdrawal_deadline(now.astimezone(SHANGHAI).date())
    withdrawal = change | {
        "recorded_by": principal.subject,
        "deadline": deadline.model_dump(mode="json"),
    }
    await connection.execute(
        sa.update(publicity)
        .where(publicity.c.case_id == case_id)
        .values(withdrawal=withdrawal, withdrawn_at=now)
    )
    await record_step(
        connection,
        row.case_source_id,
        "publicity_withdrawn",
        actor=principal.subject,
        at=now,
        detail=change,
    )
    await uow.commit()
    return await case(connection, principal, case_id)
