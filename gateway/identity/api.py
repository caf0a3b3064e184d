"""Identity routes: the token endpoint, logout, me, the key set, and the admin API."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request, Response
from fastapi.responses import JSONResponse

from chassis.auth import CurrentPrincipal, require_roles
from chassis.problems import PROBLEM_MEDIA_TYPE, Problem
from gateway.identity.schemas import (
    USERNAME_PATTERN,
    ClientCreate,
    ClientList,
    ClientOut,
    Me,
    RolePolicy,
    RolePolicyChange,
    SigningKeyOut,
    TokenRequest,
    TokenResponse,
    TotpEnrolment,
    UserCreate,
    UserList,
    UserOut,
)
from gateway.identity.usecases import Identity, TokenSet

PROBLEM: dict[str, Any] = {"content": {PROBLEM_MEDIA_TYPE: {}}}
# RFC 6749 §5.1: token responses are never cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def identity(request: Request) -> Identity:
    """The gateway's identity use cases."""
    found: Identity = request.app.state.identity
    return found


IdentityDep = Annotated[Identity, Depends(identity)]
UsernamePath = Annotated[str, Path(pattern=USERNAME_PATTERN, examples=["inspector01"])]
RolePath = Annotated[str, Path(pattern=r"^[a-z_]{1,64}$", examples=["enforcement_officer"])]
auth = APIRouter(tags=["identity"])
admin = APIRouter(
    prefix="/api/admin",
    tags=["administration"],
    dependencies=[require_roles("admin")],
    responses={401: PROBLEM, 403: PROBLEM},
)


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    # RFC 6749 §2.3.1: a client may authenticate with HTTP Basic instead of form fields.
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise Problem("unauthenticated", 401, "Malformed Basic credentials") from None
    return client_id, secret


def _missing(grant_type: str, **fields: str | None) -> None:
    absent = [name for name, value in fields.items() if not value]
    if absent:
        raise Problem(
            "validation",
            400,
            f"grant_type={grant_type} needs {', '.join(absent)}",
            error="invalid_request",
            errors=[{"loc": ["body", name], "msg": "Field required"} for name in absent],
        )


@auth.post(
    "/auth/token",
    response_model=TokenResponse,
    summary="Sign in: password (staff), client_credentials (partners), refresh_token",
    responses={400: PROBLEM, 401: PROBLEM, 429: PROBLEM},
    openapi_extra={"security": []},
)
async def token(
    request: Request, identity: IdentityDep, form: Annotated[TokenRequest, Form()]
) -> JSONResponse:
    """OAuth 2.0 token endpoint (RFC 6749); answers are never cached."""
    limits = request.app.state.rate_limits
    await limits.hit("token", f"ip:{request.app.state.client_ip(request)}")
    grant_type, username, password = form.grant_type, form.username, form.password
    client_id, client_secret, refresh_token = form.client_id, form.client_secret, form.refresh_token
    tokens: TokenSet
    if grant_type == "password":
        _missing(grant_type, username=username, password=password)
        assert username is not None and password is not None
        await limits.hit("token", f"user:{username}")
        tokens = await identity.password_grant(username, password, form.totp)
    elif grant_type == "client_credentials":
        basic = _basic_credentials(request)
        if basic is not None:
            client_id, client_secret = basic
        _missing(grant_type, client_id=client_id, client_secret=client_secret)
        assert client_id is not None and client_secret is not None
        await limits.hit("token", f"user:{client_id}")
        tokens = await identity.client_credentials_grant(client_id, client_secret)
    elif grant_type == "refresh_token":
        _missing(grant_type, refresh_token=refresh_token)
        assert refresh_token is not None
        tokens = await identity.refresh_grant(refresh_token)
    else:
        raise Problem(
            "validation",
            400,
            "grant_type must be password, client_credentials or refresh_token",
            error="unsupported_grant_type",
        )
    body = TokenResponse(
        access_token=tokens.access_token,
        expires_in=tokens.expires_in,
        refresh_token=tokens.refresh_token,
    )
    return JSONResponse(body.model_dump(exclude_none=True), headers=NO_STORE)


@auth.post(
    "/auth/logout",
    status_code=204,
    summary="Revoke the access token in hand and, if given, its refresh token",
    responses={401: PROBLEM},
)
async def logout(
    principal: CurrentPrincipal,
    identity: IdentityDep,
    refresh_token: Annotated[str | None, Form()] = None,
) -> Response:
    """After this, neither token is accepted by the gateway."""
    await identity.logout(principal, refresh_token)
    return Response(status_code=204)


