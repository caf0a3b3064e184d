"""What an entry of the log is about: the ids a trail of one business, case or ticket finds
it by."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Longer values are not ids (and would not fit the index).
REF_MAX = 100


def refs_of(subject: str | None, data: Mapping[str, Any] | None) -> frozenset[str]:
    """The event's subject and the ids its data names: credit codes and every `*_id` field."""
    found = {subject} if subject else set()
    for name, value in (data or {}).items():
        if isinstance(value, str) and (name == "credit_code" or name.endswith("_id")):
            found.add(value)
    return frozenset(ref for ref in found if 0 < len(ref) <= REF_MAX)
