"""Partner webhooks: the hosts admins allow, the agencies' webhooks, signed pushes."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from chassis.errors import DomainError


def url_host(url: str) -> str:
    """The host of `url` as it is compared with the allowed hosts: lower-cased, no port."""
    return (urlsplit(url).hostname or "").lower()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Shijian-Signature of a push: `sha256=` and the hex HMAC-SHA256 of `{ts}.{body}`.

    A receiver recomputes it with its secret over the X-Shijian-Timestamp header and the raw
    body, compares with `hmac.compare_digest`, and refuses timestamps far from its clock.
    """
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


class HostNotAllowed(DomainError):  # noqa: N818 - reads as what happened
    """A webhook may point only at a host an administrator allowed for the agency."""

    kind = "rule-violation"
    status = 422

    def __init__(self, agency: str, host: str) -> None:
        super().__init__(
            f"url: the host {host!r} is not allowed for the agency {agency!r};"
            " an administrator allows webhook hosts per agency",
            errors=[
                {"field": "body.url", "message": "host not allowed", "code": "host_not_allowed"}
            ],
        )


@dataclass(frozen=True)
class AllowedHost:
    """A host an agency's webhook may point at (exact match, no wildcard)."""

    agency: str
    host: str


@dataclass(frozen=True)
class Webhook:
    """Where an agency wants its requests pushed, and the secret they are signed with."""

    agency: str
    url: str
    secret: str
    registered_by: str
    registered_at: datetime
