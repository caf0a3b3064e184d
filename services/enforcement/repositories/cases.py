"""Cases with their records, history, stopped time, extensions and publication."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.errors import NotFound
from chassis.legalclock import Deadline
from services.enforcement.domain import (
    Case,
    CaseStatus,
    Decision,
    Extension,
    HistoryEntry,
    InvestigationRecord,
    Notice,
    Penalty,
    Publication,
    ReturnVisit,
    Step,
    Stop,
    Withdrawal,
)
from services.enforcement.repositories.scope import in_section
from services.enforcement.tables import (
    case_extensions,
    case_history,
    case_sources,
    case_stops,
    cases,
    investigation_records,
    publicity,
)


def _penalty(stored: dict[str, Any]) -> Penalty:
    amount = stored.get("amount")
    return Penalty(stored["kind"], None if amount is None else Decimal(str(amount)))


def _notice(stored: dict[str, Any] | None) -> Notice | None:
    if stored is None:
        return None
    return Notice(
        delivered_to=stored["delivered_to"],
        delivered_at=datetime.fromisoformat(stored["delivered_at"]),
        method=stored["method"],
        recorded_by=stored["recorded_by"],
        recorded_at=datetime.fromisoformat(stored["recorded_at"]),
    )


def _decision(stored: dict[str, Any] | None) -> Decision | None:
    if stored is None:
        return None
    return Decision(_penalty(stored["penalty"]), stored["legal_basis"], stored["decided_by"])


def _visit(stored: dict[str, Any] | None) -> ReturnVisit | None:
    if stored is None:
        return None
    return ReturnVisit(stored["party_view"], stored["satisfaction"], stored["visited_by"])


def _publication(row: Any) -> Publication | None:
    if row is None:
        return None
    withdrawal = row.withdrawal
    return Publication(
        case_id=row.case_id,
        credit_code=row.credit_code,
        penalty=_penalty(row.penalty),
        legal_basis=row.legal_basis,
        decided_at=row.decided_at,
        publish_deadline=Deadline.model_validate(row.publish_deadline),
        published_at=row.published_at,
        withdrawal=None
        if withdrawal is None
        else Withdrawal(
            change=withdrawal["change"],
            reason=withdrawal["reason"],
            recorded_by=withdrawal["recorded_by"],
            deadline=Deadline.model_validate(withdrawal["deadline"]),
        ),
        withdrawn_at=row.withdrawn_at,
    )


def _json(value: Any) -> Any:
    """A JSON column's value; SQL NULL for None."""
    return sa.null() if value is None else value


def _changes(case: Case) -> dict[str, Any]:
    """The columns a step may change."""
    return {
        "status": case.status,
        "decision_deadline": case.decision_deadline.model_dump(mode="json"),
        "decision_due": case.decision_due,
        "notice": _json(case.notice and case.notice.as_json()),
        "decision": _json(case.decision and case.decision.as_json()),
        "decided_at": case.decided_at,
        "decided_on_time": case.decided_on_time,
        "payment_due": case.payment_due,
        "paid_on": case.paid_on,
        "return_visit": _json(case.return_visit and case.return_visit.as_json()),
        "closed_at": case.closed_at,
    }


