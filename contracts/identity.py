"""Facts published by the gateway's identity administration: who gave whom which access, when.

They carry no password, hash, second-factor secret, client secret or private key: every event
is kept for good in the quality system's journal. A staff member is named by username alone.
`by` is the admin's username, or `system:<why>` when the gateway acted by itself (a username
never holds a colon, so no account can pass for it).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import Contract
from contracts.values import NonEmptyStr, UtcDateTime

__all__ = [
    "AccountLocked",
    "ClientCreated",
    "PasswordChanged",
    "PasswordReset",
    "PersonChanged",
    "RevokedToken",
    "RolePolicyChanged",
    "SigningKeyRotated",
    "TokensRevoked",
    "UserChange",
    "UserChanged",
    "UserCreated",
    "UserDeactivated",
]

UserChange = Literal["name", "roles", "office", "unlocked", "second_factor_enrolled"]


class _AdministrativeAct(Contract):
    """Who did it and when. Not a contract itself: it has no event type."""

    by: NonEmptyStr = Field(
        description="Username of the admin who did it, or `system:<why>` (e.g. `system:lockout`)"
    )
    at: UtcDateTime


class _StaffAccess(_AdministrativeAct):
    """A staff member's access as it stands after the act."""

    subject_field = "username"

    username: NonEmptyStr
    roles: tuple[NonEmptyStr, ...]
    office: NonEmptyStr | None = Field(default=None, description="The member's unit, if any")


class UserCreated(_StaffAccess):
    """A staff member's account was created with these roles."""

    event_type = "identity.user.created"


class UserChanged(_StaffAccess):
    """A staff member's account was changed: `changes` says what; roles and office as now."""

    event_type = "identity.user.changed"

    changes: tuple[UserChange, ...] = Field(
        description="What changed: name, roles, office, a lockout lifted, a second factor enrolled"
    )


class UserDeactivated(_AdministrativeAct):
    """A staff member's account was deactivated: it can no longer sign in or refresh."""

    event_type = "identity.user.deactivated"
    subject_field = "username"

    username: NonEmptyStr


class PasswordReset(_AdministrativeAct):
    """An admin reset a staff member's password: a one-time temporary password was shown to the
    admin, every sign-in of the member ended, and they choose a new password at the next."""

    event_type = "identity.user.password_reset"
    subject_field = "username"

    username: NonEmptyStr


class PasswordChanged(_AdministrativeAct):
    """A staff member changed their own password (`by` is themselves); their other sign-ins
    ended."""

    event_type = "identity.user.password_changed"
    subject_field = "username"

    username: NonEmptyStr


class AccountLocked(_AdministrativeAct):
    """Repeated failed sign-ins hold a staff member's account back (`by` the lockout): until
    `locked_until`, sign-ins from addresses the member has not signed in from lately are
    refused unless they carry a valid code of the member's authenticator. From the member's
    usual addresses they go on."""

    event_type = "identity.account.locked"
    subject_field = "username"

    username: NonEmptyStr
    failed_sign_ins: int = Field(ge=1, description="Failed sign-ins that began the hold")
    locked_until: UtcDateTime


class RolePolicyChanged(_AdministrativeAct):
    """Whether a role must sign in with a second factor (TOTP) was changed."""

    event_type = "identity.role_policy.changed"
    subject_field = "role"

    role: NonEmptyStr
    totp_required: bool = Field(description="The new policy")


class SigningKeyRotated(_AdministrativeAct):
    """A new token signing key was made: published now, it signs from `signs_from`."""

    event_type = "identity.signing_key.rotated"
    subject_field = "kid"

    kid: NonEmptyStr = Field(description="The new key's id (JWK `kid`)")
    signs_from: UtcDateTime = Field(description="When it starts signing new tokens")


class ClientCreated(_AdministrativeAct):
    """A partner agency's system was admitted: it may sign in with its client credentials."""

    event_type = "identity.client.created"
    subject_field = "client_id"

    client_id: NonEmptyStr
    name: NonEmptyStr
    agency: NonEmptyStr


class RevokedToken(BaseModel):
    """One access token refused before its expiry."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    jti: NonEmptyStr = Field(description="The token's id (JWT `jti`)")
    expires_at: UtcDateTime = Field(description="When it expires anyway: kept refused until then")


class TokensRevoked(_AdministrativeAct):
    """Access tokens of a staff member are refused from now on, by the gateway and every service.

    A logout names the token it ends; a deactivation also refuses every token the person was
    issued at or before `issued_before`, whose ids nobody knows, until `refused_until` (when the
    last of them has expired).
    """

    event_type = "identity.tokens.revoked"
    subject_field = "username"

    username: NonEmptyStr
    tokens: tuple[RevokedToken, ...] = Field(default=(), description="Token ids, each until expiry")
    issued_before: UtcDateTime | None = Field(
        default=None, description="Every token of the person issued at or before this is refused"
    )
    refused_until: UtcDateTime | None = Field(
        default=None, description="How long `issued_before` matters: the tokens' longest life"
    )


class PersonChanged(_StaffAccess):
    """A person of the bureau as they stand now: the directory entry the services keep.

    Published on every change that matters to another service's rules (created, roles or office
    changed, deactivated, a law-enforcement certificate recorded) and on first start for the
    people seeded then; the latest one about a person replaces everything known of them.
    """

    event_type = "identity.person.changed"

    active: bool = Field(description="False once deactivated: they act for nobody any more")
    certificate_number: NonEmptyStr | None = Field(
        default=None, description="Their law-enforcement certificate (执法证) number, if any"
    )
    certificate_valid_until: date | None = Field(
        default=None, description="Last day the certificate is valid, Asia/Shanghai calendar"
    )
