"""Joint licensing (联合办照): approval that asks partner agencies, and their decisions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.legalclock import compute_deadline
from chassis.problems import Problem, not_found
from chassis.uow import UnitOfWork
from contracts.licensing import JointApprovalDecided, JointApprovalRequested
from services.licensing import domain
from services.licensing.domain import SHANGHAI, Status
from services.licensing.schemas import PartnerDecisionIn, PartnerRequestOut
from services.licensing.tables import applications, partner_requests
from services.licensing.usecases import Licensing
from services.licensing.webhooks.usecases import schedule_push

JOINT_DECISION = "licensing.joint_decision"


@dataclass
class JointLicensing:
    """The steps where partner agencies take part."""

    licensing: Licensing

    async def approve(
        self, uow: UnitOfWork, actor: Principal, application_id: uuid.UUID
    ) -> dict[str, Any]:
        """Approved: the licence is issued at once, or partner agencies are asked first."""
        connection = uow.connection
        found = await self.licensing.locked(connection, application_id)
        now = datetime.now(UTC)
        agencies = await self._agencies_needed(connection, found)
        status = self.licensing.apply_rule(
            lambda: domain.approve(Status(found["status"]), agencies)
        )
        if status is Status.ISSUED:
            await self.licensing.complete(uow, found, actor.subject, now, step="approve")
        else:
            deadline = compute_deadline(
                JOINT_DECISION, found["accepted_at"].astimezone(SHANGHAI).date()
            )
            await self.licensing.move(
                connection,
                found,
                "approve",
                status,
                actor=actor.subject,
                now=now,
                detail={"partner_agencies": agencies},
                deadline=deadline.due,
                deadline_rule=JOINT_DECISION,
                deadline_start=deadline.start,
                deadline_extensions=0,
            )
            for agency in agencies:
                await self._request_partner(uow, found, agency, deadline.due, now)
        await uow.commit()
        return await self.licensing.application(connection, application_id)

    async def _agencies_needed(
        self, connection: AsyncConnection, found: dict[str, Any]
    ) -> list[str]:
        scope = found["business_scope"]
        if found["kind"] == "cancellation":
            return []
        if found["kind"] == "change":
            # Only scope items the licence does not carry yet need a new permit.
            licensed = await self.licensing.register.licence(connection, found["credit_code"])
            scope = [code for code in scope if code not in licensed["business_scope"]]
        return self.licensing.catalogue.partner_agencies(scope)

    async def _request_partner(
        self, uow: UnitOfWork, found: dict[str, Any], agency: str, deadline: Any, now: datetime
    ) -> None:
        request_id = uuid.uuid4()
        request = {
            "id": request_id,
            "application_id": found["id"],
            "agency": agency,
            "status": "pending",
            "requested_at": now,
            "deadline": deadline,
            "permit_number": None,
            "reason": None,
            "decided_at": None,
            "decided_by": None,
        }
        await uow.connection.execute(sa.insert(partner_requests).values(request))
        view = self.licensing.partner_view(request, found)
        uow.emit(
            JointApprovalRequested(
                application_id=found["id"],
                request_id=request_id,
                agency=agency,
                name=found["name"],
                business_scope=tuple(
                    self.licensing.catalogue.items[code].name for code in view["business_scope"]
                ),
                requested_at=now,
                deadline=deadline,
            )
        )
        await schedule_push(
            uow.connection,
            request_id=request_id,
            agency=agency,
            payload=PartnerRequestOut.model_validate(view).model_dump(mode="json"),
            now=now,
        )

    async def partner_requests(
        self, connection: AsyncConnection, agency: str, status: str | None
    ) -> list[dict[str, Any]]:
        """An agency's requests, oldest first."""
        statement = (
            sa.select(partner_requests, applications)
            .join(applications, applications.c.id == partner_requests.c.application_id)
            .where(partner_requests.c.agency == agency)
            .order_by(partner_requests.c.requested_at)
        )
        if status is not None:
            statement = statement.where(partner_requests.c.status == status)
        rows = (await connection.execute(statement)).all()
        return [self._joined_view(row) for row in rows]

    def _joined_view(self, row: sa.Row[Any]) -> dict[str, Any]:
        mapping = row._mapping
        request = {column.name: mapping[column] for column in partner_requests.c}
        found = {column.name: mapping[column] for column in applications.c}
        return self.licensing.partner_view(request, found)

    async def partner_request(
        self, connection: AsyncConnection, agency: str, request_id: uuid.UUID
    ) -> dict[str, Any]:
        """One of the agency's requests; another agency's is as absent as a missing one."""
        row = (
            await connection.execute(
                sa.select(partner_requests, applications)
                .join(applications, applications.c.id == partner_requests.c.application_id)
                .where(partner_requests.c.id == request_id, partner_requests.c.agency == agency)
            )
        ).first()
        if row is None:
            raise not_found("partner request")
        return self._joined_view(row)

    async def decide(
        self, uow: UnitOfWork, actor: Principal, request_id: uuid.UUID, decision: PartnerDecisionIn
    ) -> dict[str, Any]:
        """A partner agency decides; the last approval issues the licence, a refusal ends it."""
        connection = uow.connection
        agency = actor.agency or ""
        request = (
            await connection.execute(
                sa.select(partner_requests)
                .where(partner_requests.c.id == request_id, partner_requests.c.agency == agency)
                .with_for_update()
            )
        ).first()
        if request is None:
            raise not_found("partner request")
        found = await self.licensing.locked(connection, request.application_id)
        if request.status != "pending":
            raise Problem("conflict", 409, f"This request was already {request.status}")
        self.licensing.apply_rule(
            lambda: domain.check_step("decide_partner", Status(found["status"]))
        )
        now = datetime.now(UTC)
        await connection.execute(
            sa.update(partner_requests)
            .where(partner_requests.c.id == request_id)
            .values(
                status=decision.decision,
                permit_number=decision.permit_number,
                reason=decision.reason,
                decided_at=now,
                decided_by=actor.subject,
            )
        )
        uow.emit(
            JointApprovalDecided(
                application_id=found["id"],
                request_id=request_id,
                agency=agency,
                decision=decision.decision,
                permit_number=decision.permit_number,
                reason=decision.reason,
                decided_at=now,
            )
        )
        rows = (
            await connection.execute(
                sa.select(partner_requests).where(partner_requests.c.application_id == found["id"])
            )
        ).all()
        decisions = [
            domain.PartnerDecision(
                row.agency, row.status == "approved", row.permit_number, row.reason
            )
            for row in rows
            if row.status in ("approved", "rejected")
        ]
        outcome, reason = domain.joint_outcome([row.agency for row in rows], decisions)
        if outcome is Status.ISSUED:
            await self.licensing.complete(uow, found, actor.subject, now, step="joint_approval")
        elif outcome is Status.REJECTED:
            await self.licensing.refuse(
                uow,
                found,
                status=outcome,
                actor=actor.subject,
                reasons=[reason or agency],
                now=now,
                partner_agency=agency,
            )
        await uow.commit()
        return await self.partner_request(connection, agency, request_id)
