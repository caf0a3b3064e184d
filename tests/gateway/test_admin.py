"""The admin API, the first start's `admin` account and the demo bureau."""

from __future__ import annotations

import asyncio
import json
import os
import sys

import httpx
import jwt
from fastapi import FastAPI

from chassis.auth import PARTNER_ROLES, ROLES
from gateway.app import create_gateway_app
from tests.conftest import running
from tests.gateway.conftest import GatewaySettingsFactory
from tests.gateway.signin import (
    DEMO_SECOND_FACTOR,
    PASSWORD,
    PROBLEM,
    add_user,
    admin_token,
    bearer,
    demo_sign_in,
    refused,
    sign_in,
    token_of,
    totp_code,
)


async def test_the_admin_api_is_for_admins(gateway: tuple[FastAPI, httpx.AsyncClient]) -> None:
    _, client = gateway
    secret = await add_user(client, "auditor01", ["auditor"])
    assert secret is not None
    signed_in = await sign_in(client, "auditor01", PASSWORD, totp=totp_code(secret))
    auditor = signed_in.json()["access_token"]
    forbidden = await client.get("/api/admin/users", headers=bearer(auditor))
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"] == PROBLEM
    assert refused(await client.get("/api/admin/users"))
    admin = await admin_token(client)
    listed = (await client.get("/api/admin/users", headers=admin)).json()["items"]
    assert {u["username"] for u in listed} == {"admin", "auditor01"}
    assert all("password_hash" not in u and "totp_secret" not in u for u in listed)
    duplicate = await client.post(
        "/api/admin/users",
        json={
            "username": "auditor01",
            "password": "Pass-word-9-of-the-bureau",
            "name": "x",
            "roles": ["auditor"],
        },
        headers=admin,
    )
    assert duplicate.status_code == 409
    weak = await client.post(
        "/api/admin/users",
        json={"username": "weak", "password": "abc", "name": "x", "roles": ["auditor"]},
        headers=admin,
    )
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["field"] == "body.password"
    assert "at least 12 characters" in weak.json()["errors"][0]["message"]
    bad_role = await client.post(
        "/api/admin/users",
        json={
            "username": "x1",
            "password": "Pass-word-9-of-the-bureau",
            "name": "x",
            "roles": ["king"],
        },
        headers=admin,
    )
    assert bad_role.status_code == 422
    assert "king" in json.dumps(bad_role.json()["errors"])


async def test_first_start_needs_an_admin_password_outside_demo_mode(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    settings = await gateway_settings(admin_password=None)
    environment = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": settings.database_url,
        "BUS_URL": settings.bus_url,
        "BUS_PREFIX": settings.bus_prefix,
        "SIGNING_KEYS_DIR": str(settings.keys_dir),
        "PORT": "1",  # never reached
    }
    started = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway", env=environment, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(started.communicate(), 60)
    assert started.returncode == 2
    assert stderr.decode().strip().splitlines()[-1] == (
        "shijian gateway: bad setting ADMIN_PASSWORD: required on first start"
        " (it becomes the password of the `admin` account)"
    )


async def test_demo_mode_seeds_the_demo_bureau(gateway_settings: GatewaySettingsFactory) -> None:
    settings = await gateway_settings(admin_password=None, admin_totp_secret=None, seed_demo=True)
    async with running(create_gateway_app(settings)) as client:
        signed_in = await client.post("/auth/token", data=demo_sign_in("admin"))
        assert signed_in.status_code == 200, signed_in.text
        admin = bearer(signed_in.json()["access_token"])
        inspector = await sign_in(client, "inspector01", "demo-inspector01")
        assert inspector.status_code == 200
        claims = jwt.decode(inspector.json()["access_token"], options={"verify_signature": False})
        assert claims["office"] == "office-01"
        assert claims["roles"] == ["grid_inspector"]
        for partner in ("health", "fire"):
            form = {
                "grant_type": "client_credentials",
                "client_id": partner,
                "client_secret": f"demo-{partner}",
            }
            assert (await client.post("/auth/token", data=form)).status_code == 200
        people = (await client.get("/api/admin/users", headers=admin)).json()["items"]
        roles = {role for person in people for role in person["roles"]}
        assert roles == ROLES - PARTNER_ROLES  # a demo person for every staff role
        # Those whose role requires a second factor share the demo district's authenticator.
        enrolled = {person["username"] for person in people if person["totp_enrolled"]}
        assert enrolled == DEMO_SECOND_FACTOR
        quality = await client.post("/auth/token", data=demo_sign_in("quality01"))
        assert quality.status_code == 200, quality.text
    # A second start seeds nothing twice.
    app = create_gateway_app(settings)
    async with running(app) as client:
        admin = bearer(token_of(app, "admin", "admin"))
        assert len((await client.get("/api/admin/users", headers=admin)).json()["items"]) == len(
            people
        )
