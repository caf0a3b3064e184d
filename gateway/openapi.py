"""One OpenAPI document for the platform: the gateway's routes and every service's, namespaced."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

log = logging.getLogger("shijian.gateway.openapi")

TOKEN_URL = "/auth/token"  # noqa: S105 - a path, not a secret
OAUTH2_SCHEME = "OAuth2PasswordBearer"
BEARER_SCHEME = "HTTPBearer"
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    OAUTH2_SCHEME: {
        "type": "oauth2",
        "description": "Staff sign in with their user name and password.",
        "flows": {"password": {"tokenUrl": TOKEN_URL, "scopes": {}}},
    },
    BEARER_SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": f"An access token from {TOKEN_URL} (partner agencies: client credentials).",
    },
}
SECURITY: list[dict[str, list[str]]] = [{OAUTH2_SCHEME: []}, {BEARER_SCHEME: []}]

# Every service answers these itself; they are not part of the platform's API.
INFRASTRUCTURE_PATHS = frozenset(
    {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
)
METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
# Component kinds whose names are namespaced per service; security schemes are the gateway's.
NAMESPACED_KINDS = frozenset(
    {
        "schemas",
        "responses",
        "parameters",
        "examples",
        "requestBodies",
        "headers",
        "links",
        "callbacks",
        "pathItems",
    }
)
# Keys whose object maps names (properties, status codes, media types...) to objects, so the
# names are never read as keywords: a property called `$ref` or `example` stays a property.
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "paths",
        "webhooks",
        "responses",
        "content",
        "headers",
        "encoding",
        "links",
        "callbacks",
        "examples",
        "variables",
        "scopes",
        *NAMESPACED_KINDS,
        "securitySchemes",
    }
)
# Values that are data, never references.
DATA_KEYS = frozenset({"example", "value", "default", "const", "enum"})


@dataclass(frozen=True)
class MergedOpenAPI:
    """The merged document and the services it lacks (down, slow or answering garbage)."""

    document: dict[str, Any]
    missing: list[str]


async def merged_openapi(
    client: httpx.AsyncClient,
    upstreams: dict[str, tuple[str, ...]],
    *,
    headers: dict[str, str],
    gateway_schema: dict[str, Any],
    timeout: float = 3.0,  # noqa: ASYNC109 - one deadline per upstream, not for the whole call
) -> MergedOpenAPI:
    """The gateway's schema with every reachable upstream's paths under `/api/<service>`."""
    fetched = await asyncio.gather(
        *(_fetch_any(client, name, bases, headers, timeout) for name, bases in upstreams.items())
    )
    document = copy.deepcopy(gateway_schema)
    _mark_public_operations(document)
    missing: list[str] = []
    for name, service_document in fetched:
        if service_document is None:
            missing.append(name)
            continue
        try:
            part = _namespaced(name, service_document)
        except (TypeError, ValueError, AttributeError, KeyError) as error:
            log.warning("OpenAPI of %s is malformed, left out: %s", name, error)
            missing.append(name)
            continue
        _add(document, part)
    _secure(document)
    _describe_missing(document, missing)
    _make_operation_ids_unique(document)
    return MergedOpenAPI(document, missing)


def docs_html(openapi_url: str) -> HTMLResponse:
    """Swagger UI for `openapi_url`, signing in with the OAuth2 password flow."""
    return get_swagger_ui_html(
        openapi_url=openapi_url,
        title="shijian API",
        init_oauth={"appName": "shijian API"},
        swagger_ui_parameters={"persistAuthorization": True, "displayRequestDuration": True},
    )


async def _fetch_any(
    client: httpx.AsyncClient,
    name: str,
    bases: tuple[str, ...],
    headers: dict[str, str],
    seconds: float,
) -> tuple[str, dict[str, Any] | None]:
    """The document of the first replica of `name` that gives one (replicas serve the same)."""
    for base in bases:
        fetched = await _fetch(client, name, base, headers, seconds)
        if fetched[1] is not None:
            return fetched
    return name, None


async def _fetch(
    client: httpx.AsyncClient, name: str, base: str, headers: dict[str, str], seconds: float
) -> tuple[str, dict[str, Any] | None]:
    url = f"{base.rstrip('/')}/openapi.json"
    try:
        # httpx's timeout bounds each step; wait_for bounds a server that trickles bytes.
        response = await asyncio.wait_for(
            client.get(url, headers=headers, timeout=seconds), timeout=seconds
        )
    except (httpx.HTTPError, httpx.InvalidURL, TimeoutError) as error:
        log.warning("OpenAPI of %s unavailable at %s: %s", name, url, type(error).__name__)
        return name, None
    if response.status_code != 200:
        log.warning("OpenAPI of %s at %s answered %s", name, url, response.status_code)
        return name, None
    try:
        document = response.json()
    except ValueError:
        log.warning("OpenAPI of %s at %s is not JSON", name, url)
        return name, None
    if not isinstance(document, dict) or not isinstance(document.get("paths", {}), dict):
        log.warning("OpenAPI of %s at %s is not an OpenAPI document", name, url)
        return name, None
    return name, document


@dataclass
class _Part:
    paths: dict[str, Any]
    components: dict[str, dict[str, Any]]
    webhooks: dict[str, Any]
    tags: list[dict[str, Any]]


def _namespaced(service: str, document: dict[str, Any]) -> _Part:
    """The service's paths, components and tags, renamed so no other service can clash."""
    document = _rewrite(document, _ref_renamer(service))
    paths: dict[str, Any] = {}
    for path, item in _mapping(document.get("paths", {}), "paths").items():
        if path in INFRASTRUCTURE_PATHS:
            continue
        for method, operation in _mapping(item, f"paths.{path}").items():
            if method in METHODS:
                _namespace_operation(service, _mapping(operation, f"{path} {method}"))
        paths[_gateway_path(service, path)] = item
    components = {
        kind: {_component_name(service, name): value for name, value in _mapping(named).items()}
        for kind, named in _mapping(document.get("components", {}), "components").items()
        if kind in NAMESPACED_KINDS
    }
    webhooks = {
        _component_name(service, name): value
        for name, value in _mapping(document.get("webhooks", {}), "webhooks").items()
    }
    info = _mapping(document.get("info", {}), "info")
    tags = [{"name": service, "description": str(info.get("title") or service)}]
    for tag in document.get("tags", []):
        tags.append({**_mapping(tag, "tags"), "name": _tag(service, str(tag["name"]))})
    return _Part(paths, components, webhooks, tags)


