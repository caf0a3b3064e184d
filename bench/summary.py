"""What every benchmark reports: figures beside their baselines, a target, one JSON line."""

from __future__ import annotations

import asyncio
import json
import math
import signal
from collections.abc import Awaitable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Protocol, TypeVar

T = TypeVar("T")


@dataclass
class Summary:
    """The figures, their baselines and the target, as printed; subclasses say the target."""

    benchmark: ClassVar[str]
    figures: dict[str, float] = field(default_factory=dict)
    baseline: dict[str, float] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)

    def target(self) -> dict[str, float]:
        """The figures the benchmark must reach."""
        raise NotImplementedError

    def met(self) -> bool:
        """Whether the target holds (NaN never meets it)."""
        raise NotImplementedError

    def json_line(self) -> str:
        """The last line: `{"benchmark", "figures", "baseline", "target", "met"}`, NaN as null."""

        def clean(values: dict[str, float]) -> dict[str, float | None]:
            return {k: (None if math.isnan(v) else round(v, 3)) for k, v in values.items()}

        return json.dumps(
            {
                "benchmark": self.benchmark,
                "figures": clean(self.figures),
                "baseline": clean(self.baseline),
                "target": clean(self.target()),
                "met": self.met(),
            }
        )

    def print_report(self, description: Iterable[str]) -> None:
        """Print the description and the summary's own lines, what was left behind, and last
        the JSON line."""
        for line in [*description, *self.lines]:
            print(line)
        for leftover in self.leftovers:
            print(f"!! not cleaned up: {leftover}")
        print(self.json_line(), flush=True)


class Figures:
    """A load generator's JSON result (`result`), read figure by figure."""

    result: Mapping[str, object]

    def get(self, key: str) -> float:
        """A figure of the load generator's result (NaN when missing)."""
        value = self.result.get(key, math.nan)
        return float(value) if isinstance(value, int | float) else math.nan


class Removable(Protocol):
    """What a benchmark made (queues, databases, folders) and removes at the end."""

    async def remove(self) -> list[str]:
        """Remove everything; what could not be removed."""
        ...


async def cleaning_up(measurement: Awaitable[T], resources: Removable, summary: Summary) -> T:
    """Await the measurement; whatever happens, remove what it made and note what stayed.

    SIGTERM stops the run as Ctrl-C does: through this clean-up.
    """
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        return await measurement
    finally:
        summary.leftovers = await resources.remove()
