"""A watcher's loop survives a failed round and keeps its pace."""

from __future__ import annotations

import asyncio
import contextlib

from chassis.periodic import periodic


async def test_a_failed_round_is_followed_by_the_next() -> None:
    rounds: list[int] = []
    done = asyncio.Event()

    async def step() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 3:
            done.set()
        if len(rounds) == 1:
            raise ConnectionError("database away")

    watcher = asyncio.create_task(periodic("probe", 0.001, step))
    await asyncio.wait_for(done.wait(), 5)
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher
    assert rounds[:3] == [0, 1, 2]
