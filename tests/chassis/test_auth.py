"""Only a valid, well-typed token from a trusted key gets in; roles are then checked."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI

from chassis.auth import CLOCK_SKEW_SECONDS, DEV_KEY_ID, TokenVerifier, dev_private_key
from chassis.problems import Problem
from contracts.identity import RevokedToken, TokensRevoked
from services.complaints.app import spec as complaints
from services.enforcement.app import spec as enforcement
from services.licensing.app import spec as licensing
from services.qms.app import spec as qms
from services.supervision.app import spec as supervision
from tests.conftest import serving
from tests.tokens import mint_token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims_of(role: str) -> dict[str, object]:
    """Claims the gateway would sign for subject `c` holding `role` (valid until 2096)."""
    return {
        "sub": "c",
        "roles": [role],
        "iss": "shijian-gateway",
        "aud": "shijian",
        "iat": 1,
        "exp": 4_000_000_000,
    }


async def assert_unauthenticated(response: httpx.Response, detail: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/unauthenticated"
    assert body["status"] == 401
    assert detail.lower() in body["detail"].lower()
    assert response.headers["www-authenticate"] == "Bearer"


async def test_missing_token_is_401(probe: httpx.AsyncClient) -> None:
    await assert_unauthenticated(await probe.get("/protected"), "missing bearer token")
    await assert_unauthenticated(
        await probe.get("/protected", headers={"Authorization": "Basic abc"}), "missing"
    )


async def test_valid_token_with_role_is_let_in(probe: httpx.AsyncClient) -> None:
    token = mint_token(subject="clerk-1", roles=["licensing_clerk"], office="O01")
    response = await probe.get("/protected", headers=bearer(token))
    assert response.status_code == 200
    assert response.json() == {"subject": "clerk-1", "roles": ["licensing_clerk"]}


async def test_valid_token_without_the_role_is_403(probe: httpx.AsyncClient) -> None:
    token = mint_token(subject="inspector-1", roles=["grid_inspector"])
    response = await probe.get("/protected", headers=bearer(token))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/forbidden"
    assert "licensing_clerk" in response.json()["detail"]


async def test_expired_token_is_401(probe: httpx.AsyncClient) -> None:
    token = mint_token(
        subject="clerk-1",
        roles=["licensing_clerk"],
        now=datetime.now(UTC) - timedelta(hours=1),
        ttl=timedelta(minutes=15),
    )
    await assert_unauthenticated(await probe.get("/protected", headers=bearer(token)), "expired")


async def test_a_clock_a_few_seconds_behind_the_gateways_is_tolerated(
    probe: httpx.AsyncClient,
) -> None:
    def expired(ago: timedelta) -> str:
        ttl = timedelta(minutes=15)
        now = datetime.now(UTC) - ttl - ago
        return mint_token(subject="clerk-1", roles=["licensing_clerk"], now=now, ttl=ttl)

    assert (
        await probe.get("/protected", headers=bearer(expired(timedelta(seconds=10))))
    ).is_success
    await assert_unauthenticated(
        await probe.get("/protected", headers=bearer(expired(timedelta(seconds=45)))), "expired"
    )


async def test_bad_signature_is_401(probe: httpx.AsyncClient) -> None:
    forged = mint_token(
        subject="clerk-1", roles=["licensing_clerk"], key=Ed25519PrivateKey.generate()
    )
    await assert_unauthenticated(
        await probe.get("/protected", headers=bearer(forged)), "invalid token"
    )
    # A genuine token whose payload was edited after signing.
    header, _, signature = mint_token(subject="c", roles=["licensing_clerk"]).split(".")
    payload = b64(claims_of("admin"))
    await assert_unauthenticated(
        await probe.get("/protected", headers=bearer(f"{header}.{payload}.{signature}")),
        "invalid token",
    )


async def test_alg_none_is_401(probe: httpx.AsyncClient) -> None:
    claims = claims_of("licensing_clerk")
    for alg in ("none", "None", "NONE"):
        token = f"{b64({'alg': alg, 'typ': 'staff-at+jwt'})}.{b64(claims)}."
        await assert_unauthenticated(
            await probe.get("/protected", headers=bearer(token)), "algorithm"
        )


async def test_hmac_with_the_public_key_is_401(probe: httpx.AsyncClient) -> None:
    # Algorithm confusion: an HS256 token keyed with the (public) verification key.
    public = dev_private_key().public_key().public_bytes_raw()
    claims = claims_of("admin")
    token = jwt.encode(claims, public, algorithm="HS256", headers={"typ": "staff-at+jwt"})
    await assert_unauthenticated(await probe.get("/protected", headers=bearer(token)), "algorithm")


async def test_wrong_audience_or_issuer_is_401(probe: httpx.AsyncClient) -> None:
    token = mint_token(subject="c", roles=["licensing_clerk"], audience="another-system")
    await assert_unauthenticated(await probe.get("/protected", headers=bearer(token)), "audience")
    token = mint_token(subject="c", roles=["licensing_clerk"], issuer="someone-else")
    await assert_unauthenticated(await probe.get("/protected", headers=bearer(token)), "issuer")


async def test_wrong_typ_is_401(probe: httpx.AsyncClient) -> None:
    claims = {
        "sub": "c",
        "roles": ["licensing_clerk"],
        "iss": "shijian-gateway",
        "aud": "shijian",
        "iat": int(datetime.now(UTC).timestamp()),
        "exp": int(datetime.now(UTC).timestamp()) + 600,
    }
    for typ in ("JWT", "refresh+jwt", None):
        headers = {"kid": "dev"} | ({"typ": typ} if typ else {})
        token = jwt.encode(claims, dev_private_key(), algorithm="EdDSA", headers=headers)
        await assert_unauthenticated(await probe.get("/protected", headers=bearer(token)), "typ")


async def test_partner_token_never_passes_for_staff(probe: httpx.AsyncClient) -> None:
    partner = mint_token(
        subject="health", roles=["partner_agency"], kind="partner", agency="health"
    )
    response = await probe.get("/protected", headers=bearer(partner))
    assert response.status_code == 403
    # A partner-typed token that claims a staff role is refused outright.
    forged = mint_token(subject="health", roles=["licensing_clerk"], kind="partner")
    await assert_unauthenticated(await probe.get("/protected", headers=bearer(forged)), "type")
    staff_claiming_partner = mint_token(subject="x", roles=["partner_agency"], kind="staff")
    await assert_unauthenticated(
        await probe.get("/protected", headers=bearer(staff_claiming_partner)), "type"
    )


async def test_an_open311_token_is_a_partner_token_of_one_role(probe: httpx.AsyncClient) -> None:
    open311 = mint_token(
        subject="open311:app", roles=["open311_client"], kind="partner", agency="app"
    )
    assert (await probe.get("/protected", headers=bearer(open311))).status_code == 403
    forged = [
        mint_token(subject="x", roles=["open311_client"], kind="staff"),
        mint_token(subject="x", roles=["licensing_clerk", "open311_client"], kind="staff"),
        mint_token(subject="x", roles=["partner_agency", "open311_client"], kind="partner"),
    ]
    for token in forged:
        await assert_unauthenticated(await probe.get("/protected", headers=bearer(token)), "type")


async def test_es256_tokens_verify_against_a_jwks() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    keys = {"k1": jwt.PyJWK.from_dict(jwk | {"kid": "k1", "alg": "ES256"}).key}
    verifier = TokenVerifier(issuer="shijian-gateway", audience="shijian", keys=keys)
    token = mint_token(subject="u", roles=["auditor"], key=key, key_id="k1", algorithm="ES256")
    principal = await verifier.verify(token)
    assert principal.subject == "u" and principal.roles == frozenset({"auditor"})


async def test_requests_arriving_during_the_first_key_fetch_wait_for_it() -> None:
    key = Ed25519PrivateKey.generate()
    jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(key.public_key()))
    fetches = 0
    jwks = FastAPI()

    @jwks.get("/.well-known/jwks.json")
    async def key_set() -> dict[str, Any]:
        nonlocal fetches
        fetches += 1
        await asyncio.sleep(0.3)  # a gateway busy at start-up
        return {"keys": [jwk | {"kid": "k1", "alg": "EdDSA", "use": "sig"}]}

    async with serving(jwks) as url:
        verifier = TokenVerifier(
            issuer="shijian-gateway",
            audience="shijian",
            keys={},
            jwks_url=f"{url}/.well-known/jwks.json",
        )
        token = mint_token(subject="u", roles=["auditor"], key=key, key_id="k1")
        principals = await asyncio.gather(*(verifier.verify(token) for _ in range(20)))
    assert [p.subject for p in principals] == ["u"] * 20
    assert fetches == 1


async def test_a_key_the_gateway_retired_stops_being_trusted() -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()

    def entry(key: Ed25519PrivateKey, kid: str) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(key.public_key()))
        return jwk | {"kid": kid, "alg": "EdDSA", "use": "sig"}

    published = [entry(old, "old")]
    jwks = FastAPI()

    @jwks.get("/.well-known/jwks.json")
    async def key_set() -> dict[str, Any]:
        return {"keys": published}

    now = [1_000.0]
    signed_with_old = mint_token(subject="u", roles=["auditor"], key=old, key_id="old")
    async with serving(jwks) as url:
        verifier = TokenVerifier(
            issuer="shijian-gateway",
            audience="shijian",
            keys={},
            jwks_url=f"{url}/.well-known/jwks.json",
            monotonic=lambda: now[0],
        )
        assert (await verifier.verify(signed_with_old)).subject == "u"
        # The gateway rotates and retires the old key; a token of the new one brings the news.
        published[:] = [entry(new, "new")]
        now[0] += 31
        signed_with_new = mint_token(subject="u", roles=["auditor"], key=new, key_id="new")
        assert (await verifier.verify(signed_with_new)).subject == "u"
        with pytest.raises(Problem, match="unknown key"):
            await verifier.verify(signed_with_old)

        # With no new token to bring the news, an old key set is fetched again after 5 min.
        published[:] = []
        assert (await verifier.verify(signed_with_new)).subject == "u"
        now[0] += 301
        with pytest.raises(Problem, match="unknown key"):
            await verifier.verify(signed_with_new)


@pytest.mark.parametrize(
    "spec", [licensing, supervision, enforcement, complaints, qms], ids=lambda s: s.name
)
def test_only_health_readiness_and_metrics_are_anonymous(spec: object) -> None:
    from chassis.app import ServiceSpec, create_service_app
    from chassis.settings import Settings

    assert isinstance(spec, ServiceSpec)
    app = create_service_app(spec, Settings(service=spec.name, environment="test"))
    anonymous = set()
    for route in app.routes:
        dependant = getattr(route, "dependant", None)
        if dependant is None:
            continue
        calls = {getattr(d.call, "__name__", "") for d in _all_dependencies(dependant)}
        if "authenticated" not in calls:
            anonymous.add(route.path)  # type: ignore[attr-defined]
    assert anonymous == {"/healthz", "/readyz", "/metrics"}


def _all_dependencies(dependant: object) -> list[Any]:
    found: list[Any] = []
    stack = list(getattr(dependant, "dependencies", []))
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(getattr(current, "dependencies", []))
    return found


def dev_verifier() -> TokenVerifier:
    return TokenVerifier(
        issuer="shijian-gateway",
        audience="shijian",
        keys={DEV_KEY_ID: dev_private_key().public_key()},
    )


async def test_a_token_verified_once_is_taken_from_memory_without_its_signature_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    verifier = dev_verifier()
    token = mint_token(subject="clerk01", roles=["licensing_clerk"], office="office-01")
    first = await verifier.verify(token)

    def no_second_check(*_: object, **__: object) -> None:
        raise AssertionError("the signature was checked again")

    monkeypatch.setattr(jwt, "decode", no_second_check)
    assert await verifier.verify(token) == first
    with pytest.raises(AssertionError, match="checked again"):
        await verifier.verify(mint_token(subject="clerk02", roles=["licensing_clerk"]))


async def test_a_remembered_token_is_refused_once_it_expires() -> None:
    verifier = dev_verifier()
    # Expired 29 s ago: still inside the clock-skew leeway of 30 s, for about a second.
    issued = datetime.now(UTC) - timedelta(hours=1, seconds=29)
    token = mint_token(subject="u", roles=["auditor"], ttl=timedelta(hours=1), now=issued)
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert (await verifier.verify(token)).subject == "u"
    await asyncio.sleep(max(0.0, expires + CLOCK_SKEW_SECONDS - time.time()) + 0.05)
    with pytest.raises(Problem, match="expired"):
        await verifier.verify(token)


async def test_a_remembered_token_revoked_afterwards_is_refused() -> None:
    verifier = dev_verifier()
    token = mint_token(subject="clerk01", roles=["licensing_clerk"])
    principal = await verifier.verify(token)
    assert principal.token_id is not None
    verifier.revocations.add(
        TokensRevoked(
            by="admin",
            at=datetime.now(UTC),
            username="clerk01",
            tokens=(RevokedToken(jti=principal.token_id, expires_at=datetime.now(UTC)),),
        )
    )
    with pytest.raises(Problem, match="revoked"):
        await verifier.verify(token)
