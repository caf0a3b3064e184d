"""Joint licensing (联合办照): approval that asks partner agencies, and their decisions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.errors import NotFound
from chassis.uow import UnitOfWork
from services.licensing.context import LicensingContext
from services.licensing.domain.applications import Application
from services.licensing.domain.joint import PartnerRequest, PartnerRequestView
from services.licensing.domain.rules import PartnerDecision, Status, joint_outcome, scope_catalogue
from services.licensing.repositories.applications import Applications
from services.licensing.repositories.joint import PartnerRequests
from services.licensing.repositories.licences import Licences
from services.licensing.usecases.applications import StepCommand, committed_view, refuse_in
from services.licensing.usecases.licences import settle_licence
from services.licensing.usecases.webhooks import schedule_push


@dataclass(frozen=True)
class Approve(StepCommand):
    """Approve an accepted application."""


@dataclass(frozen=True)
class Decide:
    """A partner agency's decision on its permit."""

    request_id: uuid.UUID
    agency: str
    actor: str
    decision: str
    permit_number: str | None
    reason: str | None


async def _agencies_needed(connection: AsyncConnection, application: Application) -> list[str]:
    if application.kind == "cancellation":
        return []
    scope = application.business_scope
    if application.kind == "change":
        # Only scope items the licence does not carry yet need a new permit.
        assert application.credit_code is not None
        licensed = await Licences(connection).find(application.credit_code)
        scope = [code for code in scope if code not in licensed.business_scope]
    return scope_catalogue().partner_agencies(scope)


async def approve(ctx: LicensingContext, uow: UnitOfWork, command: Approve) -> Application:
    """Approved: the licence is issued at once, or partner agencies are asked first (and their
    webhooks pushed to at once)."""
    connection = uow.connection
    applications = Applications(connection)
    application = await applications.get(command.application_id, lock=True)
    now = ctx.clock.now()
    agencies = await _agencies_needed(connection, application)
    status = application.approve(agencies, actor=command.actor, now=now)
    if status is Status.ISSUED:
        await settle_licence(
            ctx, uow.work, application, step="approve", actor=command.actor, now=now
        )
    else:
        assert application.deadline is not None
        for agency in agencies:
            request, asked = PartnerRequest.ask(application, agency, application.deadline, now)
            await PartnerRequests(connection).add(request)
            uow.emit(asked)
            await schedule_push(connection, request.view(application), now)
    await applications.save(application)
    answer = await committed_view(uow, command.application_id)
    if agencies and status is Status.AWAITING_PARTNERS:
        ctx.webhook_due.set()
    return answer


async def decide(ctx: LicensingContext, uow: UnitOfWork, command: Decide) -> PartnerRequestView:
    """A partner agency decides; the last approval issues the licence, a refusal ends it."""
    requests = PartnerRequests(uow.connection)
    request = await requests.locked(command.agency, command.request_id)
    applications = Applications(uow.connection)
    application = await applications.get(request.application_id, lock=True)
    request.expect_pending()
    application.expect_partner_decision()
    now = ctx.clock.now()
    uow.emit(
        request.decide(
            command.decision, command.permit_number, command.reason, actor=command.actor, now=now
        )
    )
    await requests.save(request)
    every = await requests.of_application(application.id)
    decisions = [
        PartnerDecision(r.agency, r.status == "approved", r.permit_number, r.reason)
        for r in every
        if r.status in ("approved", "rejected")
    ]
    outcome, reason = joint_outcome([r.agency for r in every], decisions)
    if outcome is Status.ISSUED:
        await settle_licence(
            ctx, uow.work, application, step="joint_approval", actor=command.actor, now=now
        )
        await applications.save(application)
    elif outcome is Status.REJECTED:
        await refuse_in(
            uow.work,
            application,
            [reason or command.agency],
            actor=command.actor,
            now=now,
            partner_agency=command.agency,
        )
    await uow.commit()
    return await partner_request(uow, command.agency, command.request_id)


async def partner_requests(
    uow: UnitOfWork, agency: str, status: str | None
) -> list[PartnerRequestView]:
    """An agency's requests, oldest first."""
    return await PartnerRequests(uow.connection).seen_by(agency, status=status)


async def partner_request(
    uow: UnitOfWork, agency: str, request_id: uuid.UUID
) -> PartnerRequestView:
    """One of the agency's requests; another agency's is as absent as a missing one."""
    found = await PartnerRequests(uow.connection).seen_by(agency, request_id=request_id)
    if not found:
        raise NotFound("partner request")
    return found[0]
