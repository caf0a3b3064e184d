"""Open311 at the gateway: API keys issued, listed and revoked by admins; `/open311/v2/...`
forwarded to the complaints service with a token the gateway mints for the key's client;
refusals in GeoReport v2's own error format; the roles no person may hold."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import httpx
import jwt
import pytest
import sqlalchemy as sa
from fastapi import FastAPI, Request, Response
from sqlalchemy.ext.asyncio import create_async_engine

from chassis.auth import Principal, TokenVerifier
from gateway.app import create_gateway_app
from gateway.identity.usecases import Identity
from tests.conftest import free_port, running, serving
from tests.gateway.conftest import GatewaySettingsFactory
from tests.gateway.signin import (
    PASSWORD,
    PROBLEM,
    add_user,
    admin_token,
    bearer,
    sign_in,
    totp_code,
)

FORM = "application/x-www-form-urlencoded"


@dataclass
class Arrival:
    """What the complaints service stand-in received."""

    method: str
    path: str
    query: str
    authorization: str | None
    content_type: str | None
    body: bytes


def complaints_stand_in(arrivals: list[Arrival]) -> FastAPI:
    """An upstream serving GeoReport's paths that records every request it gets."""
    app = FastAPI()

    @app.api_route("/open311/v2/{path:path}", methods=["GET", "POST"])
    async def open311(path: str, request: Request) -> Response:
        arrivals.append(
            Arrival(
                request.method,
                request.url.path,
                request.url.query,
                request.headers.get("authorization"),
                request.headers.get("content-type"),
                await request.body(),
            )
        )
        return Response(b"[]", media_type="application/json")

    return app


@dataclass
class Open311Gateway:
    """A gateway in-process, the stand-in behind it, and what reached the stand-in."""

    app: FastAPI
    client: httpx.AsyncClient
    arrivals: list[Arrival]
    database_url: str

    @property
    def identity(self) -> Identity:
        found: Identity = self.app.state.identity
        return found

    async def issue(self, name: str) -> dict[str, Any]:
        answer = await self.client.post(
            "/api/admin/open311-keys", json={"name": name}, headers=await admin_token(self.client)
        )
        assert answer.status_code == 201, answer.text
        issued: dict[str, Any] = answer.json()
        return issued

    async def principal_of(self, authorization: str | None) -> Principal:
        """The Principal of a forwarded token, verified against the gateway's published keys."""
        assert authorization is not None and authorization.startswith("Bearer ")
        settings = self.app.state.settings
        verifier = TokenVerifier(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            keys=self.identity.keys.public_keys(),
        )
        return await verifier.verify(authorization.removeprefix("Bearer "))


@pytest.fixture
async def open311(gateway_settings: GatewaySettingsFactory) -> AsyncIterator[Open311Gateway]:
    arrivals: list[Arrival] = []
    async with serving(complaints_stand_in(arrivals)) as upstream:
        settings = await gateway_settings(complaints_url=upstream)
        app = create_gateway_app(settings)
        async with running(app) as client:
            yield Open311Gateway(app, client, arrivals, settings.database_url)


def georeport_json_error(answer: httpx.Response, status: int) -> str:
    """The description of a GeoReport v2 JSON error answer (after checking its shape)."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert isinstance(body, list) and len(body) == 1
    assert body[0]["code"] == status
    description: str = body[0]["description"]
    return description


def georeport_xml_error(answer: httpx.Response, status: int) -> str:
    """The description of a GeoReport v2 XML error answer (after checking its shape)."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/xml")
    assert answer.content.startswith(b'<?xml version="1.0" encoding="utf-8"?><errors>')
    errors = ElementTree.fromstring(answer.content)
    assert errors.tag == "errors"
    [error] = list(errors)
    assert error.tag == "error"
    assert error.findtext("code") == str(status)
    return error.findtext("description") or ""


async def stored_keys(database_url: str) -> list[dict[str, Any]]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(sa.text("SELECT * FROM open311_keys"))).mappings()
            return [dict(row) for row in rows]
    finally:
        await engine.dispose()


