"""RFC 9457 problem details: the one shape of every error a shijian process answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.types import DecoratedCallable
from starlette.exceptions import HTTPException as StarletteHTTPException

from chassis.errors import DomainError, RuleViolated
from chassis.observability import request_id

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "/problems/"
# A route's `responses` entry for an error answered as problem+json (for the OpenAPI).
PROBLEM: dict[str, Any] = {"content": {PROBLEM_MEDIA_TYPE: {}}}


def post_route(
    router: APIRouter,
    path: str,
    response_model: type,
    *problems: int | str,
    status_code: int | None = None,
) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """A POST route of `router` answering `response_model`, or problem+json with the statuses
    named (so the OpenAPI document lists them)."""
    responses = dict.fromkeys(problems, PROBLEM)
    return router.post(
        path, status_code=status_code, response_model=response_model, responses=responses
    )


# Every kind of error has a stable type URI, documented in docs/problems.md.
PROBLEM_TITLES: dict[str, str] = {
    "validation": "The request is not valid",
    "unauthenticated": "Authentication required",
    "forbidden": "Not allowed",
    "not-found": "Not found",
    "method-not-allowed": "Method not allowed",
    "conflict": "Conflict with the current state",
    "unsupported-media-type": "Unsupported media type",
    "payload-too-large": "Request body too large",
    "idempotency-key-reused": "Idempotency-Key reused for a different request",
    "rule-violation": "A legal or business rule forbids this",
    "rate-limited": "Too many requests",
    "unavailable": "Temporarily unavailable",
    "overloaded": "Too busy to handle the request now",
    "upstream-unavailable": "Upstream service unavailable",
    "upstream-timeout": "Upstream service timed out",
    "http-error": "HTTP error",
    "internal-error": "Internal error",
}


class Problem(Exception):  # noqa: N818 - RFC 9457 calls it a problem
    """An error to answer as problem+json; raise it from use cases and routes."""

    def __init__(
        self,
        kind: str,
        status: int,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        if kind not in PROBLEM_TITLES:
            raise ValueError(f"undocumented problem type {kind!r}")
        super().__init__(detail)
        self.kind = kind
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions

    def body(self, instance: str | None = None) -> dict[str, Any]:
        """The RFC 9457 JSON object."""
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.kind,
            "title": PROBLEM_TITLES[self.kind],
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if request_id.get():
            body["request_id"] = request_id.get()
        body.update(self.extensions)
        return body


def problem_of(error: DomainError) -> Problem:
    """The problem+json answer of a domain error: the one place the mapping is written."""
    if isinstance(error, RuleViolated):
        detail = {
            "field": f"{error.where}.{error.field}",
            "message": error.message,
            "code": error.code,
        }
        return Problem(error.kind, error.status, error.detail, errors=[detail], **error.extensions)
    return Problem(error.kind, error.status, error.detail, **error.extensions)


def problem_response(problem: Problem, instance: str | None = None) -> JSONResponse:
    """A JSONResponse carrying `problem` with the problem+json media type."""
    return JSONResponse(
        problem.body(instance),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


def internal_error_response() -> JSONResponse:
    """The answer to an unexpected error: no internals, only the request id to quote."""
    problem = Problem(
        "internal-error", 500, "The request failed; quote the request id to the IT desk."
    )
    return problem_response(problem)


def field_errors(error: RequestValidationError) -> list[dict[str, str]]:
    """Pydantic's errors as a list of {field, message, code}, fields as dotted paths."""
    return [
        {
            "field": ".".join(str(part) for part in item["loc"]),
            "message": str(item["msg"]),
            "code": str(item["type"]),
        }
        for item in error.errors()
    ]


_STATUS_KINDS = {
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    429: "rate-limited",
}


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error of `app` (validation, HTTP, unexpected) as problem+json."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc, request.url.path)

    async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return problem_response(problem_of(exc), request.url.path)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = field_errors(exc)
        fields = ", ".join(e["field"] for e in errors)
        problem = Problem("validation", 422, f"Invalid fields: {fields}", errors=errors)
        return problem_response(problem, request.url.path)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        kind = _STATUS_KINDS.get(exc.status_code, "http-error")
        problem = Problem(kind, exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))
        return problem_response(problem, request.url.path)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
