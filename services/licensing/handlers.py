"""Events the licensing service reacts to: event → command → use case."""

from chassis.bus import HandlerRegistry
from chassis.case_transfers import EnforcementNews, news_of
from chassis.copying import made_from
from chassis.uow import Work
from contracts import Envelope
from contracts.enforcement import CaseClosed, CaseFiled, CaseNotFiled, PenaltyDecided
from contracts.supervision import GridChanged, OfficeChanged, UnlicensedTradingFound
from services.licensing.context import LicensingContext
from services.licensing.domain.mobile import Visit
from services.licensing.domain.places import Place
from services.licensing.usecases import licences, mobile

handlers = HandlerRegistry("licensing")


@handlers.on(UnlicensedTradingFound)
async def unlicensed_trading_found(
    ctx: LicensingContext, work: Work, event: UnlicensedTradingFound, envelope: Envelope
) -> None:
    """An inspector found unlicensed trading: the mobile van should call there."""
    address = event.address
    finding = made_from(
        Visit,
        event,
        address=Place.of(address),
        community_code=address.community_code,
        street_code=address.street_code,
    )
    await mobile.record_finding(work, finding)


@handlers.on(OfficeChanged)
async def office_changed(
    ctx: LicensingContext, work: Work, event: OfficeChanged, envelope: Envelope
) -> None:
    """An office of the map, new or changed: the area its grids' communities lie in."""
    office = mobile.OfficeOnMap(event.office_code, event.area, envelope.sequence)
    await mobile.keep_office(work, office)


@handlers.on(GridChanged)
async def grid_changed(
    ctx: LicensingContext, work: Work, event: GridChanged, envelope: Envelope
) -> None:
    """A grid of the map, drawn or re-drawn: which office's area its communities lie in."""
    grid = mobile.GridOnMap(
        event.grid_code, event.office_code, event.community_codes, envelope.sequence
    )
    await mobile.keep_grid(work, grid)


async def case_news(
    ctx: LicensingContext, work: Work, event: EnforcementNews, envelope: Envelope
) -> None:
    """What came of a case source the window transferred (通报备案): filed or not, decided,
    closed; news of other departments' case sources is not the window's."""
    await licences.hear_of_case(work, news_of(event))


handlers.on(CaseFiled)(case_news)
handlers.on(CaseNotFiled)(case_news)
handlers.on(PenaltyDecided)(case_news)
handlers.on(CaseClosed)(case_news)
