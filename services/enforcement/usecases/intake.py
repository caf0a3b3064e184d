"""Case sources (案源): received from every department once, routed to the section of their
office's area, read within one's section."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from chassis.auth import Principal
from chassis.clock import Clock
from chassis.copying import made_from
from chassis.errors import RuleViolated
from chassis.uow import UnitOfWork, Work
from services.enforcement.domain import CaseSource, Transfer, section_for
from services.enforcement.repositories.case_sources import (
    CaseSourceFilter,
    CaseSourceRepository,
    Offices,
)


@dataclass(frozen=True)
class OfficeOnMap:
    """An office as supervision's map published it, with the number of that event."""

    office_id: str
    name: str
    area: int
    sequence: int


async def keep_office(work: Work, command: OfficeOnMap) -> int:
    """Keep the office (a later event of it wins); the case sources that waited for it, its
    area's section takes now. How many were routed."""
    await Offices(work.connection).keep(
        command.office_id, command.name, command.area, command.sequence
    )
    section = section_for(await Offices(work.connection).area_of(command.office_id))
    if section is None:
        return 0
    return await CaseSourceRepository(work.connection).route_waiting(command.office_id, section)


async def route_waiting(uow: UnitOfWork) -> int:
    """Route the case sources still waiting for an office the map now knows; how many.

    The backstop of `keep_office`: a case source and its office's first event handled side by
    side, in two lanes, do not see each other's uncommitted rows.
    """
    routed = 0
    for office_id, area in await Offices(uow.connection).awaited():
        section = section_for(area)
        if section is not None:
            routed += await CaseSourceRepository(uow.connection).route_waiting(office_id, section)
    await uow.commit()
    return routed


@dataclass(frozen=True)
class BusinessAssigned:
    """Supervision assigned a business to an office: where its case sources go."""

    credit_code: str
    office_id: str
    at: datetime


async def note_business_office(work: Work, command: BusinessAssigned) -> None:
    """Remember which office supervises a business (the latest assignment wins)."""
    await Offices(work.connection).assign_business(
        command.credit_code, command.office_id, command.at
    )


async def receive(work: Work, clock: Clock, transfer: Transfer) -> bool:
    """Record a case source once, routed to its section with its verification deadline;
    whether it is new (a repeated transfer of the same id changes nothing)."""
    offices = Offices(work.connection)
    office_id = transfer.office_id
    if office_id is None and transfer.credit_code is not None:
        office_id = await offices.of_business(transfer.credit_code)
    source = CaseSource.receive(transfer, office_id, await offices.area_of(office_id), clock.now())
    return await CaseSourceRepository(work.connection).add(source)


@dataclass(frozen=True)
class HandIn:
    """A case source a functional department with no service here hands to the desk."""

    by: Principal
    source_department: str
    credit_code: str | None
    allegation: str
    evidence: tuple[str, ...]
    office_id: str | None


async def receive_by_hand(uow: UnitOfWork, clock: Clock, command: HandIn) -> CaseSource:
    """Trademark, advertising or market hands a case source to the sub-bureau's desk."""
    by = command.by
    transfer = made_from(
        Transfer,
        command,
        id=uuid.uuid4(),
        transferred_by=by.subject,
        transferred_at=clock.now(),
        fallback_section=by.office if by.has_any("enforcement_officer") else None,
    )
    if transfer.office_id is not None and not await Offices(uow.connection).exists(
        transfer.office_id
    ):
        raise RuleViolated("office_id", "no such office", "unknown")
    await receive(uow.work, clock, transfer)
    await uow.commit()
    return await CaseSourceRepository(uow.connection, by).get(transfer.id)


async def case_source(uow: UnitOfWork, by: Principal, source_id: uuid.UUID) -> CaseSource:
    """One case source, if it is the caller's section's (NotFound otherwise)."""
    return await CaseSourceRepository(uow.connection, by).get(source_id)


async def case_sources(
    uow: UnitOfWork, by: Principal, query: CaseSourceFilter
) -> tuple[list[CaseSource], str | None]:
    """A page of the caller's section's case sources (those waiting to be routed, for auditors
    and admins), the soonest verification deadline first, and the next page's cursor."""
    return await CaseSourceRepository(uow.connection, by).listed(query)
