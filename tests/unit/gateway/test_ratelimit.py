"""Rate limits: a budget per scope and key, 429 Problem with Retry-After when spent; the
client's address behind trusted proxies."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from limits.aio.storage import MemoryStorage
from starlette.datastructures import Headers
from starlette.requests import Request

from chassis.problems import Problem
from gateway.ratelimit import RateLimits, client_ip


def key() -> str:
    return f"ip:{uuid.uuid4().hex}"


async def spend(limits: RateLimits, scope: str, key: str, times: int) -> None:
    for _ in range(times):
        await limits.hit(scope, key)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The time the limiter reads, moved by the test (`clock[0] += seconds`)."""
    now = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


async def test_over_the_limit_is_a_429_problem_with_retry_after() -> None:
    limits = RateLimits({"token": "3/minute"})
    who = key()
    await spend(limits, "token", who, 3)
    with pytest.raises(Problem) as raised:
        await limits.hit("token", who)
    problem = raised.value
    assert (problem.kind, problem.status) == ("rate-limited", 429)
    assert "3/minute" in problem.detail and "token" in problem.detail
    retry_after = int(problem.headers["Retry-After"])
    assert 1 <= retry_after <= 60


async def test_retry_after_is_at_least_one_second_even_at_the_end_of_the_window(
    clock: list[float],
) -> None:
    limits = RateLimits({"burst": "1/second"})
    who = key()
    await limits.hit("burst", who)
    clock[0] += 1.0  # the boundary: still refused, and the window stats say "now"
    with pytest.raises(Problem) as raised:
        await limits.hit("burst", who)
    assert raised.value.headers["Retry-After"] == "1"


async def test_keys_do_not_share_a_budget() -> None:
    limits = RateLimits({"api": "2/minute"})
    first, second = key(), key()
    await spend(limits, "api", first, 2)
    with pytest.raises(Problem):
        await limits.hit("api", first)
    await spend(limits, "api", second, 2)


async def test_scopes_do_not_share_a_budget() -> None:
    limits = RateLimits({"token": "2/minute", "api": "2/minute"})
    who = key()
    await spend(limits, "token", who, 2)
    with pytest.raises(Problem):
        await limits.hit("token", who)
    await spend(limits, "api", who, 2)


async def test_requests_pass_again_once_the_window_has_moved(clock: list[float]) -> None:
    limits = RateLimits({"api": "2/second"})
    who = key()
    await spend(limits, "api", who, 2)
    with pytest.raises(Problem):
        await limits.hit("api", who)
    clock[0] += 1.1  # the window itself is what is under test
    await spend(limits, "api", who, 2)


def test_limits_are_checked_when_made() -> None:
    with pytest.raises(ValueError, match="token"):
        RateLimits({"token": "twenty a minute"})
    with pytest.raises(ValueError, match="one limit"):
        RateLimits({"token": "20/minute;100/hour"})


async def test_unknown_scope_is_a_programming_error() -> None:
    limits = RateLimits({"api": "2/minute"})
    with pytest.raises(KeyError):
        await limits.hit("apii", key())


def request_from(peer: str, forwarded_for: list[str] | None = None) -> Request:
    headers = Headers(raw=[(b"x-forwarded-for", value.encode()) for value in forwarded_for or []])
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/",
            "headers": headers.raw,
            "client": (peer, 50000),
        }
    )


def test_client_ip_is_the_socket_peer_unless_it_is_a_trusted_proxy() -> None:
    assert client_ip(request_from("198.51.100.7", ["1.2.3.4"])) == "198.51.100.7"
    assert client_ip(request_from("198.51.100.7", ["1.2.3.4"]), ["10.0.0.0/8"]) == "198.51.100.7"
    assert client_ip(request_from("10.0.0.5", ["198.51.100.7"]), ["10.0.0.0/8"]) == "198.51.100.7"


def test_client_ip_ignores_what_the_client_wrote_before_the_proxies() -> None:
    trusted = ["10.0.0.0/8", "192.0.2.1"]
    # The client forged 1.2.3.4; the outer proxy 192.0.2.1 saw 198.51.100.7; the inner saw it.
    request = request_from("10.0.0.5", ["1.2.3.4, 198.51.100.7", "192.0.2.1"])
    assert client_ip(request, trusted) == "198.51.100.7"
    garbage = request_from("10.0.0.5", ["not-an-ip"])
    assert client_ip(garbage, trusted) == "10.0.0.5"
    with_port = request_from("::ffff:10.0.0.5", ["[2001:db8::1]:4711"])
    assert client_ip(with_port, trusted) == "2001:db8::1"


async def test_expired_entries_are_cleared_at_most_once_a_second_not_after_every_hit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The clearings themselves are counted, not every hand-off to a thread: the session's event
    # loop may run other tests' leftovers that use threads too.
    clearings = 0
    clear = MemoryStorage._MemoryStorage__expire_events  # type: ignore[attr-defined]

    async def counted(storage: MemoryStorage) -> None:
        nonlocal clearings
        clearings += 1
        await clear(storage)

    monkeypatch.setattr(MemoryStorage, "_MemoryStorage__expire_events", counted)
    limits = RateLimits({"api": "1000/second"})
    who = key()
    started = time.monotonic()
    for _ in range(20):  # requests a few milliseconds apart, as a gateway serves them
        await limits.hit("api", who)
        await asyncio.sleep(0.005)  # a clearing scheduled by the hit has run by now
    # Once a second at most: a loaded machine may stretch the 20 hits past a second.
    assert clearings <= 1 + int(time.monotonic() - started)
    with pytest.raises(Problem):  # still counted exactly: 1000 a second, 20 spent
        await spend(limits, "api", who, 981)
