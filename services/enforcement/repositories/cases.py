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
from services.enforcement.domain.history import document
from services.enforcement.domain.history import fields_and_documents as stored
from services.enforcement.repositories.rows import columns
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


def _penalty(document: dict[str, Any]) -> Penalty:
    amount = document.get("amount")
    return Penalty(document["kind"], None if amount is None else Decimal(str(amount)))


def _notice(document: dict[str, Any] | None) -> Notice | None:
    if document is None:
        return None
    instants = {k: datetime.fromisoformat(document[k]) for k in ("delivered_at", "recorded_at")}
    return Notice(**document | instants)


def _decision(document: dict[str, Any] | None) -> Decision | None:
    if document is None:
        return None
    return Decision(**document | {"penalty": _penalty(document["penalty"])})


def _publication(row: Any) -> Publication | None:
    if row is None:
        return None
    values = dict(row._mapping)
    withdrawal = values["withdrawal"]
    if withdrawal is not None:
        deadline = Deadline.model_validate(withdrawal["deadline"])
        withdrawal = Withdrawal(**withdrawal | {"deadline": deadline})
    return Publication(
        **values
        | {
            "penalty": _penalty(values["penalty"]),
            "publish_deadline": Deadline.model_validate(values["publish_deadline"]),
            "withdrawal": withdrawal,
        }
    )


# Where each thing a step adds is kept.
_TABLE_OF: dict[type, sa.Table] = {
    InvestigationRecord: investigation_records,
    Stop: case_stops,
    Extension: case_extensions,
    Publication: publicity,
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
        values = dict(row._mapping)
        visit = values["return_visit"]
        return Case(
            **values
            | {
                "status": CaseStatus(row.status),
                "handlers": tuple(row.handlers),
                "decision_deadline": Deadline.model_validate(row.decision_deadline),
                "notice": _notice(row.notice),
                "decision": _decision(row.decision),
                "return_visit": None if visit is None else ReturnVisit(**visit),
                "records": await self._records(case_id),
                "history": await self._history(row.case_source_id),
                "stops": await self._stops(case_id),
                "extensions": await self._extensions(case_id),
                "publication": await self._publication(case_id),
            }
        )

    async def _publication(self, case_id: uuid.UUID) -> Publication | None:
        statement = sa.select(publicity).where(publicity.c.case_id == case_id)
        return _publication((await self.connection.execute(statement)).first())

    async def _records(self, case_id: uuid.UUID) -> list[InvestigationRecord]:
        rows = await self.connection.execute(
            sa.select(investigation_records)
            .where(investigation_records.c.case_id == case_id)
            .order_by(investigation_records.c.recorded_at)
        )
        return [
            InvestigationRecord(**dict(r._mapping) | {"evidence": tuple(r.evidence)}) for r in rows
        ]

    async def _history(self, case_source_id: uuid.UUID) -> list[HistoryEntry]:
        rows = await self.connection.execute(
            sa.select(case_history)
            .where(case_history.c.case_source_id == case_source_id)
            .order_by(case_history.c.id)
        )
        return [HistoryEntry(r.step, r.at, r.actor, r.detail) for r in rows]

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
        await self.connection.execute(sa.insert(cases).values(columns(cases, stored(case))))

    async def save(self, case: Case, step: Step) -> None:
        """What a step changed and what it added."""
        await self.connection.execute(
            sa.update(cases).where(cases.c.id == case.id).values(columns(cases, stored(case)))
        )
        for added in step.added:
            await self._add(case, added)

    async def _add(self, case: Case, added: object) -> None:
        if isinstance(added, Withdrawal) and case.publication is not None:
            await self.connection.execute(
                sa.update(publicity)
                .where(publicity.c.case_id == case.id)
                .values(withdrawal=document(added), withdrawn_at=case.publication.withdrawn_at)
            )
            return
        table = _TABLE_OF[type(added)]
        values = stored(added) if isinstance(added, Publication) else vars(added)
        await self.connection.execute(sa.insert(table).values(columns(table, values)))

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
