"""Gateway settings: the chassis settings, the upstream services, identity and rate limits."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field, SecretStr, field_validator, model_validator

from chassis.settings import Settings

UPSTREAMS = ("licensing", "supervision", "enforcement", "complaints", "qms")
DEMO_DISTRICT = Path(__file__).resolve().parent.parent / "deploy" / "demo" / "district.json"


class GatewaySettings(Settings):
    """Where each upstream service listens; only these can ever be reached through the gateway."""

    issues_tokens: ClassVar[bool] = True
    licensing_url: str = "http://127.0.0.1:8001"
    supervision_url: str = "http://127.0.0.1:8002"
    enforcement_url: str = "http://127.0.0.1:8003"
    complaints_url: str = "http://127.0.0.1:8004"
    qms_url: str = "http://127.0.0.1:8005"
    upstream_timeout: float = Field(default=30.0, gt=0)

    # Identity. Access tokens are short-lived; refresh tokens last a working day.
    access_token_minutes: float = Field(default=15.0, gt=0, le=60)
    refresh_token_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_lock_minutes: float = Field(default=15.0, gt=0)
    # Ed25519 signing keys: generated here on first start when none is there.
    signing_keys_dir: Path | None = None
    # A rotated key is published this long before it signs: longer than services wait between
    # key-set fetches (30 s), so none meets a token signed by a key it has not fetched.
    signing_key_activation_seconds: float = Field(default=60.0, ge=0)
    admin_password: SecretStr | None = None
    seed_demo: bool = False
    demo_district_file: Path = DEMO_DISTRICT

    # Rate limits (`limits` notation), per client IP and per principal; Open311 per client IP.
    login_rate_limit: str = "20/minute"
    api_rate_limit: str = "600/minute"
    open311_rate_limit: str = "60/minute"
    trusted_proxies: list[str] = Field(default_factory=list)

    @field_validator(
        "licensing_url", "supervision_url", "enforcement_url", "complaints_url", "qms_url"
    )
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or "?" in value or "#" in value:
            raise ValueError("expected a base URL like http://host:port")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _identity(self) -> GatewaySettings:
        if self.signing_keys_dir is None:
            object.__setattr__(self, "signing_keys_dir", self.data_dir / "gateway-keys")
        if self.environment == "production" and self.seed_demo:
            raise ValueError("SEED_DEMO: demo people with known passwords: not in production")
        return self

    @property
    def keys_dir(self) -> Path:
        """Where the signing keys live."""
        assert self.signing_keys_dir is not None  # set by the validator
        return self.signing_keys_dir

    def upstreams(self) -> dict[str, str]:
        """Service name → base URL."""
        return {name: str(getattr(self, f"{name}_url")) for name in UPSTREAMS}
