"""The token endpoint's errors as RFC 6749 §5.2 says, beside the problem+json members.

A standard OAuth 2.0 client reads `error` (and `error_description`); everyone else reads the
RFC 9457 members (`type`, `title`, `status`, `detail`) that every shijian error carries.
"""

from __future__ import annotations

from typing import Any, Literal

from prometheus_client import Counter

from chassis.problems import Problem

GrantError = Literal["invalid_grant", "invalid_client"]
# RFC 6749 §5.2: a client that authenticated with a scheme is challenged with that scheme.
# RFC 6749 §5.1: token responses are never cached (nor, here, its refusals).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="shijian"'}
LOGIN_FAILURES = Counter(
    "shijian_gateway_login_failures_total",
    "Refused sign-ins, by grant and reason",
    ["grant", "reason"],
)


class SignInRefused(Exception):  # noqa: N818 - a refusal, said to the client
    """A grant refused: its RFC 6749 `error`, what to tell the person, and the reason to log."""

    def __init__(
        self, error: GrantError, detail: str, reason: str, grant: str, **extensions: Any
    ) -> None:
        super().__init__(detail)
        self.error = error
        self.detail = detail
        self.reason = reason
        self.extensions = extensions
        LOGIN_FAILURES.labels(grant, reason).inc()


class SignInThrottled(Exception):  # noqa: N818 - a refusal, said to the client
    """Too many failed sign-ins from this address, or on this account from unknown addresses:
    the attempt is refused before its password is checked."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed sign-ins; retry in {retry_after} s.")
        self.retry_after = retry_after
        LOGIN_FAILURES.labels("password", "throttled").inc()


def refused_grant(detail: str, reason: str, grant: str, **extensions: Any) -> SignInRefused:
    """Wrong credentials, a spent, revoked or unknown refresh token, an inactive account: 400."""
    return SignInRefused("invalid_grant", detail, reason, grant, **extensions)


def refused_client(detail: str, reason: str = "invalid_client") -> SignInRefused:
    """A client that could not be authenticated: 401."""
    return SignInRefused("invalid_client", detail, reason, "client_credentials")


def _token_error(
    kind: str,
    status: int,
    error: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Problem:
    headers = NO_STORE | (headers or {})
    return Problem(
        kind, status, detail, headers=headers, error=error, error_description=detail, **extensions
    )


def refusal_problem(refusal: SignInRefused) -> Problem:
    """The answer to a refused grant."""
    status, challenge = (401, BASIC_CHALLENGE) if refusal.error == "invalid_client" else (400, {})
    return _token_error(
        "unauthenticated",
        status,
        refusal.error,
        refusal.detail,
        headers=challenge,
        reason=refusal.reason,
        **refusal.extensions,
    )


def throttled_problem(throttled: SignInThrottled) -> Problem:
    """The answer to a throttled sign-in: 429 with Retry-After (RFC 6585 §4)."""
    return Problem(
        "rate-limited",
        429,
        str(throttled),
        headers=NO_STORE | {"Retry-After": str(throttled.retry_after)},
        reason="throttled",
    )


def invalid_request(detail: str, missing: list[str]) -> Problem:
    """A parameter the grant needs is absent."""
    errors = [{"loc": ["body", name], "msg": "Field required"} for name in missing]
    return _token_error("validation", 400, "invalid_request", detail, errors=errors)


def unsupported_grant_type() -> Problem:
    """A grant this server does not issue tokens for."""
    return _token_error(
        "validation",
        400,
        "unsupported_grant_type",
        "grant_type must be password, client_credentials or refresh_token",
    )
