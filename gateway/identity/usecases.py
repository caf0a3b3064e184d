"""Identity use cases: sign-in by each grant, refresh rotation, logout, people and clients."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from prometheus_client import Counter
from sqlalchemy.exc import IntegrityError

from chassis.auth import Principal, mint_token
from chassis.db import Database
from chassis.problems import Problem
from chassis.uow import UnitOfWork
from gateway.identity import domain
from gateway.identity.keys import KeyRing
from gateway.identity.passwords import hash_secret, verify_secret
from gateway.identity.tables import clients, refresh_tokens, revoked_tokens, role_policies, users
from gateway.settings import GatewaySettings

log = logging.getLogger("shijian.gateway.identity")
LOGIN_FAILURES = Counter(
    "shijian_gateway_login_failures_total",
    "Refused sign-ins, by grant and reason",
    ["grant", "reason"],
)


def _refused(detail: str, reason: str, grant: str) -> Problem:
    LOGIN_FAILURES.labels(grant, reason).inc()
    return Problem(
        "unauthenticated", 401, detail, headers={"WWW-Authenticate": "Bearer"}, reason=reason
    )


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


@dataclass(frozen=True)
class TokenSet:
    """What the token endpoint answers (RFC 6749 §5.1)."""

    access_token: str
    expires_in: int
    refresh_token: str | None = None
    token_type: str = "bearer"  # noqa: S105 - the token type, not a secret


class RevocationList:
    """Access tokens revoked by logout, until they expire; kept in memory, stored for restarts."""

    def __init__(self) -> None:
        self._expiry: dict[str, datetime] = {}

    def __contains__(self, jti: object) -> bool:
        return isinstance(jti, str) and jti in self._expiry

    def add(self, jti: str, expires_at: datetime) -> None:
        """Refuse `jti` from now on."""
        self._expiry[jti] = expires_at

    async def reload(self, database: Database) -> None:
        """Take what every gateway replica has revoked; forget what has expired."""
        now = datetime.now(UTC)
        async with database.engine.begin() as connection:
            await connection.execute(
                sa.delete(revoked_tokens).where(revoked_tokens.c.expires_at < now)
            )
            rows = (await connection.execute(sa.select(revoked_tokens))).all()
        self._expiry = {row.jti: row.expires_at for row in rows}


@dataclass
class Identity:
    """What the identity use cases work with."""

    database: Database
    keys: KeyRing
    settings: GatewaySettings
    revoked: RevocationList = field(default_factory=RevocationList)

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
        """A unit of work on the gateway's database."""
        return UnitOfWork(self.database, "gateway")

    def _access_token(self, claims: dict[str, Any], now: datetime) -> str:
        key = self.keys.active
        return mint_token(
            issuer=self.settings.jwt_issuer,
            audience=self.settings.jwt_audience,
            ttl=self.access_lifetime,
            key=key.private_key,
            key_id=key.kid,
            now=now,
            **claims,
        )

    async def _issue_staff(
        self, uow: UnitOfWork, user: sa.Row[Any], now: datetime, family: uuid.UUID | None = None
    ) -> TokenSet:
        access = self._access_token(
            {
                "subject": user.username,
                "name": user.name,
                "roles": list(user.roles),
                "office": user.office,
                "kind": "staff",
            },
            now,
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
            sa.select(sa.func.count())
            .select_from(role_policies)
            .where(role_policies.c.role.in_(list(user.roles)), role_policies.c.totp_required)
        )
        return bool(required)

    async def password_grant(
        self, username: str, password: str, totp: str | None, now: datetime | None = None
    ) -> TokenSet:
        """Sign a staff member in (RFC 6749 §4.3), with the second factor where required."""
        now = now or datetime.now(UTC)
        async with self.uow() as uow:
            user = (
                await uow.connection.execute(
                    sa.select(users).where(users.c.username == username).with_for_update()
                )
            ).first()
            if user is not None and self.lockout.locked(user.locked_until, now):
                raise _refused(
                    "This account is locked after repeated failed sign-ins; try again later"
                    " or ask an administrator to unlock it.",
                    "locked",
                    "password",
                )
            good = await verify_secret(user.password_hash if user else None, password)
            if user is None or not good or not user.active:
                if user is not None:
                    await self._count_failure(uow, user, now)
                raise _refused("Wrong username or password.", "invalid_credentials", "password")
            step = None
            if await self._totp_required(uow, user):
                if not user.totp_secret:
                    raise _refused(
                        "Your role requires a second factor and none is enrolled;"
                        " ask an administrator to enrol your authenticator.",
                        "totp_not_enrolled",
                        "password",
                    )
                if not totp:
                    raise _refused(
                        "Enter the 6-digit code from your authenticator (field `totp`).",
                        "totp_required",
                        "password",
                    )
                step = domain.accepted_totp_step(user.totp_secret, totp, now, user.totp_last_step)
                if step is None:
                    await self._count_failure(uow, user, now)
                    raise _refused("Wrong or already used code.", "totp_invalid", "password")
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
        # The failure is kept although the sign-in is refused.
        await uow.commit()
        if locked_until is not None:
            log.warning("account locked", extra={"username": user.username})

    async def client_credentials_grant(
        self, client_id: str, client_secret: str, now: datetime | None = None
    ) -> TokenSet:
        """Sign a partner agency's system in (RFC 6749 §4.4); no refresh token."""
        now = now or datetime.now(UTC)
        async with self.uow() as uow:
            client = (
                await uow.connection.execute(
                    sa.select(clients).where(clients.c.client_id == client_id)
                )
            ).first()
        good = await verify_secret(client.secret_hash if client else None, client_secret)
        if client is None or not good or not client.active:
            raise _refused("Wrong client id or secret.", "invalid_client", "client_credentials")
        access = self._access_token(
            {
                "subject": client.client_id,
                "name": client.name,
                "roles": ["partner_agency"],
                "agency": client.agency,
                "kind": "partner",
            },
            now,
        )
        return TokenSet(access, int(self.access_lifetime.total_seconds()))

    async def refresh_grant(self, refresh_token: str, now: datetime | None = None) -> TokenSet:
        """Exchange a refresh token for new tokens; the old one is spent (rotation)."""
        now = now or datetime.now(UTC)
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
                raise _refused(f"Refresh token {verdict}; sign in again.", verdict, "refresh_token")
            user = (
                await uow.connection.execute(
                    sa.select(users).where(users.c.username == stored.username)
                )
            ).first()
            if user is None or not user.active or self.lockout.locked(user.locked_until, now):
                raise _refused("The account can no longer sign in.", "inactive", "refresh_token")
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

    async def logout(self, principal: Principal, refresh_token: str | None) -> None:
        """Revoke the access token in hand, and the sign-in its refresh token belongs to."""
        now = datetime.now(UTC)
        expires_at = datetime.fromtimestamp(principal.expires_at or now.timestamp(), UTC)
        async with self.uow() as uow:
            if principal.token_id:
                await uow.connection.execute(
                    sa.insert(revoked_tokens).values(jti=principal.token_id, expires_at=expires_at)
                )
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
        if principal.token_id:
            self.revoked.add(principal.token_id, expires_at)

    # --- people and partner clients (admin) ----------------------------------------------

    async def create_user(
        self,
        *,
        username: str,
        password: str,
        name: str,
        roles: list[str],
        office: str | None,
        check_password: bool = True,
    ) -> dict[str, Any]:
        """Add a staff member; 409 if the username is taken, 422 for a weak password."""
        if check_password and (problems := domain.password_problems(username, password)):
            raise Problem(
                "validation",
                422,
                f"The password needs {'; '.join(problems)}.",
                errors=[{"loc": ["body", "password"], "msg": p} for p in problems],
            )
        row = {
            "username": username,
            "name": name,
            "password_hash": await hash_secret(password),
            "roles": sorted(set(roles)),
            "office": office,
            "created_at": datetime.now(UTC),
        }
        try:
            async with self.uow() as uow:
                await uow.connection.execute(sa.insert(users).values(**row))
                await uow.commit()
        except IntegrityError:
            raise Problem("conflict", 409, f"The username {username!r} is taken.") from None
        return user_view(row)

    async def create_client(
        self, *, client_id: str, client_secret: str, name: str, agency: str
    ) -> dict[str, Any]:
        """Register a partner agency's system; 409 if the client id is taken."""
        row = {
            "client_id": client_id,
            "name": name,
            "agency": agency,
            "secret_hash": await hash_secret(client_secret),
            "created_at": datetime.now(UTC),
        }
        try:
            async with self.uow() as uow:
                await uow.connection.execute(sa.insert(clients).values(**row))
                await uow.commit()
        except IntegrityError:
            raise Problem("conflict", 409, f"The client id {client_id!r} is taken.") from None
        return {k: row[k] for k in ("client_id", "name", "agency", "created_at")} | {"active": True}

    async def list_users(self) -> list[dict[str, Any]]:
        """Every staff member (never a hash or a secret)."""
        async with self.uow() as uow:
            rows = (await uow.connection.execute(sa.select(users).order_by(users.c.username))).all()
        return [user_view(row._mapping) for row in rows]

    async def get_user(self, username: str) -> dict[str, Any]:
        """One staff member; 404 if unknown."""
        async with self.uow() as uow:
            row = (
                await uow.connection.execute(sa.select(users).where(users.c.username == username))
            ).first()
        if row is None:
            raise Problem("not-found", 404, f"No user {username!r}.")
        return user_view(row._mapping)

    async def list_clients(self) -> list[dict[str, Any]]:
        """Every partner client (never the secret)."""
        async with self.uow() as uow:
            rows = (
                await uow.connection.execute(sa.select(clients).order_by(clients.c.client_id))
            ).all()
        return [
            {k: row._mapping[k] for k in ("client_id", "name", "agency", "active", "created_at")}
            for row in rows
        ]

    async def unlock(self, username: str) -> dict[str, Any]:
        """Lift a lockout now."""
        async with self.uow() as uow:
            result = await uow.connection.execute(
                sa.update(users)
                .where(users.c.username == username)
                .values(failed_logins=0, locked_until=None)
            )
            if result.rowcount == 0:
                raise Problem("not-found", 404, f"No user {username!r}.")
            await uow.commit()
        return await self.get_user(username)

    async def enrol_totp(self, username: str) -> dict[str, str]:
        """Give `username` a new authenticator secret (shown once, as a secret and a URI)."""
        secret = domain.new_totp_secret()
        async with self.uow() as uow:
            result = await uow.connection.execute(
                sa.update(users)
                .where(users.c.username == username)
                .values(totp_secret=secret, totp_last_step=None)
            )
            if result.rowcount == 0:
                raise Problem("not-found", 404, f"No user {username!r}.")
            await uow.commit()
        return {
            "username": username,
            "secret": secret,
            "otpauth_uri": domain.totp_uri(secret, username),
        }

    async def set_role_policy(self, role: str, totp_required: bool) -> dict[str, Any]:
        """Require (or not) a second factor of everyone holding `role`."""
        if domain.unknown_roles([role]):
            raise Problem("not-found", 404, f"No role {role!r}.")
        async with self.uow() as uow:
            await uow.connection.execute(
                sa.delete(role_policies).where(role_policies.c.role == role)
            )
            await uow.connection.execute(
                sa.insert(role_policies).values(role=role, totp_required=totp_required)
            )
            await uow.commit()
        return {"role": role, "totp_required": totp_required}

    async def list_role_policies(self) -> list[dict[str, Any]]:
        """The roles that require a second factor."""
        async with self.uow() as uow:
            rows = (await uow.connection.execute(sa.select(role_policies))).all()
        return [dict(row._mapping) for row in rows]

    # --- first start --------------------------------------------------------------------------

    async def prepare(self) -> None:
        """On first start: the `admin` account; with SEED_DEMO the demo bureau's people."""
        password = await first_admin_password(self.database, self.settings)
        if password is not None:
            await self._add_if_absent(
                username="admin", password=password, name="系统管理员", roles=["admin"], office=None
            )
        if self.settings.seed_demo:
            await self.seed_demo(self.settings.demo_district_file)
        await self.revoked.reload(self.database)

    async def _add_if_absent(self, **user: Any) -> None:
        try:
            await self.create_user(check_password=False, **user)
        except Problem as problem:
            if problem.status != 409:
                raise

    async def seed_demo(self, district_file: Path) -> None:
        """The demo bureau's people (password `demo-<username>`) and partner clients."""
        district = json.loads(await asyncio.to_thread(district_file.read_text, encoding="utf-8"))
        async with self.uow() as uow:
            present = set(await uow.connection.scalars(sa.select(users.c.username)))
        # Hashing is slow by design (~0.25 s each here): a restart hashes nobody twice.
        for person in district["people"]:
            if person["username"] in present | {"admin"}:
                continue
            await self._add_if_absent(password=f"demo-{person['username']}", **person)
        for partner in district["partners"]:
            try:
                await self.create_client(client_secret=f"demo-{partner['client_id']}", **partner)
            except Problem as problem:
                if problem.status != 409:
                    raise
        log.info("demo bureau seeded", extra={"people": len(district["people"])})


def user_view(row: Any) -> dict[str, Any]:
    """A user as the admin API shows it."""
    return {
        "username": row["username"],
        "name": row["name"],
        "roles": list(row["roles"]),
        "office": row["office"],
        "active": bool(row.get("active", True)),
        "totp_enrolled": bool(row.get("totp_secret")),
        "locked_until": row.get("locked_until"),
        "created_at": row["created_at"],
    }
