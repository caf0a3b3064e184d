"""Every administrative act of the gateway is published once, as identity's event, with the
act's own transaction, and no event ever carries a password, hash, secret or private key."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI

from chassis.db import outbox
from chassis.uow import UnitOfWork
from gateway.app import create_gateway_app, spec
from gateway.identity import people
from gateway.identity.tables import clients, users
from gateway.settings import GatewaySettings
from tests.conftest import BUS_URL, migrate, running, tapping, wait_until
from tests.gateway.conftest import ADMIN_PASSWORD, ADMIN_TOTP_SECRET
from tests.gateway.signin import add_user, admin_token, grant_refused, sign_in, totp_code

PASSWORD = "Pass-word-9-of-the-bureau"  # what add_user gives everyone
CLIENT_SECRET = "Health-secret-42"
NEW_PASSWORD = "Chosen-anew-at-the-window-7"


async def published(app: FastAPI) -> list[dict[str, Any]]:
    """The envelopes the gateway has written to its outbox, oldest first."""
    async with app.state.identity.database.engine.connect() as connection:
        rows = await connection.execute(
            sa.select(outbox.c.envelope).order_by(outbox.c.created_at, outbox.c.sequence)
        )
        return [json.loads(row.envelope) for row in rows]


async def published_since(app: FastAPI, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What was published after `before` was read."""
    return (await published(app))[len(before) :]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def assert_no_secret(app: FastAPI, *plain: str) -> None:
    """No event holds any of `plain`, a stored hash or second-factor secret, or a field named
    like one."""
    async with app.state.identity.database.engine.connect() as connection:
        stored = [
            *(await connection.scalars(sa.select(users.c.password_hash))),
            *(await connection.scalars(sa.select(users.c.totp_secret))),
            *(await connection.scalars(sa.select(clients.c.secret_hash))),
            *(await connection.scalars(sa.select(outbox.c.envelope))),
        ]
    envelopes = [value.decode() for value in stored if isinstance(value, bytes)]
    secrets = [value for value in stored if isinstance(value, str)] + list(plain)
    assert envelopes
    assert secrets
    for envelope in envelopes:
        for secret in secrets:
            assert secret not in envelope
        fields = " ".join(json.loads(envelope)["data"]).lower()
        assert not any(word in fields for word in ("password", "secret", "hash", "key"))


