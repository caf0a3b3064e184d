"""Mobile licensing (流动办照): where the van should call, and what it uploads after a trip."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.exc import IntegrityError

from chassis.errors import DomainError
from chassis.problems import problem_of
from chassis.uow import UnitOfWork, Work
from services.licensing.context import LicensingContext
from services.licensing.domain.applications import Application
from services.licensing.domain.mobile import Visit
from services.licensing.repositories.applications import Applications
from services.licensing.repositories.map import Map
from services.licensing.repositories.mobile import Visits
from services.licensing.usecases.applications import Submit, submit, view


@dataclass(frozen=True)
class ListVisits:
    """The van's list, for one area or street, of one status, if asked."""

    area: int | None
    street_code: str | None
    status: str | None
    limit: int


@dataclass(frozen=True)
class Uploaded:
    """What became of one item of a batch: created, existing (uploaded before) or refused."""

    client_id: str | None
    outcome: str
    application: Application | None = None
    # The problem+json answer the item would have had alone.
    problem: dict[str, object] | None = None


async def record_finding(work: Work, finding: Visit) -> None:
    """Put a place where unlicensed trading was found on the van's visit list."""
    await Visits(work.connection).add(finding)


async def visits(uow: UnitOfWork, query: ListVisits) -> list[Visit]:
    """The visit list, oldest finding first, each with the area of the bureau's map."""
    area_map = await Map(uow.connection).area_map()
    communities = None if query.area is None else area_map.communities_of(query.area)
    found = await Visits(uow.connection).listed(
        communities=communities,
        street_code=query.street_code,
        status=query.status,
        limit=query.limit,
    )
    return [replace(visit, area=area_map.area_of(visit.community_code)) for visit in found]


@dataclass(frozen=True)
class OfficeOnMap:
    """An office as supervision's map published it, with the number of that event."""

    office_id: str
    area: int
    sequence: int


async def keep_office(work: Work, command: OfficeOnMap) -> None:
    """Keep the office (a later event of it wins): its grids' communities lie in its area."""
    await Map(work.connection).keep_office(command.office_id, command.area, command.sequence)


@dataclass(frozen=True)
class GridOnMap:
    """A grid as supervision's map published it, with the number of that event."""

    grid_id: str
    office_id: str
    community_codes: tuple[str, ...]
    sequence: int


async def keep_grid(work: Work, command: GridOnMap) -> None:
    """Keep the grid (a later event of it wins): its communities lie in its office's area."""
    await Map(work.connection).keep_grid(
        command.grid_id, command.office_id, command.community_codes, command.sequence
    )


async def _existing(uow: UnitOfWork, client_id: str) -> Uploaded | None:
    found = await Applications(uow.connection).by_client_ref(client_id)
    if found is None:
        return None
    return Uploaded(client_id, "existing", await view(uow.connection, found.id))


async def _upload(ctx: LicensingContext, command: Submit) -> Uploaded:
    assert command.client_ref is not None
    client_id = command.client_ref
    async with ctx.unit_of_work() as uow:
        existing = await _existing(uow, client_id)
        if existing is not None:
            return existing
        try:
            created = await submit(ctx, uow, command)
        except DomainError as error:
            return Uploaded(client_id, "refused", problem=problem_of(error).body())
        except IntegrityError:
            # The same batch uploaded twice at once: the other upload stored it.
            await uow.rollback()
            existing = await _existing(uow, client_id)
            if existing is None:
                raise
            return existing
        return Uploaded(client_id, "created", created)


async def upload_batch(ctx: LicensingContext, items: list[Submit | Uploaded]) -> list[Uploaded]:
    """Submit each application captured offline in its own transaction.

    An item already uploaded (same client id) is answered as it stands, so a batch re-sent
    after a lost answer creates nothing twice; a bad item (refused already when it did not
    parse) is refused alone.
    """
    return [item if isinstance(item, Uploaded) else await _upload(ctx, item) for item in items]