async def test_admins_issue_list_and_revoke_open311_keys_shown_once(
    open311: Open311Gateway,
) -> None:
    client = open311.client
    admin = await admin_token(client)
    answer = await client.post(
        "/api/admin/open311-keys", json={"name": "citizen-app"}, headers=admin
    )
    assert answer.status_code == 201
    assert answer.headers["cache-control"] == "no-store"
    issued = answer.json()
    assert set(issued) == {"api_key", "id", "name", "created_at"}
    assert issued["name"] == "citizen-app"
    api_key = issued["api_key"]
    assert len(api_key) >= 43  # 256 bits in URL-safe base64
    second = await open311.issue("citizen-app")  # a client may hold two keys, to rotate them
    assert second["api_key"] != api_key

    listed = await client.get("/api/admin/open311-keys", headers=admin)
    assert listed.status_code == 200
    assert api_key not in listed.text
    items = listed.json()["items"]
    assert [(i["id"], i["name"], i["revoked_at"]) for i in items] == [
        (issued["id"], "citizen-app", None),
        (second["id"], "citizen-app", None),
    ]
    assert all(set(item) == {"id", "name", "created_at", "revoked_at"} for item in items)

    [row] = [
        row for row in await stored_keys(open311.database_url) if str(row["id"]) == issued["id"]
    ]
    assert row["key_hash"] == hashlib.sha256(api_key.encode()).hexdigest()
    assert api_key not in json.dumps(row, default=str)

    assert (
        await client.delete(f"/api/admin/open311-keys/{issued['id']}", headers=admin)
    ).status_code == 204
    revoked = {
        i["id"]: i
        for i in (await client.get("/api/admin/open311-keys", headers=admin)).json()["items"]
    }
    assert revoked[issued["id"]]["revoked_at"] is not None
    assert revoked[second["id"]]["revoked_at"] is None
    again = await client.delete(f"/api/admin/open311-keys/{issued['id']}", headers=admin)
    assert again.status_code == 204  # revoking twice changes nothing
    unknown = await client.delete(
        "/api/admin/open311-keys/00000000-0000-4000-8000-000000000000", headers=admin
    )
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == PROBLEM


async def test_open311_keys_are_for_admins_alone(open311: Open311Gateway) -> None:
    client = open311.client
    issued = await open311.issue("kiosk")
    for role in ("complaints_handler", "station_staff", "auditor"):
        username = role.replace("_", "-")
        secret = await add_user(client, username, [role], office="station-03")
        code = {"totp": totp_code(secret)} if secret else {}
        token = bearer((await sign_in(client, username, PASSWORD, **code)).json()["access_token"])
        calls = [
            client.post("/api/admin/open311-keys", json={"name": "x1"}, headers=token),
            client.get("/api/admin/open311-keys", headers=token),
            client.delete(f"/api/admin/open311-keys/{issued['id']}", headers=token),
        ]
        for call in calls:
            answer = await call
            assert answer.status_code == 403, (role, answer.text)
            assert answer.headers["content-type"] == PROBLEM
    assert (await client.get("/api/admin/open311-keys")).status_code == 401
    listed = (await client.get("/api/admin/open311-keys", headers=await admin_token(client))).json()
    assert [(i["name"], i["revoked_at"]) for i in listed["items"]] == [("kiosk", None)]


async def test_a_key_name_must_be_a_client_id_and_never_the_public(
    open311: Open311Gateway,
) -> None:
    admin = await admin_token(open311.client)
    for name in ("public", "Citizen App", ""):
        answer = await open311.client.post(
            "/api/admin/open311-keys", json={"name": name}, headers=admin
        )
        assert answer.status_code == 422, name
        assert answer.headers["content-type"] == PROBLEM
        assert answer.json()["errors"][0]["field"] == "body.name"
    assert await stored_keys(open311.database_url) == []


async def test_station_staff_are_people_with_a_station_for_office(
    open311: Open311Gateway,
) -> None:
    client = open311.client
    # The station lives in the complaints service: the gateway takes its id as given.
    await add_user(client, "station07", ["station_staff"], office="station-07")
    answer = await sign_in(client, "station07", "Pass-word-9-of-the-bureau")
    claims = jwt.decode(answer.json()["access_token"], options={"verify_signature": False})
    assert claims["roles"] == ["station_staff"]
    assert claims["office"] == "station-07"


async def test_no_person_is_given_a_role_of_systems(open311: Open311Gateway) -> None:
    client = open311.client
    admin = await admin_token(client)
    for role, where in (
        ("open311_client", "/api/admin/open311-keys"),
        ("partner_agency", "/api/admin/clients"),
    ):
        answer = await client.post(
            "/api/admin/users",
            json={
                "username": "x2",
                "password": "Pass-word-9-of-the-bureau",
                "name": "x",
                "roles": [role],
            },
            headers=admin,
        )
        assert answer.status_code == 422
        assert answer.headers["content-type"] == PROBLEM
        [error] = answer.json()["errors"]
        assert error["field"] == "body.roles"
        assert f"{role} is never a person's role" in error["message"]
        assert where in error["message"]
    assert (await client.get("/api/admin/users/x2", headers=admin)).status_code == 404


