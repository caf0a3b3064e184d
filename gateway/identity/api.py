"""Identity routes: the token endpoint, logout, me, the key set, and the admin API."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from chassis.auth import CurrentPrincipal, require_roles
from chassis.problems import PROBLEM
from gateway.identity import apikeys, people
from gateway.identity.oauth import (
    NO_STORE,
    SignInRefused,
    SignInThrottled,
    invalid_request,
    refusal_problem,
    refused_client,
    throttled_problem,
    unsupported_grant_type,
)
from gateway.identity.schemas import (
    STAFF_ROLES,
    USERNAME_PATTERN,
    CertificateIn,
    ClientCreate,
    ClientList,
    ClientOut,
    Me,
    Open311KeyCreate,
    Open311KeyIssued,
    Open311KeyList,
    PasswordChangeRequest,
    RolePolicy,
    RolePolicyChange,
    SigningKeyOut,
    StaffRole,
    TemporaryPassword,
    TokenRequest,
    TokenResponse,
    TotpEnrolment,
    UserChange,
    UserCreate,
    UserList,
    UserOut,
)
from gateway.identity.usecases import Identity, TokenSet


async def identity(request: Request) -> Identity:
    """The gateway's identity use cases (a coroutine: no thread hop per request)."""
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
        raise refused_client("Malformed Basic credentials", "malformed_basic") from None
    return client_id, secret


def _missing(grant_type: str, **fields: str | None) -> None:
    absent = [name for name, value in fields.items() if not value]
    if absent:
        raise invalid_request(f"grant_type={grant_type} needs {', '.join(absent)}", absent)


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
    """OAuth 2.0 token endpoint (RFC 6749); answers are never cached, errors carry §5.2's
    `error` beside the problem+json members."""
    limits = request.app.state.rate_limits
    await limits.hit("token", f"ip:{request.app.state.client_ip(request)}")
    try:
        tokens = await _grant(request, identity, form)
    except SignInRefused as refusal:
        raise refusal_problem(refusal) from None
    except SignInThrottled as throttled:
        raise throttled_problem(throttled) from None
    return _tokens_answer(tokens)


def _tokens_answer(tokens: TokenSet) -> JSONResponse:
    body = TokenResponse(
        access_token=tokens.access_token,
        expires_in=tokens.expires_in,
        refresh_token=tokens.refresh_token,
    )
    return JSONResponse(body.model_dump(exclude_none=True), headers=NO_STORE)


@auth.post(
    "/auth/password",
    response_model=TokenResponse,
    summary="Change your own password (after a reset, or when you like), and sign in",
    responses={400: PROBLEM, 422: PROBLEM, 429: PROBLEM},
    openapi_extra={"security": []},
)
async def change_password(
    request: Request, identity: IdentityDep, form: Annotated[PasswordChangeRequest, Form()]
) -> JSONResponse:
    """Signs in as the token endpoint's password grant does (the same throttle, the same
    refusals), sets the new password, ends the person's other sign-ins and answers tokens."""
    address = request.app.state.client_ip(request)
    await request.app.state.rate_limits.hit("token", f"ip:{address}")
    try:
        tokens = await identity.change_password(
            form.username, form.password, form.totp, form.new_password, address
        )
    except SignInRefused as refusal:
        raise refusal_problem(refusal) from None
    except SignInThrottled as throttled:
        raise throttled_problem(throttled) from None
    return _tokens_answer(tokens)


async def _grant(request: Request, identity: Identity, form: TokenRequest) -> TokenSet:
    limits = request.app.state.rate_limits
    grant_type, username, password = form.grant_type, form.username, form.password
    client_id, client_secret, refresh_token = form.client_id, form.client_secret, form.refresh_token
    if grant_type == "password":
        _missing(grant_type, username=username, password=password)
        assert username is not None and password is not None
        # No budget per username here: anyone could spend the administrator's. Failures are
        # throttled per account and per address by the use case instead.
        address = request.app.state.client_ip(request)
        return await identity.password_grant(username, password, form.totp, address)
    if grant_type == "client_credentials":
        basic = _basic_credentials(request)
        if basic is not None:
            client_id, client_secret = basic
        _missing(grant_type, client_id=client_id, client_secret=client_secret)
        assert client_id is not None and client_secret is not None
        await limits.hit("token", f"user:{client_id}")
        return await identity.client_credentials_grant(client_id, client_secret)
    if grant_type == "refresh_token":
        _missing(grant_type, refresh_token=refresh_token)
        assert refresh_token is not None
        return await identity.refresh_grant(refresh_token)
    if not grant_type:
        raise invalid_request("The token request needs grant_type", ["grant_type"])
    raise unsupported_grant_type()


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
    """After this, neither token is accepted by the gateway, nor the access token by any
    service (within seconds)."""
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
async def create_user(
    body: UserCreate, identity: IdentityDep, principal: CurrentPrincipal
) -> UserOut:
    """Add a staff member."""
    new = people.NewStaffMember(body.username, body.password, body.name, body.roles, body.office)
    return UserOut.model_validate(await people.create_user(identity, new, by=principal.subject))