async def test_creating_a_user_publishes_who_created_whom_with_which_access(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = gateway
    first_start, listed, authenticator = await published(app)
    assert first_start["type"] == "identity.user.created"
    assert (listed["type"], listed["subject"]) == ("identity.person.changed", "admin")
    assert first_start["source"] == "/services/identity"
    assert first_start["subject"] == "admin"
    assert first_start["data"]["by"] == "system:start"
    assert first_start["data"]["roles"] == ["admin"]
    # ADMIN_TOTP_SECRET, enrolled as admin's authenticator.
    assert (authenticator["type"], authenticator["subject"]) == ("identity.user.changed", "admin")
    assert authenticator["data"]["changes"] == ["second_factor_enrolled"]
    assert authenticator["data"]["by"] == "system:start"
    admin = await admin_token(client)
    before = await published(app)
    created = await client.post(
        "/api/admin/users",
        json={
            "username": "head07",
            "password": PASSWORD,
            "name": "李主任",
            "roles": ["office_head", "grid_inspector"],
            "office": "office-02",
        },
        headers=admin,
    )
    assert created.status_code == 201
    event, entry = await published_since(app, before)
    assert event["type"] == "identity.user.created"
    assert event["subject"] == "head07"
    assert event["data"] == {
        "username": "head07",
        "roles": ["grid_inspector", "office_head"],
        "office": "office-02",
        "by": "admin",
        "at": event["data"]["at"],
    }
    assert at(event["data"]["at"]) == at(created.json()["created_at"])
    # The directory's entry: the person as they stand, for the services' projections.
    assert (entry["type"], entry["subject"]) == ("identity.person.changed", "head07")
    assert entry["data"] | {"at": None} == {
        "username": "head07",
        "roles": ["grid_inspector", "office_head"],
        "office": "office-02",
        "active": True,
        "certificate_number": None,
        "certificate_valid_until": None,
        "by": "admin",
        "at": None,
    }
    assert entry["sequence"] > event["sequence"]
    # A refused creation publishes nothing.
    before = await published(app)
    taken = await client.post(
        "/api/admin/users",
        json={"username": "head07", "password": PASSWORD, "name": "x", "roles": ["auditor"]},
        headers=admin,
    )
    weak = await client.post(
        "/api/admin/users",
        json={"username": "weak07", "password": "abc", "name": "x", "roles": ["auditor"]},
        headers=admin,
    )
    assert (taken.status_code, weak.status_code) == (409, 422)
    assert await published_since(app, before) == []
    await assert_no_secret(app, PASSWORD, ADMIN_PASSWORD)


async def test_changing_a_user_publishes_what_changed_and_only_when_it_changes(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = gateway
    await add_user(client, "inspector08", ["grid_inspector"], office="office-01")
    admin = await admin_token(client)
    before = await published(app)
    moved = await client.patch(
        "/api/admin/users/inspector08",
        json={"roles": ["office_head", "grid_inspector"], "office": "office-03"},
        headers=admin,
    )
    assert moved.status_code == 200
    assert (moved.json()["roles"], moved.json()["office"]) == (
        ["grid_inspector", "office_head"],
        "office-03",
    )
    event, entry = await published_since(app, before)
    assert event["type"] == "identity.user.changed"
    assert event["subject"] == "inspector08"
    assert event["data"] | {"at": None} == {
        "username": "inspector08",
        "roles": ["grid_inspector", "office_head"],
        "office": "office-03",
        "changes": ["roles", "office"],
        "by": "admin",
        "at": None,
    }
    assert entry["type"] == "identity.person.changed"
    assert (entry["data"]["roles"], entry["data"]["office"]) == (
        ["grid_inspector", "office_head"],
        "office-03",
    )
    # Their next sign-in carries the change.
    token = (await sign_in(client, "inspector08", PASSWORD)).json()["access_token"]
    me = (await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})).json()
    assert (me["roles"], me["office"]) == (["grid_inspector", "office_head"], "office-03")

    before = await published(app)
    same = await client.patch(
        "/api/admin/users/inspector08", json={"office": "office-03"}, headers=admin
    )
    assert same.status_code == 200
    assert await published_since(app, before) == []
    renamed = await client.patch(
        "/api/admin/users/inspector08", json={"name": "王新", "office": None}, headers=admin
    )
    assert (renamed.json()["name"], renamed.json()["office"]) == ("王新", None)
    event, entry = await published_since(app, before)
    assert (event["data"]["changes"], event["data"]["office"]) == (["name", "office"], None)
    assert (entry["type"], entry["data"]["office"]) == ("identity.person.changed", None)
    for published_event in (event, entry):  # a person is named by username
        assert "王新" not in json.dumps(published_event, ensure_ascii=False)
    # A new name alone is no news to the directory.
    before = await published(app)
    await client.patch("/api/admin/users/inspector08", json={"name": "王三"}, headers=admin)
    assert [e["type"] for e in await published_since(app, before)] == ["identity.user.changed"]

    before = await published(app)
    null_name = await client.patch(
        "/api/admin/users/inspector08", json={"name": None}, headers=admin
    )
    assert null_name.status_code == 422
    assert null_name.json()["errors"][0]["field"] == "body.name"
    system_role = await client.patch(
        "/api/admin/users/inspector08", json={"roles": ["partner_agency"]}, headers=admin
    )
    assert system_role.status_code == 422
    unknown = await client.patch(
        "/api/admin/users/nobody08", json={"office": "office-01"}, headers=admin
    )
    assert unknown.status_code == 404
    assert await published_since(app, before) == []


async def test_deactivating_a_user_publishes_it_once_and_ends_their_sign_ins(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = gateway
    await add_user(client, "clerk09", ["licensing_clerk"])
    refresh = (await sign_in(client, "clerk09", PASSWORD)).json()["refresh_token"]
    admin = await admin_token(client)
    before = await published(app)
    deactivated = await client.post("/api/admin/users/clerk09/deactivate", headers=admin)
    assert deactivated.status_code == 200
    assert deactivated.json()["active"] is False
    event, entry, revoked = await published_since(app, before)
    assert (entry["type"], entry["data"]["active"]) == ("identity.person.changed", False)
    assert event["type"] == "identity.user.deactivated"
    assert event["subject"] == "clerk09"
    assert set(event["data"]) == {"username", "by", "at"}
    assert event["data"]["by"] == "admin"
    # Every token issued to them until now is refused, by the gateway and by every service.
    assert revoked["type"] == "identity.tokens.revoked"
    assert revoked["subject"] == "clerk09"
    assert revoked["data"]["tokens"] == []
    assert revoked["data"]["issued_before"] < revoked["data"]["refused_until"]
    assert grant_refused(await sign_in(client, "clerk09", PASSWORD), "invalid_credentials")
    again = await client.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": refresh}
    )
    # Their sign-ins ended with the deactivation: the refresh token is revoked.
    assert grant_refused(again, "revoked")

    before = await published(app)
    twice = await client.post("/api/admin/users/clerk09/deactivate", headers=admin)
    assert twice.status_code == 200
    themselves = await client.post("/api/admin/users/admin/deactivate", headers=admin)
    assert themselves.status_code == 422
    assert themselves.json()["errors"][0]["field"] == "path.username"
    unknown = await client.post("/api/admin/users/nobody09/deactivate", headers=admin)
    assert unknown.status_code == 404
    assert await published_since(app, before) == []
    assert (await client.get("/api/admin/users/admin", headers=admin)).json()["active"]


