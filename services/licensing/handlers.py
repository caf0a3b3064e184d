"""Events the licensing service reacts to: event → command → use case."""

from chassis.bus import HandlerRegistry
from chassis.copying import made_from
from chassis.uow import Work
from contracts import Envelope
from contracts.supervision import UnlicensedTradingFound
from services.licensing.context import LicensingContext
from services.licensing.domain.mobile import Visit
from services.licensing.domain.places import Place
from services.licensing.usecases import mobile

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
