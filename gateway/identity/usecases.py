"""Identity use cases: sign-in by each grant, refresh rotation, logout (administration: people)."""

from __future__ import annotations

import asyncio
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa

from chassis import revocation
from chassis.auth import CLOCK_SKEW_SECONDS, Principal, sign_token
from chassis.clock import Clock, SystemClock
from chassis.db import Database, elements_of
from chassis.revocation import Revocations
from chassis.uow import UnitOfWork, Work
from contracts import AccountLocked, RevokedToken, TokensRevoked
from gateway.identity import domain
from gateway.identity.keys import KeyRing, KeyStore
from gateway.identity.oauth import refused_client, refused_grant
from gateway.identity.passwords import verify_secret
from gateway.identity.tables import clients, refresh_tokens, role_policies, users
from gateway.settings import GatewaySettings

log = logging.getLogger("shijian.gateway.identity")
# The producer of the identity events (`/services/identity`, contracts/identity.py): the
# gateway's administration of people, clients and keys.
IDENTITY = "identity"


class FirstStartRefused(Exception):  # noqa: N818 - a refusal, said to the operator
    """The gateway cannot make its `admin` account: the message names the missing setting."""


async def first_admin_password(database: Database, settings: GatewaySettings) -> str | None:
    """The password to create `admin` with on first start; None once `admin` exists.

    Raises FirstStartRefused when there is none to use (no ADMIN_PASSWORD, no demo mode).
    """
    async with database.engine.connect() as connection:
        has_admin = await connection.scalar(
            sa.select(sa.func.count()).select_from(users).where(users.c.username == "admin")
        )
    if has_admin:
        return None
    if settings.admin_password is not None:
        return settings.admin_password.get_secret_value()
    if settings.seed_demo:
        return "demo-admin"
    raise FirstStartRefused(
        "shijian gateway: bad setting ADMIN_PASSWORD: required on first start"
        " (it becomes the password of the `admin` account)"
    )


def roles_held(dialect: str) -> sa.TableValuedAlias:
    """Within a query on `users`: the person's roles as rows, each role in `value`."""
    return elements_of(users.c.roles, dialect).alias("held")


def a_role_requires_totp(dialect: str) -> sa.Exists:
    """Within a query on `users`: one of the person's roles requires a second factor by the
    role policies (the one statement of that rule: sign-in asks for a code, the admin's list
    finds who has none enrolled)."""
    held = roles_held(dialect)
    return (
        sa.exists()
        .select_from(held.join(role_policies, role_policies.c.role == held.c.value))
        .where(role_policies.c.totp_required)
    )


@dataclass(frozen=True)
class TokenSet:
    """What the token endpoint answers (RFC 6749 §5.1)."""

    access_token: str
    expires_in: int
    refresh_token: str | None = None
    token_type: str = "bearer"  # noqa: S105 - the token type, not a secret


