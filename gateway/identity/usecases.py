"""Identity use cases: sign-in by each grant, refresh rotation, logout (administration: people)."""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from limits.aio.storage import Storage
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis import revocation
from chassis.auth import CLOCK_SKEW_SECONDS, Principal, sign_token
from chassis.bus.relay import Doorbell
from chassis.clock import Clock, SystemClock
from chassis.db import Database, elements_of
from chassis.errors import RuleViolated
from chassis.revocation import Revocations
from chassis.uow import UnitOfWork, Work
from contracts import AccountLocked, PasswordChanged, RevokedToken, TokensRevoked, UserChanged
from gateway.identity import domain
from gateway.identity.keys import KeyRing, KeyStore
from gateway.identity.oauth import SignInRefused, SignInThrottled, refused_client, refused_grant
from gateway.identity.passwords import common_passwords, hash_secret, verify_secret
from gateway.identity.tables import (
    clients,
    refresh_tokens,
    role_policies,
    sign_in_addresses,
    users,
)
from gateway.ratelimit import FailureThrottle, Hold
from gateway.settings import GatewaySettings

log = logging.getLogger("shijian.gateway.identity")
# What a sealed TOTP secret is bound to (the rekey command re-seals it under this name).
TOTP_SECRET_FIELD = "totp_secret"  # noqa: S105 - a field name, not a secret
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


