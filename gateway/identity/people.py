"""Administration use cases: staff members, partner clients, second-factor policies, signing
keys, first start. Each act publishes its identity event in its own transaction."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, Final, Literal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from chassis.copying import made_from
from chassis.db import holds
from chassis.errors import Conflict, NotFound, RuleViolated
from chassis.paging import page_of, resume_after
from chassis.rows import values_for
from chassis.uow import UnitOfWork
from contracts import (
    ClientCreated,
    PasswordReset,
    PersonChanged,
    RolePolicyChanged,
    SigningKeyRotated,
    UserChanged,
    UserCreated,
    UserDeactivated,
)
from contracts.identity import UserChange
from gateway.identity import domain
from gateway.identity.keys import SigningKey
from gateway.identity.passwords import common_passwords, hash_secret
from gateway.identity.tables import clients, role_policies, users
from gateway.identity.usecases import (
    Identity,
    a_role_requires_totp,
    first_admin_password,
    refuse_unsafe_policies,
)

log = logging.getLogger("shijian.gateway.identity")


@dataclass(frozen=True)
class Certificate:
    """A law-enforcement certificate (执法证): its number and last valid day."""

    number: str
    valid_until: date


@dataclass(frozen=True)
class NewStaffMember:
    """A staff member to add; `check_password` is off only for the first start's accounts."""

    username: str
    password: str
    name: str
    roles: list[str]
    office: str | None = None
    check_password: bool = True
    certificate: Certificate | None = None


@dataclass(frozen=True)
class StaffMember:
    """A staff member as the admin API shows them (never a hash or a secret)."""

    username: str
    name: str
    roles: list[str]
    office: str | None
    active: bool
    totp_enrolled: bool
    locked_until: datetime | None
    created_at: datetime
    certificate_number: str | None = None
    certificate_valid_until: date | None = None
    must_change_password: bool = False

    @classmethod
    def of(cls, row: sa.Row[Any]) -> StaffMember:
        """The member a `users` row holds."""
        return made_from(
            cls,
            row,
            roles=list(row.roles),
            active=bool(row.active),
            totp_enrolled=bool(row.totp_secret),
            must_change_password=bool(row.must_change_password),
        )


# A person's state as the admin's list filters it: `locked` while failed sign-ins hold their
# account back from unknown addresses (until locked_until), `no_second_factor` when a role
# requires an authenticator and none is enrolled (they cannot sign in at all).
StaffStatus = Literal["active", "inactive", "locked", "no_second_factor"]


@dataclass(frozen=True)
class StaffFilter:
    """Which staff members to list: `q` in the username or name (any case, the spaces around
    it ignored), holding `role`, of `office`, in `status`; a page of `limit` after `cursor`."""

    q: str | None = None
    role: str | None = None
    office: str | None = None
    status: StaffStatus | None = None
    cursor: str | None = None
    limit: int = 50


class Keep(Enum):
    """A field of a change left as it is."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP


@dataclass(frozen=True)
class StaffChange:
    """What to change of a staff member: each field not left at KEEP replaces theirs (an office
    of None: they have none)."""

    name: str | Keep = KEEP
    roles: list[str] | Keep = KEEP
    office: str | Keep | None = KEEP


@dataclass(frozen=True)
class NewPartnerClient:
    """A partner agency's system to admit."""

    client_id: str
    client_secret: str
    name: str
    agency: str


@dataclass(frozen=True)
class PartnerClient:
    """A partner client (never its secret)."""

    client_id: str
    name: str
    agency: str
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class SecondFactorPolicy:
    """Whether everyone holding `role` must sign in with a second factor."""

    role: str
    totp_required: bool


@dataclass(frozen=True)
class TemporaryPassword:
    """A one-time password after a reset, shown once: it only serves to choose a new one."""

    username: str
    temporary_password: str


@dataclass(frozen=True)
class TotpEnrolment:
    """A new authenticator secret, shown once."""

    username: str
    secret: str
    otpauth_uri: str


