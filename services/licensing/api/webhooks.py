"""Webhook routes: a partner agency registers its webhook; an admin allows the hosts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.responses import JSONResponse

from chassis.auth import PartnerPrincipal, Principal, require_roles
from chassis.problems import PROBLEM
from chassis.uow import UnitOfWorkDep
from services.licensing.api.deps import Ctx
from services.licensing.domain.webhooks import AllowedHost as Allowed
from services.licensing.schemas.webhooks import (
    AGENCY_PATTERN,
    AllowedHost,
    AllowedHostList,
    Host,
    WebhookOut,
    WebhookRegistered,
    WebhookRegistration,
)
from services.licensing.usecases import webhooks

# The answer carries the signing secret: no cache may keep it.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

router = APIRouter(tags=["joint licensing"], responses={403: PROBLEM})


Admin = Annotated[Principal, require_roles("admin")]
AgencyPath = Annotated[str, Path(pattern=AGENCY_PATTERN, examples=["health"])]
HostPath = Annotated[Host, Path(description="A DNS name or an IP address, exactly")]


@router.put(
    "/partner/webhook",
    response_model=WebhookRegistered,
    summary="Register the calling agency's webhook (replaces any earlier one and its secret)",
    responses={422: PROBLEM},
)
async def register_webhook(
    body: WebhookRegistration, actor: PartnerPrincipal, ctx: Ctx, uow: UnitOfWorkDep
) -> JSONResponse:
    """Requests are then pushed there, signed with the secret in the answer (shown only now)."""
    assert actor.agency is not None
    command = webhooks.RegisterWebhook(actor.agency, str(body.url), actor.subject)
    registered = await webhooks.register_webhook(ctx, uow, command)
    answer = WebhookRegistered.model_validate(registered, from_attributes=True)
    return JSONResponse(answer.model_dump(mode="json"), headers=NO_STORE)


@router.get("/partner/webhook", response_model=WebhookOut, responses={404: PROBLEM})
async def get_webhook(actor: PartnerPrincipal, uow: UnitOfWorkDep) -> WebhookOut:
    """The calling agency's webhook (never its secret)."""
    assert actor.agency is not None
    found = await webhooks.get_webhook(uow, actor.agency)
    return WebhookOut.model_validate(found, from_attributes=True)


@router.delete("/partner/webhook", status_code=204, responses={404: PROBLEM})
async def delete_webhook(actor: PartnerPrincipal, uow: UnitOfWorkDep) -> Response:
    """Stop pushing; requests stay listed at GET /partner/requests."""
    assert actor.agency is not None
    await webhooks.delete_webhook(uow, actor.agency)
    return Response(status_code=204)


@router.put(
    "/admin/webhook-hosts/{agency}/{host}",
    response_model=AllowedHost,
    tags=["administration"],
    responses={422: PROBLEM},
)
async def allow_host(
    agency: AgencyPath, host: HostPath, actor: Admin, ctx: Ctx, uow: UnitOfWorkDep
) -> AllowedHost:
    """Let the agency's webhook point at this host (exact match, no wildcard)."""
    allowed = await webhooks.allow_host(ctx, uow, Allowed(agency, host), actor.subject)
    return AllowedHost.model_validate(allowed, from_attributes=True)


@router.get("/admin/webhook-hosts", response_model=AllowedHostList, tags=["administration"])
async def list_hosts(_: Admin, uow: UnitOfWorkDep) -> AllowedHostList:
    """Every host an agency's webhook may point at."""
    found = await webhooks.list_hosts(uow)
    return AllowedHostList.model_validate({"hosts": found}, from_attributes=True)


@router.delete(
    "/admin/webhook-hosts/{agency}/{host}",
    status_code=204,
    tags=["administration"],
    responses={404: PROBLEM, 422: PROBLEM},
)
async def disallow_host(
    agency: AgencyPath, host: HostPath, _: Admin, uow: UnitOfWorkDep
) -> Response:
    """Stop allowing the host: pushes still pending to it fail instead of being sent."""
    await webhooks.disallow_host(uow, Allowed(agency, host))
    return Response(status_code=204)
