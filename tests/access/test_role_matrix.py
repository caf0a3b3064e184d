"""Every route of every service and of the gateway answers each role as the matrix says."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from chassis.app import create_service_app
from chassis.auth import PARTNER_ROLES, ROLE_ORDER
from gateway.app import create_gateway_app
from gateway.identity.usecases import Identity
from gateway.settings import GatewaySettings
from tests.access.matrix import (
    ACCESS_PAGE,
    MATRIX,
    SAMPLE_DESK,
    SAMPLE_OFFICE,
    SAMPLE_SECTION,
    SAMPLE_STATION,
    SAMPLE_USER,
    TICKET_HANDLERS,
    Rule,
    person_of,
    render_page,
)
from tests.access.samples import (
    complaints_samples,
    document_samples,
    enforcement_samples,
    household_samples,
    licensing_samples,
    nonconformity_samples,
    random_inspection_samples,
    street_samples,
    supervision_samples,
)
from tests.conftest import CreateDatabase, fully_ready, service_settings, wait_until
from tests.gateway.conftest import SERVICE_SPECS, running_platform
from tests.tokens import mint_token

_serial = itertools.count()


# Routes left out of the OpenAPI on purpose (operations and the documents themselves).
UNDOCUMENTED = {
    ("gateway", "GET", path)
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs")
} | {(spec.name, "GET", "/openapi.json") for spec in SERVICE_SPECS}


def documented_routes(process: str, app: FastAPI) -> set[tuple[str, str, str]]:
    paths = app.openapi()["paths"]
    return {(process, method.upper(), path) for path, item in paths.items() for method in item}


def test_every_route_is_in_the_matrix() -> None:
    declared = set(UNDOCUMENTED)
    for spec in SERVICE_SPECS:
        settings = service_settings(spec.name, "sqlite+aiosqlite:///:memory:", "matrix")
        declared |= documented_routes(spec.name, create_service_app(spec, settings))
    gateway = create_gateway_app(GatewaySettings(service="gateway", environment="test"))
    declared |= documented_routes("gateway", gateway)
    in_matrix = {(rule.process, rule.method, rule.path) for rule in MATRIX}
    assert declared - in_matrix == set(), "routes missing from tests/access/matrix.py"
    assert in_matrix - declared == set(), "routes in the matrix that no process declares"


def test_docs_access_shows_the_current_matrix() -> None:
    assert ACCESS_PAGE.read_text(encoding="utf-8") == render_page(), (
        "docs/access.md is stale: run python -m tests.access.matrix"
    )


def token_for(identity: Identity, role: str) -> str:
    """A token of the matrix's person holding `role` (the same person at every call)."""
    key = identity.keys.active
    partner = role in PARTNER_ROLES
    office = {
        "enforcement_officer": SAMPLE_SECTION,
        "complaints_handler": SAMPLE_DESK,
        "station_staff": SAMPLE_STATION,
    }.get(role, SAMPLE_OFFICE)
    agency = "health" if role == "partner_agency" else person_of(role)
    return mint_token(
        subject=person_of(role),
        roles=[role],
        kind="partner" if partner else "staff",
        office=None if partner else office,
        agency=agency if partner else None,
        key=key.private_key,
        key_id=key.kid,
    )


def filled(value: Any, samples: dict[str, str]) -> Any:
    """`value` with `{name}` placeholders replaced by the prepared samples."""
    if isinstance(value, str):
        return value.format_map(samples) if "{" in value else value
    if isinstance(value, dict):
        return {key: filled(item, samples) for key, item in value.items()}
    if isinstance(value, list):
        return [filled(item, samples) for item in value]
    return value


def for_role(samples: dict[str, str], role: str | None) -> dict[str, str]:
    """The samples, with those made for `role` (named `<sample>@<role>`) in their place: a
    step each role may take once needs an object of its own."""
    own = {
        name.partition("@")[0]: value
        for name, value in samples.items()
        if role is not None and name.endswith(f"@{role}")
    }
    return samples | own


async def call(
    client: httpx.AsyncClient, rule: Rule, token: str | None, samples: dict[str, str]
) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = filled(rule.body, samples)
    if body is not None and rule.per_call:
        body = body | {name: f"{body[name]}{next(_serial)}" for name in rule.per_call}
    path = filled(rule.url_path, samples)
    if rule.streams:
        async with client.stream(rule.method, path, headers=headers) as response:
            return response.status_code
    answer = await client.request(
        rule.method, path, headers=headers, json=body, data=rule.form, files=rule.files
    )
    return answer.status_code


async def test_each_role_gets_what_the_matrix_says(
    create_database: CreateDatabase, bus_prefix: str, tmp_path: Path
) -> None:
    async with (
        running_platform(
            create_database,
            bus_prefix,
            tmp_path / "keys",
            login_rate_limit="1000/minute",
            api_rate_limit="10000/minute",
        ) as platform,
        httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client,
    ):
        identity: Identity = platform.gateway.state.identity
        admin = {"Authorization": f"Bearer {token_for(identity, 'admin')}"}
        prepared = [
            await client.post(
                "/api/admin/users",
                json={
                    "username": SAMPLE_USER,
                    "password": "Pass-word-9-of-the-bureau",
                    "name": "S",
                    "roles": ["auditor"],
                },
                headers=admin,
            ),
            await client.post(
                "/api/admin/clients",
                json={
                    "client_id": "sample",
                    "client_secret": "sample-secret-1",
                    "name": "S",
                    "agency": "fire",
                },
                headers=admin,
            ),
            await client.post("/api/admin/open311-keys", json={"name": "sample"}, headers=admin),
        ]
        assert [answer.status_code for answer in prepared] == [201, 201, 201]

        async def ready() -> bool:
            return fully_ready(await client.get("/readyz"))

        await wait_until(ready)
        clerk = {"Authorization": f"Bearer {token_for(identity, 'licensing_clerk')}"}
        samples = {"open311_key": prepared[2].json()["id"]}
        samples |= await supervision_samples(client, admin)
        samples |= await licensing_samples(client, clerk)
        officer = {"Authorization": f"Bearer {token_for(identity, 'enforcement_officer')}"}
        samples |= await enforcement_samples(client, admin, officer)
        await household_samples(client, admin, samples["credit_code"])
        inspector = {"Authorization": f"Bearer {token_for(identity, 'grid_inspector')}"}
        samples |= await street_samples(client, inspector, samples["credit_code"])
        head = {"Authorization": f"Bearer {token_for(identity, 'office_head')}"}
        samples |= await random_inspection_samples(client, head)
        samples |= await complaints_samples(
            client, {role: token_for(identity, role) for role in TICKET_HANDLERS}
        )
        manager = {"Authorization": f"Bearer {token_for(identity, 'qms_manager')}"}
        author = mint_token(
            subject="quality-author",
            roles=["qms_manager"],
            office="quality",
            key=identity.keys.active.private_key,
            key_id=identity.keys.active.kid,
        )
        samples |= await document_samples(client, {"Authorization": f"Bearer {author}"}, manager)
        samples |= await nonconformity_samples(client, manager)
        wrong = []
        for rule in MATRIX:
            for role in (None, *ROLE_ORDER):
                token = token_for(identity, role) if role else None
                status = await call(client, rule, token, for_role(samples, role))
                expected = "2xx" if rule.allows(role) else ("401" if role is None else "403")
                if rule.allows(role) and rule.answers is not None:
                    expected = str(rule.answers)
                got = "2xx" if 200 <= status < 300 else str(status)
                if got != expected:
                    wrong.append(f"{rule.label} as {role or 'no token'}: {status}, not {expected}")
        assert wrong == []
