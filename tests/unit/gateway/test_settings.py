"""Gateway settings as read: what is refused before anything starts, and what is taken."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from gateway.settings import GatewaySettings


def test_demo_seed_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="SEED_DEMO"):
        GatewaySettings(
            service="gateway",
            environment="production",
            database_url="postgresql://db.internal/gateway",
            seed_demo=True,
        )


def test_the_development_signing_key_secret_is_refused_in_production() -> None:
    production = {
        "service": "gateway",
        "environment": "production",
        "database_url": "postgresql://db.internal/gateway",
    }
    with pytest.raises(ValidationError, match="SIGNING_KEY_SECRETS: the development secret"):
        GatewaySettings(**production)  # type: ignore[arg-type]
    new, old = base64.b64encode(b"n" * 32).decode(), base64.b64encode(b"o" * 32).decode()
    settings = GatewaySettings(
        **production,  # type: ignore[arg-type]
        signing_key_secrets=f"2026:{new},2025:{old}",
    )
    assert settings.sealing_secrets() == ({"2026": b"n" * 32, "2025": b"o" * 32}, "2026")


@pytest.mark.parametrize(
    "secrets", ["no-id", f"short:{base64.b64encode(b'x' * 16).decode()}", "bad:not base64!"]
)
def test_signing_key_secrets_that_would_not_seal_are_refused(secrets: str) -> None:
    with pytest.raises(ValidationError, match="SIGNING_KEY_SECRETS"):
        GatewaySettings(service="gateway", signing_key_secrets=secrets)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://tiles.example/{z}/{x}/{y}.png",
        "tiles.example/{z}/{x}/{y}.png",
        "https://tiles.example/{z}/{x}.png",
        "https://user:secret@tiles.example/{z}/{x}/{y}.png",
        "https://tiles.example; script-src *;/{z}/{x}/{y}.png",
        "https://tiles.example:443,https://evil.example/{z}/{x}/{y}.png",
    ],
)
def test_a_tile_url_that_is_no_template_on_a_plain_host_is_refused(url: str) -> None:
    with pytest.raises(ValidationError, match="console_tile_url"):
        GatewaySettings(service="gateway", console_tile_url=url)


def test_tile_urls_and_the_console_dir() -> None:
    for url in ("", "https://{s}.tile.example:8443/{z}/{x}/{y}.png?k=a&b=c"):
        assert GatewaySettings(service="gateway", console_tile_url=url).console_tile_url == url
    default = GatewaySettings(service="gateway").console_dir
    assert default is not None
    assert default.parts[-2:] == ("web", "dist")
    assert GatewaySettings(service="gateway", console_dir="").console_dir is None
