"""Gateway settings: the chassis settings plus the upstream services' base URLs."""

from pydantic import field_validator

from chassis.settings import Settings

UPSTREAMS = ("licensing", "supervision", "enforcement", "complaints", "qms")


class GatewaySettings(Settings):
    """Where each upstream service listens; only these can ever be reached through the gateway."""

    licensing_url: str = "http://127.0.0.1:8001"
    supervision_url: str = "http://127.0.0.1:8002"
    enforcement_url: str = "http://127.0.0.1:8003"
    complaints_url: str = "http://127.0.0.1:8004"
    qms_url: str = "http://127.0.0.1:8005"
    upstream_timeout: float = 30.0

    @field_validator(
        "licensing_url", "supervision_url", "enforcement_url", "complaints_url", "qms_url"
    )
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or "?" in value or "#" in value:
            raise ValueError("expected a base URL like http://host:port")
        return value.rstrip("/")

    def upstreams(self) -> dict[str, str]:
        """Service name → base URL."""
        return {name: str(getattr(self, f"{name}_url")) for name in UPSTREAMS}
