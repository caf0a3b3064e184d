"""核查 and 立案: within the verification period a section files a case source as a case or
declines it with reasons; the source department learns either from the event."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from chassis.auth import Principal
from chassis.clock import Clock
from chassis.uow import UnitOfWork
from services.enforcement.domain import (
    Case,
    CaseSource,
    Step,
    TestingPeriod,
    require_certified,
    require_handlers,
)
from services.enforcement.repositories.case_sources import CaseSourceRepository
from services.enforcement.repositories.people import People
from services.enforcement.usecases.steps import advance


@dataclass(frozen=True)
class SourceCommand:
    """A step of one case source, asked by an officer."""

    source_id: uuid.UUID
    by: Principal


async def _take(
    uow: UnitOfWork, command: SourceCommand, take: Callable[[CaseSource], Step]
) -> tuple[CaseSource, Step]:
    """One step of a case source of the caller's section."""
    repository = CaseSourceRepository(uow.connection, command.by)
    return await advance(uow, repository, command.source_id, take)


@dataclass(frozen=True)
class FileCase(SourceCommand):
    """立案 with the certified officers who will handle the case."""

    handlers: tuple[str, ...]


async def file_case(uow: UnitOfWork, clock: Clock, command: FileCase) -> Case:
    """The case source becomes a case with its handlers and its decision deadline: two
    different officers, each certified on the filing date as the directory knows them."""
    require_handlers(command.handlers)
    known = await People(uow.connection).named(command.handlers)
    require_certified(command.handlers, known, clock.today())
    subject, now = command.by.subject, clock.now()
    _, step = await _take(
        uow,
        command,
        lambda source: source.file(list(command.handlers), subject, now),
    )
    return next(added for added in step.added if isinstance(added, Case))


@dataclass(frozen=True)
class Decline(SourceCommand):
    """不予立案, with the reasons the source department is told."""

    reasons: tuple[str, ...]


async def decline(uow: UnitOfWork, clock: Clock, command: Decline) -> CaseSource:
    """The case source is closed without a case, for the reasons given."""
    subject, now = command.by.subject, clock.now()
    source, _ = await _take(
        uow,
        command,
        lambda source: source.decline(list(command.reasons), subject, now),
    )
    return source


@dataclass(frozen=True)
class ExtendVerification(SourceCommand):
    """The approval of the one extension of the verification period."""

    approved_by: str
    reason: str


async def extend_verification(
    uow: UnitOfWork, clock: Clock, command: ExtendVerification
) -> CaseSource:
    """The one approved extension of the verification period (+15 working days)."""
    subject, now = command.by.subject, clock.now()
    source, _ = await _take(
        uow,
        command,
        lambda source: source.extend_verification(
            command.approved_by, command.reason, subject, now
        ),
    )
    return source


@dataclass(frozen=True)
class ExcludeTesting(SourceCommand):
    """A testing or appraisal period of a case source (both ends included)."""

    start: date
    end: date
    reason: str


async def exclude_testing(uow: UnitOfWork, clock: Clock, command: ExcludeTesting) -> CaseSource:
    """A testing or appraisal period: it does not count towards verification."""
    period = TestingPeriod(command.start, command.end, command.reason, command.by.subject)
    now = clock.now()
    source, _ = await _take(
        uow,
        command,
        lambda source: source.exclude_testing(period, now),
    )
    return source
