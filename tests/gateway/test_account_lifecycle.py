"""A person's account from the admin's reset to their own password change, the password rules,
and the second factor the bureau's sensitive roles sign in with by default."""

from __future__ import annotations

import asyncio
import time

import httpx
import pyotp
import pytest
from fastapi import FastAPI

from gateway.app import create_gateway_app, spec
from gateway.identity.usecases import FirstStartRefused
from gateway.settings import GatewaySettings
from tests.conftest import running
from tests.gateway.conftest import ADMIN_PASSWORD, GatewaySettingsFactory
from tests.gateway.signin import (
    PASSWORD,
    add_user,
    admin_token,
    bearer,
    grant_refused,
    sign_in,
    token_of,
    totp_code,
)
from tests.gateway.test_identity_events import published, published_since

NEW_PASSWORD = "Chosen-anew-at-the-window-7"


async def change_password(
    client: httpx.AsyncClient, username: str, password: str, new_password: str, **extra: str
) -> httpx.Response:
    form = {"username": username, "password": password, "new_password": new_password} | extra
    return await client.post("/auth/password", data=form)


def refused_field(answer: httpx.Response, field: str) -> str:
    """The message of a 422 naming `field`."""
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["errors"]
    assert error["field"] == field
    return str(error["message"])


async def test_a_reset_gives_a_one_time_password_that_only_serves_to_choose_a_new_one(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = gateway
    await add_user(client, "clerk01", ["licensing_clerk"])
    refresh = (await sign_in(client, "clerk01", PASSWORD)).json()["refresh_token"]
    admin = await admin_token(client)
    before = await published(app)
    reset = await client.post("/api/admin/users/clerk01/password-reset", headers=admin)
    assert reset.status_code == 200
    assert reset.headers["cache-control"] == "no-store"
    temporary = reset.json()["temporary_password"]
    assert reset.json()["username"] == "clerk01" and len(temporary) >= 20
    event, revoked = await published_since(app, before)
    assert (event["type"], event["subject"]) == ("identity.user.password_reset", "clerk01")
    assert set(event["data"]) == {"username", "by", "at"} and event["data"]["by"] == "admin"
    # The access tokens in hand are refused everywhere too: a reset may follow a theft.
    assert (revoked["type"], revoked["subject"]) == ("identity.tokens.revoked", "clerk01")
    shown = await client.get("/api/admin/users/clerk01", headers=admin)
    assert shown.json()["must_change_password"] is True
    # Every sign-in of theirs ended; the old password and the temporary one sign nobody in.
    again = await client.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": refresh}
    )
    assert grant_refused(again, "revoked")
    assert grant_refused(await sign_in(client, "clerk01", PASSWORD), "invalid_credentials")
    assert grant_refused(await sign_in(client, "clerk01", temporary), "password_change_required")
    # They choose a new password with the temporary one, and are signed in.
    before = await published(app)
    changed = await change_password(client, "clerk01", temporary, NEW_PASSWORD)
    assert changed.status_code == 200, changed.text
    assert changed.json()["access_token"] and changed.json()["refresh_token"]
    (event,) = await published_since(app, before)
    assert event["type"] == "identity.user.password_changed"
    assert event["data"]["by"] == "clerk01"
    assert grant_refused(
        await change_password(client, "clerk01", temporary, "Another-new-one-8"),
        "invalid_credentials",
    )
    assert (await sign_in(client, "clerk01", NEW_PASSWORD)).status_code == 200
    shown = await client.get("/api/admin/users/clerk01", headers=admin)
    assert shown.json()["must_change_password"] is False
    # An admin changes their own password with it, not by a reset; nobody unknown is reset.
    themselves = await client.post("/api/admin/users/admin/password-reset", headers=admin)
    assert refused_field(themselves, "path.username")
    unknown = await client.post("/api/admin/users/nobody01/password-reset", headers=admin)
    assert unknown.status_code == 404


async def test_a_person_changes_their_password_with_the_current_one_and_their_code(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _, client = gateway
    secret = await add_user(client, "auditor01", ["auditor"])
    assert secret is not None
    other = (await sign_in(client, "auditor01", PASSWORD, totp=totp_code(secret))).json()
    no_code = await change_password(client, "auditor01", PASSWORD, NEW_PASSWORD)
    assert grant_refused(no_code, "totp_required")
    code = pyotp.TOTP(secret).at(time.time() + 30)  # the next: the current one is spent
    changed = await change_password(client, "auditor01", PASSWORD, NEW_PASSWORD, totp=code)
    assert changed.status_code == 200, changed.text
    # Their other sign-in ended.
    again = await client.post(
        "/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": other["refresh_token"]},
    )
    assert grant_refused(again, "revoked")