async def create_user(identity: Identity, new: NewStaffMember, *, by: str) -> StaffMember:
    """Add a staff member (`by`: who does it); Conflict if the username is taken, RuleViolated
    for a weak password."""
    if new.check_password and (
        problems := domain.password_problems(new.username, new.password, common_passwords())
    ):
        raise RuleViolated("password", f"needs {'; '.join(problems)}", code="weak_password")
    member = StaffMember(
        username=new.username,
        name=new.name,
        roles=sorted(set(new.roles)),
        office=new.office,
        active=True,
        totp_enrolled=False,
        locked_until=None,
        created_at=identity.clock.now(),
        certificate_number=new.certificate.number if new.certificate else None,
        certificate_valid_until=new.certificate.valid_until if new.certificate else None,
    )
    row = values_for(users, member, password_hash=await hash_secret(new.password), listed=True)
    try:
        async with identity.uow() as uow:
            await uow.connection.execute(sa.insert(users).values(**row))
            uow.emit(
                UserCreated(
                    username=member.username,
                    roles=tuple(member.roles),
                    office=member.office,
                    by=by,
                    at=member.created_at,
                )
            )
            uow.emit(person_changed(member, by=by, at=member.created_at))
            await uow.commit()
    except IntegrityError:
        raise Conflict(f"The username {new.username!r} is taken.") from None
    return member


async def create_client(identity: Identity, new: NewPartnerClient, *, by: str) -> PartnerClient:
    """Register a partner agency's system (`by`: who does it); Conflict if the client id is
    taken."""
    client = PartnerClient(new.client_id, new.name, new.agency, True, identity.clock.now())
    secret_hash = await hash_secret(new.client_secret)
    try:
        async with identity.uow() as uow:
            await uow.connection.execute(
                sa.insert(clients).values(values_for(clients, client, secret_hash=secret_hash))
            )
            uow.emit(
                ClientCreated(
                    client_id=client.client_id,
                    name=client.name,
                    agency=client.agency,
                    by=by,
                    at=client.created_at,
                )
            )
            await uow.commit()
    except IntegrityError:
        raise Conflict(f"The client id {new.client_id!r} is taken.") from None
    return client


async def list_users(
    identity: Identity, wanted: StaffFilter
) -> tuple[list[StaffMember], str | None]:
    """A page of the staff members the filter keeps, by username, and the next page's cursor."""
    statement = sa.select(users).where(*_kept_by(wanted, identity))
    if wanted.cursor is not None:
        (after,) = resume_after(wanted.cursor, str)
        statement = statement.where(users.c.username > after)
    statement = statement.order_by(users.c.username).limit(wanted.limit + 1)
    async with identity.uow() as uow:
        rows = (await uow.connection.execute(statement)).all()
    page, following = page_of(rows, wanted.limit, lambda row: (row.username,))
    return [StaffMember.of(row) for row in page], following


def _kept_by(wanted: StaffFilter, identity: Identity) -> list[sa.ColumnElement[bool]]:
    dialect = identity.database.dialect
    kept: list[sa.ColumnElement[bool]] = []
    if q := (wanted.q or "").strip():
        kept.append(
            sa.or_(
                users.c.username.icontains(q, autoescape=True),
                users.c.name.icontains(q, autoescape=True),
            )
        )
    if wanted.role is not None:
        kept.append(holds(users.c.roles, wanted.role, dialect))
    if wanted.office is not None:
        kept.append(users.c.office == wanted.office)
    if wanted.status is not None:
        kept.append(_in_status(wanted.status, identity.clock.now(), dialect))
    return kept


def _in_status(status: StaffStatus, now: datetime, dialect: str) -> sa.ColumnElement[bool]:
    # Held back while `now` is before locked_until.
    locked = sa.and_(users.c.locked_until.is_not(None), users.c.locked_until > now)
    if status == "inactive":
        return sa.not_(users.c.active)
    if status == "locked":
        return sa.and_(users.c.active, locked)
    if status == "active":
        return sa.and_(users.c.active, sa.not_(locked))
    return sa.and_(users.c.totp_secret.is_(None), a_role_requires_totp(dialect))


async def get_user(identity: Identity, username: str) -> StaffMember:
    """One staff member; NotFound if unknown."""
    async with identity.uow() as uow:
        row = (
            await uow.connection.execute(sa.select(users).where(users.c.username == username))
        ).first()
    if row is None:
        raise NotFound(f"user {username!r}")
    return StaffMember.of(row)


