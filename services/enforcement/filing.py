"""核查 and 立案: within the verification period a section files a case source as a case or
declines it with reasons; the source department learns either from the event."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.legalclock import Interval
from chassis.legalclock.deadlines import SHANGHAI
from chassis.problems import Problem, invalid_field, not_found
from chassis.uow import UnitOfWork
from contracts.enforcement import CaseFiled, CaseNotFiled
from services.enforcement import domain
from services.enforcement.domain import CaseSourceStatus, CaseStatus
from services.enforcement.intake import case_source, in_section
from services.enforcement.tables import case_history, case_sources, cases


async def _undecided(
    connection: AsyncConnection, principal: Principal, source_id: uuid.UUID
) -> Any:
    """The case source, locked, if it is the caller's section's and not yet decided."""
    row = (
        await connection.execute(
            sa.select(case_sources)
            .where(case_sources.c.id == source_id, in_section(principal, case_sources.c.section))
            .with_for_update()
        )
    ).first()
    if row is None:
        raise not_found("case source")
    if row.status != CaseSourceStatus.RECEIVED:
        raise Problem("conflict", 409, f"The case source was already {row.status}")
    return row


async def record_step(
    connection: AsyncConnection,
    source_id: uuid.UUID,
    step: str,
    *,
    actor: str,
    at: datetime,
    detail: dict[str, Any],
) -> None:
    """A step in the case's history."""
    await connection.execute(
        sa.insert(case_history).values(
            case_source_id=source_id, step=step, at=at, actor=actor, detail=detail
        )
    )


async def file_case(
    uow: UnitOfWork, principal: Principal, source_id: uuid.UUID, handlers: list[str]
) -> dict[str, Any]:
    """立案: the case source becomes a case with its handlers and its decision deadline."""
    if problem := domain.handlers_problem(handlers):
        raise invalid_field("handlers", problem)
    connection = uow.connection
    source = await _undecided(connection, principal, source_id)
    now = datetime.now(UTC)
    deadline = domain.decision_deadline(now.astimezone(SHANGHAI).date())
    case = {
        "id": uuid.uuid4(),
        "case_source_id": source_id,
        "credit_code": source.credit_code,
        "section": source.section,
        "status": CaseStatus.FILED,
        "handlers": list(dict.fromkeys(handlers)),
        "filed_by": principal.subject,
        "filed_at": now,
        "decision_deadline": deadline.model_dump(mode="json"),
        "decision_due": deadline.due,
    }
    await connection.execute(sa.insert(cases).values(case))
    await connection.execute(
        sa.update(case_sources)
        .where(case_sources.c.id == source_id)
        .values(status=CaseSourceStatus.FILED, decided_by=principal.subject, decided_at=now)
    )
    detail = {"case_id": str(case["id"]), "handlers": case["handlers"]}
    await record_step(
        connection, source_id, "filed", actor=principal.subject, at=now, detail=detail
    )
    uow.emit(
        CaseFiled(
            case_id=case["id"],
            case_source_id=source_id,
            credit_code=source.credit_code,
            filed_at=now,
        )
    )
    await uow.commit()
    return {**case, "case_id": case["id"]}


async def decline(
    uow: UnitOfWork, principal: Principal, source_id: uuid.UUID, reasons: list[str]
) -> dict[str, Any]:
    """不予立案: the case source is closed without a case, for the reasons given."""
    connection = uow.connection
    await _undecided(connection, principal, source_id)
    now = datetime.now(UTC)
    await connection.execute(
        sa.update(case_sources)
        .where(case_sources.c.id == source_id)
        .values(
            status=CaseSourceStatus.DECLINED,
            decided_by=principal.subject,
            decided_at=now,
            decline_reasons=reasons,
        )
    )
    await record_step(
        connection,
        source_id,
        "declined",
        actor=principal.subject,
        at=now,
        detail={"reasons": reasons},
    )
    uow.emit(CaseNotFiled(case_source_id=source_id, reasons=tuple(reasons), decided_at=now))
    await uow.commit()
    return await case_source(connection, principal, source_id)


async def extend_verification(
    uow: UnitOfWork, principal: Principal, source_id: uuid.UUID, approved_by: str, reason: str
) -> dict[str, Any]:
    """The one approved extension of the verification period (+15 working days)."""
    connection = uow.connection
    source = await _undecided(connection, principal, source_id)
    if source.verify_extension is not None:
        raise Problem("conflict", 409, "The verification period was extended once already")
    now = datetime.now(UTC)
    deadline = _verify_deadline(source, extended=True, testing=source.verify_testing)
    extension = {"approved_by": approved_by, "reason": reason, "recorded_by": principal.subject}
    await connection.execute(
        sa.update(case_sources)
        .where(case_sources.c.id == source_id)
        .values(
            verify_deadline=deadline.model_dump(mode="json"),
            verify_due=deadline.due,
            verify_extension=extension | {"at": now.isoformat()},
        )
    )
    await record_step(
        connection,
        source_id,
        "verification_extended",
        actor=principal.subject,
        at=now,
        detail=extension,
    )
    await uow.commit()
    return await case_source(connection, principal, source_id)


def _verify_deadline(source: Any, *, extended: bool, testing: list[dict[str, Any]]) -> Any:
    """The case source's verification deadline from its receipt, extension and testing."""
    return domain.verify_deadline(
        source.received_at.astimezone(SHANGHAI).date(),
        extended=extended,
        testing=[Interval(kind="testing", start=t["start"], end=t["end"]) for t in testing],
    )


async def exclude_testing(
    uow: UnitOfWork, principal: Principal, source_id: uuid.UUID, testing: dict[str, Any]
) -> dict[str, Any]:
    """A testing or appraisal period (检测、鉴定): it does not count towards verification."""
    connection = uow.connection
    source = await _undecided(connection, principal, source_id)
    periods = [*source.verify_testing, testing | {"recorded_by": principal.subject}]
    deadline = _verify_deadline(
        source, extended=source.verify_extension is not None, testing=periods
    )
    await connection.execute(
        sa.update(case_sources)
        .where(case_sources.c.id == source_id)
        .values(
            verify_testing=periods,
            verify_deadline=deadline.model_dump(mode="json"),
            verify_due=deadline.due,
        )
    )
    await record_step(
        connection,
        source_id,
        "verification_testing",
        actor=principal.subject,
        at=datetime.now(UTC),
        detail=testing | {"verify_due": deadline.due.isoformat()},
    )
    await uow.commit()
    return await case_source(connection, principal, source_id)
