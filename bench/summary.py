"""The JSON line every benchmark ends with."""

from __future__ import annotations

import json
import math


def json_summary(
    benchmark: str,
    figures: dict[str, float],
    baseline: dict[str, float],
    target: dict[str, float],
    met: bool,
) -> str:
    """`{"benchmark", "figures", "baseline", "target", "met"}`, NaN written as null."""

    def clean(values: dict[str, float]) -> dict[str, float | None]:
        return {k: (None if math.isnan(v) else round(v, 3)) for k, v in values.items()}

    return json.dumps(
        {
            "benchmark": benchmark,
            "figures": clean(figures),
            "baseline": clean(baseline),
            "target": clean(target),
            "met": met,
        }
    )
