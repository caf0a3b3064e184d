"""The token endpoint, refresh rotation, second factor, logout and signing keys."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pyotp
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from fastapi import FastAPI

from chassis.auth import TokenVerifier
from chassis.db import Database
from gateway.app import create_gateway_app
from gateway.identity.keys import SIGNING_KEY_FIELD
from gateway.identity.tables import signing_keys
from gateway.identity.usecases import Identity
from tests.conftest import running, serving, wait_until
from tests.gateway.conftest import GatewaySettingsFactory
from tests.gateway.signin import (
    PASSWORD,
    add_user,
    admin_access,
    admin_token,
    bearer,
    client_refused,
    grant_refused,
    refused,
    sign_in,
    sign_in_as_admin,
    token_error,
)
from tests.gateway.test_identity_events import published
from tests.tokens import mint_token


async def test_password_grant_issues_a_staff_token_the_services_accept(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _, client = gateway
    await add_user(client, "inspector01", ["grid_inspector"], office="office-01")
    answer = await sign_in(client, "inspector01", "Pass-word-9-of-the-bureau")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    tokens = answer.json()
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 900
    assert tokens["refresh_token"]
    header = jwt.get_unverified_header(tokens["access_token"])
    assert header["typ"] == "staff-at+jwt"
    assert header["alg"] == "EdDSA"
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert {"sub", "name", "roles", "office", "agency", "iss", "aud", "exp", "iat", "jti"} <= set(
        claims
    )
    assert claims["exp"] - claims["iat"] == 900
    jwks = (await client.get("/.well-known/jwks.json")).json()
    verifier = TokenVerifier(
        issuer="shijian-gateway",
        audience="shijian",
        keys={k["kid"]: jwt.PyJWK.from_dict(k).key for k in jwks["keys"]},
    )
    principal = await verifier.verify(tokens["access_token"])
    assert principal.subject == "inspector01"
    assert principal.roles == {"grid_inspector"}
    assert principal.office == "office-01"
    me = await client.get("/auth/me", headers=bearer(tokens["access_token"]))
    assert me.json()["sub"] == "inspector01"
    assert me.json()["kind"] == "staff"


async def test_client_credentials_grant_issues_a_partner_token(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _, client = gateway
    admin = await admin_token(client)
    client_body = {
        "client_id": "health",
        "client_secret": "health-secret-1",
        "name": "区卫生健康局",
        "agency": "health",
    }
    created = await client.post("/api/admin/clients", json=client_body, headers=admin)
    assert created.status_code == 201
    assert "client_secret" not in created.json()
    again = await client.post("/api/admin/clients", json=client_body, headers=admin)
    assert again.status_code == 409
    form = {
        "grant_type": "client_credentials",
        "client_id": "health",
        "client_secret": "health-secret-1",
    }
    answer = await client.post("/auth/token", data=form)
    assert answer.status_code == 200
    assert "refresh_token" not in answer.json()
    token = answer.json()["access_token"]
    assert jwt.get_unverified_header(token)["typ"] == "partner-at+jwt"
    me = (await client.get("/auth/me", headers=bearer(token))).json()
    assert me == me | {
        "sub": "health",
        "kind": "partner",
        "agency": "health",
        "roles": ["partner_agency"],
    }
    basic = base64.b64encode(b"health:health-secret-1").decode()
    with_basic = await client.post(
        "/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert with_basic.status_code == 200
    wrong = await client.post("/auth/token", data=form | {"client_secret": "nope-nope-nope"})
    assert client_refused(wrong)
    assert wrong.json()["reason"] == "invalid_client"
    wrong_basic = base64.b64encode(b"health:nope-nope-nope").decode()
    with_wrong_basic = await client.post(
        "/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {wrong_basic}"},
    )
    assert client_refused(with_wrong_basic)
    malformed = await client.post(
        "/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic not*base64"},
    )
    assert client_refused(malformed)


async def test_wrong_password_and_unknown_user_are_refused_alike(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _, client = gateway
    wrong = await sign_in(client, "admin", "not-the-password")
    unknown = await sign_in(client, "nobody", "not-the-password")
    assert grant_refused(wrong, "invalid_credentials")
    assert grant_refused(unknown, "invalid_credentials")
    assert wrong.json()["detail"] == unknown.json()["detail"]
    missing = await client.post("/auth/token", data={"grant_type": "password", "username": "admin"})
    assert token_error(missing, 400, "invalid_request")
    assert missing.json()["errors"][0]["loc"] == ["body", "password"]
    no_grant = await client.post("/auth/token", data={"username": "admin"})
    assert token_error(no_grant, 400, "invalid_request")
    assert no_grant.json()["errors"][0]["loc"] == ["body", "grant_type"]
    unsupported = await client.post("/auth/token", data={"grant_type": "implicit"})
    assert token_error(unsupported, 400, "unsupported_grant_type")
    metrics = (await client.get("/metrics")).text
    assert (
        'shijian_gateway_login_failures_total{grant="password",reason="invalid_credentials"}'
        in metrics
    )


async def test_totp_required_per_role_and_checked(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _, client = gateway
    admin = await admin_token(client)
    await add_user(client, "officer11", ["enforcement_officer"], office="section-1")
    policy = await client.put(
        "/api/admin/role-policies/enforcement_officer", json={"totp_required": True}, headers=admin
    )
    assert policy.json() == {"role": "enforcement_officer", "totp_required": True}
    assert grant_refused(
        await sign_in(client, "officer11", "Pass-word-9-of-the-bureau"), "totp_not_enrolled"
    )
    enrolment = await client.post("/api/admin/users/officer11/totp", headers=admin)
    secret = enrolment.json()["secret"]
    assert enrolment.json()["otpauth_uri"].startswith("otpauth://totp/")
    assert grant_refused(
        await sign_in(client, "officer11", "Pass-word-9-of-the-bureau"), "totp_required"
    )
    code = pyotp.TOTP(secret).now()
    wrong = str((int(code) + 1) % 1_000_000).zfill(6)
    assert grant_refused(
        await sign_in(client, "officer11", "Pass-word-9-of-the-bureau", totp=wrong), "totp_invalid"
    )
    assert (
        await sign_in(client, "officer11", "Pass-word-9-of-the-bureau", totp=code)
    ).status_code == 200
    replay = await sign_in(client, "officer11", "Pass-word-9-of-the-bureau", totp=code)
    assert grant_refused(replay, "totp_invalid")
    # Other roles are not asked for a code.
    await add_user(client, "clerk02", ["licensing_clerk"])
    assert (await sign_in(client, "clerk02", "Pass-word-9-of-the-bureau")).status_code == 200


async def test_refresh_rotates_and_a_reused_refresh_token_revokes_its_family(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _, client = gateway
    first = (await sign_in_as_admin(client)).json()
    refresh = {"grant_type": "refresh_token"}
    second = await client.post(
        "/auth/token", data=refresh | {"refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    assert second.json()["refresh_token"] != first["refresh_token"]
    me = await client.get("/auth/me", headers=bearer(second.json()["access_token"]))
    assert me.json()["sub"] == "admin"
    reused = await client.post(
        "/auth/token", data=refresh | {"refresh_token": first["refresh_token"]}
    )
    assert grant_refused(reused, "reused")
    # The replay could be a thief's: the legitimate holder's newer token is revoked as well.
    newer = await client.post(
        "/auth/token", data=refresh | {"refresh_token": second.json()["refresh_token"]}
    )
    assert grant_refused(newer, "revoked")
    assert grant_refused(
        await client.post("/auth/token", data=refresh | {"refresh_token": "made-up"}), "unknown"
    )


async def test_logout_revokes_the_access_and_refresh_tokens(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = gateway
    tokens = (await sign_in_as_admin(client)).json()
    headers = bearer(tokens["access_token"])
    assert (await client.get("/auth/me", headers=headers)).status_code == 200
    out = await client.post(
        "/auth/logout", data={"refresh_token": tokens["refresh_token"]}, headers=headers
    )
    assert out.status_code == 204
    assert refused(await client.get("/auth/me", headers=headers))
    assert refused(await client.get("/api/admin/users", headers=headers))
    assert refused(await client.get("/api/licensing/anything", headers=headers))
    (event,) = [e for e in await published(app) if e["type"] == "identity.tokens.revoked"]
    assert event["subject"] == "admin"
    (token,) = event["data"]["tokens"]
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert token["jti"] == claims["jti"]
    again = await client.post(
        "/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    )
    assert grant_refused(again, "revoked")


def forged(app: FastAPI, **changes: Any) -> str:
    identity: Identity = app.state.identity
    key = identity.keys.active
    values: dict[str, Any] = {
        "subject": "admin",
        "roles": ["admin"],
        "key": key.private_key,
        "key_id": key.kid,
    }
    return mint_token(**(values | changes))


async def test_expired_tampered_and_foreign_tokens_are_refused(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = gateway
    assert (await client.get("/auth/me", headers=bearer(forged(app)))).status_code == 200
    expired = forged(app, now=datetime.now(UTC) - timedelta(hours=1), ttl=timedelta(minutes=15))
    assert refused(await client.get("/auth/me", headers=bearer(expired)))
    other_audience = forged(app, audience="another-system")
    assert refused(await client.get("/auth/me", headers=bearer(other_audience)))
    other_issuer = forged(app, issuer="someone-else")
    assert refused(await client.get("/auth/me", headers=bearer(other_issuer)))
    head, payload, signature = forged(app, roles=["grid_inspector"]).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["admin"]
    raised = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = f"{head}.{raised}.{signature}"
    assert refused(await client.get("/api/admin/users", headers=bearer(tampered)))
    dev_signed = mint_token(subject="admin", roles=["admin"])  # the development key is not ours
    assert refused(await client.get("/auth/me", headers=bearer(dev_signed)))
    # A partner token never passes for a staff token: the type is part of the signature.
    partner = forged(app, kind="partner", roles=["partner_agency"], agency="fire")
    partner_me = await client.get("/auth/me", headers=bearer(partner))
    assert partner_me.json()["kind"] == "partner"
    assert (await client.get("/api/admin/users", headers=bearer(partner))).status_code == 403


async def test_rotated_keys_keep_earlier_tokens_valid_for_gateway_and_services(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    app = create_gateway_app(await gateway_settings(signing_key_activation_seconds=1))
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as client:
        before = await admin_access(client)
        # Signed in again and again below: a person without a second factor.
        await add_user(client, "clerk09", ["licensing_clerk"])
        old_kid = jwt.get_unverified_header(before)["kid"]
        # A service that fetched the key set before the rotation, as its JWKS_URL tells it to.
        service = TokenVerifier(
            issuer="shijian-gateway",
            audience="shijian",
            keys={},
            jwks_url=f"{url}/.well-known/jwks.json",
        )
        assert (await service.verify(before)).subject == "admin"
        rotated = await client.post("/api/admin/signing-keys", headers=bearer(before))
        assert rotated.status_code == 201
        new_kid = rotated.json()["kid"]
        kids = {k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]}
        assert kids == {new_kid, old_kid}

        async def signs_with_the_new_key() -> bool:
            answer = await sign_in(client, "clerk09", PASSWORD)
            return bool(jwt.get_unverified_header(answer.json()["access_token"])["kid"] == new_kid)

        await wait_until(signs_with_the_new_key, within=5, interval=0.2)
        after = (await sign_in(client, "clerk09", PASSWORD)).json()["access_token"]
        fresh_service = TokenVerifier(
            issuer="shijian-gateway",
            audience="shijian",
            keys={},
            jwks_url=f"{url}/.well-known/jwks.json",
        )
        for verifier in (service, fresh_service):
            assert (await verifier.verify(before)).subject == "admin"
        assert (await fresh_service.verify(after)).subject == "clerk09"
        for token in (before, after):
            assert (await client.get("/auth/me", headers=bearer(token))).status_code == 200


async def test_key_files_of_an_earlier_gateway_are_imported_once_and_kept_sealed(
    gateway_settings: GatewaySettingsFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "earlier-keys"
    folder.mkdir()
    earlier = Ed25519PrivateKey.generate()
    kid = "20260101T000000Z-abcdef"
    pem = earlier.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    (folder / f"{kid}.pem").write_bytes(pem)
    settings = await gateway_settings(signing_keys_dir=folder)
    async with running(create_gateway_app(settings)) as client:
        published_kids = [
            k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]
        ]
        assert published_kids == [kid]
        token = (await sign_in_as_admin(client)).json()["access_token"]
        assert jwt.get_unverified_header(token)["kid"] == kid
        assert jwt.decode(token, earlier.public_key(), algorithms=["EdDSA"], audience="shijian")
    (folder / f"{kid}.pem").unlink()  # imported: the database holds it now
    database = Database(settings.database_url)
    try:
        async with database.engine.connect() as connection:
            (row,) = (await connection.execute(sa.select(signing_keys))).all()
    finally:
        await database.dispose()
    raw = earlier.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    # Sealed under the current data key, which opens it; nothing of it in clear.
    assert row.kid == kid and row.private_key.startswith(f"{settings.data_key_id}.")
    assert base64.b64encode(raw).decode() not in row.private_key
    keyring = settings.data_keyring()
    assert base64.b64decode(keyring.open_text(SIGNING_KEY_FIELD, row.private_key)) == raw
    async with running(create_gateway_app(settings)) as client:
        again = [k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]]
        assert again == [kid]
