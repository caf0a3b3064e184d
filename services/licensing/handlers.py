"""Events the licensing service reacts to (registered with `@handlers.on(Contract)`)."""

from chassis.bus import HandlerRegistry
from chassis.uow import Work
from contracts import Envelope
from contracts.supervision import UnlicensedTradingFound
from services.licensing import mobile
from services.licensing.context import LicensingContext

handlers = HandlerRegistry("licensing")


@handlers.on(UnlicensedTradingFound)
async def unlicensed_trading_found(
    ctx: LicensingContext, work: Work, event: UnlicensedTradingFound, envelope: Envelope
) -> None:
    """An inspector found unlicensed trading: the mobile van should call there."""
    await mobile.record_finding(work.connection, event)