async def test_recording_a_certificate_publishes_the_directory_entry(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = gateway
    await add_user(client, "officer16", ["enforcement_officer"], office="section-1")
    admin = await admin_token(client)
    before = await published(app)
    certificate = {"number": "51010621000016", "valid_until": "2029-06-30"}
    recorded = await client.put(
        "/api/admin/users/officer16/certificate", json=certificate, headers=admin
    )
    assert recorded.status_code == 200, recorded.text
    assert (recorded.json()["certificate_number"], recorded.json()["certificate_valid_until"]) == (
        "51010621000016",
        "2029-06-30",
    )
    (entry,) = await published_since(app, before)
    assert entry["type"] == "identity.person.changed"
    assert entry["data"] | {"at": None} == {
        "username": "officer16",
        "roles": ["enforcement_officer"],
        "office": "section-1",
        "active": True,
        "certificate_number": "51010621000016",
        "certificate_valid_until": "2029-06-30",
        "by": "admin",
        "at": None,
    }
    before = await published(app)
    same = await client.put(
        "/api/admin/users/officer16/certificate", json=certificate, headers=admin
    )
    assert same.status_code == 200
    bad = await client.put(
        "/api/admin/users/officer16/certificate",
        json={"number": "51010621000016", "valid_until": "soon"},
        headers=admin,
    )
    assert [e["field"] for e in bad.json()["errors"]] == ["body.valid_until"]
    unknown = await client.put(
        "/api/admin/users/nobody16/certificate", json=certificate, headers=admin
    )
    assert unknown.status_code == 404
    assert await published_since(app, before) == []


async def test_people_from_before_the_directory_are_listed_once_at_start(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = gateway
    await add_user(client, "clerk17", ["licensing_clerk"], office="registration")
    identity = app.state.identity
    async with identity.database.engine.begin() as connection:
        await connection.execute(
            sa.update(users).where(users.c.username == "clerk17").values(listed=False)
        )
    before = await published(app)
    await people.list_everyone(identity)
    (entry,) = await published_since(app, before)
    assert (entry["type"], entry["subject"]) == ("identity.person.changed", "clerk17")
    assert (entry["data"]["office"], entry["data"]["by"]) == ("registration", "system:start")
    before = await published(app)
    await people.list_everyone(identity)
    assert await published_since(app, before) == []


async def test_a_hold_is_published_by_the_system_and_its_lifting_by_the_admin(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = gateway  # holds an account back after 3 failures
    await add_user(client, "clerk10", ["licensing_clerk"])
    admin = await admin_token(client)
    before = await published(app)
    for _ in range(2):
        await sign_in(client, "clerk10", "wrong-Pass-1")
    assert await published_since(app, before) == []
    await sign_in(client, "clerk10", "wrong-Pass-1")
    # clerk10 never signed in from here: even the right password waits.
    assert (await sign_in(client, "clerk10", PASSWORD)).status_code == 429
    for _ in range(3):
        await sign_in(client, "clerk10", "wrong-Pass-1")
    (event,) = await published_since(app, before)
    assert event["type"] == "identity.account.locked"
    assert event["subject"] == "clerk10"
    shown = (await client.get("/api/admin/users/clerk10", headers=admin)).json()
    assert event["data"] | {"at": None, "locked_until": None} == {
        "username": "clerk10",
        "failed_sign_ins": 3,
        "by": "system:lockout",
        "at": None,
        "locked_until": None,
    }
    # The hold published as it began; later failures (a new window of the throttle) may lengthen it.
    assert at(event["data"]["locked_until"]) <= at(shown["locked_until"])

    before = await published(app)
    assert (await client.post("/api/admin/users/clerk10/unlock", headers=admin)).is_success
    (event,) = await published_since(app, before)
    assert event["type"] == "identity.user.changed"
    assert (event["data"]["changes"], event["data"]["by"]) == (["unlocked"], "admin")
    # Lifting a lock that is not there is no change.
    before = await published(app)
    assert (await client.post("/api/admin/users/clerk10/unlock", headers=admin)).is_success
    assert await published_since(app, before) == []
    await assert_no_secret(app, PASSWORD, "wrong-Pass-1")


async def test_enrolling_a_second_factor_publishes_the_change_never_the_secret(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = gateway
    await add_user(client, "officer11", ["enforcement_officer"], office="section-1")
    admin = await admin_token(client)
    before = await published(app)
    enrolment = await client.post("/api/admin/users/officer11/totp", headers=admin)
    assert enrolment.status_code == 200
    (event,) = await published_since(app, before)
    assert event["type"] == "identity.user.changed"
    assert event["data"]["changes"] == ["second_factor_enrolled"]
    assert event["data"]["roles"] == ["enforcement_officer"]
    await assert_no_secret(app, enrolment.json()["secret"], enrolment.json()["otpauth_uri"])


async def test_a_role_policy_is_published_when_it_changes(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = gateway
    admin = await admin_token(client)

    async def require(role: str, totp_required: bool) -> int:
        answer = await client.put(
            f"/api/admin/role-policies/{role}",
            json={"totp_required": totp_required},
            headers=admin,
        )
        return answer.status_code

    before = await published(app)
    assert await require("licensing_clerk", False) == 200  # no policy already requires none
    assert await require("licensing_clerk", True) == 200
    assert await require("licensing_clerk", True) == 200
    assert await require("licensing_clerk", False) == 200
    assert await require("king", True) == 404
    events = await published_since(app, before)
    assert [e["type"] for e in events] == ["identity.role_policy.changed"] * 2
    assert [e["subject"] for e in events] == ["licensing_clerk", "licensing_clerk"]
    assert [(e["data"]["totp_required"], e["data"]["by"]) for e in events] == [
        (True, "admin"),
        (False, "admin"),
    ]
    assert [e["sequence"] for e in events] == [1, 2]


async def test_rotating_the_signing_key_publishes_its_id_never_the_key(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = gateway
    admin = await admin_token(client)
    before = await published(app)
    rotated = await client.post("/api/admin/signing-keys", headers=admin)
    assert rotated.status_code == 201
    (event,) = await published_since(app, before)
    assert event["type"] == "identity.signing_key.rotated"
    assert event["subject"] == rotated.json()["kid"]
    assert event["data"]["kid"] == rotated.json()["kid"]
    assert event["data"]["by"] == "admin"
    assert at(event["data"]["signs_from"]) == at(rotated.json()["signs_from"])
    (key,) = [k for k in app.state.identity.keys.published() if k.kid == event["data"]["kid"]]
    raw = key.private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    pem = key.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    await assert_no_secret(
        app,
        base64.urlsafe_b64encode(raw).decode().rstrip("="),  # as a JWK's `d`
        base64.b64encode(raw).decode(),
        raw.hex(),
        pem.decode().splitlines()[1],
    )


async def test_admitting_a_client_publishes_it_never_its_secret(
    gateway: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = gateway
    admin = await admin_token(client)
    body = {
        "client_id": "health",
        "client_secret": CLIENT_SECRET,
        "name": "区卫生健康局",
        "agency": "health",
    }
    before = await published(app)
    assert (await client.post("/api/admin/clients", json=body, headers=admin)).status_code == 201
    (event,) = await published_since(app, before)
    assert event["type"] == "identity.client.created"
    assert event["subject"] == "health"
    assert event["data"] | {"at": None} == {
        "client_id": "health",
        "name": "区卫生健康局",
        "agency": "health",
        "by": "admin",
        "at": None,
    }
    before = await published(app)
    again = await client.post("/api/admin/clients", json=body, headers=admin)
    assert again.status_code == 409
    assert await published_since(app, before) == []
    await assert_no_secret(app, CLIENT_SECRET)


async def test_the_events_reach_the_bus_as_identity_s(
    gateway: tuple[FastAPI, httpx.AsyncClient], bus_prefix: str
) -> None:
    _, client = gateway
    async with tapping(bus_prefix, "identity.#") as tap:
        await add_user(client, "tapped12", ["auditor"])

        async def arrived() -> bool:
            return any(e["subject"] == "tapped12" for e in tap.of_type("identity.user.created"))

        await wait_until(arrived, within=10)
    (event,) = [e for e in tap.of_type("identity.user.created") if e["subject"] == "tapped12"]
    assert event["source"] == "/services/identity"
    assert event["data"]["roles"] == ["auditor"]


async def test_an_act_whose_commit_fails_leaves_neither_the_change_nor_its_event(
    gateway: tuple[FastAPI, httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, client = gateway
    await add_user(client, "clerk13", ["licensing_clerk"])
    identity = app.state.identity
    before = await published(app)

    async def fails_after_writing(uow: UnitOfWork) -> None:
        await uow.flush()  # the events are in the outbox, with the change, uncommitted
        raise ConnectionError("the database went away at commit")

    monkeypatch.setattr(UnitOfWork, "commit", fails_after_writing)
    new = people.NewStaffMember("clerk14", PASSWORD, "x", ["licensing_clerk"])
    with pytest.raises(ConnectionError):
        await people.create_user(identity, new, by="admin")
    with pytest.raises(ConnectionError):
        await people.deactivate_user(identity, "clerk13", by="admin")
    with pytest.raises(ConnectionError):
        await people.set_role_policy(
            identity, people.SecondFactorPolicy("auditor", False), by="admin"
        )
    with pytest.raises(ConnectionError):
        await people.reset_password(identity, "clerk13", by="admin")
    monkeypatch.undo()
    assert await published_since(app, before) == []
    listed, _ = await people.list_users(identity, people.StaffFilter())
    assert {m.username: (m.active, m.must_change_password) for m in listed} == {
        "admin": (True, False),
        "clerk13": (True, False),
    }
    assert people.SecondFactorPolicy("auditor", True) in await people.list_role_policies(identity)
    assert (await sign_in(client, "clerk13", PASSWORD)).status_code == 200


async def test_every_act_is_published_on_the_embedded_default_too(
    bus_prefix: str, tmp_path: Path
) -> None:
    settings = GatewaySettings(
        service="gateway",
        environment="test",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}",
        bus_url=BUS_URL,
        bus_prefix=bus_prefix,
        signing_keys_dir=tmp_path / "keys",
        admin_password=ADMIN_PASSWORD,
        admin_totp_secret=ADMIN_TOTP_SECRET,
        login_account_throttle="2/minute",
    )
    await migrate(spec, settings)
    app = create_gateway_app(settings)
    async with running(app) as client:
        await add_user(client, "clerk15", ["licensing_clerk"])
        admin = await admin_token(client)
        acts = [
            ("PATCH", "/api/admin/users/clerk15", {"office": "office-01"}),
            ("POST", "/api/admin/users/clerk15/totp", None),
            ("PUT", "/api/admin/role-policies/auditor", {"totp_required": False}),
            ("POST", "/api/admin/signing-keys", None),
            (
                "POST",
                "/api/admin/clients",
                {
                    "client_id": "fire",
                    "client_secret": CLIENT_SECRET,
                    "name": "消防",
                    "agency": "fire",
                },
            ),
        ]
        answers = []
        for method, path, body in acts:
            answer = await client.request(method, path, json=body, headers=admin)
            assert answer.is_success, answer.text
            answers.append(answer)
        clerk_secret = answers[1].json()["secret"]
        for _ in range(2):
            await sign_in(client, "clerk15", "wrong-Pass-1")
        assert (await client.post("/api/admin/users/clerk15/unlock", headers=admin)).is_success
        reset = await client.post("/api/admin/users/clerk15/password-reset", headers=admin)
        assert reset.is_success
        temporary = reset.json()["temporary_password"]
        changed = await client.post(
            "/auth/password",
            data={
                "username": "clerk15",
                "password": temporary,
                "new_password": NEW_PASSWORD,
                "totp": totp_code(clerk_secret),
            },
        )
        assert changed.is_success, changed.text
        deactivated = await client.post("/api/admin/users/clerk15/deactivate", headers=admin)
        assert deactivated.is_success
        assert [e["type"] for e in await published(app)] == [
            "identity.user.created",  # admin, at first start
            "identity.person.changed",
            "identity.user.changed",  # and its authenticator, ADMIN_TOTP_SECRET
            "identity.user.created",
            "identity.person.changed",
            "identity.user.changed",
            "identity.person.changed",
            "identity.user.changed",
            "identity.role_policy.changed",
            "identity.signing_key.rotated",
            "identity.client.created",
            "identity.account.locked",
            "identity.user.changed",
            "identity.user.password_reset",
            "identity.tokens.revoked",
            "identity.user.password_changed",
            "identity.user.deactivated",
            "identity.person.changed",
            "identity.tokens.revoked",
        ]
        await assert_no_secret(
            app, PASSWORD, CLIENT_SECRET, ADMIN_PASSWORD, temporary, NEW_PASSWORD
        )
