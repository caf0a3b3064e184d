"""Webhook use cases: the hosts admins allow, partners' webhooks, and pushes to schedule."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.errors import NotFound
from chassis.uow import UnitOfWork
from services.licensing.addresses import Unresolved, lookup
from services.licensing.context import LicensingContext
from services.licensing.domain.joint import PartnerRequestView
from services.licensing.domain.webhooks import (
    AllowedHost,
    DestinationRefused,
    HostNotAllowed,
    Webhook,
    allowed_addresses,
    choose_destination,
    scheme_refusal,
    url_host,
    url_port,
)
from services.licensing.repositories.webhooks import Webhooks
from services.licensing.schemas.applications import PartnerRequestOut


@dataclass(frozen=True)
class RegisterWebhook:
    """An agency registers (or replaces) its webhook."""

    agency: str
    url: str
    actor: str


async def allow_host(
    ctx: LicensingContext, uow: UnitOfWork, host: AllowedHost, actor: str
) -> AllowedHost:
    """Let the agency's webhook point at the host; allowing it again changes nothing."""
    allowed = AllowedHost(host.agency, host.host.lower())
    await Webhooks(uow.connection).allow(allowed, actor=actor, now=ctx.clock.now())
    await uow.commit()
    return allowed


async def disallow_host(uow: UnitOfWork, host: AllowedHost) -> None:
    """Stop allowing the host: pending pushes to it fail instead of being sent."""
    if not await Webhooks(uow.connection).disallow(AllowedHost(host.agency, host.host.lower())):
        raise NotFound("allowed host")
    await uow.commit()


async def list_hosts(uow: UnitOfWork) -> list[AllowedHost]:
    """Every allowed host, by agency."""
    return await Webhooks(uow.connection).hosts()


async def register_webhook(
    ctx: LicensingContext, uow: UnitOfWork, command: RegisterWebhook
) -> Webhook:
    """Register (or replace) the agency's webhook with a new secret; the answer shows it once.

    The URL's host must be one an administrator has allowed for this agency, reached over
    https on port 443 in production, and resolve now to public addresses only, or to internal
    ones an administrator allowed exactly (each push checks again).
    """
    repository = Webhooks(uow.connection)
    host = url_host(command.url)
    hosts = await repository.hosts_of(command.agency)
    if host not in hosts:
        raise HostNotAllowed(command.agency, host)
    production = ctx.settings.environment == "production"
    refusal = scheme_refusal(command.url, production=production)
    if refusal is not None:
        raise DestinationRefused(refusal)
    limit = ctx.settings.webhook_timeout_seconds
    try:
        async with asyncio.timeout(limit):
            addresses = await lookup(ctx.resolve, host, url_port(command.url))
    except TimeoutError:
        raise DestinationRefused(f"the host {host!r} did not resolve within {limit:g} s") from None
    except Unresolved as error:
        raise DestinationRefused(str(error)) from None
    destination = choose_destination(
        host, addresses, own=ctx.own_addresses, allowed=allowed_addresses(hosts)
    )
    if destination.refusal is not None:
        raise DestinationRefused(destination.refusal)
    webhook = Webhook(
        agency=command.agency,
        url=command.url,
        secret=secrets.token_urlsafe(32),
        registered_by=command.actor,
        registered_at=ctx.clock.now(),
    )
    # Kept sealed; the answer shows it once, in clear.
    await repository.register(
        replace(webhook, secret=ctx.keyring.seal_text("webhook_secret", webhook.secret))
    )
    await uow.commit()
    return webhook


async def get_webhook(uow: UnitOfWork, agency: str) -> Webhook:
    """The agency's webhook; NotFound when it has none."""
    webhook = await Webhooks(uow.connection).get(agency)
    if webhook is None:
        raise NotFound("webhook")
    return webhook


async def delete_webhook(uow: UnitOfWork, agency: str) -> None:
    """Stop pushing to the agency; its pending pushes fail (its requests stay listed)."""
    if not await Webhooks(uow.connection).delete(agency):
        raise NotFound("webhook")
    await uow.commit()


async def schedule_push(
    connection: AsyncConnection, request: PartnerRequestView, now: datetime
) -> bool:
    """Queue a push of the request, as the agency reads it at GET /partner/requests/{id}, to
    the agency's webhook if it has one; whether it did.

    Call it in the transaction that creates the partner request: the push is then written
    if and only if the request is, and sent later, never holding up the licensing flow.
    """
    repository = Webhooks(connection)
    if await repository.get(request.agency) is None:
        return False
    payload = PartnerRequestOut.model_validate(request, from_attributes=True)
    await repository.schedule(
        request_id=request.id,
        agency=request.agency,
        payload=payload.model_dump(mode="json"),
        now=now,
    )
    return True
