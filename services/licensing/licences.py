"""The licence register: issuing (with a new credit code), changing, cancelling, finding."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.problems import Problem, invalid_field, not_found
from chassis.uow import UnitOfWork
from contracts.licensing import (
    LicenceCancelled,
    LicenceChanged,
    LicenceIssued,
    LicensingCaseSourceTransferred,
)
from contracts.values import Address, CreditCode, GeoPoint
from services.licensing import domain
from services.licensing.schemas import CaseTransferIn
from services.licensing.settings import LicensingSettings
from services.licensing.tables import applications, case_transfers, credit_code_sequences, licences


def _next_sequence_statement(dialect: Any) -> Any:
    statement = dialect.insert(credit_code_sequences).values(
        region=sa.bindparam("region"), category=sa.bindparam("category"), last_sequence=1
    )
    return statement.on_conflict_do_update(
        index_elements=[credit_code_sequences.c.region, credit_code_sequences.c.category],
        set_={"last_sequence": credit_code_sequences.c.last_sequence + 1},
    ).returning(credit_code_sequences.c.last_sequence)


# One statement takes the next number under a row lock: two issues never share a code.
_NEXT_SEQUENCE = {
    "postgresql": _next_sequence_statement(postgresql),
    "sqlite": _next_sequence_statement(sqlite),
}


def address_contract(stored: dict[str, Any]) -> Address:
    """A stored address in the published language."""
    point = None
    if stored.get("lon") is not None and stored.get("lat") is not None:
        point = GeoPoint(lon=stored["lon"], lat=stored["lat"])
    return Address(text=stored["text"], community_code=stored["community_code"], location=point)


@dataclass
class LicenceRegister:
    """The district's licences; `found` below is always an application's row."""

    settings: LicensingSettings
    catalogue: domain.ScopeCatalogue = field(default_factory=domain.scope_catalogue)

    @property
    def office_hours(self) -> domain.OfficeHours:
        """The window's hours from the settings."""
        return domain.OfficeHours(self.settings.office_opens, self.settings.office_closes)

    async def licence(self, connection: AsyncConnection, credit_code: str) -> dict[str, Any]:
        """A licence; 404 if absent."""
        row = (
            await connection.execute(
                sa.select(licences).where(licences.c.credit_code == credit_code)
            )
        ).first()
        if row is None:
            raise not_found("licence")
        return row._asdict()

    async def search(
        self,
        connection: AsyncConnection,
        *,
        name: str | None,
        credit_code: str | None,
        operator: str | None,
        limit: int,
    ) -> list[dict[str, Any]]:
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
        return [row._asdict() for row in await connection.execute(statement)]

    async def active(self, connection: AsyncConnection, credit_code: str) -> dict[str, Any]:
        row = (
            await connection.execute(
                sa.select(licences).where(
                    licences.c.credit_code == credit_code, licences.c.status == "active"
                )
            )
        ).first()
        if row is None:
            raise invalid_field("credit_code", "no active licence has this credit code")
        return row._asdict()

    async def check_name_free(
        self, connection: AsyncConnection, name: str, own_code: str | None
    ) -> None:
        holder = await connection.scalar(
            sa.select(licences.c.credit_code).where(
                licences.c.name == name, licences.c.status == "active"
            )
        )
        if holder is not None and holder != own_code:
            raise Problem(
                "conflict",
                409,
                f"The name is held by the active licence {holder}",
                errors=[{"field": "body.name", "message": "name in use", "code": "name_taken"}],
            )

    async def issue(self, uow: UnitOfWork, found: dict[str, Any], now: datetime) -> str:
        connection = uow.connection
        await self.check_name_free(connection, found["name"], None)
        region = self.settings.region_code
        category = domain.CREDIT_CODE_CATEGORIES[found["entity_type"]]
        sequence = await connection.scalar(
            _NEXT_SEQUENCE[connection.dialect.name], {"region": region, "category": category}
        )
        credit_code = CreditCode.generate(category=category, region=region, sequence=int(sequence))
        same_day = domain.same_day(found["accepted_at"] or now, now)
        after_hours = self.office_hours.after_hours(now)
        try:
            async with connection.begin_nested():
                await connection.execute(
                    sa.insert(licences).values(
                        credit_code=credit_code,
                        application_id=found["id"],
                        name=found["name"],
                        entity_type=found["entity_type"],
                        operator_name=found["operator_name"],
                        address=found["address"],
                        business_scope=found["business_scope"],
                        status="active",
                        issued_at=now,
                        same_day=same_day,
                        after_hours=after_hours,
                        channel=found["channel"],
                        office_code=found["office_code"],
                    )
                )
        except IntegrityError:
            # Another licence took the name between the check and the insert.
            raise Problem(
                "conflict", 409, "The name was taken by a licence issued meanwhile"
            ) from None
        uow.emit(
            LicenceIssued(
                credit_code=credit_code,
                name=found["name"],
                entity_type=found["entity_type"],
                operator_name=found["operator_name"],
                address=address_contract(found["address"]),
                business_scope=tuple(
                    self.catalogue.items[code].name for code in found["business_scope"]
                ),
                business_scope_codes=tuple(found["business_scope"]),
                issued_at=now,
                office_code=found["office_code"],
                channel=found["channel"],
                same_day=same_day,
                after_hours=after_hours,
                finding_id=found.get("finding_id"),
            )
        )
        return credit_code

    async def change(self, uow: UnitOfWork, found: dict[str, Any], now: datetime) -> str:
        licensed = await self.active(uow.connection, found["credit_code"])
        changed = {
            column: found[column]
            for column in ("name", "address", "business_scope")
            if found[column] != licensed[column]
        }
        if "name" in changed:
            await self.check_name_free(uow.connection, found["name"], found["credit_code"])
        await uow.connection.execute(
            sa.update(licences)
            .where(licences.c.credit_code == found["credit_code"])
            .values(changed_at=now, **changed)
        )
        uow.emit(
            LicenceChanged(
                credit_code=found["credit_code"],
                name=changed.get("name"),
                address=address_contract(changed["address"]) if "address" in changed else None,
                business_scope=(
                    tuple(self.catalogue.items[code].name for code in changed["business_scope"])
                    if "business_scope" in changed
                    else None
                ),
                changed_at=now,
            )
        )
        return str(found["credit_code"])

    async def cancel(self, uow: UnitOfWork, found: dict[str, Any], now: datetime) -> str:
        await self.active(uow.connection, found["credit_code"])
        await uow.connection.execute(
            sa.update(licences)
            .where(licences.c.credit_code == found["credit_code"])
            .values(status="cancelled", cancelled_at=now)
        )
        uow.emit(
            LicenceCancelled(
                credit_code=found["credit_code"],
                cancelled_at=now,
                reason="申请注销: cancelled on the applicant's application",
            )
        )
        return str(found["credit_code"])

    async def transfer_case_source(
        self, uow: UnitOfWork, actor: Principal, transfer: CaseTransferIn
    ) -> dict[str, Any]:
        """案源移送: what the window found (forged signatures, false capital) to enforcement."""
        connection = uow.connection
        if transfer.credit_code is not None:
            await self.licence(connection, transfer.credit_code)
        if transfer.application_id is not None:
            known = await connection.scalar(
                sa.select(applications.c.id).where(applications.c.id == transfer.application_id)
            )
            if known is None:
                raise invalid_field("application_id", "no application has this id")
        now = datetime.now(UTC)
        row = {
            "case_source_id": uuid.uuid4(),
            "credit_code": transfer.credit_code,
            "application_id": transfer.application_id,
            "allegation": transfer.allegation,
            "evidence_refs": transfer.evidence,
            "transferred_by": actor.subject,
            "transferred_at": now,
        }
        await connection.execute(sa.insert(case_transfers).values(row))
        uow.emit(
            LicensingCaseSourceTransferred(
                case_source_id=row["case_source_id"],
                credit_code=transfer.credit_code,
                allegation=transfer.allegation,
                evidence_refs=tuple(transfer.evidence),
                transferred_at=now,
                transferred_by=actor.subject,
            )
        )
        await uow.commit()
        return row | {"evidence": transfer.evidence}
