"""Nonconformities with their corrective actions and effectiveness checks, as the caller may
see them: the quality office and auditors all, an office head their office's."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.copying import made_from
from chassis.db import dialect_of
from chassis.errors import NotFound
from chassis.rows import values_for
from services.qms.domain.nonconformities import (
    CorrectiveAction,
    EffectivenessCheck,
    Evidence,
    Nonconformity,
    Source,
    Status,
)
from services.qms.tables import corrective_actions, effectiveness_checks, nonconformities


def in_scope(principal: Principal) -> Any:
    """The SQL condition on `nonconformities` of those the caller sees."""
    if principal.has_any("qms_manager", "auditor"):
        return sa.true()
    if principal.has_any("office_head") and principal.office is not None:
        return nonconformities.c.office == principal.office
    return sa.false()


def _stored_evidence(evidence: Evidence) -> dict[str, Any]:
    return {
        "basis": evidence.basis,
        "event_id": None if evidence.event_id is None else str(evidence.event_id),
        "event_type": evidence.event_type,
        "facts": dict(evidence.facts),
    }


def _evidence_of(stored: dict[str, Any]) -> Evidence:
    event_id = stored.get("event_id")
    return Evidence(
        basis=stored.get("basis"),
        event_id=None if event_id is None else uuid.UUID(event_id),
        event_type=stored.get("event_type"),
        facts=tuple(sorted(stored.get("facts", {}).items())),
    )


@dataclass(frozen=True)
class NonconformityFilter:
    """Which nonconformities to list: of a status, a source, an office; the newest `limit`."""

    status: Status | None = None
    source: Source | None = None
    office: str | None = None
    limit: int = 100


class Nonconformities:
    """Nonconformities in the caller's scope (all of them for the service itself)."""

    def __init__(self, connection: AsyncConnection, principal: Principal | None = None) -> None:
        self.connection = connection
        self.principal = principal

    def _scoped(self, statement: Any) -> Any:
        return statement if self.principal is None else statement.where(in_scope(self.principal))

    async def add(self, nonconformity: Nonconformity) -> bool:
        """Store a new nonconformity; False (and nothing stored) when its once key is taken:
        the same fact raised one before, or another consumer just did."""
        row = values_for(
            nonconformities, nonconformity, evidence=_stored_evidence(nonconformity.evidence)
        )
        inserted = await self.connection.execute(
            dialect_of(self.connection)
            .insert(nonconformities)
            .values(row)
            .on_conflict_do_nothing(index_elements=[nonconformities.c.once_key])
            .returning(nonconformities.c.id)
        )
        return inserted.first() is not None

    async def get(self, nonconformity_id: uuid.UUID) -> Nonconformity:
        """One in scope with its actions and checks; NotFound otherwise (outside scope too)."""
        statement = self._scoped(sa.select(nonconformities)).where(
            nonconformities.c.id == nonconformity_id
        )
        found = (await self.connection.execute(statement)).first()
        if found is None:
            raise NotFound("nonconformity")
        return (await self._revived([found]))[0]

    async def locked(self, nonconformity_id: uuid.UUID) -> Nonconformity:
        """One locked for a step (only the quality office takes steps: no scope); NotFound."""
        statement = (
            sa.select(nonconformities)
            .where(nonconformities.c.id == nonconformity_id)
            .with_for_update()
        )
        found = (await self.connection.execute(statement)).first()
        if found is None:
            raise NotFound("nonconformity")
        return (await self._revived([found]))[0]

    async def listed(self, query: NonconformityFilter) -> list[Nonconformity]:
        """Those in scope matching the filter, newest raised first."""
        statement = self._scoped(sa.select(nonconformities))
        for column, wanted in (
            (nonconformities.c.status, query.status),
            (nonconformities.c.source, query.source),
            (nonconformities.c.office, query.office),
        ):
            if wanted is not None:
                statement = statement.where(column == wanted)
        statement = statement.order_by(
            nonconformities.c.raised_at.desc(), nonconformities.c.id.desc()
        ).limit(query.limit)
        return await self._revived(list(await self.connection.execute(statement)))

    async def _revived(self, rows: Sequence[Any]) -> list[Nonconformity]:
        ids = [row.id for row in rows]
        actions: dict[uuid.UUID, list[CorrectiveAction]] = {}
        for found in await self.connection.execute(
            sa.select(corrective_actions)
            .where(corrective_actions.c.nonconformity_id.in_(ids))
            .order_by(corrective_actions.c.number)
        ):
            actions.setdefault(found.nonconformity_id, []).append(
                made_from(CorrectiveAction, found)
            )
        checks: dict[uuid.UUID, list[EffectivenessCheck]] = {}
        for found in await self.connection.execute(
            sa.select(effectiveness_checks)
            .where(effectiveness_checks.c.nonconformity_id.in_(ids))
            .order_by(effectiveness_checks.c.number)
        ):
            checks.setdefault(found.nonconformity_id, []).append(
                made_from(EffectivenessCheck, found)
            )
        return [
            made_from(
                Nonconformity,
                row,
                evidence=_evidence_of(row.evidence),
                actions=actions.get(row.id, []),
                checks=checks.get(row.id, []),
            )
            for row in rows
        ]

    async def save_status(self, nonconformity: Nonconformity) -> None:
        """Its status and closing time after a step."""
        await self.connection.execute(
            sa.update(nonconformities)
            .where(nonconformities.c.id == nonconformity.id)
            .values(status=nonconformity.status, closed_at=nonconformity.closed_at)
        )

    async def add_action(self, nonconformity: Nonconformity, action: CorrectiveAction) -> None:
        """A corrective action just planned."""
        await self.connection.execute(
            sa.insert(corrective_actions).values(
                values_for(corrective_actions, action, nonconformity_id=nonconformity.id)
            )
        )

    async def action_done(self, nonconformity: Nonconformity, action: CorrectiveAction) -> None:
        """Who did a corrective action, and when."""
        await self.connection.execute(
            sa.update(corrective_actions)
            .where(
                corrective_actions.c.nonconformity_id == nonconformity.id,
                corrective_actions.c.number == action.number,
            )
            .values(done_by=action.done_by, done_at=action.done_at)
        )

    async def add_check(self, nonconformity: Nonconformity, check: EffectivenessCheck) -> None:
        """An effectiveness check just recorded (never changed after)."""
        await self.connection.execute(
            sa.insert(effectiveness_checks).values(
                values_for(effectiveness_checks, check, nonconformity_id=nonconformity.id)
            )
        )

    async def touching(
        self, start: datetime, end: datetime, office: str | None = None
    ) -> list[Nonconformity]:
        """Those in scope (of one office, when given) raised before `end` and not closed before
        `start`: every one raised, closed or open in the period."""
        table = nonconformities
        statement = self._scoped(sa.select(table)).where(
            table.c.raised_at < end, sa.or_(table.c.closed_at.is_(None), table.c.closed_at >= start)
        )
        if office is not None:
            statement = statement.where(table.c.office == office)
        statement = statement.order_by(table.c.raised_at, table.c.id)
        return await self._revived(list(await self.connection.execute(statement)))
