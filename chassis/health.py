"""Readiness that means something: ready while the process can take writes (its database
answers); what it can do without (the broker, whose outage the outbox absorbs; an upstream of
the gateway) only makes it degraded."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Mapping

from fastapi.responses import JSONResponse
from prometheus_client import Gauge

from chassis.problems import PROBLEM_MEDIA_TYPE, Problem

READINESS_TIMEOUT = 2.0
OK = "ok"

READY = Gauge(
    "shijian_ready",
    "1 while the check passes, 0 while it fails; a failing database makes the process not"
    " ready, any other failing check only degraded.",
    ["service", "check"],
)


async def check(name: str, probe: Callable[[], Awaitable[object]]) -> tuple[str, str]:
    """`name` and "ok", or "unavailable: <why>" when `probe` fails or takes too long."""
    try:
        await asyncio.wait_for(probe(), READINESS_TIMEOUT)
    except Exception as error:
        return name, f"unavailable: {type(error).__name__}: {error}"[:200]
    return name, OK


def record(service: str, checks: Mapping[str, str]) -> None:
    """Set the `shijian_ready` gauge of each check."""
    for name, state in checks.items():
        READY.labels(service, name).set(1 if state == OK else 0)


def readiness_answer(
    service: str, checks: Mapping[str, str], essential: Collection[str] = ("database",)
) -> JSONResponse:
    """200 `ready`; 200 `degraded` naming the failing checks that are not `essential`; 503
    problem+json while an essential one fails."""
    record(service, checks)
    failing = [name for name, state in checks.items() if state != OK]
    if not failing:
        return JSONResponse({"status": "ready", "service": service, "checks": dict(checks)})
    if not any(name in essential for name in failing):
        body = {"status": "degraded", "service": service, "degraded": failing}
        return JSONResponse(body | {"checks": dict(checks)})
    problem = Problem("unavailable", 503, f"Not ready: {', '.join(failing)}", checks=dict(checks))
    return JSONResponse(problem.body("/readyz"), status_code=503, media_type=PROBLEM_MEDIA_TYPE)
