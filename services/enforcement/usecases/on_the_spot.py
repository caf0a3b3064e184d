"""当场处罚: an office inspector's simple-procedure penalty, within articles 51 and 68 or
refused; each is filed with the sub-bureau and notified like any penalty."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from chassis.auth import Principal
from chassis.uow import UnitOfWork
from contracts.enforcement import PartyRead
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
    # A citizen's ID number is kept sealed; the penalty stored, and answered, shows it masked.
    party = penalty.party
    id_number = None
    if party.id_number is not None:
        id_number = ctx.settings.data_keyring().seal_id_number(party.id_number)
        penalty = replace(penalty, party=replace(party, id_number=id_number.masked))
    await PenaltyRepository(uow.connection).add(penalty, id_number)
    uow.emit(decided)
    await uow.commit()
    return penalty


async def read_party(
    ctx: EnforcementContext, uow: UnitOfWork, by: Principal, penalty_id: uuid.UUID
) -> Party:
    """The party of a penalty of the officer's section, a citizen's ID number in clear; the
    read is published for the audit log in the same transaction."""
    penalty, sealed = await PenaltyRepository(uow.connection).sealed_id_number(by, penalty_id)
    if sealed is None:
        return penalty.party
    id_number = ctx.settings.data_keyring().open_text("id_number", sealed)
    uow.emit(
        PartyRead(
            record="on_the_spot_penalty",
            record_id=penalty_id,
            fields=("id_number",),
            read_by=by.subject,
            read_at=ctx.clock.now(),
        )
    )
    await uow.commit()
    return replace(penalty.party, id_number=id_number)


async def penalties(uow: UnitOfWork, by: Principal, *, limit: int) -> list[OnTheSpotPenalty]:
    """An inspector's own; a section's, for its officers; all, for auditors and admins."""
    return await PenaltyRepository(uow.connection).seen_by(by, limit=limit)


@dataclass(frozen=True)
class HandOverCash:
    """Cash of an on-the-spot penalty paid into the designated bank."""

    by: Principal
    penalty_id: uuid.UUID
    handed_over_on: date
    receipt: str


async def hand_over_cash(
    ctx: EnforcementContext, uow: UnitOfWork, command: HandOverCash
) -> OnTheSpotPenalty:
    """Recorded by the inspector who collected it, or their office's head (NotFound for
    another's)."""
    repository = PenaltyRepository(uow.connection)
    penalty = await repository.locked_of_office(command.by, command.penalty_id)
    handed = penalty.handed_over(command.handed_over_on, command.receipt, ctx.clock.today())
    await repository.record_handover(handed)
    await uow.commit()
    return handed
