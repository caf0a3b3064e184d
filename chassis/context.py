"""The one context the chassis hands to routes, handlers, watchers and start-up hooks.

A service that keeps more for the life of its process (a spatial index, a partner client)
subclasses `ServiceContext` with those fields and names the class in its ServiceSpec; nothing
is reached through module-level registries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from fastapi import Request

from chassis.bus.relay import Doorbell
from chassis.clock import Clock, SystemClock
from chassis.db import Database
from chassis.revocation import Revocations
from chassis.settings import Settings
from chassis.uow import UnitOfWork

SettingsT = TypeVar("SettingsT", bound=Settings)


@dataclass
class ServiceContext(Generic[SettingsT]):
    """Settings, database and clock of one running service, and its units of work."""

    settings: SettingsT
    database: Database
    clock: Clock = field(default_factory=SystemClock)
    # Set when a commit wrote outbox rows: wakes the relay.
    outbox_written: Doorbell = field(default_factory=Doorbell)
    # The tokens this process refuses before they expire (the app's TokenVerifier consults it).
    revocations: Revocations = field(default_factory=Revocations)

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work on the service's database; its commit wakes the relay."""
        return UnitOfWork(
            self.database, self.settings.service, after_commit=self.outbox_written.set
        )


async def context_of(request: Request) -> Any:
    """The running service's context (the app factory keeps it in app.state); services
    declare `Annotated[TheirContext, Depends(context_of)]`. A coroutine: FastAPI runs a plain
    function dependency in its thread pool, a thread hop for every request."""
    return request.app.state.context
