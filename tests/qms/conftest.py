"""A running qms service on PostgreSQL and RabbitMQ: every event on its bus prefix goes into
its log; checkpoints go to a folder of the test's own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.qms.app import spec
from services.qms.settings import QmsSettings
from tests.conftest import (
    CreateDatabase,
    bus_url_of,
    delete_broker_objects,
    running_service,
    staff_bearer,
)

MANAGER = staff_bearer("quality01", "qms_manager", office="quality")
AUDITOR = staff_bearer("auditor01", "auditor")


def qms_settings(database_url: str, bus_prefix: str, folder: Path, **changes: Any) -> QmsSettings:
    values: dict[str, Any] = {
        "service": "qms",
        "environment": "test",
        "database_url": database_url,
        "bus_url": bus_url_of(bus_prefix, "qms"),
        "bus_prefix": bus_prefix,
        "data_dir": folder,
        "audit_checkpoint_every": 10,
        "audit_checkpoint_seconds": 0.5,
        "audit_witness_quorum": 0,
    }
    return QmsSettings(**(values | changes))


@dataclass
class Qms:
    client: httpx.AsyncClient
    settings: QmsSettings


@pytest.fixture
async def qms(
    create_database: CreateDatabase, bus_prefix: str, tmp_path: Path
) -> AsyncIterator[Qms]:
    """The qms service with its own database, bus prefix and data folder."""
    prefix = f"{bus_prefix}-qms-{uuid.uuid4().hex[:4]}"
    settings = qms_settings(await create_database("qms"), prefix, tmp_path)
    async with running_service(spec, settings) as client:
        yield Qms(client, settings)
    # Each test's quorum queues go at once: hundreds left until the session ends stall the
    # machine's broker.
    await delete_broker_objects(prefix)
