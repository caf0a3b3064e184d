"""Declaring which events a service handles: one handler per event type, one line each."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from chassis.uow import Work
from contracts import Contract, Envelope

C = TypeVar("C", bound=Contract)
# (the service's context, the batch's work, the validated event, its envelope): a handler turns
# the event into a use case's command; it cannot commit, the consumer commits the batch.
Handler = Callable[[Any, Work, C, Envelope], Awaitable[None]]
# (the service's context, the batch's work, each new event's envelope and exact bytes, in
# arrival order): a journal sees every event on the bus, of a known contract or not, a whole
# batch at a time, in the batch's transaction.
Journal = Callable[[Any, Work, Sequence[tuple[Envelope, bytes]]], Awaitable[None]]
# What a service's queue binds to receive everything.
EVERY_EVENT = "#"


@dataclass(frozen=True)
class Registration:
    """One event type a service reacts to, and the reaction."""

    contract: type[Contract]
    handler: Handler[Any]

    @property
    def routing_key(self) -> str:
        """The routing key the service's queue binds for this event."""
        return self.contract.routing_key()


class HandlerRegistry:
    """The table of a service's reactions to events, filled with `@handlers.on(Contract)`."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._registrations: dict[str, Registration] = {}
        self.journal: Journal | None = None

    def on(self, contract: type[C]) -> Callable[[Handler[C]], Handler[C]]:
        """Register the decorated coroutine as this service's handler of `contract`."""

        def register(handler: Handler[C]) -> Handler[C]:
            key = contract.routing_key()
            if key in self._registrations:
                raise ValueError(f"{self.service} already handles {key}")
            self._registrations[key] = Registration(contract, handler)
            return handler

        return register

    def every(self, journal: Journal) -> Journal:
        """Register the decorated coroutine as the service's journal: it is given every event
        published on the bus (each batch's new ones together), before their own handlers."""
        if self.journal is not None:
            raise ValueError(f"{self.service} already keeps a journal")
        self.journal = journal
        return journal

    def including(self, other: HandlerRegistry) -> HandlerRegistry:
        """A registry of this service with `other`'s reactions added (the chassis' own)."""
        combined = HandlerRegistry(self.service)
        combined._registrations = self._registrations | other._registrations
        combined.journal = self.journal
        return combined

    def routing_keys(self) -> list[str]:
        """Every routing key the service's queue must be bound to."""
        if self.journal is not None:
            return [EVERY_EVENT]
        return sorted(self._registrations)

    def get(self, routing_key: str) -> Registration | None:
        """The registration for `routing_key`, if the service handles it."""
        return self._registrations.get(routing_key)

    def table(self) -> list[tuple[str, str]]:
        """(routing key, handler name) rows: every reaction of the service at a glance."""
        rows = [(key, reg.handler.__name__) for key, reg in sorted(self._registrations.items())]
        return rows if self.journal is None else [(EVERY_EVENT, self.journal.__name__), *rows]
