"""Household use cases: the licence a household follows, its routing, claims and deadlines."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.db import dialect_of
from chassis.legalclock.deadlines import SHANGHAI, shanghai_today
from chassis.problems import Problem, invalid_field, not_found
from chassis.uow import UnitOfWork, Work
from contracts.supervision import ClaimOverdue, HouseholdAssigned
from services.supervision import domain
from services.supervision.domain import HouseholdStatus, LicenceFact
from services.supervision.settings import SupervisionSettings
from services.supervision.tables import (
    claim_overdue,
    delegations,
    grid_map_version,
    grids,
    household_history,
    households,
    inspection_visits,
    inspections,
    licence_facts,
    offices,
)


@dataclass
class GridIndex:
    """The spatial index of the grid map, rebuilt when the map's stamp changes.

    The stamp is random, not a counter: an index built inside a transaction that rolled back
    must never pass for the map of a later change that happens to reach the same number.
    """

    version: int = -1
    grid_map: domain.GridMap = field(default_factory=lambda: domain.GridMap([]))

    async def current(self, connection: AsyncConnection) -> domain.GridMap:
        """The index of the map as stored now."""
        version = await connection.scalar(sa.select(grid_map_version.c.version)) or 0
        if version != self.version:
            rows = (await connection.execute(sa.select(grids))).all()
            self.grid_map = domain.GridMap([grid_of(row) for row in rows])
            self.version = version
        return self.grid_map


def grid_of(row: Any) -> domain.Grid:
    """A stored grid as routing sees it."""
    return domain.Grid(
        id=row.id,
        office_id=row.office_id,
        owner=row.owner,
        polygon=domain.grid_shape(row.polygon),
        community_codes=tuple(row.community_codes),
    )


async def running_delegations(connection: AsyncConnection, day: date) -> list[domain.Delegation]:
    """The delegations that run on `day`."""
    rows = await connection.execute(
        sa.select(delegations).where(delegations.c.start <= day, delegations.c.end >= day)
    )
    return [domain.Delegation(r.officer, r.agent, r.start, r.end) for r in rows]


async def viewer_of(connection: AsyncConnection, principal: Principal) -> domain.Viewer:
    """The caller with the officers they act for today."""
    running = await running_delegations(connection, shanghai_today())
    return domain.Viewer(
        subject=principal.subject,
        roles=principal.roles,
        office=principal.office,
        acts_for=domain.represented(principal.subject, running, shanghai_today()),
    )


@dataclass
class Supervision:
    """What the household use cases work with."""

    settings: SupervisionSettings
    index: GridIndex = field(default_factory=GridIndex)

    # -- licence events ----------------------------------------------------------------------

    async def record_licence_fact(
        self, uow: Work, credit_code: str, fact: LicenceFact, now: datetime
    ) -> None:
        """Keep a licensing event and bring the household in line with all kept so far."""
        connection = uow.connection
        if connection.dialect.name == "postgresql":
            # Two events of one licence handled at once would each fold without the other's fact.
            await connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:code, 0))"),
                {"code": credit_code},
            )
        kept = await connection.execute(
            dialect_of(connection)
            .insert(licence_facts)
            .values(
                credit_code=credit_code,
                sequence=fact.sequence,
                kind=fact.kind,
                data=dict(fact.data),
                at=now,
            )
            .on_conflict_do_nothing()
            .returning(licence_facts.c.sequence)
        )
        if kept.first() is None:
            return  # a redelivered or re-published event: the household already follows it
        rows = await connection.execute(
            sa.select(licence_facts).where(licence_facts.c.credit_code == credit_code)
        )
        state = domain.fold_licence(LicenceFact(r.sequence, r.kind, r.data) for r in rows)
        existing = (
            await connection.execute(
                sa.select(households)
                .where(households.c.credit_code == credit_code)
                .with_for_update()
            )
        ).first()
        values = {
            "name": state.name,
            "entity_type": state.entity_type,
            "operator_name": state.operator_name,
            "address": dict(state.address) if state.address else None,
            "business_scope": list(state.business_scope),
            "licensed": state.issued,
            "updated_at": now,
        }
        statement: sa.Insert | sa.Update
        if existing is None:
            statement = sa.insert(households).values(
                credit_code=credit_code, status=HouseholdStatus.UNROUTED, **values
            )
        else:
            statement = (
                sa.update(households)
                .where(households.c.credit_code == credit_code)
                .values(**values)
            )
        await connection.execute(statement)
        await self._history(
            connection, credit_code, "licence", at=now, detail={**fact.data, "event": fact.kind}
        )
        if state.cancelled:
            await self._set_status(connection, credit_code, HouseholdStatus.CANCELLED, now)
            return
        if not state.issued:
            return  # a change came before the issue: the household waits for its address
        moved = existing is not None and existing.address != values["address"]
        if existing is None or existing.grid_id is None or moved:
            await self.route(
                uow, credit_code, now, office_hint=state.office_code, readdressed=moved
            )

    async def _set_status(
        self, connection: AsyncConnection, credit_code: str, status: HouseholdStatus, now: datetime
    ) -> None:
        await connection.execute(
            sa.update(households)
            .where(households.c.credit_code == credit_code)
            .values(status=status, updated_at=now)
        )

    # -- routing -----------------------------------------------------------------------------

    async def route(
        self,
        uow: Work,
        credit_code: str,
        now: datetime,
        *,
        office_hint: str | None = None,
        readdressed: bool = False,
    ) -> None:
        """Route a household to the grid its address lies in, or leave it unrouted.

        A household an office head put in a grid by hand stays there (following the grid to a
        new owner) until its address changes: the head knew something the map did not.
        """
        connection = uow.connection
        household = (
            await connection.execute(
                sa.select(households).where(households.c.credit_code == credit_code)
            )
        ).one()
        if household.status == HouseholdStatus.CANCELLED or household.address is None:
            return
        grid_map = await self.index.current(connection)
        placed_by_hand = grid_map.get(household.grid_id) if household.routed_by == "hand" else None
        if placed_by_hand is not None and not readdressed:
            if placed_by_hand.owner != household.owner:
                await self.assign(
                    uow, credit_code, placed_by_hand, now, routed_by="hand", actor=None
                )
            return
        address = household.address
        location = address.get("location") or {}
        found = grid_map.route(location.get("lon"), location.get("lat"), address["community_code"])
        if found.grid is None:
            await self._unroute(uow, household, office_hint or household.office_id, now)
            return
        if found.grid.id != household.grid_id or found.grid.owner != household.owner:
            await self.assign(uow, credit_code, found.grid, now, routed_by=found.by, actor=None)
        elif found.by != household.routed_by:
            # Same grid and owner, reached another way now (its point left the grid, say).
            await connection.execute(
                sa.update(households)
                .where(households.c.credit_code == credit_code)
                .values(routed_by=found.by, updated_at=now)
            )

    async def _unroute(
        self, uow: Work, household: Any, office_hint: str | None, now: datetime
    ) -> None:
        """Put the household in its office's queue for the head to assign by hand."""
        connection = uow.connection
        office = await self._known_office(connection, office_hint)
        if household.status == HouseholdStatus.UNROUTED and household.office_id == office:
            return
        await connection.execute(
            sa.update(households)
            .where(households.c.credit_code == household.credit_code)
            .values(
                status=HouseholdStatus.UNROUTED,
                grid_id=None,
                office_id=office,
                owner=None,
                agent=None,
                routed_by="none",
                claim_deadline=None,
                updated_at=now,
            )
        )
        await self._history(
            connection, household.credit_code, "unrouted", at=now, detail={"office": office}
        )

    async def _known_office(self, connection: AsyncConnection, office: str | None) -> str | None:
        if office is None:
            return None
        known = await connection.scalar(sa.select(offices.c.id).where(offices.c.id == office))
        return str(known) if known is not None else None

    async def assign(
        self,
        uow: Work,
        credit_code: str,
        grid: domain.Grid,
        now: datetime,
        *,
        routed_by: str,
        actor: str | None,
    ) -> None:
        """Give the household to the grid's owner (and their agent) with a claim deadline."""
        connection = uow.connection
        day = now.astimezone(SHANGHAI).date()
        agent = domain.agent_of(grid.owner, await running_delegations(connection, day), day)
        deadline = domain.claim_deadline(day, self.settings.claim_workdays)
        await connection.execute(
            sa.update(households)
            .where(households.c.credit_code == credit_code)
            .values(
                status=HouseholdStatus.ASSIGNED,
                grid_id=grid.id,
                office_id=grid.office_id,
                owner=grid.owner,
                agent=agent,
                routed_by=routed_by,
                claim_deadline=deadline,
                assigned_at=now,
                claimed_at=None,
                claimed_by=None,
                updated_at=now,
            )
        )
        detail = {
            "grid_id": grid.id,
            "office_id": grid.office_id,
            "owner": grid.owner,
            "agent": agent,
            "routed_by": routed_by,
            "claim_deadline": deadline.isoformat(),
        }
        await self._history(
            connection, credit_code, "assignment", at=now, actor=actor, detail=detail
        )
        uow.emit(
            HouseholdAssigned(
                credit_code=credit_code,
                grid_code=grid.id,
                office_code=grid.office_id,
                owner=grid.owner,
                agent=agent,
                claim_deadline=deadline,
                assigned_at=now,
            )
        )

    async def reroute(self, uow: Work, credit_codes: Iterable[str], now: datetime) -> None:
        """Route again the households a change of the map may have moved."""
        for credit_code in credit_codes:
            await self.route(uow, credit_code, now)

    # -- people's steps ----------------------------------------------------------------------

    async def claim(
        self, uow: UnitOfWork, principal: Principal, credit_code: str
    ) -> dict[str, Any]:
        """认领: the owner, or the agent acting for them, takes the household into their plan."""
        connection = uow.connection
        viewer = await viewer_of(connection, principal)
        household = await self._locked(connection, credit_code, viewer)
        if not domain.may_act(viewer, owner=household.owner):
            raise Problem("forbidden", 403, "Only the grid's owner or their agent may claim it")
        if household.status != HouseholdStatus.ASSIGNED:
            raise Problem(
                "conflict", 409, f"A household that is {household.status} cannot be claimed"
            )
        now = datetime.now(UTC)
        await connection.execute(
            sa.update(households)
            .where(households.c.credit_code == credit_code)
            .values(
                status=HouseholdStatus.CLAIMED,
                claimed_at=now,
                claimed_by=principal.subject,
                updated_at=now,
            )
        )
        on_behalf = household.owner if principal.subject != household.owner else None
        await self._history(
            connection,
            credit_code,
            "claim",
            at=now,
            actor=principal.subject,
            detail={"for": on_behalf},
        )
        await uow.commit()
        return await self.household(connection, principal, credit_code)

    async def assign_by_hand(
        self, uow: UnitOfWork, principal: Principal, credit_code: str, grid_id: str
    ) -> dict[str, Any]:
        """The office head (or an admin) gives an unrouted household to one of the grids."""
        connection = uow.connection
        viewer = await viewer_of(connection, principal)
        household = await self._locked(connection, credit_code, viewer)
        grid_map = await self.index.current(connection)
        grid = grid_map.get(grid_id)
        if grid is None:
            raise invalid_field("grid_id", "no such grid", "unknown")
        if not viewer.sees_everything and viewer.office != grid.office_id:
            raise Problem("forbidden", 403, "An office head assigns to their own office's grids")
        if household.status == HouseholdStatus.CANCELLED:
            raise Problem("conflict", 409, "The licence of this household is cancelled")
        await self.assign(
            uow.work,
            credit_code,
            grid,
            datetime.now(UTC),
            routed_by="hand",
            actor=principal.subject,
        )
        await uow.commit()
        return await self.household(connection, principal, credit_code)

    # -- reading -----------------------------------------------------------------------------

    async def household(
        self, connection: AsyncConnection, principal: Principal, credit_code: str
    ) -> dict[str, Any]:
        """One household, if in the caller's scope (404 otherwise)."""
        viewer = await viewer_of(connection, principal)
        row = (
            await connection.execute(
                sa.select(households).where(households.c.credit_code == credit_code)
            )
        ).first()
        if row is None or not domain.may_see(viewer, owner=row.owner, office_id=row.office_id):
            raise not_found("household")
        return row._asdict()

    async def households(
        self,
        connection: AsyncConnection,
        principal: Principal,
        *,
        grid_id: str | None,
        status: str | None,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The households in the caller's scope, by credit code, a page at a time."""
        viewer = await viewer_of(connection, principal)
        statement = sa.select(households).order_by(households.c.credit_code).limit(limit + 1)
        if not viewer.sees_everything:
            in_scope = []
            if "office_head" in viewer.roles and viewer.office is not None:
                in_scope.append(households.c.office_id == viewer.office)
            if "grid_inspector" in viewer.roles:
                in_scope.append(households.c.owner.in_(sorted(viewer.acts_for)))
            statement = statement.where(sa.or_(*in_scope) if in_scope else sa.false())
        if grid_id is not None:
            statement = statement.where(households.c.grid_id == grid_id)
        if status is not None:
            statement = statement.where(households.c.status == status)
        if cursor is not None:
            statement = statement.where(households.c.credit_code > cursor)
        rows = [row._asdict() for row in await connection.execute(statement)]
        following = rows[limit - 1]["credit_code"] if len(rows) > limit else None
        return rows[:limit], following

    async def _locked(
        self, connection: AsyncConnection, credit_code: str, viewer: domain.Viewer
    ) -> Any:
        row = (
            await connection.execute(
                sa.select(households)
                .where(households.c.credit_code == credit_code)
                .with_for_update()
            )
        ).first()
        if row is None or not domain.may_see(viewer, owner=row.owner, office_id=row.office_id):
            raise not_found("household")
        return row

    async def file(
        self, connection: AsyncConnection, principal: Principal, credit_code: str
    ) -> list[dict[str, Any]]:
        """The supervision file: licence events, assignments, claims, inspections, penalties,
        complaints, oldest first."""
        await self.household(connection, principal, credit_code)
        history = await connection.execute(
            sa.select(household_history)
            .where(household_history.c.credit_code == credit_code)
            .order_by(household_history.c.id)
        )
        entries = [
            {**row.detail, "kind": row.kind, "at": row.at, "actor": row.actor} for row in history
        ]
        visits = await connection.execute(
            sa.select(inspections)
            .join(
                inspection_visits,
                sa.and_(
                    inspection_visits.c.inspection_id == inspections.c.id,
                    inspection_visits.c.version == inspections.c.version,
                ),
            )
            .where(inspection_visits.c.credit_code == credit_code)
        )
        entries += [
            {
                "kind": "inspection",
                "at": row.recorded_at,
                "actor": row.inspector,
                "inspection_id": str(row.id),
                "version": row.version,
                "findings": row.findings,
                "actions": row.actions,
                "attachments": row.attachments,
            }
            for row in visits
        ]
        return sorted(entries, key=lambda entry: entry["at"])

    async def note(self, uow: Work, credit_code: str, kind: str, detail: dict[str, Any]) -> None:
        """Put another department's news about the business in its file (penalty, complaint)."""
        await self._history(uow.connection, credit_code, kind, at=datetime.now(UTC), detail=detail)

    # -- deadlines ---------------------------------------------------------------------------

    async def raise_overdue_claims(self, uow: UnitOfWork, day: date) -> int:
        """Raise `supervision.claim.overdue` once for each claim deadline missed before `day`."""
        connection = uow.connection
        missed = (
            await connection.execute(
                sa.select(households)
                .outerjoin(
                    claim_overdue,
                    sa.and_(
                        claim_overdue.c.credit_code == households.c.credit_code,
                        claim_overdue.c.claim_deadline == households.c.claim_deadline,
                    ),
                )
                .where(
                    households.c.status == HouseholdStatus.ASSIGNED,
                    households.c.claim_deadline < day,
                    claim_overdue.c.credit_code.is_(None),
                )
                .order_by(households.c.credit_code)
                .limit(500)
            )
        ).all()
        now = datetime.now(UTC)
        raised = 0
        for household in missed:
            inserted = await connection.execute(
                dialect_of(connection)
                .insert(claim_overdue)
                .values(
                    credit_code=household.credit_code,
                    claim_deadline=household.claim_deadline,
                    raised_at=now,
                )
                .on_conflict_do_nothing()
                .returning(claim_overdue.c.credit_code)
            )
            if inserted.first() is None:
                continue  # another process raised it first
            uow.emit(
                ClaimOverdue(
                    credit_code=household.credit_code,
                    grid_code=household.grid_id,
                    office_code=household.office_id,
                    owner=household.owner,
                    agent=household.agent,
                    claim_deadline=household.claim_deadline,
                    detected_at=now,
                )
            )
            detail = {"claim_deadline": household.claim_deadline.isoformat()}
            await self._history(connection, household.credit_code, "overdue", at=now, detail=detail)
            raised += 1
        await uow.commit()
        return raised

    # -- delegations -------------------------------------------------------------------------

    async def delegate(
        self,
        uow: UnitOfWork,
        principal: Principal,
        *,
        officer: str,
        agent: str,
        start: date,
        end: date,
    ) -> dict[str, Any]:
        """Name an agent for an officer: the officer themself, their office head or an admin."""
        if not (principal.subject == officer or principal.has_any("office_head", "admin")):
            raise Problem("forbidden", 403, "Only the officer, an office head or an admin")
        row = {
            "id": uuid.uuid4(),
            "officer": officer,
            "agent": agent,
            "start": start,
            "end": end,
            "created_by": principal.subject,
            "created_at": datetime.now(UTC),
        }
        await uow.connection.execute(sa.insert(delegations).values(row))
        await uow.commit()
        return row

    async def delegations(
        self, connection: AsyncConnection, principal: Principal, *, on: date | None
    ) -> list[dict[str, Any]]:
        """The delegations the caller may know of, running on `on` if given."""
        statement = sa.select(delegations).order_by(
            delegations.c.start.desc(), delegations.c.officer
        )
        if not principal.has_any("office_head", "auditor", "admin"):
            statement = statement.where(
                sa.or_(
                    delegations.c.officer == principal.subject,
                    delegations.c.agent == principal.subject,
                )
            )
        if on is not None:
            statement = statement.where(delegations.c.start <= on, delegations.c.end >= on)
        return [row._asdict() for row in await connection.execute(statement)]

    @staticmethod
    async def _history(
        connection: AsyncConnection,
        credit_code: str,
        kind: str,
        *,
        at: datetime,
        actor: str | None = None,
        detail: dict[str, Any],
    ) -> None:
        """An entry of the household's supervision file."""
        await connection.execute(
            sa.insert(household_history).values(
                credit_code=credit_code, kind=kind, at=at, actor=actor, detail=detail
            )
        )
