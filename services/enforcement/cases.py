"""A filed case's steps: the supervision notice first, then investigation records (appended,
never changed); each step as the case's history shows it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.problems import Problem
from chassis.uow import UnitOfWork
from services.enforcement import domain
from services.enforcement.domain import CaseStatus, CaseStepError
from services.enforcement.filing import record_step
from services.enforcement.intake import not_found, sees_every_section
from services.enforcement.tables import case_history, cases, investigation_records


def _in_scope(principal: Principal) -> sa.ColumnElement[bool]:
    if sees_every_section(principal):
        return sa.true()
    return cases.c.section == principal.office


async def _locked(connection: AsyncConnection, principal: Principal, case_id: uuid.UUID) -> Any:
    row = (
        await connection.execute(
            sa.select(cases).where(cases.c.id == case_id, _in_scope(principal)).with_for_update()
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
            sa.select(cases).where(cases.c.id == case_id, _in_scope(principal))
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
        "investigation_records": [r._asdict() for r in records],
        "history": [h._asdict() for h in history],
    }


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
