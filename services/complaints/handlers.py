"""Events the complaints service reacts to (registered with `@handlers.on(Contract)`), on the
batch's Work (the consumer commits)."""

from chassis.bus import HandlerRegistry
from chassis.uow import Work
from contracts import Envelope
from contracts.enforcement import CaseFiled, CaseNotFiled
from contracts.supervision import GridChanged, HouseholdAssigned, OfficeChanged
from services.complaints.context import ComplaintsContext
from services.complaints.usecases import network, tickets

handlers = HandlerRegistry("complaints")


@handlers.on(HouseholdAssigned)
async def household_assigned(
    ctx: ComplaintsContext, work: Work, event: HouseholdAssigned, envelope: Envelope
) -> None:
    """Which office supervises a business: where tickets about it go."""
    assigned = network.BusinessAssigned(event.credit_code, event.office_code, event.assigned_at)
    await network.note_business_office(work, assigned)


@handlers.on(CaseFiled)
async def case_filed(
    ctx: ComplaintsContext, work: Work, event: CaseFiled, envelope: Envelope
) -> None:
    """Enforcement filed a case from a transferred report: its real-name reporter is told."""
    if event.case_source_id is not None:
        await tickets.filing_decided(ctx, work, event.case_source_id, True, event.filed_at)


@handlers.on(CaseNotFiled)
async def case_not_filed(
    ctx: ComplaintsContext, work: Work, event: CaseNotFiled, envelope: Envelope
) -> None:
    """Enforcement decided not to file a transferred report: its reporter is told too."""
    await tickets.filing_decided(ctx, work, event.case_source_id, False, event.decided_at)


@handlers.on(OfficeChanged)
async def office_changed(
    ctx: ComplaintsContext, work: Work, event: OfficeChanged, envelope: Envelope
) -> None:
    """An office of the map, new or changed: a unit tickets may be routed to."""
    office = network.OfficeOnMap(event.office_code, event.name, envelope.sequence)
    await network.keep_office(work, office)


@handlers.on(GridChanged)
async def grid_changed(
    ctx: ComplaintsContext, work: Work, event: GridChanged, envelope: Envelope
) -> None:
    """A grid of the map, drawn or re-drawn: its office covers its area."""
    grid = network.GridOnMap(
        event.grid_code,
        event.office_code,
        event.community_codes,
        event.polygon.model_dump(mode="json"),
        envelope.sequence,
    )
    await network.keep_grid(work, grid)
