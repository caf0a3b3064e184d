"""The directory of people: kept from the gateway's `identity.person.changed`."""

from __future__ import annotations

from chassis.copying import made_from
from chassis.uow import Work
from contracts.identity import PersonChanged
from services.enforcement.domain import Officer
from services.enforcement.repositories.people import People


async def keep_person(work: Work, event: PersonChanged, sequence: int) -> None:
    """Remember a person as the event says they stand now (a late, older event is ignored)."""
    officer = made_from(Officer, event, roles=frozenset(event.roles))
    await People(work.connection).keep(officer, sequence)