async def list_clients(identity: Identity) -> list[PartnerClient]:
    """Every partner client."""
    async with identity.uow() as uow:
        rows = (
            await uow.connection.execute(sa.select(clients).order_by(clients.c.client_id))
        ).all()
    return [made_from(PartnerClient, row) for row in rows]


async def _member_to_change(uow: UnitOfWork, username: str) -> sa.Row[Any]:
    row = (
        await uow.connection.execute(
            sa.select(users).where(users.c.username == username).with_for_update()
        )
    ).first()
    if row is None:
        raise NotFound(f"user {username!r}")
    return row


async def _record_change(
    identity: Identity,
    uow: UnitOfWork,
    username: str,
    changes: tuple[UserChange, ...],
    by: str,
    **values: Any,
) -> StaffMember:
    """Store the new values and publish what changed, if anything; the member as they are now."""
    changed = (
        await uow.connection.execute(
            sa.update(users).where(users.c.username == username).values(**values).returning(users)
        )
    ).one()
    member = StaffMember.of(changed)
    if changes:
        at = identity.clock.now()
        uow.emit(
            UserChanged(
                username=username,
                roles=tuple(changed.roles),
                office=changed.office,
                changes=changes,
                by=by,
                at=at,
            )
        )
        if {"roles", "office"} & set(changes):
            uow.emit(person_changed(member, by=by, at=at))
    return member


async def change_user(
    identity: Identity, username: str, change: StaffChange, *, by: str
) -> StaffMember:
    """Change a staff member's name, roles or office; NotFound if unknown. Nothing is published
    when nothing changes."""
    wanted: dict[UserChange, Any] = {}
    if change.name is not KEEP:
        wanted["name"] = change.name
    if change.roles is not KEEP:
        wanted["roles"] = sorted(set(change.roles))
    if change.office is not KEEP:
        wanted["office"] = change.office
    async with identity.uow() as uow:
        current = await _member_to_change(uow, username)
        changes = tuple(
            field for field, value in wanted.items() if current._mapping[field] != value
        )
        if not changes:
            return StaffMember.of(current)
        member = await _record_change(
            identity, uow, username, changes, by, **{field: wanted[field] for field in changes}
        )
        await uow.commit()
    return member


async def deactivate_user(identity: Identity, username: str, *, by: str) -> StaffMember:
    """Stop a staff member signing in or refreshing (their refresh tokens are revoked);
    deactivating them again changes nothing.

    NotFound if unknown; an admin cannot deactivate themselves (nobody might be left to undo it).
    """
    if username == by:
        raise RuleViolated(
            "username", "You cannot deactivate your own account.", code="self", where="path"
        )
    async with identity.uow() as uow:
        current = await _member_to_change(uow, username)
        if not current.active:
            return StaffMember.of(current)
        changed = (
            await uow.connection.execute(
                sa.update(users)
                .where(users.c.username == username)
                .values(active=False)
                .returning(users)
            )
        ).one()
        member = StaffMember.of(changed)
        at = identity.clock.now()
        uow.emit(UserDeactivated(username=username, by=by, at=at))
        uow.emit(person_changed(member, by=by, at=at))
        revoked = await identity.revoke_everything_of(uow.work, username, by)
        await uow.commit()
    identity.revoked.add(revoked)
    return member


def person_changed(member: StaffMember, *, by: str, at: datetime) -> PersonChanged:
    """The directory entry of a person as they stand now, for the services' projections."""
    return PersonChanged(
        username=member.username,
        roles=tuple(member.roles),
        office=member.office,
        active=member.active,
        certificate_number=member.certificate_number,
        certificate_valid_until=member.certificate_valid_until,
        by=by,
        at=at,
    )


async def record_certificate(
    identity: Identity, username: str, certificate: Certificate, *, by: str
) -> StaffMember:
    """Record a person's law-enforcement certificate (replacing any earlier one); NotFound if
    unknown. Published only when it changes."""
    number, valid_until = certificate.number, certificate.valid_until
    async with identity.uow() as uow:
        current = await _member_to_change(uow, username)
        if (current.certificate_number, current.certificate_valid_until) == (number, valid_until):
            return StaffMember.of(current)
        changed = (
            await uow.connection.execute(
                sa.update(users)
                .where(users.c.username == username)
                .values(certificate_number=number, certificate_valid_until=valid_until)
                .returning(users)
            )
        ).one()
        member = StaffMember.of(changed)
        uow.emit(person_changed(member, by=by, at=identity.clock.now()))
        await uow.commit()
    return member


