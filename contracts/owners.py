"""Who may publish each event type: the process that owns its contracts.

An event type's first segment names what publishes it; it is the publishing process' own name
except where one process speaks for a domain of another name (the gateway publishes `identity`).
The broker's permissions and the consumers' checks both read this table.
"""

from __future__ import annotations

__all__ = ["OWNERS", "domain", "owned_prefixes", "owner"]

OWNERS: dict[str, str] = {
    "complaints": "complaints",
    "enforcement": "enforcement",
    "identity": "gateway",
    "licensing": "licensing",
    "qms": "qms",
    "supervision": "supervision",
}
"""An event type's first segment → the process that publishes it."""


def owner(event_type: str) -> str:
    """The process that publishes `event_type`: `identity.user.created` → `gateway`."""
    return OWNERS.get(domain(event_type), domain(event_type))


def domain(event_type: str) -> str:
    """The domain an event type belongs to, its CloudEvents `source` name: `identity` for
    `identity.user.created` (published by the gateway, from `/services/identity`)."""
    return event_type.split(".", 1)[0]


def owned_prefixes(process: str) -> list[str]:
    """The first segments of the event types `process` publishes (its own name by default)."""
    return sorted(prefix for prefix, name in OWNERS.items() if name == process) or [process]
