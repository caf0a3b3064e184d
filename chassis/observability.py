"""Request context, JSON logs and Prometheus metrics shared by every process."""

from __future__ import annotations

import logging
import random
import re
import sys
import time
import uuid
from contextvars import ContextVar
from typing import TYPE_CHECKING, TextIO

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from pythonjsonlogger.json import JsonFormatter
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from chassis.uow import Work

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
correlation_id: ContextVar[uuid.UUID | None] = ContextVar("correlation_id", default=None)
causation_id: ContextVar[uuid.UUID | None] = ContextVar("causation_id", default=None)
event_id: ContextVar[uuid.UUID | None] = ContextVar("event_id", default=None)
traceparent: ContextVar[str | None] = ContextVar("traceparent", default=None)

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")

HTTP_REQUESTS = Counter(
    "shijian_http_requests_total",
    "HTTP requests handled, by route template and status.",
    ["service", "method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "shijian_http_request_duration_seconds",
    "HTTP request latency, by route template.",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DEADLINES_MISSED = Counter(
    "shijian_deadlines_missed_total",
    "Legal time limits found missed, by the legal clock's rule code (each once, when the "
    "transaction raising its *.deadline.missed or claim.overdue event commits).",
    ["service", "kind"],
)

log = logging.getLogger("shijian.http")


def count_missed_deadline(work: Work, rule_code: str) -> None:
    """Count a missed deadline of rule `rule_code` once `work` commits the event raising it."""
    service = work.service
    work.on_commit(lambda: DEADLINES_MISSED.labels(service, rule_code).inc())


def new_traceparent(parent: str | None = None) -> str:
    """A W3C traceparent continuing `parent`'s trace (a new span), or starting a new trace."""
    match = _TRACEPARENT.match(parent or "")
    trace = match.group(1) if match else _random_hex(128)
    return f"00-{trace}-{_random_hex(64)}-01"


def _random_hex(bits: int) -> str:
    # Trace and span ids must be unique, not secret (OpenTelemetry's generator uses `random`
    # too); `secrets` costs a system call per id, and every request and event makes one.
    number = 0
    while number == 0:  # an all-zero id is invalid
        number = random.getrandbits(bits)
    return f"{number:0{bits // 4}x}"


def trace_id() -> str | None:
    """The trace id of the current traceparent."""
    match = _TRACEPARENT.match(traceparent.get() or "")
    return match.group(1) if match else None


class _ContextFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.request_id = request_id.get()
        correlation, causation, event = correlation_id.get(), causation_id.get(), event_id.get()
        record.correlation_id = str(correlation) if correlation else None
        record.causation_id = str(causation) if causation else None
        record.event_id = str(event) if event else None
        record.trace_id = trace_id()
        return True


def configure_logging(service: str, level: str, stream: TextIO | None = None) -> None:
    """JSON logs on stderr, each line carrying the request, event, correlation and trace ids."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(_ContextFilter(service))
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            timestamp=False,
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True


def metrics_response() -> Response:
    """The Prometheus text exposition of this process."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _uuid_or_new(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(value) if value else uuid.uuid4()
    except ValueError:
        return uuid.uuid4()


class RequestContextMiddleware:
    """Sets request, correlation and trace ids for each request; counts and times it by route."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id")
        rid = given if given and _REQUEST_ID.match(given) else uuid.uuid4().hex
        rid_token = request_id.set(rid)
        correlation_token = correlation_id.set(_uuid_or_new(_header(scope, b"x-correlation-id")))
        trace_token = traceparent.set(new_traceparent(_header(scope, b"traceparent")))
        status = 500
        response_started = False
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Answered here, inside the request's context, so the 500 carries its request id.
            if response_started:
                raise
            from chassis.problems import internal_error_response

            log.exception("unhandled error")
            await internal_error_response()(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope["method"]
            HTTP_REQUESTS.labels(self.service, method, route, str(status)).inc()
            HTTP_LATENCY.labels(self.service, method, route).observe(elapsed)
            log.info(
                "request",
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            request_id.reset(rid_token)
            correlation_id.reset(correlation_token)
            traceparent.reset(trace_token)
