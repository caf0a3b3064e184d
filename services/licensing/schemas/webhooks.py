"""Request and response models of the webhook routes."""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, HttpUrl, UrlConstraints, field_validator

from chassis.schemas import RequestModel

AGENCY_PATTERN = r"^[a-z][a-z0-9_-]{0,63}$"
_DNS_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DNS_NAME = re.compile(rf"^{_DNS_LABEL}(?:\.{_DNS_LABEL})*$")


def _host(value: str) -> str:
    host = value.lower()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _DNS_NAME.match(host):
            raise ValueError("must be a DNS name or an IP address") from None
    return host


Agency = Annotated[str, Field(pattern=AGENCY_PATTERN, examples=["health"])]
# Compared exactly with the host of a webhook URL (no wildcard), so held lower-cased.
Host = Annotated[
    str,
    Field(min_length=1, max_length=253, examples=["hooks.health.example.gov.cn"]),
    AfterValidator(_host),
]


class WebhookRegistration(RequestModel):
    """Where the calling agency wants its requests pushed."""

    url: Annotated[HttpUrl, UrlConstraints(max_length=2000)] = Field(
        examples=["https://hooks.health.example.gov.cn/shijian"],
        description="On a host an administrator has allowed for the agency",
    )

    @field_validator("url")
    @classmethod
    def _no_credentials(cls, url: HttpUrl) -> HttpUrl:
        # Credentials in a URL would be stored and logged in clear; the signature authenticates.
        if url.username is not None or url.password is not None:
            raise ValueError("must not carry a user name or password")
        return url


class WebhookOut(BaseModel):
    """An agency's webhook (never its secret once registered)."""

    agency: str
    url: str
    registered_at: datetime


class WebhookRegistered(WebhookOut):
    """A webhook just registered, with the secret its pushes are signed with (shown once)."""

    secret: str = Field(description="HMAC-SHA256 key of the X-Shijian-Signature header")


class AllowedHost(BaseModel):
    """A host an agency's webhook may point at."""

    agency: str
    host: str


class AllowedHostList(BaseModel):
    """Every allowed webhook host."""

    hosts: list[AllowedHost]