async def reset_password(identity: Identity, username: str, *, by: str) -> TemporaryPassword:
    """Give `username` a one-time temporary password (shown once) that they must change at
    their next sign-in; every sign-in of theirs ends. NotFound if unknown; not oneself (change
    your own password instead, with the current one)."""
    if username == by:
        raise RuleViolated(
            "username",
            "Change your own password with your current one (POST /auth/password).",
            code="self",
            where="path",
        )
    temporary = domain.temporary_password()
    password_hash = await hash_secret(temporary)
    async with identity.uow() as uow:
        await _member_to_change(uow, username)
        now = identity.clock.now()
        await uow.connection.execute(
            sa.update(users)
            .where(users.c.username == username)
            .values(password_hash=password_hash, must_change_password=True)
        )
        uow.emit(PasswordReset(username=username, by=by, at=now))
        revoked = await identity.revoke_everything_of(uow.work, username, by)
        await uow.commit()
    identity.revoked.add(revoked)
    return TemporaryPassword(username, temporary)


async def unlock(identity: Identity, username: str, *, by: str) -> StaffMember:
    """Lift the hold after failed sign-ins and forget the account's failures; published only
    if it was held."""
    async with identity.uow() as uow:
        current = await _member_to_change(uow, username)
        now = identity.clock.now()
        locked = current.locked_until is not None and now < current.locked_until
        await identity.throttles.account.forget(username)
        member = await _record_change(
            identity, uow, username, ("unlocked",) if locked else (), by, locked_until=None
        )
        await uow.commit()
    return member


async def enrol_totp(identity: Identity, username: str, *, by: str) -> TotpEnrolment:
    """Give `username` a new authenticator secret (shown once, as a secret and a URI)."""
    secret = domain.new_totp_secret()
    async with identity.uow() as uow:
        await _member_to_change(uow, username)
        await _record_change(
            identity,
            uow,
            username,
            ("second_factor_enrolled",),
            by,
            totp_secret=identity.sealed_totp_secret(secret),
            totp_last_step=None,
        )
        await uow.commit()
    return TotpEnrolment(username, secret, domain.totp_uri(secret, username))


async def set_role_policy(
    identity: Identity, policy: SecondFactorPolicy, *, by: str
) -> SecondFactorPolicy:
    """Require (or not) a second factor of everyone holding the policy's role; published only
    when it changes (a role without a policy requires none)."""
    if domain.unknown_roles([policy.role]):
        raise NotFound(f"role {policy.role!r}")
    environment = identity.settings.environment
    if refusal := domain.policy_refusal(policy.role, policy.totp_required, environment):
        raise RuleViolated("totp_required", refusal, code="second_factor_required")
    async with identity.uow() as uow:
        required = await uow.connection.scalar(
            sa.select(role_policies.c.totp_required)
            .where(role_policies.c.role == policy.role)
            .with_for_update()
        )
        await uow.connection.execute(
            sa.delete(role_policies).where(role_policies.c.role == policy.role)
        )
        await uow.connection.execute(
            sa.insert(role_policies).values(values_for(role_policies, policy))
        )
        if bool(required) != policy.totp_required:
            uow.emit(
                RolePolicyChanged(
                    role=policy.role,
                    totp_required=policy.totp_required,
                    by=by,
                    at=identity.clock.now(),
                )
            )
        await uow.commit()
    return policy


async def list_role_policies(identity: Identity) -> list[SecondFactorPolicy]:
    """The roles' second-factor requirements."""
    async with identity.uow() as uow:
        rows = (await uow.connection.execute(sa.select(role_policies))).all()
    return [made_from(SecondFactorPolicy, row) for row in rows]


async def rotate_signing_key(identity: Identity, *, by: str) -> SigningKey:
    """A new signing key, published now, signing after the activation delay."""
    key = SigningKey.new(identity.clock.now())
    async with identity.uow() as uow:
        await identity.key_store.add(uow.connection, key)
        uow.emit(
            SigningKeyRotated(
                kid=key.kid, signs_from=identity.keys.signs_from(key), by=by, at=key.created_at
            )
        )
        await uow.commit()
    await identity.key_store.load()
    return key


