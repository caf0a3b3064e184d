"""A gateway under test: its own fresh PostgreSQL database, keys in a temporary folder."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from chassis.app import create_service_app
from chassis.bus import Topology
from chassis.bus.__main__ import declare
from gateway.app import create_gateway_app, spec
from gateway.settings import GatewaySettings
from services.complaints.app import spec as complaints
from services.enforcement.app import spec as enforcement
from services.licensing.app import spec as licensing
from services.qms.app import spec as qms
from services.supervision.app import spec as supervision
from tests.conftest import (
    BUS_URL,
    CreateDatabase,
    bus_url_of,
    delete_broker_objects,
    free_port,
    migrate,
    running,
    service_settings,
    serving,
)

SERVICE_SPECS = (licensing, supervision, enforcement, complaints, qms)

ADMIN_PASSWORD = "Admin-pass-1"
# The authenticator of `admin` in every gateway under test (ADMIN_TOTP_SECRET): admin's role
# requires a second factor.
ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
GatewaySettingsFactory = Callable[..., Awaitable[GatewaySettings]]


async def migrated_gateway_settings(
    create_database: CreateDatabase, bus_prefix: str, keys_dir: Path, **overrides: object
) -> GatewaySettings:
    """Gateway settings on a fresh, migrated PostgreSQL database; `overrides` win."""
    values: dict[str, object] = {
        "service": "gateway",
        "environment": "test",
        "database_url": await create_database("gateway"),
        "bus_url": bus_url_of(bus_prefix, "gateway"),
        "bus_prefix": bus_prefix,
        "signing_keys_dir": keys_dir,
        "admin_password": ADMIN_PASSWORD,
        "admin_totp_secret": ADMIN_TOTP_SECRET,
        # The same gateway whether `make web` has built the console or not; the tests of the
        # console name theirs.
        "console_dir": None,
    }
    settings = GatewaySettings(**(values | overrides))  # type: ignore[arg-type]
    await migrate(spec, settings)
    return settings


@pytest.fixture
def gateway_settings(
    create_database: CreateDatabase, bus_prefix: str, tmp_path: Path
) -> GatewaySettingsFactory:
    """Makes migrated gateway settings; keyword arguments override any setting."""

    async def make(**overrides: object) -> GatewaySettings:
        return await migrated_gateway_settings(
            create_database, bus_prefix, tmp_path / "keys", **overrides
        )

    return make


@dataclass(frozen=True)
class Platform:
    """The five services and the gateway, each served over HTTP on its own port."""

    gateway_url: str
    service_urls: dict[str, str]
    gateway: FastAPI


# A platform under test has no witness: qms publishes its checkpoints unwitnessed, and soon.
PLATFORM_DEFAULTS: dict[str, dict[str, object]] = {
    "qms": {"audit_witness_quorum": 0, "audit_checkpoint_seconds": 0.5},
}


@asynccontextmanager
async def running_platform(
    create_database: CreateDatabase,
    bus_prefix: str,
    keys_dir: Path,
    services: Mapping[str, Mapping[str, object]] | None = None,
    jwks_url: str | None = None,
    **gateway_overrides: object,
) -> AsyncIterator[Platform]:
    """Start every service (verifying tokens against the gateway's JWKS), then the gateway.

    `services` gives some services settings of their own, by service name; `jwks_url` where
    they fetch the key set, when not from this gateway (the address of several replicas).
    """
    gateway_port = free_port()
    # As `make run` does: every queue before any service publishes what it seeds at start.
    await declare(BUS_URL, Topology(bus_prefix))
    jwks_url = jwks_url or f"http://127.0.0.1:{gateway_port}/.well-known/jwks.json"
    async with contextlib.AsyncExitStack() as stack:
        urls: dict[str, str] = {}
        for service_spec in SERVICE_SPECS:
            settings = service_settings(
                service_spec.name,
                await create_database(service_spec.name),
                bus_prefix,
                service_spec.settings_class,
                jwks_url=jwks_url,
                # What a service keeps on disk (qms: its key and checkpoints) stays the test's.
                data_dir=keys_dir.parent / "data" / service_spec.name,
                **{
                    **PLATFORM_DEFAULTS.get(service_spec.name, {}),
                    **(services or {}).get(service_spec.name, {}),
                },
            )
            await migrate(service_spec, settings)
            app = create_service_app(service_spec, settings)
            urls[service_spec.name] = await stack.enter_async_context(serving(app))
        upstreams = {f"{name}_url": url for name, url in urls.items()}
        settings = await migrated_gateway_settings(
            create_database,
            bus_prefix,
            keys_dir,
            port=gateway_port,
            **upstreams,
            **gateway_overrides,
        )
        gateway = create_gateway_app(settings)
        gateway_url = await stack.enter_async_context(serving(gateway, port=gateway_port))
        yield Platform(gateway_url, urls, gateway)
    # The platform's quorum queues go with it: hundreds left until the session's end stall
    # the machine's broker.
    await delete_broker_objects(bus_prefix)


@pytest.fixture
async def gateway(
    gateway_settings: GatewaySettingsFactory,
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """A gateway (holding an account back after 3 failures) and an in-process client."""
    app = create_gateway_app(await gateway_settings(login_account_throttle="3/minute"))
    async with running(app) as client:
        yield app, client