async def refuse_unsafe_policies(database: Database, settings: GatewaySettings) -> None:
    """In production, FirstStartRefused unless the admin role requires a second factor."""
    if settings.environment != "production":
        return
    async with database.engine.connect() as connection:
        required = await connection.scalar(
            sa.select(role_policies.c.totp_required).where(role_policies.c.role == "admin")
        )
    if domain.policy_refusal("admin", bool(required), settings.environment):
        raise FirstStartRefused(
            "shijian gateway: the role policy of admin drops the second factor; production"
            ' requires it (PUT /api/admin/role-policies/admin {"totp_required": true}, or'
            " migrate: gateway_0006 sets it)"
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


@dataclass(frozen=True)
class Attempt:
    """One sign-in: who says they are, with what, from which address, when."""

    username: str
    password: str
    totp: str | None
    address: str
    at: datetime


@dataclass(frozen=True)
class SignInThrottles:
    """Failed sign-ins counted per source address and per account (username)."""

    address: FailureThrottle
    account: FailureThrottle

    @classmethod
    def of(cls, settings: GatewaySettings, storage: Storage) -> SignInThrottles:
        """The throttles the settings give, counting in `storage` (shared by the replicas)."""
        return cls(
            FailureThrottle("signin-address", settings.login_address_throttle, storage),
            FailureThrottle("signin-account", settings.login_account_throttle, storage),
        )


@dataclass
class Identity:
    """What the identity use cases work with."""

    database: Database
    key_store: KeyStore
    settings: GatewaySettings
    throttles: SignInThrottles
    # The tokens refused before they expire; the gateway's TokenVerifier consults the same set.
    revoked: Revocations = field(default_factory=Revocations)
    clock: Clock = field(default_factory=SystemClock)
    # Set by a commit that wrote events: wakes the bus' outbox relay.
    outbox_written: Doorbell = field(default_factory=Doorbell)

    @property
    def keys(self) -> KeyRing:
        """The signing keys in hand."""
        return self.key_store.ring

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

    async def password_grant(
        self, username: str, password: str, totp: str | None, address: str
    ) -> TokenSet:
        """Sign a staff member in from `address` (RFC 6749 §4.3), with the second factor where
        required; SignInThrottled after too many failures."""
        attempt = Attempt(username, password, totp, address, self.clock.now())
        await self._refuse_held_address(address)
        async with self.uow() as uow:
            user, step = await self._authenticate(uow, attempt)
            await self._signed_in(uow, user, step, attempt)
            tokens = await self._issue_staff(uow, user, attempt.at)
            await uow.commit()
        log.info("signed in", extra={"username": username, "grant": "password"})
        return tokens

    async def change_password(
        self, username: str, password: str, totp: str | None, new_password: str, address: str
    ) -> TokenSet:
        """The person changes their password (after a reset, or when they like), signing in as
        the token endpoint would; their other sign-ins end. RuleViolated for a weak one."""
        problems = domain.password_problems(username, new_password, common_passwords())
        if new_password == password:
            problems.append("not the current password")
        if problems:
            raise RuleViolated("new_password", f"needs {'; '.join(problems)}", "weak_password")
        attempt = Attempt(username, password, totp, address, self.clock.now())
        now = attempt.at
        await self._refuse_held_address(address)
        new_hash = await hash_secret(new_password)
        async with self.uow() as uow:
            user, step = await self._authenticate(uow, attempt, changing=True)
            await uow.connection.execute(
                sa.update(users)
                .where(users.c.username == username)
                .values(password_hash=new_hash, must_change_password=False)
            )
            await revoke_refresh_tokens(uow.connection, username, now)
            uow.emit(PasswordChanged(username=username, by=username, at=now))
            await self._signed_in(uow, user, step, attempt)
            tokens = await self._issue_staff(uow, user, now)
            await uow.commit()
        log.info("password changed", extra={"username": username})
        return tokens

    async def _refuse_held_address(self, address: str) -> None:
        # Before anything is read or hashed: a flood from one address costs the gateway little.
        if hold := await self.throttles.address.hold(address):
            raise SignInThrottled(hold.seconds)

    async def _authenticate(
        self, uow: UnitOfWork, attempt: Attempt, *, changing: bool = False
    ) -> tuple[sa.Row[Any], int | None]:
        """The person the attempt signs in, and the time step of the code they gave (None when
        none was needed); SignInThrottled or SignInRefused otherwise. A failure is kept (and
        committed) although the sign-in is refused."""
        username, totp, now = attempt.username, attempt.totp, attempt.at
        user = (
            await uow.connection.execute(
                sa.select(users).where(users.c.username == username).with_for_update()
            )
        ).first()
        known = user is not None and await self._known_address(uow, attempt)
        step = None
        if not known and (hold := await self.throttles.account.hold(username)):
            step = self._early_step(user, totp, now)
            if domain.account_throttle_applies(known, step is not None):
                raise SignInThrottled(hold.seconds)
        good = await verify_secret(user.password_hash if user else None, attempt.password)
        if user is None or not good or not user.active:
            await self._failed(uow, user, attempt, step)
            raise refused_grant("Wrong username or password.", "invalid_credentials", "password")
        if user.must_change_password and not changing:
            raise refused_grant(
                "Your password was reset: choose a new one (POST /auth/password).",
                "password_change_required",
                "password",
            )
        if not await self._totp_required(uow, user):
            return user, None
        if not user.totp_secret:
            if user.username == domain.FIRST_ADMIN:
                raise await self._enrol_first_admin(uow, user, now)
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
        if step is None:
            step = domain.accepted_totp_step(
                self.totp_secret_of(user), totp, now, user.totp_last_step
            )
        if step is None:
            await self._failed(uow, user, attempt, None)
            raise refused_grant("Wrong or already used code.", "totp_invalid", "password")
        return user, step

    def _early_step(self, user: sa.Row[Any] | None, totp: str | None, now: datetime) -> int | None:
        # A valid code of the person's own authenticator lets an attempt past the account's
        # throttle: whoever holds it is most likely its owner.
        if user is None or not user.totp_secret or not totp:
            return None
        return domain.accepted_totp_step(self.totp_secret_of(user), totp, now, user.totp_last_step)

    def totp_secret_of(self, user: sa.Row[Any]) -> str:
        """The person's enrolled TOTP secret, opened (it is stored sealed)."""
        return self.settings.data_keyring().open_text(TOTP_SECRET_FIELD, user.totp_secret)

    def sealed_totp_secret(self, secret: str) -> str:
        """A TOTP secret as it is stored: sealed under the current data key."""
        return self.settings.data_keyring().seal_text(TOTP_SECRET_FIELD, secret)

    async def _known_address(self, uow: UnitOfWork, attempt: Attempt) -> bool:
        since = attempt.at - timedelta(days=self.settings.known_address_days)
        found = await uow.connection.scalar(
            sa.select(sa.func.count())
            .select_from(sign_in_addresses)
            .where(
                sign_in_addresses.c.username == attempt.username,
                sign_in_addresses.c.address == attempt.address,
                sign_in_addresses.c.signed_in_at > since,
            )
        )
        return bool(found)

    async def _signed_in(
        self, uow: UnitOfWork, user: sa.Row[Any], step: int | None, attempt: Attempt
    ) -> None:
        """Spend the code and remember the address (forgetting those not used lately)."""
        if step is not None:
            await uow.connection.execute(
                sa.update(users)
                .where(users.c.username == user.username)
                .values(totp_last_step=step)
            )
        since = attempt.at - timedelta(days=self.settings.known_address_days)
        await uow.connection.execute(
            sa.delete(sign_in_addresses).where(
                sign_in_addresses.c.username == user.username,
                sa.or_(
                    sign_in_addresses.c.address == attempt.address,
                    sign_in_addresses.c.signed_in_at <= since,
                ),
            )
        )
        await uow.connection.execute(
            sa.insert(sign_in_addresses).values(
                username=user.username, address=attempt.address, signed_in_at=attempt.at
            )
        )

    async def _failed(
        self, uow: UnitOfWork, user: sa.Row[Any] | None, attempt: Attempt, spent_step: int | None
    ) -> None:
        """Count a failure against the address and the account; when the account's hold begins
        or grows, show it (`locked_until`) and, as it begins, publish it."""
        username, now = attempt.username, attempt.at
        await self.throttles.address.failed(attempt.address)
        hold = await self.throttles.account.failed(username)
        if user is None:
            return
        values: dict[str, Any] = {}
        if spent_step is not None:
            # A code is good once, beside a wrong password too.
            values["totp_last_step"] = spent_step
        held = user.locked_until is not None and now < user.locked_until
        until = now + timedelta(seconds=hold.seconds) if hold is not None else None
        if hold is not None and until is not None and (not held or until > user.locked_until):
            values["locked_until"] = until
            if not held:
                self._publish_hold(uow, username, hold, until, now)
        if values:
            await uow.connection.execute(
                sa.update(users).where(users.c.username == username).values(**values)
            )
        # The failure is kept although the sign-in is refused.
        await uow.commit()

    @staticmethod
    def _publish_hold(
        uow: UnitOfWork, username: str, hold: Hold, until: datetime, now: datetime
    ) -> None:
        uow.emit(
            AccountLocked(
                username=username,
                failed_sign_ins=hold.failures,
                locked_until=until,
                by=domain.BY_LOCKOUT,
                at=now,
            )
        )
        log.warning("account held back after failed sign-ins", extra={"username": username})

    async def _enrol_first_admin(
        self, uow: UnitOfWork, user: sa.Row[Any], now: datetime
    ) -> SignInRefused:
        """`admin` without an authenticator (no ADMIN_TOTP_SECRET): the first sign-in with its
        password enrols one, the refusal shows it this once; the next sign-in needs its code."""
        secret = domain.new_totp_secret()
        await uow.connection.execute(
            sa.update(users)
            .where(users.c.username == user.username)
            .values(totp_secret=self.sealed_totp_secret(secret), totp_last_step=None)
        )
        uow.emit(
            UserChanged(
                username=user.username,
                roles=tuple(user.roles),
                office=user.office,
                changes=("second_factor_enrolled",),
                by=domain.BY_FIRST_SIGN_IN,
                at=now,
            )
        )
        await uow.commit()
        return refused_grant(
            "Your authenticator is enrolled now: add `totp_enrolment` to your authenticator app"
            " (shown this once) and sign in with its code (field `totp`).",
            "totp_not_enrolled",
            "password",
            totp_enrolment={
                "secret": secret,
                "otpauth_uri": domain.totp_uri(secret, user.username),
            },
        )

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
            if user is None or not user.active:
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
        await revoke_refresh_tokens(work.connection, username, now)
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


async def revoke_refresh_tokens(connection: AsyncConnection, username: str, now: datetime) -> None:
    """End every sign-in of `username`: none of their refresh tokens is accepted again (access
    tokens in hand live on until they expire: `Identity.revoke_everything_of` refuses them)."""
    await connection.execute(
        sa.update(refresh_tokens)
        .where(refresh_tokens.c.username == username, refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