@auth.get("/auth/me", response_model=Me, responses={401: PROBLEM})
async def me(principal: CurrentPrincipal) -> Me:
    """The caller as the token says."""
    return Me(
        sub=principal.subject,
        name=principal.name,
        kind=principal.kind,
        roles=sorted(principal.roles),
        office=principal.office,
        agency=principal.agency,
        expires_at=principal.expires_at,
    )


@auth.get(
    "/.well-known/jwks.json", summary="Keys to verify tokens with", openapi_extra={"security": []}
)
async def jwks(identity: IdentityDep) -> JSONResponse:
    """Every key a still-valid token may be signed with (RFC 7517)."""
    return JSONResponse(identity.keys.jwks(), headers={"Cache-Control": "public, max-age=60"})


@admin.post(
    "/users", status_code=201, response_model=UserOut, responses={409: PROBLEM, 422: PROBLEM}
)
async def create_user(body: UserCreate, identity: IdentityDep) -> dict[str, Any]:
    """Add a staff member."""
    return await identity.create_user(**body.model_dump())


@admin.get("/users", response_model=UserList)
async def list_users(identity: IdentityDep) -> dict[str, Any]:
    """Every staff member."""
    return {"items": await identity.list_users(), "next_cursor": None}


@admin.get("/users/{username}", response_model=UserOut, responses={404: PROBLEM})
async def get_user(username: UsernamePath, identity: IdentityDep) -> dict[str, Any]:
    """One staff member."""
    return await identity.get_user(username)


@admin.post("/users/{username}/unlock", response_model=UserOut, responses={404: PROBLEM})
async def unlock_user(username: UsernamePath, identity: IdentityDep) -> dict[str, Any]:
    """Lift a lockout after failed sign-ins."""
    return await identity.unlock(username)


@admin.post("/users/{username}/totp", response_model=TotpEnrolment, responses={404: PROBLEM})
async def enrol_totp(username: UsernamePath, identity: IdentityDep) -> JSONResponse:
    """A new authenticator secret for the user (shown once; replaces any earlier one)."""
    enrolment = await identity.enrol_totp(username)
    return JSONResponse(enrolment, headers=NO_STORE)


@admin.post("/clients", status_code=201, response_model=ClientOut, responses={409: PROBLEM})
async def create_client(body: ClientCreate, identity: IdentityDep) -> dict[str, Any]:
    """Admit a partner agency's system."""
    return await identity.create_client(**body.model_dump())


@admin.get("/clients", response_model=ClientList)
async def list_clients(identity: IdentityDep) -> dict[str, Any]:
    """Every partner client."""
    return {"items": await identity.list_clients(), "next_cursor": None}


@admin.get("/role-policies", response_model=list[RolePolicy])
async def list_role_policies(identity: IdentityDep) -> list[dict[str, Any]]:
    """The roles' second-factor requirements."""
    return await identity.list_role_policies()


@admin.put("/role-policies/{role}", response_model=RolePolicy, responses={404: PROBLEM})
async def set_role_policy(
    role: RolePath, body: RolePolicyChange, identity: IdentityDep
) -> dict[str, Any]:
    """Require, or stop requiring, a second factor of a role."""
    return await identity.set_role_policy(role, body.totp_required)


@admin.get("/signing-keys", response_model=list[SigningKeyOut])
async def list_signing_keys(request: Request, identity: IdentityDep) -> list[SigningKeyOut]:
    """The published signing keys; the newest signs."""
    active = identity.keys.active.kid
    return [
        SigningKeyOut(
            kid=key.kid,
            created_at=key.created_at,
            signs_from=identity.keys.signs_from(key),
            active=key.kid == active,
        )
        for key in identity.keys.published()
    ]


@admin.post("/signing-keys", status_code=201, response_model=SigningKeyOut)
async def rotate_signing_key(request: Request, identity: IdentityDep) -> SigningKeyOut:
    """Rotate: a new key, published now, signs after the activation delay; the old one stays
    published until the tokens it signed have expired."""
    keys = identity.keys
    key = keys.rotate()
    request.app.state.verifier.replace_keys(keys.public_keys())
    return SigningKeyOut(
        kid=key.kid,
        created_at=key.created_at,
        signs_from=keys.signs_from(key),
        active=keys.active.kid == key.kid,
    )
