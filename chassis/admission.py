"""Load shedding: a bounded number of requests in flight, a short queue before them, and a
quick 503 for the rest, so that an overloaded process answers some requests in time instead of
all of them late."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from prometheus_client import Counter, Gauge
from starlette.types import ASGIApp, Receive, Scope, Send

from chassis.problems import Problem, problem_response
from chassis.settings import Settings

# Never shed: an orchestrator asking whether the process lives or is ready, and the scrape
# that shows the overload, must be answered most of all when it is busy.
OPERATIONS_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

SHED = Counter(
    "shijian_http_shed_total",
    "Requests answered 503 without being handled: the queue was full, or the wait too long.",
    ["service", "reason"],
)
IN_FLIGHT = Gauge("shijian_http_in_flight", "Requests being handled now.", ["service"])
WAITING = Gauge("shijian_http_waiting", "Requests queued for a place to be handled.", ["service"])


class Admission:
    """Pure ASGI: at most `limit` requests handled at once; up to `queue` more wait, each at
    most `wait_seconds`, in their order of arrival; any other is answered 503 problem+json
    (`overloaded`) with `Retry-After`, in the time it takes to write it."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        service: str,
        limit: int,
        queue: int,
        wait_seconds: float,
        retry_after: int,
        exempt: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.queue = queue
        self.wait_seconds = wait_seconds
        self.retry_after = retry_after
        self.exempt = OPERATIONS_PATHS | frozenset(exempt)
        # asyncio's semaphore wakes its waiters first come, first served.
        self._places = asyncio.Semaphore(limit)
        self._waiting = 0
        self.in_flight = IN_FLIGHT.labels(service)
        self.waiting = WAITING.labels(service)
        self.shed_full = SHED.labels(service, "queue_full")
        self.shed_late = SHED.labels(service, "waited_too_long")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle the request when a place is free, else queue it briefly, else shed it."""
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        if self._places.locked():
            if self._waiting >= self.queue:
                self.shed_full.inc()
                await self._shed(scope, receive, send, "too many requests are waiting")
                return
            if not await self._wait():
                self.shed_late.inc()
                await self._shed(scope, receive, send, "no place came free in time")
                return
        else:
            await self._places.acquire()  # free: taken without yielding
        self.in_flight.inc()
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight.dec()
            self._places.release()

    async def _wait(self) -> bool:
        """Wait in the queue for a place; whether one came within the wait."""
        self._waiting += 1
        self.waiting.inc()
        try:
            async with asyncio.timeout(self.wait_seconds):
                await self._places.acquire()
        except TimeoutError:
            return False
        finally:
            self._waiting -= 1
            self.waiting.dec()
        return True

    async def _shed(self, scope: Scope, receive: Receive, send: Send, why: str) -> None:
        problem = Problem(
            "overloaded",
            503,
            f"The service is handling as many requests as it can ({why}); retry later",
            headers={"Retry-After": str(self.retry_after)},
        )
        await problem_response(problem, scope["path"])(scope, receive, send)


def admission_of(settings: Settings, service: str, exempt: Iterable[str] = ()) -> dict[str, Any]:
    """The keyword arguments of `Admission` from the process' settings."""
    return {
        "service": service,
        "limit": settings.max_concurrent_requests,
        "queue": settings.max_waiting_requests,
        "wait_seconds": settings.max_wait_seconds,
        "retry_after": settings.retry_after_seconds,
        "exempt": tuple(exempt),
    }