class CaseRepository:
    """Cases as the caller may see them (their section's, or all for auditors and admins)."""

    def __init__(self, connection: AsyncConnection, principal: Principal | None = None) -> None:
        self.connection = connection
        self.principal = principal

    async def get(self, case_id: uuid.UUID) -> Case:
        """A case in scope with all its parts; NotFound otherwise."""
        return await self._load(case_id, lock=False)

    async def locked(self, case_id: uuid.UUID) -> Case:
        """A case in scope, locked for a step."""
        return await self._load(case_id, lock=True)

    async def _load(self, case_id: uuid.UUID, *, lock: bool) -> Case:
        statement = sa.select(cases, case_sources.c.source_department).join(
            case_sources, case_sources.c.id == cases.c.case_source_id
        )
        statement = statement.where(cases.c.id == case_id)
        if self.principal is not None:
            statement = statement.where(in_section(self.principal, cases.c.section))
        if lock:
            statement = statement.with_for_update(of=cases)
        row = (await self.connection.execute(statement)).first()
        if row is None:
            raise NotFound("case")
        return Case(
            id=row.id,
            case_source_id=row.case_source_id,
            credit_code=row.credit_code,
            section=row.section,
            status=CaseStatus(row.status),
            handlers=tuple(row.handlers),
            filed_by=row.filed_by,
            filed_at=row.filed_at,
            decision_deadline=Deadline.model_validate(row.decision_deadline),
            decision_due=row.decision_due,
            notice=_notice(row.notice),
            decision=_decision(row.decision),
            decided_at=row.decided_at,
            decided_on_time=row.decided_on_time,
            payment_due=row.payment_due,
            paid_on=row.paid_on,
            return_visit=_visit(row.return_visit),
            closed_at=row.closed_at,
            records=await self._records(case_id),
            history=await self._history(row.case_source_id),
            stops=await self._stops(case_id),
            extensions=await self._extensions(case_id),
            publication=_publication(
                (
                    await self.connection.execute(
                        sa.select(publicity).where(publicity.c.case_id == case_id)
                    )
                ).first()
            ),
            source_department=row.source_department,
        )

    async def _records(self, case_id: uuid.UUID) -> list[InvestigationRecord]:
        rows = await self.connection.execute(
            sa.select(investigation_records)
            .where(investigation_records.c.case_id == case_id)
            .order_by(investigation_records.c.recorded_at)
        )
        return [
            InvestigationRecord(
                id=r.id,
                case_id=r.case_id,
                kind=r.kind,
                summary=r.summary,
                evidence=tuple(r.evidence),
                recorded_by=r.recorded_by,
                recorded_at=r.recorded_at,
            )
            for r in rows
        ]

    async def _history(self, case_source_id: uuid.UUID) -> list[HistoryEntry]:
        rows = await self.connection.execute(
            sa.select(case_history)
            .where(case_history.c.case_source_id == case_source_id)
            .order_by(case_history.c.id)
        )
        return [HistoryEntry(step=r.step, at=r.at, actor=r.actor, detail=r.detail) for r in rows]

    async def _stops(self, case_id: uuid.UUID) -> list[Stop]:
        rows = await self.connection.execute(
            sa.select(case_stops).where(case_stops.c.case_id == case_id)
        )
        return [Stop(**r._mapping) for r in rows]

    async def _extensions(self, case_id: uuid.UUID) -> list[Extension]:
        rows = await self.connection.execute(
            sa.select(case_extensions)
            .where(case_extensions.c.case_id == case_id)
            .order_by(case_extensions.c.number)
        )
        return [Extension(**r._mapping) for r in rows]

    async def add(self, case: Case) -> None:
        """Store a newly filed case."""
        await self.connection.execute(
            sa.insert(cases).values(
                id=case.id,
                case_source_id=case.case_source_id,
                credit_code=case.credit_code,
                section=case.section,
                handlers=list(case.handlers),
                filed_by=case.filed_by,
                filed_at=case.filed_at,
                **_changes(case),
            )
        )

    async def save(self, case: Case, step: Step) -> None:
        """What a step changed and what it added."""
        await self.connection.execute(
            sa.update(cases).where(cases.c.id == case.id).values(_changes(case))
        )
        for added in step.added:
            await self._add(case, added)

    async def _add(self, case: Case, added: object) -> None:
        if isinstance(added, InvestigationRecord):
            values = vars(added) | {"evidence": list(added.evidence)}
            await self.connection.execute(sa.insert(investigation_records).values(values))
        elif isinstance(added, Stop):
            await self.connection.execute(sa.insert(case_stops).values(vars(added)))
        elif isinstance(added, Extension):
            await self.connection.execute(sa.insert(case_extensions).values(vars(added)))
        elif isinstance(added, Publication):
            values = vars(added) | {
                "withdrawal": sa.null(),
                "penalty": added.penalty.as_json(),
                "publish_deadline": added.publish_deadline.model_dump(mode="json"),
            }
            await self.connection.execute(sa.insert(publicity).values(values))
        elif isinstance(added, Withdrawal) and case.publication is not None:
            await self.connection.execute(
                sa.update(publicity)
                .where(publicity.c.case_id == case.id)
                .values(withdrawal=added.as_json(), withdrawn_at=case.publication.withdrawn_at)
            )

    async def published(self, *, limit: int) -> list[Publication]:
        """The publicity feed, newest first."""
        rows = await self.connection.execute(
            sa.select(publicity)
            .where(publicity.c.withdrawn_at.is_(None))
            .order_by(publicity.c.published_at.desc())
            .limit(limit)
        )
        return [p for p in (_publication(row) for row in rows) if p is not None]


async def record_history(connection: AsyncConnection, step: Step) -> None:
    """A step in its case source's history."""
    entry = step.entry
    await connection.execute(
        sa.insert(case_history).values(
            case_source_id=step.case_source_id,
            step=entry.step,
            at=entry.at,
            actor=entry.actor,
            detail=entry.detail,
        )
    )
