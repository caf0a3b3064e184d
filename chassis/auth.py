"""Token verification: the Principal behind a request, from a signed JWT, and role checks."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from chassis.problems import Problem
from chassis.revocation import Revocations
from chassis.settings import Settings

log = logging.getLogger("shijian.auth")

ALLOWED_ALGORITHMS = ("EdDSA", "ES256")
# Explicit typing (RFC 8725 §3.11): staff and partner tokens can never pass for each other.
TOKEN_TYPES: dict[str, Literal["staff", "partner"]] = {
    "staff-at+jwt": "staff",
    "partner-at+jwt": "partner",
}
# Every role, in the order the access matrix (docs/access.md) shows them.
ROLE_ORDER = (
    "licensing_clerk",
    "grid_inspector",
    "office_head",
    "enforcement_officer",
    "complaints_handler",
    "station_staff",
    "qms_manager",
    "auditor",
    "admin",
    "partner_agency",
    "open311_client",
)
ROLES = frozenset(ROLE_ORDER)
# The roles of systems, never of people: a partner agency's client, an Open311 API key's holder.
PARTNER_ROLES = frozenset({"partner_agency", "open311_client"})
DEV_KEY_ID = "dev"
DEV_KEY_PATH = Path(__file__).parent / "devkey" / "ed25519-dev.pem"
_JWKS_REFRESH_SECONDS = 30.0
# A key set older than this is fetched again before it is used.
_JWKS_MAX_AGE_SECONDS = 300.0
CLOCK_SKEW_SECONDS = 30
# Tokens already verified, kept so that a clerk's next request skips the signature and claims
# checks (3–5 % of each process' samples under bench.flow, 15 % of the gateway's in an outside
# py-spy of bench.gateway).
VERIFIED_TOKENS_KEPT = 4096


@dataclass(frozen=True)
class Principal:
    """Who is calling: a staff member or a partner agency, with roles and office."""

    subject: str
    name: str
    roles: frozenset[str]
    kind: Literal["staff", "partner"]
    office: str | None = None
    agency: str | None = None
    token_id: str | None = None
    expires_at: int | None = None
    issued_at: int | None = None

    def has_any(self, *roles: str) -> bool:
        """Whether the principal holds at least one of `roles`."""
        return not self.roles.isdisjoint(roles)


def _unauthenticated(detail: str) -> Problem:
    return Problem("unauthenticated", 401, detail, headers={"WWW-Authenticate": "Bearer"})


def dev_private_key() -> Ed25519PrivateKey:
    """The development signing key (accepted only outside production)."""
    key = load_pem_private_key(DEV_KEY_PATH.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def sign_token(
    *,
    subject: str,
    roles: list[str] | tuple[str, ...],
    key: Any,
    key_id: str,
    issuer: str,
    audience: str,
    ttl: timedelta,
    kind: Literal["staff", "partner"] = "staff",
    name: str | None = None,
    office: str | None = None,
    agency: str | None = None,
    algorithm: str = "EdDSA",
    now: datetime | None = None,
) -> str:
    """Sign an access token with `key` (the gateway's signing key, or the development key)."""
    issued = now or datetime.now(UTC)
    claims = {
        "sub": subject,
        "name": name or subject,
        "roles": list(roles),
        "office": office,
        "agency": agency,
        "iss": issuer,
        "aud": audience,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    typ = next(t for t, k in TOKEN_TYPES.items() if k == kind)
    return jwt.encode(claims, key, algorithm=algorithm, headers={"typ": typ, "kid": key_id})


def _keys_from_jwks(document: dict[str, Any]) -> dict[str, Any]:
    keys: dict[str, Any] = {}
    for entry in document.get("keys", []):
        jwk = jwt.PyJWK.from_dict(entry)
        keys[entry.get("kid") or f"key-{len(keys)}"] = jwk.key
    return keys


def _static_keys(settings: Settings) -> dict[str, Any]:
    text = (settings.jwt_public_keys or "").strip()
    if text.startswith("{"):
        return _keys_from_jwks(json.loads(text))
    if text:
        return {"configured": load_pem_public_key(text.encode())}
    if settings.trusts_development_key:
        return {DEV_KEY_ID: dev_private_key().public_key()}
    return {}


async def _fetch_jwks(url: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=5.0) as client:
        response = await client.get(url)
        response.raise_for_status()
    return _keys_from_jwks(response.json())


class TokenVerifier:
    """Checks signature, algorithm, `typ`, `exp`, `iss` and `aud`, and that the token is not
    revoked; keys from settings, from JWKS, or from `fetch_keys` (the gateway's database)."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        keys: dict[str, Any],
        jwks_url: str | None = None,
        fetch_keys: Callable[[], Awaitable[dict[str, Any]]] | None = None,
        refetch_seconds: float = _JWKS_REFRESH_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer
        self._monotonic = monotonic
        self.audience = audience
        self._configured = dict(keys)
        self._keys = dict(keys)
        self._jwks_url = jwks_url
        self._fetch = fetch_keys or (partial(_fetch_jwks, jwks_url) if jwks_url else None)
        self._refetch_seconds = refetch_seconds
        self._fetched_at: float | None = None  # never yet
        self._lock = asyncio.Lock()
        self.revocations = Revocations()
        # token → (its Principal, the key object that verified it, its `exp`), least recently
        # used first.
        self._verified: OrderedDict[str, tuple[Principal, Any, int]] = OrderedDict()

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenVerifier:
        """A verifier configured from the process settings."""
        return cls(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            keys=_static_keys(settings),
            jwks_url=settings.jwks_url,
        )

    def replace_keys(self, keys: dict[str, Any]) -> None:
        """Verify with exactly `keys` from now on (the gateway, after reading its keys)."""
        self._keys = dict(keys)

    def _age(self) -> float:
        """Seconds since the key set was last fetched (infinite before the first fetch)."""
        return math.inf if self._fetched_at is None else self._monotonic() - self._fetched_at

    def _stale(self) -> bool:
        return self._jwks_url is not None and self._age() > _JWKS_MAX_AGE_SECONDS

    async def _refresh(self, kid: str | None) -> None:
        if self._fetch is None:
            return
        # Callers wait for a fetch in flight (the first requests after start all need it), and
        # the key set is fetched at most every `refetch_seconds`, so a forged `kid` cannot
        # hammer the gateway.
        async with self._lock:
            if (kid in self._keys and not self._stale()) or self._age() < self._refetch_seconds:
                return
            self._fetched_at = self._monotonic()
            fetched = await self._fetch()
            # Replaced, not extended: a key the gateway retired stops being trusted here too.
            self._keys = self._configured | fetched

    async def _key(self, kid: str | None) -> Any:
        if kid not in self._keys or self._stale():
            try:
                await self._refresh(kid)
            except (httpx.HTTPError, ValueError, OSError) as error:
                if kid not in self._keys:
                    raise Problem("unavailable", 503, f"Key set unreachable: {error}") from error
                # The keys in hand stay trusted while the gateway cannot be asked.
                log.warning("key set unreachable", extra={"error": repr(error)})
        if kid in self._keys:
            return self._keys[kid]
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        raise _unauthenticated("Token signed by an unknown key")

    async def verify(self, token: str) -> Principal:
        """The Principal of a valid access token; a 401 Problem otherwise.

        A token verified before is taken from memory while it is unexpired, the key that
        verified it is still trusted and the key set is not due a refresh; revocation is
        checked every time.
        """
        principal = self._remembered(token)
        if principal is None:
            principal = await self._verify_signed(token)
        if self.revocations.refuses(principal):
            raise _unauthenticated("Token revoked")
        return principal

    def _remembered(self, token: str) -> Principal | None:
        kept = self._verified.get(token)
        if kept is None:
            return None
        principal, key, expires = kept
        if (
            time.time() >= expires + CLOCK_SKEW_SECONDS  # as jwt.decode refuses it
            or self._stale()
            or all(trusted is not key for trusted in self._keys.values())
        ):
            del self._verified[token]
            return None
        self._verified.move_to_end(token)
        return principal

    async def _verify_signed(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise _unauthenticated("Malformed token") from None
        algorithm = header.get("alg")
        if algorithm not in ALLOWED_ALGORITHMS:
            raise _unauthenticated(f"Token algorithm {algorithm!r} is not accepted")
        kind = TOKEN_TYPES.get(str(header.get("typ")))
        if kind is None:
            raise _unauthenticated("Not an access token (typ)")
        key = await self._key(header.get("kid"))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
                # The gateway's and the services' clocks may differ by a few seconds.
                leeway=CLOCK_SKEW_SECONDS,
            )
        except jwt.ExpiredSignatureError:
            raise _unauthenticated("Token expired") from None
        except jwt.InvalidTokenError as error:
            raise _unauthenticated(f"Invalid token: {error}") from None
        principal = _principal(claims, kind)
        self._verified[token] = (principal, key, int(claims["exp"]))
        if len(self._verified) > VERIFIED_TOKENS_KEPT:
            self._verified.popitem(last=False)
        return principal


def _principal(claims: dict[str, Any], kind: Literal["staff", "partner"]) -> Principal:
    roles = claims.get("roles") or []
    if not isinstance(roles, list) or not set(roles) <= ROLES:
        raise _unauthenticated("Token carries unknown roles")
    # A partner token carries one partner role and nothing else; a staff token carries none.
    partner_roles = PARTNER_ROLES.intersection(roles)
    if (kind == "partner" and (len(roles) != 1 or not partner_roles)) or (
        kind == "staff" and partner_roles
    ):
        raise _unauthenticated("Token roles do not match its type")
    return Principal(
        subject=str(claims["sub"]),
        name=str(claims.get("name") or claims["sub"]),
        roles=frozenset(roles),
        kind=kind,
        office=claims.get("office"),
        agency=claims.get("agency"),
        token_id=claims.get("jti"),
        expires_at=int(claims["exp"]),
        issued_at=int(claims["iat"]),
    )


async def principal_of(request: Request) -> Principal:
    """The Principal of the request's bearer token, or a 401 Problem."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _unauthenticated("Missing bearer token")
    verifier: TokenVerifier = request.app.state.verifier
    principal = await verifier.verify(token.strip())
    request.state.principal = principal
    return principal


# Declared as a security scheme so that the OpenAPI marks every protected operation.
_bearer = HTTPBearer(auto_error=False, scheme_name="HTTPBearer", bearerFormat="JWT")


async def authenticated(
    request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """FastAPI dependency: the Principal of the request's bearer token, or 401."""
    return await principal_of(request)


CurrentPrincipal = Annotated[Principal, Depends(authenticated)]


def require_roles(*roles: str) -> Any:
    """FastAPI dependency: the Principal if it holds one of `roles`, else 403."""
    unknown = set(roles) - ROLES
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if not principal.has_any(*roles):
            raise Problem("forbidden", 403, f"Requires one of the roles: {', '.join(roles)}")
        return principal

    return Depends(dependency)


async def _partner_client(principal: CurrentPrincipal) -> Principal:
    if principal.kind != "partner" or principal.agency is None:
        raise Problem("forbidden", 403, "Only a partner agency's client token may do this")
    if not principal.has_any("partner_agency"):
        raise Problem("forbidden", 403, "Requires the role partner_agency")
    return principal


PartnerPrincipal = Annotated[Principal, Depends(_partner_client)]
"""A partner agency's client (a partner token naming its agency, role partner_agency); else 403."""