def _namespace_operation(service: str, operation: dict[str, Any]) -> None:
    if "operationId" in operation:
        operation["operationId"] = f"{service}__{operation['operationId']}"
    operation["tags"] = [_tag(service, str(t)) for t in operation.get("tags", [])] or [service]
    if "security" in operation:
        operation["security"] = _gateway_requirements(operation["security"])


def _gateway_requirements(requirements: list[dict[str, Any]]) -> list[dict[str, list[str]]]:
    """A service's requirements in the gateway's schemes; public ones (`[]`, `{}`) stay."""
    mapped: list[dict[str, list[str]]] = []
    for requirement in requirements:
        for option in [{}] if not requirement else SECURITY:
            if option not in mapped:
                mapped.append(option)
    return mapped


def _add(document: dict[str, Any], part: _Part) -> None:
    document.setdefault("paths", {}).update(part.paths)
    components = document.setdefault("components", {})
    for kind, named in part.components.items():
        components.setdefault(kind, {}).update(named)
    if part.webhooks:
        document.setdefault("webhooks", {}).update(part.webhooks)
    tags = document.setdefault("tags", [])
    known = {tag.get("name") for tag in tags}
    tags.extend(tag for tag in part.tags if tag["name"] not in known)


def _mark_public_operations(document: dict[str, Any]) -> None:
    # FastAPI writes `security` only for routes with a security dependency; without it the
    # global requirement added below would show the gateway's public routes as protected.
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method in METHODS:
                operation.setdefault("security", [])


def _secure(document: dict[str, Any]) -> None:
    schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
    for name, scheme in SECURITY_SCHEMES.items():
        schemes.setdefault(name, copy.deepcopy(scheme))
    document["security"] = copy.deepcopy(SECURITY)


def _describe_missing(document: dict[str, Any], missing: list[str]) -> None:
    info = document.setdefault("info", {"title": "shijian API", "version": "0.1.0"})
    info["x-missing-services"] = list(missing)
    if missing:
        note = f"Not included (unavailable when this document was made): {', '.join(missing)}."
        info["description"] = (
            f"{info['description']}\n\n{note}" if info.get("description") else note
        )


def _make_operation_ids_unique(document: dict[str, Any]) -> None:
    seen: set[str] = set()
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method not in METHODS or "operationId" not in operation:
                continue
            operation_id, n = operation["operationId"], 1
            while operation_id in seen:
                n += 1
                operation_id = f"{operation['operationId']}_{n}"
            operation["operationId"] = operation_id
            seen.add(operation_id)


def _gateway_path(service: str, path: str) -> str:
    return f"/api/{service}{path if path.startswith('/') else '/' + path}"


def _component_name(service: str, name: str) -> str:
    # Component keys allow only [A-Za-z0-9._-]; FastAPI itself joins with `__` on clashes.
    return f"{service}__{name}"


def _tag(service: str, tag: str) -> str:
    return f"{service}/{tag}"


def _ref_renamer(service: str) -> Callable[[str], str]:
    """Rewrites a local `$ref` of the service's document to its place in the merged one."""

    def rename(ref: str) -> str:
        if not ref.startswith("#/"):
            return ref  # external references resolve as they did
        parts = ref[2:].split("/")
        if len(parts) >= 3 and parts[0] == "components" and parts[1] in NAMESPACED_KINDS:
            parts[2] = _component_name(service, parts[2])
        elif len(parts) >= 2 and parts[0] == "paths":
            parts[1] = _escape(_gateway_path(service, _unescape(parts[1])))
        elif len(parts) >= 2 and parts[0] == "webhooks":
            parts[1] = _component_name(service, parts[1])
        return "#/" + "/".join(parts)

    return rename


def _rewrite(node: Any, rename: Callable[[str], str], *, names: bool = False) -> Any:
    """A copy of `node` with every `$ref` (and discriminator mapping) renamed."""
    if isinstance(node, list):
        return [_rewrite(item, rename) for item in node]
    if not isinstance(node, dict):
        return node
    rewritten: dict[str, Any] = {}
    for key, value in node.items():
        if names:
            rewritten[key] = _rewrite(value, rename)
        elif key == "$ref" and isinstance(value, str):
            rewritten[key] = rename(value)
        elif key == "mapping" and isinstance(value, dict):
            rewritten[key] = {k: rename(v) if isinstance(v, str) else v for k, v in value.items()}
        elif (
            key in DATA_KEYS
            or key.startswith("x-")
            or (key == "examples" and isinstance(value, list))
        ):
            rewritten[key] = copy.deepcopy(value)
        else:
            rewritten[key] = _rewrite(
                value, rename, names=key in NAME_MAPS and isinstance(value, dict)
            )
    return rewritten


def _mapping(value: Any, where: str = "object") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"{where} is not an object")
    return value


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")
