"""A service's start-up objects are frozen out of the garbage collector's full collections."""

from __future__ import annotations

import gc

from chassis.app import create_service_app
from tests.chassis.conftest import PROBE
from tests.conftest import running, service_settings


async def test_what_start_up_built_is_frozen_while_the_app_runs(
    probe_url: str, bus_prefix: str
) -> None:
    app = create_service_app(PROBE, service_settings("probe", probe_url, bus_prefix))
    async with running(app):
        # A full collection walks only what was made since: the frozen ones are not tracked.
        assert gc.get_freeze_count() > 10_000
    assert gc.get_freeze_count() == 0  # stopped: its objects may be collected again
