"""The directory of people: kept from the gateway's `identity.person.changed`."""

from __future__ import annotations

from chassis.uow import Work
from contracts.identity import PersonChanged
from services.supervision.domain import Person
from services.supervision.repositories.people import People


async def keep_person(work: Work, event: PersonChanged, sequence: int) -> None:
    """Remember a person as the event says they stand now (a late, older event is ignored)."""
    person = Person(event.username, frozenset(event.roles), event.office, event.active)
    await People(work.connection).keep(person, sequence)
