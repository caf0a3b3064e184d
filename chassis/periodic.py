"""One loop for every watcher (deadline watches, overdue claims): a step, then a pause, forever."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("shijian.periodic")


async def periodic(name: str, every_seconds: float, step: Callable[[], Awaitable[object]]) -> None:
    """Run `step` every `every_seconds` until cancelled; a failed round is logged and retried.

    A round fails mostly because the database is away; the next round is the retry, so one
    bad round never stops the watcher.
    """
    while True:
        try:
            await step()
        except Exception:
            log.exception("periodic step failed", extra={"step": name})
        await asyncio.sleep(every_seconds)
