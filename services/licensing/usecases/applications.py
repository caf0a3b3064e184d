"""Application use cases: hand in, correct, accept, refuse, extend; and the reference tables.

Each loads the application, lets the aggregate apply the rules, saves it and emits its events
in one transaction; an HTTP use case commits, then answers the application's file.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.errors import RuleViolated
from chassis.uow import UnitOfWork, Work
from contracts import Contract
from contracts.licensing import OperatorRead
from services.licensing.context import LicensingContext
from services.licensing.domain.applications import Application, Draft
from services.licensing.domain.licences import check_name_free
from services.licensing.domain.rules import Material, ScopeItem, requirements, scope_catalogue
from services.licensing.repositories.applications import ApplicationFilter, Applications
from services.licensing.repositories.joint import PartnerRequests
from services.licensing.repositories.licences import Licences
from services.licensing.repositories.mobile import Visits


@dataclass(frozen=True)
class Submit:
    """Hand in an application (`client_ref`: the van's own id of one captured offline)."""

    draft: Draft
    actor: str
    office: str | None
    client_ref: str | None = None


@dataclass(frozen=True)
class StepCommand:
    """A step on one application, by the clerk (or partner) `actor`."""

    application_id: uuid.UUID
    actor: str

    def apply(self, application: Application, now: datetime) -> Contract | None:
        """Take the step on the loaded application; the event to publish, if any."""
        raise NotImplementedError


@dataclass(frozen=True)
class Resubmit(StepCommand):
    """The corrected application comes back with more materials."""

    materials: tuple[str, ...]

    def apply(self, application: Application, now: datetime) -> Contract:
        return application.resubmit(list(self.materials), actor=self.actor, now=now)


@dataclass(frozen=True)
class Accept(StepCommand):
    """受理: only with complete materials; the on-the-spot deadline starts to run."""

    def apply(self, application: Application, now: datetime) -> Contract:
        return application.accept(actor=self.actor, now=now)


@dataclass(frozen=True)
class ReturnForCorrection(StepCommand):
    """补正: returned with every missing material and reason in one notice."""

    reasons: tuple[str, ...]

    def apply(self, application: Application, now: datetime) -> Contract:
        return application.return_for_correction(list(self.reasons), actor=self.actor, now=now)


@dataclass(frozen=True)
class ExtendDeadline(StepCommand):
    """The head's approved extension of the running deadline (+3 wd registration, +15 wd
    joint)."""

    approved_by: str
    reason: str

    def apply(self, application: Application, now: datetime) -> None:
        application.extend_deadline(self.approved_by, self.reason, actor=self.actor, now=now)


@dataclass(frozen=True)
class Reject(StepCommand):
    """Refused before issue, with reasons; requests still waiting at partners are withdrawn."""

    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RequirementsOf:
    """What an application of one entity type and kind must hand in."""

    entity_type: str
    kind: str
    materials: list[Material]
    registered_capital_required: bool


def requirements_of(entity_type: str, kind: str) -> RequirementsOf:
    """The materials of an entity type and kind, and whether it records a capital."""
    table = requirements()
    return RequirementsOf(
        entity_type,
        kind,
        table.required(entity_type, kind),
        table.capital_required(entity_type, kind),
    )


def scope_items() -> list[ScopeItem]:
    """Every business-scope item, with the partner agency whose permit it needs."""
    return list(scope_catalogue().items.values())


async def view(connection: AsyncConnection, application_id: uuid.UUID) -> Application:
    """An application's file: the application, its steps and its partner requests."""
    applications = Applications(connection)
    application = await applications.get(application_id)
    application.steps = await applications.steps(application_id)
    requests = await PartnerRequests(connection).of_application(application_id)
    application.partner_requests = [request.view(application) for request in requests]
    return application


async def committed_view(uow: UnitOfWork, application_id: uuid.UUID) -> Application:
    """Commit; the application's file as committed. Read just before the commit, in the same
    transaction: after it, a new one would cost two more round trips (begin, and the pool's
    rollback)."""
    application = await view(uow.connection, application_id)
    await uow.commit()
    return application


async def get_application(uow: UnitOfWork, application_id: uuid.UUID) -> Application:
    """An application's file; NotFound if absent."""
    return await view(uow.connection, application_id)


async def read_operator(
    ctx: LicensingContext, uow: UnitOfWork, application_id: uuid.UUID, reader: str
) -> tuple[str, str]:
    """An application's operator's name and ID number in clear; the read is published for
    the audit log in the same transaction, so no read goes unrecorded."""
    application = await Applications(uow.connection).get(application_id)
    id_number = ctx.keyring.open_text("id_number", application.sealed_operator_id_number)
    uow.emit(
        OperatorRead(
            record="application",
            record_id=application_id,
            fields=("id_number",),
            read_by=reader,
            read_at=ctx.clock.now(),
        )
    )
    await uow.commit()
    return application.operator_name, id_number


async def list_applications(
    uow: UnitOfWork, query: ApplicationFilter
) -> tuple[list[Application], str | None]:
    """A page of applications oldest first (without their files) and the next page's cursor;
    one status is the window's queue."""
    return await Applications(uow.connection).listed(query)


async def submit_in(ctx: LicensingContext, work: Work, command: Submit) -> Application:
    """Take in an application in `work`: a change or cancellation is completed from its
    licence; the event names at once every material still missing."""
    draft = command.draft
    draft.check()
    licences = Licences(work.connection)
    if draft.credit_code is not None:
        licensed = await licences.get(draft.credit_code, active=True)
        if licensed is None:
            raise RuleViolated("credit_code", "no active licence has this credit code")
        draft = draft.completed_from(
            licensed.entity_type, licensed.name, licensed.address, licensed.business_scope
        )
    if draft.kind != "cancellation":
        assert draft.name is not None
        check_name_free(await licences.name_holder(draft.name), draft.credit_code)
    application, submitted = Application.submit(
        draft,
        operator_id=ctx.keyring.seal_id_number(draft.operator_id_number),
        actor=command.actor,
        office=command.office,
        now=ctx.clock.now(),
        client_ref=command.client_ref,
    )
    await Applications(work.connection).add(application)
    if draft.finding_id is not None:
        await Visits(work.connection).mark_applied(draft.finding_id, application.id)
    work.emit(submitted)
    return application


async def submit(ctx: LicensingContext, uow: UnitOfWork, command: Submit) -> Application:
    """Take in an application and commit; its file."""
    application = await submit_in(ctx, uow.work, command)
    return await committed_view(uow, application.id)


async def advance(ctx: LicensingContext, uow: UnitOfWork, command: StepCommand) -> Application:
    """Lock the application, take the command's step, save, emit its event, commit; the file."""
    applications = Applications(uow.connection)
    application = await applications.get(command.application_id, lock=True)
    event = command.apply(application, ctx.clock.now())
    await applications.save(application)
    if event is not None:
        uow.emit(event)
    return await committed_view(uow, command.application_id)


async def refuse_in(
    work: Work,
    application: Application,
    reasons: list[str],
    *,
    actor: str,
    now: datetime,
    partner_agency: str | None = None,
) -> None:
    """Refuse the application in `work`; requests still waiting at partners are withdrawn."""
    rejected = application.reject(reasons, actor=actor, now=now, partner_agency=partner_agency)
    await PartnerRequests(work.connection).withdraw_pending(application.id, now)
    await Applications(work.connection).save(application)
    work.emit(rejected)


async def reject(ctx: LicensingContext, uow: UnitOfWork, command: Reject) -> Application:
    """Refused before issue, with reasons; requests still waiting at partners are withdrawn."""
    application = await Applications(uow.connection).get(command.application_id, lock=True)
    await refuse_in(
        uow.work, application, list(command.reasons), actor=command.actor, now=ctx.clock.now()
    )
    return await committed_view(uow, command.application_id)
