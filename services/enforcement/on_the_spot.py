"""当场处罚: an office inspector's simple-procedure penalty, within articles 51 and 68 or
refused; each is filed with the sub-bureau and notified like any penalty."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.problems import invalid_field
from chassis.uow import UnitOfWork
from contracts.enforcement import PenaltyDecided
from services.enforcement import domain
from services.enforcement.intake import in_section, sees_every_section
from services.enforcement.settings import EnforcementSettings
from services.enforcement.tables import offices, on_the_spot_penalties


def limits_of(settings: EnforcementSettings) -> domain.OnTheSpotLimits:
    """The simple procedure's limits as the bureau set them."""
    return domain.OnTheSpotLimits(
        citizen_fine_max=settings.on_the_spot_citizen_fine_max,
        organisation_fine_max=settings.on_the_spot_organisation_fine_max,
        cash_max=settings.on_the_spot_cash_max,
    )


async def impose(
    uow: UnitOfWork,
    principal: Principal,
    decision: dict[str, Any],
    limits: domain.OnTheSpotLimits,
) -> dict[str, Any]:
    """Record the penalty if the simple procedure allows it; a 422 naming the field if not."""
    party, penalty = decision["party"], decision["penalty"]
    amount = None if penalty.get("amount") is None else Decimal(str(penalty["amount"]))
    refusal = domain.on_the_spot_refusal(
        party["kind"], penalty["kind"], amount, decision["collected_on_spot"], limits
    )
    if refusal is not None:
        raise invalid_field(refusal.field, refusal.message)
    connection = uow.connection
    area = await connection.scalar(
        sa.select(offices.c.area).where(offices.c.id == principal.office)
    )
    now = datetime.now(UTC)
    row = {
        "id": uuid.uuid4(),
        "party": party,
        "credit_code": party.get("credit_code"),
        "penalty_kind": penalty["kind"],
        "amount": amount,
        "collected_on_spot": decision["collected_on_spot"],
        "facts": decision["facts"],
        "legal_basis": decision["legal_basis"],
        "office_id": principal.office,
        "section": domain.section_for(area),
        "decided_by": principal.subject,
        "decided_at": now,
    }
    await connection.execute(sa.insert(on_the_spot_penalties).values(row))
    uow.emit(
        PenaltyDecided(
            case_id=row["id"],
            credit_code=row["credit_code"],
            procedure="on_the_spot",
            penalty_kinds=(penalty["kind"],),
            fine_amount=amount,
            legal_basis=decision["legal_basis"],
            source_department="supervision",
            decided_at=now,
        )
    )
    await uow.commit()
    return row


async def penalties(
    connection: AsyncConnection, principal: Principal, *, limit: int
) -> list[dict[str, Any]]:
    """An inspector's own on-the-spot penalties; a section's, for its officers; all, for
    auditors and admins. Newest first."""
    statement = (
        sa.select(on_the_spot_penalties)
        .order_by(on_the_spot_penalties.c.decided_at.desc())
        .limit(limit)
    )
    if principal.has_any("enforcement_officer") or sees_every_section(principal):
        statement = statement.where(in_section(principal, on_the_spot_penalties.c.section))
    else:
        statement = statement.where(on_the_spot_penalties.c.decided_by == principal.subject)
    return [row._asdict() for row in await connection.execute(statement)]
