"""Position agents (职位代理): naming them, finding them, and the scope they give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.uow import UnitOfWork
from services.supervision.context import SupervisionContext
from services.supervision.domain import Delegation, Namer, Viewer
from services.supervision.repositories.delegations import Delegations
from services.supervision.repositories.people import People


async def viewer_of(
    ctx: SupervisionContext, connection: AsyncConnection, principal: Principal
) -> Viewer:
    """The caller with the officers they act for today."""
    return await Delegations(connection).viewer(principal, ctx.clock.today())


@dataclass(frozen=True)
class NameDelegation:
    """`agent` acts for `officer` from `start` to `end`, named by `by`."""

    by: Principal
    officer: str
    agent: str
    start: date
    end: date


async def delegate(ctx: SupervisionContext, uow: UnitOfWork, command: NameDelegation) -> Delegation:
    """Name an agent for an officer: the officer themself, their office head or an admin, for
    grid inspectors of their office as the directory knows them, for a limited period."""
    by = command.by
    delegation = Delegation.named(
        officer=command.officer,
        agent=command.agent,
        start=command.start,
        end=command.end,
        by=Namer(by.subject, by.roles, by.office),
        people=await People(uow.connection).named((command.officer, command.agent)),
        at=ctx.clock.now(),
        max_days=ctx.settings.delegation_max_days,
    )
    await Delegations(uow.connection).add(delegation)
    await uow.commit()
    return delegation


async def delegations(
    connection: AsyncConnection, principal: Principal, *, on: date | None
) -> list[Delegation]:
    """The delegations the caller may know of, running on `on` if given."""
    everyone = principal.has_any("office_head", "auditor", "admin")
    return await Delegations(connection).known_to(principal.subject, everyone=everyone, on=on)