@dataclass
class Identity:
    """What the identity use cases work with."""

    database: Database
    key_store: KeyStore
    settings: GatewaySettings
    # The tokens refused before they expire; the gateway's TokenVerifier consults the same set.
    revoked: Revocations = field(default_factory=Revocations)
    clock: Clock = field(default_factory=SystemClock)
    # Set by a commit that wrote events: wakes the bus' outbox relay.
    outbox_written: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def keys(self) -> KeyRing:
        """The signing keys in hand."""
        return self.key_store.ring

    @property
    def lockout(self) -> domain.Lockout:
        """The lockout rule from the settings."""
        return domain.Lockout(
            self.settings.login_max_failures, timedelta(minutes=self.settings.login_lock_minutes)
        )

    @property
    def access_lifetime(self) -> timedelta:
        """How long an access token lives."""
        return timedelta(minutes=self.settings.access_token_minutes)

    def uow(self) -> UnitOfWork:
        """A unit of work on the gateway's database; its events are identity's."""
        return UnitOfWork(self.database, IDENTITY, after_commit=self.outbox_written.set)

    def access_token(
        self,
        now: datetime,
        *,
        subject: str,
        name: str,
        roles: list[str],
        kind: Literal["staff", "partner"],
        office: str | None = None,
        agency: str | None = None,
        ttl: timedelta | None = None,
    ) -> str:
        """An access token signed by the active key, living `ttl` (default: the setting)."""
        key = self.keys.active
        return sign_token(
            subject=subject,
            name=name,
            roles=roles,
            kind=kind,
            office=office,
            agency=agency,
            issuer=self.settings.jwt_issuer,
            audience=self.settings.jwt_audience,
            ttl=ttl or self.access_lifetime,
            key=key.private_key,
            key_id=key.kid,
            now=now,
        )

    async def _issue_staff(
        self, uow: UnitOfWork, user: sa.Row[Any], now: datetime, family: uuid.UUID | None = None
    ) -> TokenSet:
        access = self.access_token(
            now,
            subject=user.username,
            name=user.name,
            roles=list(user.roles),
            office=user.office,
            kind="staff",
        )
        refresh = secrets.token_urlsafe(32)
        await uow.connection.execute(
            sa.insert(refresh_tokens).values(
                token_hash=domain.token_digest(refresh),
                family=family or uuid.uuid4(),
                username=user.username,
                issued_at=now,
                expires_at=now + timedelta(hours=self.settings.refresh_token_hours),
            )
        )
        return TokenSet(access, int(self.access_lifetime.total_seconds()), refresh)

    async def _totp_required(self, uow: UnitOfWork, user: sa.Row[Any]) -> bool:
        if user.totp_secret:
            return True
        required = await uow.connection.scalar(
            sa.select(a_role_requires_totp(self.database.dialect)).where(
                users.c.username == user.username
            )
        )
        return bool(required)

    async def password_grant(self, username: str, password: str, totp: str | None) -> TokenSet:
        """Sign a staff member in (RFC 6749 §4.3), with the second factor where required."""
        now = self.clock.now()
        async with self.uow() as uow:
            user = (
                await uow.connection.execute(
                    sa.select(users).where(users.c.username == username).with_for_update()
                )
            ).first()
            if user is not None and self.lockout.locked(user.locked_until, now):
                raise refused_grant(
                    "This account is locked after repeated failed sign-ins; try again later"
                    " or ask an administrator to unlock it.",
                    "locked",
                    "password",
                )
            good = await verify_secret(user.password_hash if user else None, password)
            if user is None or not good or not user.active:
                if user is not None:
                    await self._count_failure(uow, user, now)
                raise refused_grant(
                    "Wrong username or password.", "invalid_credentials", "password"
                )
            step = None
            if await self._totp_required(uow, user):
                if not user.totp_secret:
                    raise refused_grant(
                        "Your role requires a second factor and none is enrolled;"
                        " ask an administrator to enrol your authenticator.",
                        "totp_not_enrolled",
                        "password",
                    )
                if not totp:
                    raise refused_grant(
                        "Enter the 6-digit code from your authenticator (field `totp`).",
                        "totp_required",
                        "password",
                    )
                secret = self.settings.data_keyring().open_text("totp_secret", user.totp_secret)
                step = domain.accepted_totp_step(secret, totp, now, user.totp_last_step)
                if step is None:
                    await self._count_failure(uow, user, now)
                    raise refused_grant("Wrong or already used code.", "totp_invalid", "password")
            await uow.connection.execute(
                sa.update(users)
                .where(users.c.username == username)
                .values(
                    failed_logins=0,
                    locked_until=None,
                    totp_last_step=step if step is not None else users.c.totp_last_step,
                )
            )
            tokens = await self._issue_staff(uow, user, now)
            await uow.commit()
        log.info("signed in", extra={"username": username, "grant": "password"})
        return tokens

    async def _count_failure(self, uow: UnitOfWork, user: sa.Row[Any], now: datetime) -> None:
        failures, locked_until = self.lockout.after_failure(user.failed_logins, now)
        await uow.connection.execute(
            sa.update(users)
            .where(users.c.username == user.username)
            .values(failed_logins=failures, locked_until=locked_until)
        )
        if locked_until is not None:
            uow.emit(
                AccountLocked(
                    username=user.username,
                    failed_sign_ins=user.failed_logins + 1,
                    locked_until=locked_until,
                    by=domain.BY_LOCKOUT,
                    at=now,
                )
            )
        # The failure is kept although the sign-in is refused.
        await uow.commit()
        if locked_until is not None:
            log.warning("account locked", extra={"username": user.username})

    async def client_credentials_grant(self, client_id: str, client_secret: str) -> TokenSet:
        """Sign a partner agency's system in (RFC 6749 §4.4); no refresh token."""
        now = self.clock.now()
        async with self.uow() as uow:
            client = (
                await uow.connection.execute(
                    sa.select(clients).where(clients.c.client_id == client_id)
                )
            ).first()
        good = await verify_secret(client.secret_hash if client else None, client_secret)
        if client is None or not good or not client.active:
            raise refused_client("Wrong client id or secret.")
        access = self.access_token(
            now,
            subject=client.client_id,
            name=client.name,
            roles=["partner_agency"],
            agency=client.agency,
            kind="partner",
        )
        return TokenSet(access, int(self.access_lifetime.total_seconds()))

    async def refresh_grant(self, refresh_token: str) -> TokenSet:
        """Exchange a refresh token for new tokens; the old one is spent (rotation)."""
        now = self.clock.now()
        digest = domain.token_digest(refresh_token)
        async with self.uow() as uow:
            stored = (
                await uow.connection.execute(
                    sa.select(refresh_tokens)
                    .where(refresh_tokens.c.token_hash == digest)
                    .with_for_update()
                )
            ).first()
            state = (
                domain.RefreshState(stored.expires_at, stored.used_at, stored.revoked_at)
                if stored
                else None
            )
            verdict = domain.refresh_verdict(state, now)
            if verdict == "reused" and stored is not None:
                await self._revoke_family(uow, stored.family, now)
                await uow.commit()
                log.warning(
                    "refresh token reused: its family is revoked",
                    extra={"username": stored.username},
                )
            if verdict != "ok" or stored is None:
                raise refused_grant(
                    f"Refresh token {verdict}; sign in again.", verdict, "refresh_token"
                )
            user = (
                await uow.connection.execute(
                    sa.select(users).where(users.c.username == stored.username)
                )
            ).first()
            if user is None or not user.active or self.lockout.locked(user.locked_until, now):
                raise refused_grant(
                    "The account can no longer sign in.", "inactive", "refresh_token"
                )
            await uow.connection.execute(
                sa.update(refresh_tokens)
                .where(refresh_tokens.c.token_hash == digest)
                .values(used_at=now)
            )
            tokens = await self._issue_staff(uow, user, now, family=stored.family)
            await uow.commit()
        return tokens

    async def _revoke_family(self, uow: UnitOfWork, family: uuid.UUID, now: datetime) -> None:
        await uow.connection.execute(
            sa.update(refresh_tokens)
            .where(refresh_tokens.c.family == family, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def revoke(self, work: Work, event: TokensRevoked) -> None:
        """Refuse the access tokens `event` names here (once committed, in every replica within
        a second) and, through the bus, in every service."""
        await revocation.store(work.connection, event)
        work.emit(event)

    async def revoke_everything_of(self, work: Work, username: str, by: str) -> TokensRevoked:
        """End every sign-in of `username`: refresh tokens spent, access tokens issued until now
        refused until the last of them expires. The caller adds the event to `revoked` once it
        has committed."""
        now = self.clock.now()
        await work.connection.execute(
            sa.update(refresh_tokens)
            .where(refresh_tokens.c.username == username, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        event = TokensRevoked(
            username=username,
            issued_before=now,
            refused_until=now + self.access_lifetime + timedelta(seconds=CLOCK_SKEW_SECONDS),
            by=by,
            at=now,
        )
        await self.revoke(work, event)
        return event

    async def logout(self, principal: Principal, refresh_token: str | None) -> None:
        """Revoke the access token in hand, and the sign-in its refresh token belongs to."""
        now = self.clock.now()
        expires_at = datetime.fromtimestamp(principal.expires_at or now.timestamp(), UTC)
        event = None
        async with self.uow() as uow:
            if principal.token_id:
                event = TokensRevoked(
                    username=principal.subject,
                    tokens=(RevokedToken(jti=principal.token_id, expires_at=expires_at),),
                    by=principal.subject,
                    at=now,
                )
                await self.revoke(uow.work, event)
            if refresh_token:
                stored = (
                    await uow.connection.execute(
                        sa.select(refresh_tokens).where(
                            refresh_tokens.c.token_hash == domain.token_digest(refresh_token),
                            refresh_tokens.c.username == principal.subject,
                        )
                    )
                ).first()
                if stored is not None:
                    await self._revoke_family(uow, stored.family, now)
            await uow.commit()
        if event is not None:
            self.revoked.add(event)
