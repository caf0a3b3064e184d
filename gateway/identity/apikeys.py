"""Open311 API keys: issued by an admin and shown once, revoked at once; each request a key
makes gets a short-lived token of its client, minted here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from chassis.copying import made_from
from chassis.errors import NotFound, RuleViolated
from chassis.rows import values_for
from gateway.identity import domain
from gateway.identity.tables import open311_keys
from gateway.identity.usecases import Identity

OPEN311_ROLE = "open311_client"
# Minted for one forwarded request, which the service verifies as it arrives.
TOKEN_LIFETIME = timedelta(minutes=1)


@dataclass(frozen=True)
class Open311Key:
    """An issued key as the admin API lists it (never the key)."""

    id: uuid.UUID
    name: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class IssuedKey:
    """A new key: `api_key` is shown this once."""

    api_key: str
    id: uuid.UUID
    name: str
    created_at: datetime


class ApiKeyRefused(Exception):  # noqa: N818 - a refusal, said to the Open311 client
    """An Open311 request refused for its api_key; the message says why."""


async def issue(identity: Identity, name: str) -> IssuedKey:
    """A new key for the Open311 client `name` (a client may hold several, to rotate them)."""
    if name == domain.OPEN311_PUBLIC:
        raise RuleViolated("name", f"{name!r} is what callers without a key are called")
    api_key = domain.new_api_key()
    key = Open311Key(uuid.uuid4(), name, identity.clock.now(), None)
    async with identity.uow() as uow:
        await uow.connection.execute(
            sa.insert(open311_keys).values(
                values_for(open311_keys, key, key_hash=domain.token_digest(api_key))
            )
        )
        await uow.commit()
    return IssuedKey(api_key, key.id, key.name, key.created_at)


async def list_keys(identity: Identity) -> list[Open311Key]:
    """Every key issued, revoked ones included, oldest first."""
    async with identity.uow() as uow:
        rows = (
            await uow.connection.execute(
                sa.select(open311_keys).order_by(open311_keys.c.created_at, open311_keys.c.id)
            )
        ).all()
    return [made_from(Open311Key, row) for row in rows]


async def revoke(identity: Identity, key_id: uuid.UUID) -> None:
    """Stop the key now; revoking it again changes nothing. NotFound if it was never issued."""
    async with identity.uow() as uow:
        found = await uow.connection.scalar(
            sa.select(sa.func.count()).select_from(open311_keys).where(open311_keys.c.id == key_id)
        )
        if not found:
            raise NotFound(f"Open311 key {key_id}")
        await uow.connection.execute(
            sa.update(open311_keys)
            .where(open311_keys.c.id == key_id, open311_keys.c.revoked_at.is_(None))
            .values(revoked_at=identity.clock.now())
        )
        await uow.commit()


async def _client(identity: Identity, api_key: str) -> str | None:
    # Read at every request, so that a revoked key stops at once on every gateway replica.
    async with identity.uow() as uow:
        name: str | None = await uow.connection.scalar(
            sa.select(open311_keys.c.name).where(
                open311_keys.c.key_hash == domain.token_digest(api_key),
                open311_keys.c.revoked_at.is_(None),
            )
        )
    return name


async def client_token(identity: Identity, method: str, api_key: str | None) -> str:
    """The token an Open311 request of `method` goes on with: of the key's client, or of the
    public when no key is given and none is needed; ApiKeyRefused otherwise."""
    client = None if api_key is None else await _client(identity, api_key)
    refusal = domain.api_key_refusal(method, api_key is not None, client is not None)
    if refusal is not None:
        raise ApiKeyRefused(refusal)
    client = client or domain.OPEN311_PUBLIC
    return identity.access_token(
        identity.clock.now(),
        subject=domain.open311_subject(client),
        name=client,
        roles=[OPEN311_ROLE],
        kind="partner",
        agency=client,
        ttl=TOKEN_LIFETIME,
    )