# --- first start ------------------------------------------------------------------------------


async def prepare(identity: Identity) -> None:
    """On first start: the `admin` account, and its authenticator while it has none when
    ADMIN_TOTP_SECRET is set; with SEED_DEMO the demo bureau's people. FirstStartRefused in
    production with a role policy that lets the administrator in without a second factor."""
    settings = identity.settings
    await refuse_unsafe_policies(identity.database, settings)
    password = await first_admin_password(identity.database, settings)
    if password is not None:
        admin = NewStaffMember(
            domain.FIRST_ADMIN, password, "系统管理员", ["admin"], check_password=False
        )
        await _add_if_absent(identity, admin)
    if settings.admin_totp_secret is not None:
        secret = settings.admin_totp_secret.get_secret_value()
        await _enrol_if_none(identity, domain.FIRST_ADMIN, secret)
    if settings.seed_demo:
        await seed_demo(identity, settings.demo_district_file)
    await list_everyone(identity)


async def list_everyone(identity: Identity) -> None:
    """Publish `identity.person.changed` for the people it never told the services of (those
    from before the directory), once."""
    async with identity.uow() as uow:
        unlisted = (
            await uow.connection.execute(
                sa.select(users).where(sa.not_(users.c.listed)).with_for_update()
            )
        ).all()
        if not unlisted:
            return
        at = identity.clock.now()
        for row in unlisted:
            uow.emit(person_changed(StaffMember.of(row), by=domain.BY_START, at=at))
        await uow.connection.execute(
            sa.update(users)
            .where(users.c.username.in_([row.username for row in unlisted]))
            .values(listed=True)
        )
        await uow.commit()
    log.info("people listed in the directory", extra={"people": len(unlisted)})


async def _enrol_if_none(identity: Identity, username: str, secret: str) -> None:
    """Enrol `secret` as the authenticator of `username` unless they have one (at start)."""
    async with identity.uow() as uow:
        current = await _member_to_change(uow, username)
        if current.totp_secret:
            return
        await _record_change(
            identity,
            uow,
            username,
            ("second_factor_enrolled",),
            domain.BY_START,
            totp_secret=identity.sealed_totp_secret(secret),
            totp_last_step=None,
        )
        await uow.commit()


async def _add_if_absent(identity: Identity, new: NewStaffMember) -> None:
    with contextlib.suppress(Conflict):
        await create_user(identity, new, by=domain.BY_START)


async def seed_demo(identity: Identity, district_file: Path) -> None:
    """The demo bureau's people (password `demo-<username>`; those whose role requires a second
    factor, admin too, with the district's demo authenticator) and partner clients."""
    district = json.loads(await asyncio.to_thread(district_file.read_text, encoding="utf-8"))
    async with identity.uow() as uow:
        rows = await uow.connection.execute(sa.select(users.c.username, users.c.certificate_number))
        present = {row.username: row.certificate_number for row in rows}
    # Hashing is slow by design (~0.25 s each here): a restart hashes nobody twice.
    for person in district["people"]:
        held = person.pop("certificate", None)
        certificate = (
            Certificate(held["number"], date.fromisoformat(held["valid_until"])) if held else None
        )
        username = person["username"]
        if username in present or username == "admin":
            # A demo bureau seeded before certificates were recorded gets its officers' now.
            if certificate is not None and present.get(username) is None:
                await record_certificate(identity, username, certificate, by=domain.BY_START)
            continue
        password = f"demo-{person['username']}"
        await _add_if_absent(
            identity,
            NewStaffMember(
                password=password, check_password=False, certificate=certificate, **person
            ),
        )
    for person in district["people"]:
        if set(person["roles"]) & set(domain.SECOND_FACTOR_ROLES):
            await _enrol_if_none(identity, person["username"], district["second_factor_secret"])
    for partner in district["partners"]:
        with contextlib.suppress(Conflict):
            await create_client(
                identity,
                NewPartnerClient(client_secret=f"demo-{partner['client_id']}", **partner),
                by=domain.BY_START,
            )
    log.info("demo bureau seeded", extra={"people": len(district["people"])})