async def test_a_post_with_a_key_arrives_with_its_clients_token_and_the_form_intact(
    open311: Open311Gateway,
) -> None:
    issued = await open311.issue("citizen-app")
    form = (
        f"api_key={issued['api_key']}&service_code=food-safety&lat=30.7&long=104.05"
        "&description=%E8%BF%87%E6%9C%9F%E9%A3%9F%E5%93%81&email=a%40example.org"
    ).encode()
    answer = await open311.client.post(
        "/open311/v2/requests.json",
        content=form,
        headers={"Content-Type": FORM, "Authorization": "Bearer the-callers-own"},
    )
    assert answer.status_code == 200, answer.text
    [arrival] = open311.arrivals
    assert (arrival.method, arrival.path) == ("POST", "/open311/v2/requests.json")
    assert arrival.body == form
    assert arrival.content_type == FORM
    assert arrival.authorization != "Bearer the-callers-own"
    principal = await open311.principal_of(arrival.authorization)
    assert principal.subject == "open311:citizen-app"
    assert principal.roles == frozenset({"open311_client"})
    assert principal.kind == "partner"
    assert principal.agency == "citizen-app"
    assert principal.expires_at is not None
    assert principal.expires_at <= time.time() + 60  # minted for this one request


async def test_reading_needs_no_key_and_a_given_key_names_its_client(
    open311: Open311Gateway,
) -> None:
    issued = await open311.issue("kiosk")
    client = open311.client
    anonymous = await client.get(
        "/open311/v2/requests.xml?status=open", headers={"Authorization": "Bearer forged"}
    )
    assert anonymous.status_code == 200
    keyed = await client.get(f"/open311/v2/services/food-safety.json?api_key={issued['api_key']}")
    assert keyed.status_code == 200
    public, kiosk = open311.arrivals
    assert (public.path, public.query) == ("/open311/v2/requests.xml", "status=open")
    assert (await open311.principal_of(public.authorization)).subject == "open311:public"
    assert kiosk.path == "/open311/v2/services/food-safety.json"
    assert (await open311.principal_of(kiosk.authorization)).subject == "open311:kiosk"


async def test_bad_or_missing_keys_are_refused_in_georeport_format(
    open311: Open311Gateway,
) -> None:
    client = open311.client
    issued = await open311.issue("citizen-app")
    wrong = await client.get("/open311/v2/requests.json?api_key=not-a-key")
    assert "api_key" in georeport_json_error(wrong, 403)
    wrong_xml = await client.post(
        "/open311/v2/requests.xml",
        content=b"api_key=not-a-key&service_code=x",
        headers={"Content-Type": FORM},
    )
    assert "api_key" in georeport_xml_error(wrong_xml, 403)
    for path in ("/open311/v2/requests.json", "/open311/v2/requests.xml"):
        missing = await client.post(path, content=b"service_code=x", headers={"Content-Type": FORM})
        read = georeport_xml_error if path.endswith(".xml") else georeport_json_error
        assert "api_key is required" in read(missing, 403)

    admin = await admin_token(client)
    revoked = await client.delete(f"/api/admin/open311-keys/{issued['id']}", headers=admin)
    assert revoked.status_code == 204
    for call in (
        client.get(f"/open311/v2/requests.json?api_key={issued['api_key']}"),
        client.post(
            "/open311/v2/requests.json",
            content=f"api_key={issued['api_key']}".encode(),
            headers={"Content-Type": FORM},
        ),
    ):
        assert "revoked" in georeport_json_error(await call, 403)
    assert open311.arrivals == []  # nothing refused reached the service


async def test_other_methods_and_bodies_are_refused_in_georeport_format(
    open311: Open311Gateway,
) -> None:
    client = open311.client
    deleted = await client.delete("/open311/v2/requests/1.xml")
    assert "GET, POST" in georeport_xml_error(deleted, 405)
    assert deleted.headers["allow"] == "GET, POST"
    issued = await open311.issue("citizen-app")
    as_json = await client.post(
        "/open311/v2/requests.json", json={"api_key": issued["api_key"], "service_code": "x"}
    )
    assert FORM in georeport_json_error(as_json, 415)
    assert open311.arrivals == []


async def test_open311_is_limited_per_client_ip_in_georeport_format(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    arrivals: list[Arrival] = []
    async with serving(complaints_stand_in(arrivals)) as upstream:
        settings = await gateway_settings(complaints_url=upstream, open311_rate_limit="2/minute")
        async with running(create_gateway_app(settings)) as client:
            for _ in range(2):
                assert (await client.get("/open311/v2/services.json")).status_code == 200
            refused = await client.get("/open311/v2/services.xml")
    assert "2/minute" in georeport_xml_error(refused, 429)
    assert int(refused.headers["retry-after"]) >= 1
    assert len(arrivals) == 2


async def test_a_complaints_service_that_is_down_is_503_in_georeport_format(
    gateway_settings: GatewaySettingsFactory,
) -> None:
    settings = await gateway_settings(complaints_url=f"http://127.0.0.1:{free_port()}")
    async with running(create_gateway_app(settings)) as client:
        down = await client.get("/open311/v2/services.json")
        down_xml = await client.get("/open311/v2/services.xml")
    assert "complaints" in georeport_json_error(down, 503)
    assert "complaints" in georeport_xml_error(down_xml, 503)
