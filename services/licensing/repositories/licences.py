"""The licence register and the credit-code sequences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.copying import made_from
from chassis.db import for_each_dialect
from chassis.errors import Conflict, NotFound
from chassis.rows import values_for
from contracts.values import CreditCode
from services.licensing.domain.licences import Licence
from services.licensing.domain.places import Place
from services.licensing.tables import credit_code_sequences, licences


def _next_sequence_statement(dialect: Any) -> Any:
    statement = dialect.insert(credit_code_sequences).values(
        region=sa.bindparam("region"), category=sa.bindparam("category"), last_sequence=1
    )
    return statement.on_conflict_do_update(
        index_elements=[credit_code_sequences.c.region, credit_code_sequences.c.category],
        set_={"last_sequence": credit_code_sequences.c.last_sequence + 1},
    ).returning(credit_code_sequences.c.last_sequence)


# One statement takes the next number under a row lock: two issues never share a code.
_NEXT_SEQUENCE = for_each_dialect(_next_sequence_statement)

# Built once, the values given at execution (see repositories/applications.py).
_ADD = sa.insert(licences)
_SAVE = sa.update(licences).where(licences.c.credit_code == sa.bindparam("saved_code"))


def _licence_of(row: sa.Row[Any]) -> Licence:
    return made_from(Licence, row, address=Place.from_json(row.address))


@dataclass
class Licences:
    """The district's licences."""

    connection: AsyncConnection

    async def get(self, credit_code: str, *, active: bool = False) -> Licence | None:
        """A licence (only an active one if asked), or None."""
        statement = sa.select(licences).where(licences.c.credit_code == credit_code)
        if active:
            statement = statement.where(licences.c.status == "active")
        row = (await self.connection.execute(statement)).first()
        return None if row is None else _licence_of(row)

    async def find(self, credit_code: str) -> Licence:
        """A licence; NotFound if absent."""
        licence = await self.get(credit_code)
        if licence is None:
            raise NotFound("licence")
        return licence

    async def search(
        self, *, name: str | None, credit_code: str | None, operator: str | None, limit: int
    ) -> list[Licence]:
        """Licences whose name or operator contains the text, or with the credit code."""
        statement = sa.select(licences).order_by(licences.c.issued_at.desc()).limit(limit)
        if credit_code:
            statement = statement.where(licences.c.credit_code == credit_code)
        if name:
            statement = statement.where(licences.c.name.contains(name, autoescape=True))
        if operator:
            statement = statement.where(
                licences.c.operator_name.contains(operator, autoescape=True)
            )
        return [_licence_of(row) for row in await self.connection.execute(statement)]

    async def name_holder(self, name: str) -> str | None:
        """The credit code of the active licence holding `name`, if any."""
        holder: str | None = await self.connection.scalar(
            sa.select(licences.c.credit_code).where(
                licences.c.name == name, licences.c.status == "active"
            )
        )
        return holder

    async def next_credit_code(self, region: str, category: str) -> str:
        """A credit code never given before in the region and category."""
        sequence = await self.connection.scalar(
            _NEXT_SEQUENCE[self.connection.dialect.name], {"region": region, "category": category}
        )
        return str(CreditCode.generate(category=category, region=region, sequence=int(sequence)))

    async def add(self, licence: Licence) -> None:
        """Store a newly issued licence."""
        try:
            await self.connection.execute(_ADD, _row(licence))
        except IntegrityError:
            # Another licence took the name between the check and the insert. No savepoint
            # (two more round trips per licence): the Conflict ends the whole transaction.
            raise Conflict("The name was taken by a licence issued meanwhile") from None

    async def save(self, licence: Licence) -> None:
        """Store a change or cancellation."""
        await self.connection.execute(_SAVE, {**_row(licence), "saved_code": licence.credit_code})


def _row(licence: Licence) -> dict[str, object]:
    return values_for(licences, licence, address=licence.address.to_json())
