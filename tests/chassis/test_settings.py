"""A bad setting stops a process at start with one line naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from chassis.settings import Settings, describe_error

ROOT = Path(__file__).resolve().parents[2]


def start(module: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("module", ["services.licensing", "services.qms"])
def test_nonsense_database_url_stops_the_service_with_one_line(module: str) -> None:
    result = start(module, DATABASE_URL="nonsense")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL" in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_bus_url_and_port_are_named() -> None:
    result = start("services.supervision", BUS_URL="http://example", PORT="99999")
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "BUS_URL" in line and "PORT" in line and "\n" not in line


def test_gateway_checks_its_upstream_urls() -> None:
    result = start("gateway", LICENSING_URL="ftp://somewhere")
    assert result.returncode == 2
    assert "LICENSING_URL" in result.stderr


def test_defaults_follow_the_service_name(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "PORT", "DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(service="enforcement")
    assert settings.database_url == "sqlite+aiosqlite:///var/enforcement.db"
    assert settings.port == 8003
    monkeypatch.setenv("DATABASE_URL", "postgresql://shijian@db/enforcement")
    assert Settings(service="enforcement").database_url == (
        "postgresql+asyncpg://shijian@db/enforcement"
    )


def test_production_refuses_the_development_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JWKS_URL", raising=False)
    monkeypatch.delenv("JWT_PUBLIC_KEYS", raising=False)
    with pytest.raises(ValidationError) as error:
        Settings(service="qms", environment="production", database_url="postgresql://db/qms")
    assert describe_error("qms", error.value).startswith("shijian qms: bad setting JWKS_URL")


def test_production_refuses_to_keep_its_records_in_a_local_file() -> None:
    with pytest.raises(ValidationError) as error:
        Settings(service="qms", environment="production", jwks_url="http://gateway/jwks")
    assert describe_error("qms", error.value).startswith("shijian qms: bad setting DATABASE_URL")


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "qms.internal"])
def test_the_development_key_is_trusted_only_on_loopback(
    host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JWKS_URL", raising=False)
    monkeypatch.delenv("JWT_PUBLIC_KEYS", raising=False)
    listening = Settings(service="qms", host=host)
    assert not listening.trusts_development_key
    assert (listening.refusal_to_serve() or "").startswith(f"HOST: {host} is reachable")
    # Listening on every address is fine once the gateway's key set is what is trusted.
    configured = Settings(service="qms", host=host, jwks_url="http://gateway/jwks")
    assert configured.refusal_to_serve() is None
    for loopback in ("127.0.0.1", "::1", "localhost"):
        assert Settings(service="qms", host=loopback).trusts_development_key


def test_a_service_open_to_the_network_with_the_development_key_does_not_start() -> None:
    env = {"HOST": "0.0.0.0", "JWKS_URL": "", "JWT_PUBLIC_KEYS": ""}
    finished = start("services.licensing", **env)
    assert finished.returncode != 0
    assert "shijian licensing: bad setting HOST: 0.0.0.0" in finished.stderr


@pytest.mark.parametrize(
    "bus_url",
    [
        "amqp://guest:guest@rabbitmq:5672/",
        "amqp://shijian:shijian@rabbitmq:5672/",
        "amqp://shijian-qms@rabbitmq:5672/",
    ],
)
def test_production_refuses_to_serve_with_a_published_broker_password(bus_url: str) -> None:
    settings = Settings(
        service="qms",
        environment="production",
        database_url="postgresql://db/qms",
        jwks_url="http://gateway/jwks",
        bus_url=bus_url,
    )
    assert (settings.refusal_to_serve() or "").startswith("BUS_URL: the broker password")
    assert settings.model_copy(update={"environment": "test"}).refusal_to_serve() is None


def test_production_serves_as_a_process_own_broker_user() -> None:
    settings = Settings(
        service="qms",
        environment="production",
        database_url="postgresql://db/qms",
        jwks_url="http://gateway/jwks",
        bus_url="amqp://shijian-qms:Xk3-long-random@rabbitmq:5672/",
    )
    assert settings.refusal_to_serve() is None
