"""Gateway settings: the chassis settings, the upstream services, identity, rate limits and
the web console."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from limits import parse_many
from pydantic import Field, SecretStr, field_validator, model_validator

from chassis.sealing import DataKeys
from chassis.settings import Settings
from gateway.identity.domain import is_totp_secret

UPSTREAMS = ("licensing", "supervision", "enforcement", "complaints", "qms")
REPOSITORY = Path(__file__).resolve().parent.parent
DEMO_DISTRICT = REPOSITORY / "deploy" / "demo" / "district.json"
CONSOLE_DIST = REPOSITORY / "web" / "dist"
# A tile server's host; `{s}` is Leaflet's subdomain placeholder. Nothing else: the host goes
# into the Content-Security-Policy header, where a space or `;` would add a directive.
_TILE_HOST = re.compile(r"^(\{s\}\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?$")


class GatewaySettings(Settings, DataKeys):
    """Where each upstream service listens (only these can ever be reached through the
    gateway); DATA_KEYS seal the second factors' secrets."""

    issues_tokens: ClassVar[bool] = True
    licensing_url: str = "http://127.0.0.1:8001"
    supervision_url: str = "http://127.0.0.1:8002"
    enforcement_url: str = "http://127.0.0.1:8003"
    complaints_url: str = "http://127.0.0.1:8004"
    qms_url: str = "http://127.0.0.1:8005"
    upstream_timeout: float = Field(default=30.0, gt=0)
    # An upstream that takes no connection within this is down: 503 at once, not after the
    # whole timeout (a refused connection is answered as soon as it is refused).
    upstream_connect_timeout: float = Field(default=1.0, gt=0, le=30)
    # Every upstream's own limit and queue (16 + 8) fit in the gateway's places several times
    # over: one slow service does not take the places of the others' callers.
    max_concurrent_requests: int = Field(default=160, ge=1, le=10_000)
    max_waiting_requests: int = Field(default=64, ge=0, le=10_000)

    # Identity. Access tokens are short-lived; refresh tokens last a working day.
    access_token_minutes: float = Field(default=15.0, gt=0, le=60)
    refresh_token_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    # Failed sign-ins allowed per source address and per account (`limits` notation, each
    # tier a longer wait): past one, the address, or the account from addresses it has not
    # signed in from within `known_address_days`, waits (NIST SP 800-63B §5.2.2).
    login_address_throttle: str = "10/minute;30/hour;100/day"
    login_account_throttle: str = "5/minute;20/hour;100/day"
    known_address_days: float = Field(default=90.0, gt=0)
    # PEM files an earlier gateway kept its keys in, imported when the database holds none.
    signing_keys_dir: Path | None = None
    # A rotated key is published this long before it signs: longer than services wait between
    # key-set fetches (30 s), so none meets a token signed by a key it has not fetched.
    signing_key_activation_seconds: float = Field(default=60.0, ge=0)
    admin_password: SecretStr | None = None
    # The base32 secret of `admin`'s authenticator, enrolled on start while it has none;
    # without it the administrator enrols on their first sign-in.
    admin_totp_secret: SecretStr | None = None
    seed_demo: bool = False
    demo_district_file: Path = DEMO_DISTRICT

    # Rate limits (`limits` notation), per client IP and per principal; Open311 per client IP.
    login_rate_limit: str = "20/minute"
    api_rate_limit: str = "600/minute"
    open311_rate_limit: str = "60/minute"
    trusted_proxies: list[str] = Field(default_factory=list)
    # Where the replicas of the gateway share their rate-limit counts (redis://host:port/db);
    # empty: each process counts alone, right for one gateway process.
    rate_limit_storage_url: str = Field(default="", pattern=r"^(rediss?://\S+)?$")

    # The built web console (`make web`), served at `/`; empty: no console, the API alone.
    console_dir: Path | None = CONSOLE_DIST
    # The map's tile URL template, such as https://tiles.example/{z}/{x}/{y}.png; empty: a
    # plain background, for the bureau's network may have no way out to the internet.
    console_tile_url: str = ""

    @field_validator(
        "licensing_url", "supervision_url", "enforcement_url", "complaints_url", "qms_url"
    )
    @classmethod
    def _base_url(cls, value: str) -> str:
        # Several replicas of a service: their base URLs separated by commas.
        bases = [base.strip().rstrip("/") for base in value.split(",")]
        for base in bases:
            if not base.startswith(("http://", "https://")) or "?" in base or "#" in base:
                raise ValueError(
                    "expected a base URL like http://host:port, or several separated by commas"
                )
        return ",".join(bases)

    @field_validator("login_address_throttle", "login_account_throttle")
    @classmethod
    def _throttle(cls, value: str) -> str:
        try:
            parse_many(value)
        except ValueError:
            raise ValueError("expected tiers like '5/minute;20/hour;100/day'") from None
        return value

    @field_validator("admin_totp_secret")
    @classmethod
    def _totp_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not is_totp_secret(value.get_secret_value()):
            raise ValueError("expected a base32 secret of at least 16 characters")
        return value

    @field_validator("console_dir", mode="before")
    @classmethod
    def _no_console(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("console_tile_url")
    @classmethod
    def _tile_url(cls, value: str) -> str:
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not _TILE_HOST.match(parts.netloc):
            raise ValueError("expected an http(s) URL template on a plain host name")
        if any(f"{{{axis}}}" not in value for axis in "zxy"):
            raise ValueError("expected {z}, {x} and {y} in the template")
        return value

    @model_validator(mode="after")
    def _identity(self) -> GatewaySettings:
        if self.signing_keys_dir is None:
            object.__setattr__(self, "signing_keys_dir", self.data_dir / "gateway-keys")
        if self.environment == "production" and self.seed_demo:
            raise ValueError("SEED_DEMO: demo people with known passwords: not in production")
        return self

    @property
    def keys_dir(self) -> Path:
        """Where an earlier gateway kept its signing keys as files."""
        assert self.signing_keys_dir is not None  # set by the validator
        return self.signing_keys_dir

    def upstreams(self) -> dict[str, tuple[str, ...]]:
        """Service name → the base URLs of its replicas."""
        return {name: tuple(str(getattr(self, f"{name}_url")).split(",")) for name in UPSTREAMS}