@pytest.mark.parametrize(
    ("new_password", "because"),
    [
        ("Short-1", "at least 12 characters"),
        ("Password2024!", "common"),
        ("qwertyuiop123", "common"),
        ("clerk02-is-my-name", "username"),
        (PASSWORD, "not the current password"),
    ],
)
async def test_a_new_password_is_long_uncommon_and_new(
    gateway: tuple[FastAPI, httpx.AsyncClient], new_password: str, because: str
) -> None:
    _, client = gateway
    await add_user(client, "clerk02", ["licensing_clerk"])
    answer = await change_password(client, "clerk02", PASSWORD, new_password)
    assert because in refused_field(answer, "body.new_password")
    # Nothing was stored: the password is as it was.
    assert (await sign_in(client, "clerk02", PASSWORD)).status_code == 200


async def test_an_admin_gives_a_new_person_a_password_by_the_same_rules(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _, client = gateway
    answer = await client.post(
        "/api/admin/users",
        json={"username": "clerk03", "password": "Password123!", "name": "x", "roles": ["auditor"]},
        headers=await admin_token(client),
    )
    assert "common" in refused_field(answer, "body.password")


async def test_admin_auditor_and_quality_manager_sign_in_with_a_second_factor_by_default(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _, client = gateway
    admin = await admin_token(client)
    policies = (await client.get("/api/admin/role-policies", headers=admin)).json()
    required = {policy["role"] for policy in policies if policy["totp_required"]}
    assert required == {"admin", "auditor", "qms_manager"}
    for username, role in (("auditor02", "auditor"), ("quality02", "qms_manager")):
        await client.post(
            "/api/admin/users",
            json={"username": username, "password": PASSWORD, "name": "x", "roles": [role]},
            headers=admin,
        )
        assert grant_refused(await sign_in(client, username, PASSWORD), "totp_not_enrolled")
    assert grant_refused(await sign_in(client, "admin", ADMIN_PASSWORD), "totp_required")


async def test_without_admin_totp_secret_the_administrator_enrols_at_the_first_sign_in(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    settings = await gateway_settings(admin_totp_secret=None)
    async with running(create_gateway_app(settings)) as client:
        first = await sign_in(client, "admin", ADMIN_PASSWORD)
        assert grant_refused(first, "totp_not_enrolled")
        enrolment = first.json()["totp_enrolment"]
        assert enrolment["otpauth_uri"].startswith("otpauth://totp/shijian:admin?")
        # Shown once: the next sign-in asks for its code, and takes it.
        again = await sign_in(client, "admin", ADMIN_PASSWORD)
        assert grant_refused(again, "totp_required") and "totp_enrolment" not in again.json()
        code = totp_code(enrolment["secret"])
        assert (await sign_in(client, "admin", ADMIN_PASSWORD, totp=code)).status_code == 200
        # A wrong password shows nothing.
        wrong = await sign_in(client, "admin", "not-the-password-x")
        assert "totp_enrolment" not in wrong.json()


async def test_production_refuses_to_drop_the_administrator_s_second_factor(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    settings = await gateway_settings()
    production = settings.model_copy(update={"environment": "production"})

    async def set_admin_policy(settings: GatewaySettings, totp_required: bool) -> httpx.Response:
        app = create_gateway_app(settings)
        async with running(app) as client:
            return await client.put(
                "/api/admin/role-policies/admin",
                json={"totp_required": totp_required},
                headers=bearer(token_of(app, "admin", "admin")),
            )

    # Outside production an admin may drop it; production then refuses to start.
    assert (await set_admin_policy(settings, False)).status_code == 200
    with pytest.raises(FirstStartRefused, match="role policy of admin"):
        async with running(create_gateway_app(production)):
            pass
    with pytest.raises(SystemExit):
        assert spec.before_serve is not None
        await asyncio.to_thread(spec.before_serve, production)
    # With the second factor required again it starts, and refuses to drop it.
    assert (await set_admin_policy(settings, True)).status_code == 200
    refused = await set_admin_policy(production, False)
    assert "second factor" in refused_field(refused, "body.totp_required")
