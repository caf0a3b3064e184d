"""Events the licensing service reacts to: event → command → use case."""

from chassis.bus import HandlerRegistry
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
    address, point = event.address, event.address.location
    finding = Visit(
        finding_id=event.finding_id,
        address=Place(
            address.text,
            address.community_code,
            point.lon if point else None,
            point.lat if point else None,
        ),
        community_code=address.community_code,
        street_code=address.street_code,
        description=event.description,
        found_at=event.found_at,
        found_by=event.found_by,
    )
    await mobile.record_finding(work, finding)
