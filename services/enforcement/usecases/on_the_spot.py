"""当场处罚: an office inspector's simple-procedure penalty, within articles 51 and 68 or
refused; each is filed with the sub-bureau and notified like any penalty."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chassis.auth import Principal
from chassis.uow import UnitOfWork
from services.enforcement.domain import (
    OnTheSpotLimits,
    OnTheSpotPenalty,
    Party,
    require_may_penalise,
    section_for,
)
from services.enforcement.repositories.case_sources import Offices
from services.enforcement.repositories.penalties import PenaltyRepository
from services.enforcement.settings import EnforcementContext, EnforcementSettings


def limits_of(settings: EnforcementSettings) -> OnTheSpotLimits:
    """The simple procedure's limits as the bureau set them."""
    return OnTheSpotLimits(
        citizen_fine_max=settings.on_the_spot_citizen_fine_max,
        organisation_fine_max=settings.on_the_spot_organisation_fine_max,
        cash_max=settings.on_the_spot_cash_max,
    )


@dataclass(frozen=True)
class Impose:
    """当场处罚 as the inspector asks it: on whom, what, on which facts and legal basis."""

    by: Principal
    party: Party
    kind: str
    amount: Decimal | None
    collected_on_spot: bool
    facts: str
    legal_basis: str


async def impose(ctx: EnforcementContext, uow: UnitOfWork, command: Impose) -> OnTheSpotPenalty:
    """Record the penalty if the simple procedure allows it (RuleViolated naming the field if
    not) on a party of the inspector's own office (Forbidden if not), filed with the section of
    the inspector's office's area."""
    by = command.by
    offices = Offices(uow.connection)
    if command.party.credit_code is not None:
        require_may_penalise(by.office, await offices.of_business(command.party.credit_code))
    area = await offices.area_of(by.office)
    penalty, decided = OnTheSpotPenalty.impose(
        command.party,
        command.kind,
        command.amount,
        collected_on_spot=command.collected_on_spot,
        facts=command.facts,
        legal_basis=command.legal_basis,
        office_id=by.office,
        section=section_for(area),
        by=by.subject,
        now=ctx.clock.now(),
        limits=limits_of(ctx.settings),
    )
    await PenaltyRepository(uow.connection).add(penalty)
    uow.emit(decided)
    await uow.commit()
    return penalty


async def penalties(uow: UnitOfWork, by: Principal, *, limit: int) -> list[OnTheSpotPenalty]:
    """An inspector's own; a section's, for its officers; all, for auditors and admins."""
    return await PenaltyRepository(uow.connection).seen_by(by, limit=limit)
