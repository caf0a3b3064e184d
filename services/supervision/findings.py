"""What inspectors hand on: unlicensed trading found (无照经营) and case sources (案源移送)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.problems import Problem, invalid_field, not_found
from chassis.uow import UnitOfWork
from contracts.supervision import SupervisionCaseSourceTransferred, UnlicensedTradingFound
from contracts.values import Address
from services.supervision import domain
from services.supervision.inspections import check_uploaded
from services.supervision.tables import case_transfers, households, unlicensed_findings
from services.supervision.usecases import viewer_of


@dataclass
class Findings:
    """Unlicensed trading and case-source use cases."""

    async def unlicensed_found(
        self, uow: UnitOfWork, principal: Principal, address: dict[str, Any], description: str
    ) -> dict[str, Any]:
        """Record a trader without a licence; licensing puts the place on the van's list."""
        now = datetime.now(UTC)
        row = {
            "id": uuid.uuid4(),
            "address": address,
            "description": description,
            "office_id": principal.office,
            "found_by": principal.subject,
            "found_at": now,
            "credit_code": None,
        }
        await uow.connection.execute(sa.insert(unlicensed_findings).values(row))
        uow.emit(
            UnlicensedTradingFound(
                finding_id=row["id"],
                address=Address.model_validate(address),
                description=description,
                found_at=now,
                found_by=principal.subject,
            )
        )
        await uow.commit()
        return row

    async def finding(
        self, connection: AsyncConnection, principal: Principal, finding_id: uuid.UUID
    ) -> dict[str, Any]:
        """A finding, for its office, its inspector, or readers of everything."""
        viewer = await viewer_of(connection, principal)
        row = (
            await connection.execute(
                sa.select(unlicensed_findings).where(unlicensed_findings.c.id == finding_id)
            )
        ).first()
        if row is None or not domain.may_see(viewer, owner=row.found_by, office_id=row.office_id):
            raise not_found("finding")
        return row._asdict()

    @staticmethod
    async def link_finding(
        connection: AsyncConnection, finding_id: uuid.UUID, credit_code: str
    ) -> None:
        """The trader registered: the finding now names their licence."""
        await connection.execute(
            sa.update(unlicensed_findings)
            .where(unlicensed_findings.c.id == finding_id)
            .values(credit_code=credit_code)
        )

    async def transfer(
        self,
        uow: UnitOfWork,
        principal: Principal,
        *,
        credit_code: str | None,
        finding_id: uuid.UUID | None,
        allegation: str,
        evidence: list[str],
    ) -> dict[str, Any]:
        """案源移送: hand a case source, with its evidence, to enforcement."""
        connection = uow.connection
        viewer = await viewer_of(connection, principal)
        if credit_code is not None:
            household = (
                await connection.execute(
                    sa.select(households).where(households.c.credit_code == credit_code)
                )
            ).first()
            if household is None or not domain.may_see(
                viewer, owner=household.owner, office_id=household.office_id
            ):
                raise invalid_field("credit_code", "no such household in your scope")
        if finding_id is not None:
            await self.finding(connection, principal, finding_id)
        await check_uploaded(connection, "evidence", evidence)
        office = principal.office
        if office is None:
            raise Problem("forbidden", 403, "A case source is transferred by an office's staff")
        now = datetime.now(UTC)
        row = {
            "case_source_id": uuid.uuid4(),
            "credit_code": credit_code,
            "finding_id": finding_id,
            "allegation": allegation,
            "evidence": evidence,
            "office_id": office,
            "transferred_by": principal.subject,
            "transferred_at": now,
        }
        await connection.execute(sa.insert(case_transfers).values(row))
        uow.emit(
            SupervisionCaseSourceTransferred(
                case_source_id=row["case_source_id"],
                credit_code=credit_code,
                allegation=allegation,
                evidence_refs=tuple(evidence),
                transferred_at=now,
                transferred_by=principal.subject,
                office_code=office,
            )
        )
        await uow.commit()
        return row
