"""The one way a case source or a case takes a step: load it locked, let its method take the
step, save what changed, keep the step in the history, emit its events, commit."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Protocol, TypeVar

from chassis.uow import UnitOfWork
from services.enforcement.domain import Step
from services.enforcement.repositories.cases import record_history

Aggregate = TypeVar("Aggregate")


class StepRepository(Protocol[Aggregate]):
    """Where an aggregate that takes steps is loaded locked and saved."""

    async def locked(self, subject_id: uuid.UUID) -> Aggregate:
        """The aggregate, locked for the step; NotFound outside the caller's scope."""
        ...

    async def save(self, aggregate: Aggregate, step: Step) -> None:
        """What the step changed and added."""
        ...


async def advance(
    uow: UnitOfWork,
    repository: StepRepository[Aggregate],
    subject_id: uuid.UUID,
    take: Callable[[Aggregate], Step],
) -> tuple[Aggregate, Step]:
    """Take one step of `subject_id` and commit it with its history entry and events."""
    aggregate = await repository.locked(subject_id)
    step = take(aggregate)
    await repository.save(aggregate, step)
    await record_history(uow.connection, step)
    for event in step.events:
        uow.emit(event)
    await uow.commit()
    return aggregate, step
