"""Who may call what: the access matrix of every route, kept here and printed in the README.

`python -m tests.access.matrix` prints the table for the README; a test fails when a route is
missing from it, when a role gets an answer the table does not say, or when the README's copy
is stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chassis.auth import ROLES

PUBLIC = "public"
SIGNED_IN = "signed-in"
ROLE_ORDER = (
    "licensing_clerk",
    "grid_inspector",
    "office_head",
    "enforcement_officer",
    "complaints_handler",
    "qms_manager",
    "auditor",
    "admin",
    "partner_agency",
)
assert set(ROLE_ORDER) == ROLES
SERVICES = ("licensing", "supervision", "enforcement", "complaints", "qms")


@dataclass(frozen=True)
class Rule:
    """One route: who gets through, and a request that succeeds for them."""

    process: str  # "gateway" or a service name
    method: str
    path: str  # as the process declares it
    allowed: str | frozenset[str]  # PUBLIC, SIGNED_IN or the roles
    sample_path: str | None = None  # the path with its parameters filled in
    body: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    streams: bool = False  # an event stream: only its opening is checked
    per_call: frozenset[str] = field(default_factory=frozenset)  # body fields made unique

    def allows(self, role: str | None) -> bool:
        """Whether `role` (None: no token) gets a 2xx answer."""
        if self.allowed == PUBLIC:
            return True
        if role is None:
            return False
        return self.allowed == SIGNED_IN or role in self.allowed

    @property
    def url_path(self) -> str:
        """Where the request goes through the gateway (services: under /api/<service>)."""
        path = self.sample_path or self.path
        return path if self.process == "gateway" else f"/api/{self.process}{path}"

    @property
    def label(self) -> str:
        """The route as a reader of the table sees it."""
        where = "" if self.process == "gateway" else f"/api/{self.process}"
        return f"{self.method} {where}{self.path}"


ADMIN = frozenset({"admin"})
SAMPLE_USER = "sample01"

MATRIX: tuple[Rule, ...] = (
    # The gateway's own routes.
    Rule("gateway", "GET", "/healthz", PUBLIC),
    Rule("gateway", "GET", "/readyz", PUBLIC),
    Rule("gateway", "GET", "/metrics", PUBLIC),
    Rule("gateway", "GET", "/openapi.json", PUBLIC),
    Rule("gateway", "GET", "/docs", PUBLIC),
    Rule("gateway", "GET", "/.well-known/jwks.json", PUBLIC),
    Rule(
        "gateway",
        "POST",
        "/auth/token",
        PUBLIC,
        form={
            "grant_type": "client_credentials",
            "client_id": "sample",
            "client_secret": "sample-secret-1",
        },
    ),
    Rule("gateway", "GET", "/auth/me", SIGNED_IN),
    Rule("gateway", "POST", "/auth/logout", SIGNED_IN),
    Rule("gateway", "GET", "/api/notifications/stream", SIGNED_IN, streams=True),
    Rule(
        "gateway",
        "POST",
        "/api/admin/users",
        ADMIN,
        body={"username": "u", "password": "Pass-word-9", "name": "Sample", "roles": ["auditor"]},
        per_call=frozenset({"username"}),
    ),
    Rule("gateway", "GET", "/api/admin/users", ADMIN),
    Rule("gateway", "GET", "/api/admin/users/{username}", ADMIN, f"/api/admin/users/{SAMPLE_USER}"),
    Rule(
        "gateway",
        "POST",
        "/api/admin/users/{username}/unlock",
        ADMIN,
        f"/api/admin/users/{SAMPLE_USER}/unlock",
    ),
    Rule(
        "gateway",
        "POST",
        "/api/admin/users/{username}/totp",
        ADMIN,
        f"/api/admin/users/{SAMPLE_USER}/totp",
    ),
    Rule(
        "gateway",
        "POST",
        "/api/admin/clients",
        ADMIN,
        body={
            "client_id": "c",
            "client_secret": "Client-secret-1",
            "name": "Sample",
            "agency": "health",
        },
        per_call=frozenset({"client_id"}),
    ),
    Rule("gateway", "GET", "/api/admin/clients", ADMIN),
    Rule("gateway", "GET", "/api/admin/role-policies", ADMIN),
    Rule(
        "gateway",
        "PUT",
        "/api/admin/role-policies/{role}",
        ADMIN,
        "/api/admin/role-policies/auditor",
        body={"totp_required": False},
    ),
    Rule("gateway", "GET", "/api/admin/signing-keys", ADMIN),
    Rule("gateway", "POST", "/api/admin/signing-keys", ADMIN),
    # Every service: its OpenAPI for anyone signed in (health and metrics are not forwarded).
    *(Rule(service, "GET", "/openapi.json", SIGNED_IN) for service in SERVICES),
)
# Served by each service itself, never through the gateway.
INFRASTRUCTURE = frozenset({"/healthz", "/readyz", "/metrics"})


def render_markdown() -> str:
    """The table for the README: ✓ gets through, · is refused (401 without a token, else 403)."""
    header = ["route", "no token", *ROLE_ORDER]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for rule in MATRIX:
        cells = ["✓" if rule.allows(role) else "·" for role in (None, *ROLE_ORDER)]
        lines.append(f"| `{rule.label}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_markdown(), end="")
