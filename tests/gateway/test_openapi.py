"""The merged OpenAPI: every service under /api/<service>, nothing clashing, down services named."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any, Literal

import httpx
import pytest
from fastapi import Depends, FastAPI, Header, HTTPException
from fastapi.openapi.utils import get_openapi
from fastapi.responses import PlainTextResponse
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from openapi_spec_validator import validate
from pydantic import BaseModel, Field

from gateway.openapi import MergedOpenAPI, merged_openapi
from tests.conftest import serving

TOKEN = "service-token"
AUTHORIZATION = {"Authorization": f"Bearer {TOKEN}"}


class Licensing:
    class Application(BaseModel):
        id: str
        trader: str
        status: Literal["filed", "granted"]

    class Granted(BaseModel):
        kind: Literal["granted"]
        licence_number: str

    class Refused(BaseModel):
        kind: Literal["refused"]
        reason: str

    class Batch(BaseModel):
        example: Licensing.Application  # a field named like an OpenAPI keyword
        items: list[Licensing.Application]


class Supervision:
    class Application(BaseModel):
        grid: str
        inspector: str
        visits: int


Decision = Annotated[Licensing.Granted | Licensing.Refused, Field(discriminator="kind")]


def check_token(authorization: Annotated[str | None, Header()] = None) -> None:
    if authorization != f"Bearer {TOKEN}":
        raise HTTPException(401, "Missing bearer token")


def with_protected_openapi(app: FastAPI) -> FastAPI:
    """Like every shijian service: the OpenAPI only for a bearer of a token."""

    @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(check_token)])
    async def openapi() -> dict[str, Any]:
        return get_openapi(title=app.title, version=app.version, routes=app.routes)

    return app


def licensing_app() -> FastAPI:
    app = FastAPI(title="shijian licensing", openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/applications")
    async def list_applications() -> list[Licensing.Application]:
        return []

    @app.get("/applications/{application_id}", dependencies=[Depends(check_token)])
    async def get_application(application_id: str) -> Licensing.Application:
        return Licensing.Application(id=application_id, trader="t", status="filed")

    @app.post("/applications/{application_id}/decision")
    async def decide(application_id: str, decision: Decision) -> Licensing.Application:
        return Licensing.Application(id=application_id, trader="t", status="granted")

    @app.post("/batches", status_code=202)
    async def file_batch(batch: Licensing.Batch) -> None:
        return None

    return with_protected_openapi(app)


def supervision_app() -> FastAPI:
    app = FastAPI(title="shijian supervision", openapi_url=None)

    @app.get("/metrics")
    async def metrics() -> str:
        return ""

    @app.get("/applications")
    async def list_applications() -> list[Supervision.Application]:
        return []

    @app.get("/inspections/{inspection_id}", dependencies=[Depends(check_token)])
    async def get_inspection(
        inspection_id: str, grid: str | None = None
    ) -> Supervision.Application:
        return Supervision.Application(grid=grid or "g", inspector="i", visits=1)

    return with_protected_openapi(app)


oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token")


def gateway_schema() -> dict[str, Any]:
    app = FastAPI(title="shijian gateway", version="0.1.0")

    @app.post("/auth/token", openapi_extra={"security": []})
    async def issue_token(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict[str, str]:
        return {"access_token": "x", "token_type": "bearer"}

    @app.get("/.well-known/jwks.json")
    async def jwks() -> dict[str, list[str]]:
        return {"keys": []}

    @app.get("/auth/me")
    async def me(token: Annotated[str, Depends(oauth2)]) -> dict[str, str]:
        return {"sub": token}

    return app.openapi()


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


# Each service's name → the base URLs of its replicas.
Upstreams = dict[str, tuple[str, ...]]


@pytest.fixture(scope="module")
async def upstreams() -> AsyncIterator[Upstreams]:
    async with serving(licensing_app()) as licensing, serving(supervision_app()) as supervision:
        yield {
            # A replica that is down is passed over for the next.
            "licensing": (closed_port_url(), licensing),
            "supervision": (supervision,),
            "enforcement": (closed_port_url(),),
        }


async def merge(upstreams: Upstreams, headers: dict[str, str]) -> MergedOpenAPI:
    async with httpx.AsyncClient() as client:
        return await merged_openapi(
            client, upstreams, headers=headers, gateway_schema=gateway_schema()
        )


def refs(node: Any) -> Iterator[str]:
    """Every `$ref` and discriminator mapping target in `node`, outside example data."""
    if isinstance(node, list):
        for item in node:
            yield from refs(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            elif key == "discriminator" and isinstance(value, dict):
                yield from value.get("mapping", {}).values()
            elif key == "properties" and isinstance(value, dict):
                for schema in value.values():  # names, never keywords
                    yield from refs(schema)
            elif key in {"value", "example"} or (key == "examples" and isinstance(value, list)):
                continue  # data, which may look like anything
            else:
                yield from refs(value)


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "delete", "patch", "head", "options", "trace"}:
                yield path, method, operation


async def test_services_appear_under_their_gateway_paths(upstreams: Upstreams) -> None:
    merged = await merge(upstreams, AUTHORIZATION)
    paths = set(merged.document["paths"])
    assert {
        "/api/licensing/applications",
        "/api/licensing/applications/{application_id}",
        "/api/licensing/applications/{application_id}/decision",
        "/api/licensing/batches",
        "/api/supervision/applications",
        "/api/supervision/inspections/{inspection_id}",
        "/auth/token",
        "/.well-known/jwks.json",
        "/auth/me",
    } == paths  # no /healthz, /metrics of any service
    for path, _, operation in operations(merged.document):
        if path.startswith("/api/"):
            assert operation["tags"] == [path.split("/")[2]], path
    assert {"licensing", "supervision"} <= {tag["name"] for tag in merged.document["tags"]}
    validate(merged.document)


async def test_same_named_schemas_stay_apart_and_every_ref_resolves(
    upstreams: Upstreams,
) -> None:
    document = (await merge(upstreams, AUTHORIZATION)).document
    schemas = document["components"]["schemas"]
    assert set(schemas["licensing__Application"]["properties"]) == {"id", "trader", "status"}
    assert set(schemas["supervision__Application"]["properties"]) == {"grid", "inspector", "visits"}
    assert "Application" not in schemas
    found = list(refs(document))
    assert "#/components/schemas/licensing__Granted" in found  # from the discriminator mapping
    batch = schemas["licensing__Batch"]["properties"]
    assert batch["example"]["$ref"] == "#/components/schemas/licensing__Application"
    for ref in found:
        assert isinstance(resolve(document, ref), dict), ref
    decide = document["paths"]["/api/licensing/applications/{application_id}/decision"]["post"]
    mapping = decide["requestBody"]["content"]["application/json"]["schema"]["discriminator"]
    assert mapping["mapping"]["granted"] == "#/components/schemas/licensing__Granted"
    response = document["paths"]["/api/supervision/applications"]["get"]["responses"]["200"]
    items = response["content"]["application/json"]["schema"]["items"]
    assert items["$ref"] == "#/components/schemas/supervision__Application"


async def test_operation_ids_are_unique(upstreams: Upstreams) -> None:
    document = (await merge(upstreams, AUTHORIZATION)).document
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))
    assert "licensing__list_applications_applications_get" in ids
    assert "supervision__list_applications_applications_get" in ids


async def test_security_schemes_and_public_gateway_routes(upstreams: Upstreams) -> None:
    document = (await merge(upstreams, AUTHORIZATION)).document
    schemes = document["components"]["securitySchemes"]
    assert schemes["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"] == "/auth/token"
    assert schemes["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": schemes["HTTPBearer"]["description"],
    }
    assert {"OAuth2PasswordBearer": []} in document["security"]
    assert {"HTTPBearer": []} in document["security"]
    paths = document["paths"]
    assert paths["/auth/token"]["post"]["security"] == []
    assert paths["/.well-known/jwks.json"]["get"]["security"] == []
    assert paths["/auth/me"]["get"]["security"] == [{"OAuth2PasswordBearer": []}]
    assert "security" not in paths["/api/licensing/applications"]["get"]  # the global one


async def test_a_down_service_is_named_and_the_rest_is_complete(
    upstreams: Upstreams, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="shijian.gateway.openapi"):
        merged = await merge(upstreams, AUTHORIZATION)
    assert merged.missing == ["enforcement"]
    assert merged.document["info"]["x-missing-services"] == ["enforcement"]
    assert "enforcement" in merged.document["info"]["description"]
    assert not any(path.startswith("/api/enforcement") for path in merged.document["paths"])
    assert any(
        r.name == "shijian.gateway.openapi" and "enforcement" in r.getMessage()
        for r in caplog.records
    )
    validate(merged.document)


async def test_the_headers_given_are_the_ones_sent(upstreams: Upstreams) -> None:
    merged = await merge(upstreams, {})
    assert merged.missing == ["licensing", "supervision", "enforcement"]
    assert set(merged.document["paths"]) == {"/auth/token", "/.well-known/jwks.json", "/auth/me"}
    validate(merged.document)


def broken_app() -> FastAPI:
    app = FastAPI(openapi_url=None)

    @app.get("/{kind}/openapi.json")
    async def openapi(kind: str) -> Any:
        if kind == "slow":
            await asyncio.sleep(2)
        if kind == "text":
            return PlainTextResponse("<html>not json</html>")
        if kind == "list":
            return ["not", "a", "document"]
        if kind == "paths":
            return {"openapi": "3.1.0", "paths": {"/x": "not an object"}}
        raise HTTPException(500, "boom")

    return app


async def test_broken_upstreams_are_left_out_never_raised() -> None:
    kinds = ("slow", "text", "list", "paths", "error")
    async with serving(broken_app()) as base, httpx.AsyncClient() as client:
        merged = await merged_openapi(
            client,
            {kind: (f"{base}/{kind}",) for kind in kinds},
            headers=AUTHORIZATION,
            gateway_schema=gateway_schema(),
            timeout=0.5,
        )
    assert merged.missing == list(kinds)
    validate(merged.document)


QMS_DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "shijian qms", "version": "0.1.0"},
    "tags": [{"name": "samples", "description": "Test samples"}],
    "paths": {
        "/samples": {
            "parameters": [{"$ref": "#/components/parameters/Cursor"}],
            "post": {
                "operationId": "file_sample",
                "tags": ["samples"],
                "security": [{"bearerAuth": []}],
                "requestBody": {"$ref": "#/components/requestBodies/SampleBody"},
                "responses": {
                    "201": {
                        "description": "Filed",
                        "headers": {"Location": {"$ref": "#/components/headers/Location"}},
                    },
                    "default": {"$ref": "#/components/responses/Problem"},
                },
            },
        },
        "/samples/{id}": {
            "get": {
                "operationId": "get_sample",
                "security": [],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {}}],
                "responses": {"default": {"$ref": "#/paths/~1samples/post/responses/default"}},
            }
        },
    },
    "components": {
        "schemas": {
            "Sample": {
                "type": "object",
                "properties": {"$ref": {"type": "string"}, "lot": {"type": "string"}},
                "examples": [{"$ref": "data, not a reference"}],
            }
        },
        "parameters": {"Cursor": {"name": "cursor", "in": "query", "schema": {"type": "string"}}},
        "headers": {"Location": {"schema": {"type": "string"}}},
        "requestBodies": {
            "SampleBody": {
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/Sample"},
                        "examples": {"one": {"$ref": "#/components/examples/One"}},
                    }
                }
            }
        },
        "examples": {"One": {"value": {"$ref": "data", "lot": "L-1"}}},
        "responses": {"Problem": {"description": "A problem", "content": {}}},
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
    },
}


def qms_app() -> FastAPI:
    app = FastAPI(openapi_url=None)

    @app.get("/openapi.json")
    async def openapi() -> dict[str, Any]:
        return QMS_DOCUMENT

    return app


async def test_every_kind_of_component_is_namespaced() -> None:
    async with serving(qms_app()) as qms, httpx.AsyncClient() as client:
        merged = await merged_openapi(
            client, {"qms": (qms,)}, headers={}, gateway_schema=gateway_schema()
        )
    document = merged.document
    components = document["components"]
    for kind, name in [
        ("schemas", "Sample"),
        ("parameters", "Cursor"),
        ("headers", "Location"),
        ("requestBodies", "SampleBody"),
        ("examples", "One"),
        ("responses", "Problem"),
    ]:
        assert f"qms__{name}" in components[kind], (kind, name)
        assert name not in components.get(kind, {}), (kind, name)
    assert "bearerAuth" not in components["securitySchemes"]  # the gateway's schemes only
    for ref in refs(document):
        assert isinstance(resolve(document, ref), dict), ref
    sample = components["schemas"]["qms__Sample"]
    assert sample["properties"]["$ref"] == {"type": "string"}
    assert sample["examples"] == [{"$ref": "data, not a reference"}]
    assert components["examples"]["qms__One"]["value"] == {"$ref": "data", "lot": "L-1"}
    post = document["paths"]["/api/qms/samples"]["post"]
    assert post["tags"] == ["qms/samples"]
    assert post["security"] == [{"OAuth2PasswordBearer": []}, {"HTTPBearer": []}]
    assert document["paths"]["/api/qms/samples/{id}"]["get"]["security"] == []
    assert {"name": "qms/samples", "description": "Test samples"} in document["tags"]
    validate(document)
