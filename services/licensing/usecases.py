"""Application use cases: each loads, applies the rules, saves and emits in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.legalclock import compute_deadline
from chassis.problems import Problem, invalid_field, not_found
from chassis.uow import UnitOfWork
from contracts.licensing import (
    ApplicationAccepted,
    ApplicationRejected,
    ApplicationReturned,
    ApplicationSubmitted,
)
from services.licensing import domain
from services.licensing.domain import SHANGHAI, Status
from services.licensing.licences import LicenceRegister
from services.licensing.schemas import ApplicationIn
from services.licensing.settings import LicensingSettings
from services.licensing.tables import (
    application_steps,
    applications,
    mobile_visits,
    partner_requests,
)

ON_THE_SPOT = "registration.on_the_spot"


@dataclass
class Licensing:
    """What the use cases work with: the settings, the registration rules, the register."""

    settings: LicensingSettings
    rules: domain.Requirements = field(default_factory=domain.requirements)
    catalogue: domain.ScopeCatalogue = field(default_factory=domain.scope_catalogue)
    register: LicenceRegister = field(init=False)

    def __post_init__(self) -> None:
        self.register = LicenceRegister(self.settings, self.catalogue)

    async def application(
        self, connection: AsyncConnection, application_id: uuid.UUID
    ) -> dict[str, Any]:
        """An application with its partner requests and steps; 404 if absent."""
        row = (
            await connection.execute(
                sa.select(applications).where(applications.c.id == application_id)
            )
        ).first()
        if row is None:
            raise not_found("application")
        return await self._with_history(connection, row._asdict())

    async def applications(
        self, connection: AsyncConnection, *, status: str | None, limit: int
    ) -> list[dict[str, Any]]:
        """Applications, oldest first: the window's queue when asked for one status."""
        statement = sa.select(applications).order_by(applications.c.submitted_at).limit(limit)
        if status is not None:
            statement = statement.where(applications.c.status == status)
        rows = (await connection.execute(statement)).all()
        return [
            row._asdict()
            | {
                "missing_materials": self.rules.missing(row.entity_type, row.kind, row.materials),
                "client_id": row.client_ref,
            }
            for row in rows
        ]

    async def _with_history(
        self, connection: AsyncConnection, found: dict[str, Any]
    ) -> dict[str, Any]:
        steps = await connection.execute(
            sa.select(application_steps)
            .where(application_steps.c.application_id == found["id"])
            .order_by(application_steps.c.id)
        )
        requests = await connection.execute(
            sa.select(partner_requests)
            .where(partner_requests.c.application_id == found["id"])
            .order_by(partner_requests.c.agency)
        )
        return found | {
            "missing_materials": self.rules.missing(
                found["entity_type"], found["kind"], found["materials"]
            ),
            "client_id": found["client_ref"],
            "steps": [row._asdict() for row in steps],
            "partner_requests": [self.partner_view(row._asdict(), found) for row in requests],
        }

    def partner_view(self, request: dict[str, Any], found: dict[str, Any]) -> dict[str, Any]:
        scope = [
            code
            for code in found["business_scope"]
            if self.catalogue.items[code].partner_agency == request["agency"]
        ]
        return request | {
            "name": found["name"],
            "entity_type": found["entity_type"],
            "address": found["address"],
            "business_scope": scope,
        }

    async def submit(
        self,
        uow: UnitOfWork,
        actor: Principal,
        draft: ApplicationIn,
        *,
        client_ref: str | None = None,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """Take in an application; say at once every material still missing."""
        now = now or datetime.now(UTC)
        connection = uow.connection
        values = await self._application_values(connection, draft)
        application_id = uuid.uuid4()
        missing = self.rules.missing(draft.entity_type, draft.kind, draft.materials)
        await connection.execute(
            sa.insert(applications).values(
                id=application_id,
                status=Status.SUBMITTED,
                client_ref=client_ref,
                finding_id=draft.finding_id,
                office_code=actor.office,
                submitted_by=actor.subject,
                submitted_at=now,
                updated_at=now,
                **values,
            )
        )
        await connection.execute(
            sa.insert(application_steps).values(
                application_id=application_id,
                step="submit",
                to_status=Status.SUBMITTED,
                actor=actor.subject,
                at=now,
            )
        )
        if draft.finding_id is not None:
            await connection.execute(
                sa.update(mobile_visits)
                .where(mobile_visits.c.finding_id == draft.finding_id)
                .values(status="applied", application_id=application_id)
            )
        uow.emit(
            ApplicationSubmitted(
                application_id=application_id,
                kind=draft.kind,
                entity_type=draft.entity_type,
                name=values["name"],
                channel=draft.channel,
                credit_code=draft.credit_code,
                missing_materials=tuple(missing),
                submitted_at=now,
                submitted_by=actor.subject,
            )
        )
        await uow.commit()
        return await self.application(connection, application_id)

    async def _application_values(
        self, connection: AsyncConnection, draft: ApplicationIn
    ) -> dict[str, Any]:
        """The columns of a new application, a change or cancellation completed from its licence."""
        try:
            domain.check_application(
                self.rules,
                self.catalogue,
                kind=draft.kind,
                entity_type=draft.entity_type,
                business_scope=draft.business_scope,
                materials=draft.materials,
                registered_capital=draft.registered_capital,
                credit_code=draft.credit_code,
            )
        except domain.InvalidApplication as error:
            raise invalid_field(error.field, error.message) from None
        address = draft.address.model_dump() if draft.address else None
        values: dict[str, Any] = {
            "kind": draft.kind,
            "entity_type": draft.entity_type,
            "name": draft.name,
            "operator_name": draft.operator.name,
            "operator_id_number": str(draft.operator.id_number),
            "address": address,
            "business_scope": list(dict.fromkeys(draft.business_scope)),
            "registered_capital": draft.registered_capital,
            "channel": draft.channel,
            "materials": list(dict.fromkeys(draft.materials)),
            "credit_code": draft.credit_code,
        }
        if draft.credit_code is not None:
            licensed = await self.register.active(connection, draft.credit_code)
            if licensed["entity_type"] != draft.entity_type:
                raise invalid_field("entity_type", f"the licence is of a {licensed['entity_type']}")
            for column in ("name", "address", "business_scope"):
                if not values[column]:
                    values[column] = licensed[column]
        if draft.kind != "cancellation":
            await self.register.check_name_free(connection, values["name"], draft.credit_code)
        return values

    async def resubmit(
        self, uow: UnitOfWork, actor: Principal, application_id: uuid.UUID, materials: list[str]
    ) -> dict[str, Any]:
        """The corrected application comes back with more materials."""
        found = await self.locked(uow.connection, application_id)
        now = datetime.now(UTC)
        status = self.apply_rule(lambda: domain.resubmit(Status(found["status"])))
        unknown = self.rules.unknown_materials(materials)
        if unknown:
            raise invalid_field("materials", f"unknown materials: {', '.join(unknown)}")
        handed_in = list(dict.fromkeys([*found["materials"], *materials]))
        await self.move(
            uow.connection,
            found,
            "resubmit",
            status,
            actor=actor.subject,
            now=now,
            materials=handed_in,
        )
        uow.emit(
            ApplicationSubmitted(
                application_id=application_id,
                kind=found["kind"],
                entity_type=found["entity_type"],
                name=found["name"],
                channel=found["channel"],
                credit_code=found["credit_code"],
                missing_materials=tuple(
                    self.rules.missing(found["entity_type"], found["kind"], handed_in)
                ),
                submitted_at=now,
                submitted_by=actor.subject,
            )
        )
        await uow.commit()
        return await self.application(uow.connection, application_id)

    async def accept(
        self, uow: UnitOfWork, actor: Principal, application_id: uuid.UUID
    ) -> dict[str, Any]:
        """受理: only with complete materials; the on-the-spot deadline starts to run."""
        found = await self.locked(uow.connection, application_id)
        now = datetime.now(UTC)
        missing = self.rules.missing(found["entity_type"], found["kind"], found["materials"])
        try:
            status = self.apply_rule(lambda: domain.accept(Status(found["status"]), missing))
        except domain.MaterialsMissing as error:
            raise Problem(
                "conflict",
                409,
                f"Materials missing: {', '.join(error.missing)}",
                missing_materials=error.missing,
            ) from None
        deadline = compute_deadline(ON_THE_SPOT, now.astimezone(SHANGHAI).date())
        await self.move(
            uow.connection,
            found,
            "accept",
            status,
            actor=actor.subject,
            now=now,
            accepted_at=now,
            deadline=deadline.due,
            deadline_rule=ON_THE_SPOT,
            deadline_start=deadline.start,
            deadline_extensions=0,
        )
        uow.emit(
            ApplicationAccepted(
                application_id=application_id,
                accepted_at=now,
                accepted_by=actor.subject,
                deadline=deadline.due,
            )
        )
        await uow.commit()
        return await self.application(uow.connection, application_id)

    async def return_for_correction(
        self, uow: UnitOfWork, actor: Principal, application_id: uuid.UUID, reasons: list[str]
    ) -> dict[str, Any]:
        """补正: returned with every missing material and reason in one notice."""
        found = await self.locked(uow.connection, application_id)
        now = datetime.now(UTC)
        missing = self.rules.missing(found["entity_type"], found["kind"], found["materials"])
        status = self.apply_rule(
            lambda: domain.return_for_correction(Status(found["status"]), missing, reasons)
        )
        await self.move(
            uow.connection,
            found,
            "return",
            status,
            actor=actor.subject,
            now=now,
            detail={"missing_materials": missing, "reasons": reasons},
        )
        uow.emit(
            ApplicationReturned(
                application_id=application_id,
                missing_materials=tuple(missing),
                reasons=tuple(reasons),
                returned_at=now,
                returned_by=actor.subject,
            )
        )
        await uow.commit()
        return await self.application(uow.connection, application_id)

    async def reject(
        self, uow: UnitOfWork, actor: Principal, application_id: uuid.UUID, reasons: list[str]
    ) -> dict[str, Any]:
        """Refused before issue; requests still waiting at partners are withdrawn."""
        found = await self.locked(uow.connection, application_id)
        now = datetime.now(UTC)
        status = self.apply_rule(lambda: domain.reject(Status(found["status"])))
        await self.refuse(
            uow,
            found,
            status=status,
            actor=actor.subject,
            reasons=reasons,
            now=now,
            partner_agency=None,
        )
        await uow.commit()
        return await self.application(uow.connection, application_id)

    async def extend_deadline(
        self,
        uow: UnitOfWork,
        actor: Principal,
        application_id: uuid.UUID,
        approved_by: str,
        reason: str,
    ) -> dict[str, Any]:
        """The approved extension of the running deadline (+3 wd registration, +15 wd joint)."""
        found = await self.locked(uow.connection, application_id)
        if found["deadline_rule"] is None or found["status"] not in (
            Status.ACCEPTED,
            Status.AWAITING_PARTNERS,
        ):
            raise Problem(
                "conflict", 409, f"No deadline runs for an application that is {found['status']}"
            )
        try:
            deadline = compute_deadline(
                found["deadline_rule"],
                found["deadline_start"],
                extensions=found["deadline_extensions"] + 1,
            )
        except ValueError as error:
            raise Problem("conflict", 409, str(error)) from None
        now = datetime.now(UTC)
        await self.move(
            uow.connection,
            found,
            "extend",
            Status(found["status"]),
            actor=actor.subject,
            now=now,
            detail={"approved_by": approved_by, "reason": reason, "due": deadline.due.isoformat()},
            deadline=deadline.due,
            deadline_extensions=deadline.extensions,
        )
        await uow.commit()
        return await self.application(uow.connection, application_id)

    async def complete(
        self, uow: UnitOfWork, found: dict[str, Any], actor: str, now: datetime, *, step: str
    ) -> None:
        """Issue, change or cancel the licence the application is for."""
        kind = found["kind"]
        if kind == "establishment":
            credit_code = await self.register.issue(uow, found, now)
        elif kind == "change":
            credit_code = await self.register.change(uow, found, now)
        else:
            credit_code = await self.register.cancel(uow, found, now)
        await self.move(
            uow.connection,
            found,
            step,
            Status.ISSUED,
            actor=actor,
            now=now,
            credit_code=credit_code,
        )

    async def refuse(
        self,
        uow: UnitOfWork,
        found: dict[str, Any],
        *,
        status: Status,
        actor: str,
        reasons: list[str],
        now: datetime,
        partner_agency: str | None,
    ) -> None:
        """Refuse the application; requests still waiting at partners are withdrawn."""
        await uow.connection.execute(
            sa.update(partner_requests)
            .where(
                partner_requests.c.application_id == found["id"],
                partner_requests.c.status == "pending",
            )
            .values(status="withdrawn", decided_at=now)
        )
        await self.move(
            uow.connection,
            found,
            "reject",
            status,
            actor=actor,
            now=now,
            detail={"reasons": reasons},
        )
        uow.emit(
            ApplicationRejected(
                application_id=found["id"],
                reasons=tuple(reasons),
                rejected_at=now,
                rejected_by=actor,
                partner_agency=partner_agency,
            )
        )

    @staticmethod
    def apply_rule(step: Any) -> Status:
        try:
            result: Status = step()
        except domain.IllegalTransition as error:
            raise Problem("conflict", 409, str(error), status_now=error.status.value) from None
        except domain.InvalidApplication as error:
            raise invalid_field(error.field, error.message) from None
        return result

    @staticmethod
    async def locked(connection: AsyncConnection, application_id: uuid.UUID) -> dict[str, Any]:
        row = (
            await connection.execute(
                sa.select(applications).where(applications.c.id == application_id).with_for_update()
            )
        ).first()
        if row is None:
            raise not_found("application")
        return row._asdict()

    @staticmethod
    async def move(
        connection: AsyncConnection,
        found: dict[str, Any],
        step: str,
        status: Status,
        *,
        actor: str,
        now: datetime,
        detail: dict[str, Any] | None = None,
        **values: Any,
    ) -> None:
        """Move the application to `status`, recording the step, who and when."""
        await connection.execute(
            sa.update(applications)
            .where(applications.c.id == found["id"])
            .values(status=status, updated_at=now, **values)
        )
        await connection.execute(
            sa.insert(application_steps).values(
                application_id=found["id"],
                step=step,
                from_status=found["status"],
                to_status=status,
                actor=actor,
                at=now,
                detail=detail,
            )
        )
