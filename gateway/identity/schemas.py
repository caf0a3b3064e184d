"""Request and response models of the identity routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from chassis.auth import PARTNER_ROLES, ROLES
from chassis.schemas import RequestModel

USERNAME_PATTERN = r"^[a-z][a-z0-9._-]{1,63}$"
Username = Annotated[str, Field(pattern=USERNAME_PATTERN, examples=["inspector01"])]
ClientId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9._-]{1,63}$", examples=["health"])]
Office = Annotated[str, Field(min_length=1, max_length=64, examples=["office-01"])]
STAFF_ROLES = sorted(ROLES - PARTNER_ROLES)
# Where each role of systems is given instead, to tell an admin who tries to give it a person.
GIVEN_TO_SYSTEMS = {
    "partner_agency": "partner clients (POST /api/admin/clients)",
    "open311_client": "Open311 API keys (POST /api/admin/open311-keys)",
}


def _staff_roles(roles: list[str]) -> list[str]:
    for role in roles:
        if role in GIVEN_TO_SYSTEMS:
            raise ValueError(
                f"{role} is never a person's role: it belongs to {GIVEN_TO_SYSTEMS[role]}"
            )
    unknown = sorted(set(roles) - set(STAFF_ROLES))
    if unknown:
        raise ValueError(f"unknown staff roles {unknown}; one of {STAFF_ROLES}")
    return roles


def _staff_role(role: str) -> str:
    _staff_roles([role])
    return role


StaffRoles = Annotated[list[str], Field(min_length=1), AfterValidator(_staff_roles)]
StaffRole = Annotated[str, AfterValidator(_staff_role)]
PersonName = Annotated[str, Field(min_length=1, max_length=200)]


class TokenRequest(RequestModel):
    """The token endpoint's form (RFC 6749 §4.3, §4.4, §6); which fields depends on the grant."""

    # Required, but checked by the endpoint: its absence is RFC 6749's `invalid_request` (400).
    grant_type: str | None = Field(
        default=None, examples=["password", "client_credentials", "refresh_token"]
    )
    username: str | None = None
    password: str | None = None
    totp: str | None = Field(
        default=None, description="6-digit code where a second factor is required"
    )
    client_id: str | None = None
    client_secret: str | None = None
    refresh_token: str | None = None


class PasswordChangeRequest(RequestModel):
    """A person's own password change: signing in with the current password (and code, where
    required) and choosing a new one."""

    username: str = Field(max_length=64)
    password: str = Field(max_length=200, description="The current (or temporary) password")
    new_password: str = Field(max_length=200, description="At least 12 characters, not common")
    totp: str | None = Field(
        default=None, max_length=10, description="6-digit code where a second factor is required"
    )


class TemporaryPassword(BaseModel):
    """A one-time password after a reset, shown once: it only serves to choose a new one at
    the next sign-in (POST /auth/password)."""

    model_config = ConfigDict(from_attributes=True)

    username: str
    temporary_password: str


class TokenResponse(BaseModel):
    """RFC 6749 §5.1."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the token type, not a secret
    expires_in: int
    refresh_token: str | None = None


class Me(BaseModel):
    """Who the token in hand says the caller is."""

    sub: str
    name: str
    kind: str
    roles: list[str]
    office: str | None
    agency: str | None
    expires_at: int | None


class UserCreate(RequestModel):
    """A staff member to add."""

    username: Username
    password: str = Field(min_length=1, max_length=200)
    name: PersonName
    roles: StaffRoles
    office: Office | None = None


class UserChange(RequestModel):
    """What to change of a staff member: the fields given replace theirs, the others stay;
    `"office": null` leaves them without an office."""

    name: PersonName | None = None
    roles: StaffRoles | None = None
    office: Office | None = None

    @field_validator("name", "roles")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Only a value given is checked: a field left out keeps its value.
        if value is None:
            raise ValueError("cannot be null: leave it out to keep the current value")
        return value


class UserOut(BaseModel):
    """A staff member as the admin sees them (no hash, no second-factor secret)."""

    model_config = ConfigDict(from_attributes=True)

    username: str
    name: str
    roles: list[str]
    office: str | None
    active: bool
    totp_enrolled: bool
    locked_until: datetime | None = Field(
        description="Until when failed sign-ins hold the account back from addresses the person"
        " has not signed in from lately (`null`: not held)"
    )
    created_at: datetime
    certificate_number: str | None = None
    certificate_valid_until: date | None = None
    must_change_password: bool = Field(
        description="Reset by an admin: the next sign-in must choose a new password"
    )


class CertificateIn(RequestModel):
    """A law-enforcement certificate (执法证) to record: a case handler must hold a valid one."""

    number: str = Field(pattern=r"^[0-9A-Za-z-]{4,32}$", examples=["51010621000123"])
    valid_until: date = Field(description="Its last valid day, Asia/Shanghai calendar")


class UserList(BaseModel):
    """Staff members."""

    items: list[UserOut]
    next_cursor: str | None = None


class ClientCreate(RequestModel):
    """A partner agency's system to admit."""

    client_id: ClientId
    client_secret: str = Field(min_length=12, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    agency: str = Field(pattern=r"^[a-z][a-z0-9_-]{1,63}$", examples=["health"])


class ClientOut(BaseModel):
    """A partner client (never its secret)."""

    model_config = ConfigDict(from_attributes=True)

    client_id: str
    name: str
    agency: str
    active: bool
    created_at: datetime


class ClientList(BaseModel):
    """Partner clients."""

    items: list[ClientOut]
    next_cursor: str | None = None


class TotpEnrolment(BaseModel):
    """A new authenticator secret, shown once."""

    model_config = ConfigDict(from_attributes=True)

    username: str
    secret: str
    otpauth_uri: str


class RolePolicy(BaseModel):
    """Whether a role must sign in with a second factor."""

    model_config = ConfigDict(from_attributes=True)

    role: str
    totp_required: bool


class RolePolicyChange(RequestModel):
    """The new policy of a role."""

    totp_required: bool


class SigningKeyOut(BaseModel):
    """A published signing key."""

    kid: str
    created_at: datetime
    signs_from: datetime
    active: bool


class Open311KeyCreate(RequestModel):
    """An Open311 client to give an API key: its name becomes the subject `open311:<name>`."""

    name: ClientId


class Open311KeyOut(BaseModel):
    """An Open311 API key as listed (never the key itself)."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    created_at: datetime
    revoked_at: datetime | None


class Open311KeyIssued(BaseModel):
    """A new Open311 API key: `api_key` is shown this once and never stored."""

    model_config = ConfigDict(from_attributes=True)

    api_key: str
    id: UUID
    name: str
    created_at: datetime


class Open311KeyList(BaseModel):
    """Open311 API keys, revoked ones included."""

    items: list[Open311KeyOut]