@admin.get("/users", response_model=UserList, responses={422: PROBLEM})
async def list_users(
    *,
    identity: IdentityDep,
    q: Annotated[
        str | None,
        Query(max_length=200, description="In the username or the name, in any case"),
    ] = None,
    role: Annotated[
        StaffRole | None,
        Query(max_length=64, description=f"Held by them; one of {', '.join(STAFF_ROLES)}"),
    ] = None,
    office: Annotated[str | None, Query(max_length=64, examples=["office-01"])] = None,
    status: Annotated[
        people.StaffStatus | None,
        Query(
            description="`locked`: failed sign-ins hold the account back from unknown addresses;"
            " `no_second_factor`: a role requires an authenticator and none is enrolled"
        ),
    ] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> UserList:
    """Staff members in username order, a page at a time, filtered."""
    wanted = people.StaffFilter(q, role, office, status, cursor, limit)
    found, following = await people.list_users(identity, wanted)
    return UserList.model_validate({"items": found, "next_cursor": following})


@admin.get("/users/{username}", response_model=UserOut, responses={404: PROBLEM})
async def get_user(username: UsernamePath, identity: IdentityDep) -> UserOut:
    """One staff member."""
    return UserOut.model_validate(await people.get_user(identity, username))


@admin.patch("/users/{username}", response_model=UserOut, responses={404: PROBLEM, 422: PROBLEM})
async def change_user(
    username: UsernamePath, body: UserChange, identity: IdentityDep, principal: CurrentPrincipal
) -> UserOut:
    """Change a staff member's name, roles or office (the fields given); their tokens carry
    the change from their next sign-in or refresh."""
    change = people.StaffChange(**{field: getattr(body, field) for field in body.model_fields_set})
    member = await people.change_user(identity, username, change, by=principal.subject)
    return UserOut.model_validate(member)


@admin.post(
    "/users/{username}/deactivate",
    response_model=UserOut,
    responses={404: PROBLEM, 422: PROBLEM},
)
async def deactivate_user(
    username: UsernamePath, identity: IdentityDep, principal: CurrentPrincipal
) -> UserOut:
    """Stop a staff member signing in or refreshing (not yourself); the tokens in their hand
    are refused by the gateway and every service within seconds."""
    member = await people.deactivate_user(identity, username, by=principal.subject)
    return UserOut.model_validate(member)


@admin.put(
    "/users/{username}/certificate",
    response_model=UserOut,
    responses={404: PROBLEM, 422: PROBLEM},
)
async def record_certificate(
    username: UsernamePath, body: CertificateIn, identity: IdentityDep, principal: CurrentPrincipal
) -> UserOut:
    """Record a person's law-enforcement certificate (replacing any earlier one); the services
    learn it from `identity.person.changed`."""
    certificate = people.Certificate(body.number, body.valid_until)
    member = await people.record_certificate(identity, username, certificate, by=principal.subject)
    return UserOut.model_validate(member)


@admin.post(
    "/users/{username}/password-reset",
    response_model=TemporaryPassword,
    responses={404: PROBLEM, 422: PROBLEM},
)
async def reset_password(
    username: UsernamePath, identity: IdentityDep, principal: CurrentPrincipal
) -> JSONResponse:
    """A one-time temporary password for the person (shown once), to be changed at their next
    sign-in (POST /auth/password); every sign-in of theirs ends (not yourself)."""
    temporary = await people.reset_password(identity, username, by=principal.subject)
    body = TemporaryPassword.model_validate(temporary).model_dump()
    return JSONResponse(body, headers=NO_STORE)


@admin.post("/users/{username}/unlock", response_model=UserOut, responses={404: PROBLEM})
async def unlock_user(
    username: UsernamePath, identity: IdentityDep, principal: CurrentPrincipal
) -> UserOut:
    """Lift the hold after failed sign-ins (on sign-ins from addresses the person has not
    signed in from lately) and forget the account's failures."""
    return UserOut.model_validate(await people.unlock(identity, username, by=principal.subject))


@admin.post("/users/{username}/totp", response_model=TotpEnrolment, responses={404: PROBLEM})
async def enrol_totp(
    username: UsernamePath, identity: IdentityDep, principal: CurrentPrincipal
) -> JSONResponse:
    """A new authenticator secret for the user (shown once; replaces any earlier one)."""
    enrolment = await people.enrol_totp(identity, username, by=principal.subject)
    return JSONResponse(TotpEnrolment.model_validate(enrolment).model_dump(), headers=NO_STORE)


@admin.post("/clients", status_code=201, response_model=ClientOut, responses={409: PROBLEM})
async def create_client(
    body: ClientCreate, identity: IdentityDep, principal: CurrentPrincipal
) -> ClientOut:
    """Admit a partner agency's system."""
    new = people.NewPartnerClient(body.client_id, body.client_secret, body.name, body.agency)
    return ClientOut.model_validate(await people.create_client(identity, new, by=principal.subject))


@admin.get("/clients", response_model=ClientList)
async def list_clients(identity: IdentityDep) -> ClientList:
    """Every partner client."""
    return ClientList.model_validate({"items": await people.list_clients(identity)})


@admin.post(
    "/open311-keys", status_code=201, response_model=Open311KeyIssued, responses={422: PROBLEM}
)
async def issue_open311_key(body: Open311KeyCreate, identity: IdentityDep) -> JSONResponse:
    """A new API key for an Open311 client (shown once: only its hash is kept)."""
    issued = Open311KeyIssued.model_validate(await apikeys.issue(identity, body.name))
    return JSONResponse(issued.model_dump(mode="json"), status_code=201, headers=NO_STORE)


@admin.get("/open311-keys", response_model=Open311KeyList)
async def list_open311_keys(identity: IdentityDep) -> Open311KeyList:
    """Every Open311 key issued, revoked ones included (never the keys themselves)."""
    return Open311KeyList.model_validate({"items": await apikeys.list_keys(identity)})


@admin.delete("/open311-keys/{key_id}", status_code=204, responses={404: PROBLEM})
async def revoke_open311_key(key_id: uuid.UUID, identity: IdentityDep) -> Response:
    """Revoke a key: it stops working at once."""
    await apikeys.revoke(identity, key_id)
    return Response(status_code=204)


@admin.get("/role-policies", response_model=list[RolePolicy])
async def list_role_policies(identity: IdentityDep) -> list[RolePolicy]:
    """The roles' second-factor requirements."""
    return [RolePolicy.model_validate(p) for p in await people.list_role_policies(identity)]


@admin.put(
    "/role-policies/{role}", response_model=RolePolicy, responses={404: PROBLEM, 422: PROBLEM}
)
async def set_role_policy(
    role: RolePath, body: RolePolicyChange, identity: IdentityDep, principal: CurrentPrincipal
) -> RolePolicy:
    """Require, or stop requiring, a second factor of a role (in production, never dropped for
    admin: 422)."""
    policy = people.SecondFactorPolicy(role, body.totp_required)
    changed = await people.set_role_policy(identity, policy, by=principal.subject)
    return RolePolicy.model_validate(changed)


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
async def rotate_signing_key(
    request: Request, identity: IdentityDep, principal: CurrentPrincipal
) -> SigningKeyOut:
    """Rotate: a new key, published now, signs after the activation delay; the old one stays
    published until the tokens it signed have expired."""
    keys = identity.keys
    key = await people.rotate_signing_key(identity, by=principal.subject)
    request.app.state.verifier.replace_keys(keys.public_keys())
    return SigningKeyOut(
        kid=key.kid,
        created_at=key.created_at,
        signs_from=keys.signs_from(key),
        active=keys.active.kid == key.kid,
    )
