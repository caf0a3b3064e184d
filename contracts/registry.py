"""The registry of contracts: (event type, version) → the model class that reads it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from contracts.base import Contract

__all__ = [
    "EVENT_TYPE_PATTERN",
    "ContractDefinitionError",
    "DuplicateContractError",
    "UnknownContract",
    "all_contracts",
    "lookup",
    "register",
]

EVENT_TYPE_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"
"""`producer.aggregate.fact`: lowercase words joined by dots, so it is a literal routing key."""

C = TypeVar("C", bound="Contract")

_contracts: dict[tuple[str, int], type[Contract]] = {}


class ContractDefinitionError(TypeError):
    """A contract class is declared wrongly (bad event type, version or subject field)."""


class DuplicateContractError(ContractDefinitionError):
    """Two classes claim the same event type and version."""


class UnknownContract(KeyError):  # noqa: N818 (the name the services know)
    """No contract is registered for an event type and version."""

    def __init__(self, event_type: str, version: int) -> None:
        """Remember what was looked up."""
        super().__init__(event_type, version)
        self.event_type = event_type
        self.version = version

    def __str__(self) -> str:
        """Say what is missing and what is known for that type."""
        known = sorted(v for (t, v) in _contracts if t == self.event_type)
        hint = f"known versions: {known}" if known else "no version of this type is known"
        return f"no contract for {self.event_type!r} version {self.version} ({hint})"


def register(contract: type[C]) -> type[C]:
    """Add a concrete contract class; raise at import time on a bad or duplicate declaration."""
    event_type = contract.event_type
    version = contract.event_version
    name = f"{contract.__module__}.{contract.__qualname__}"
    if not isinstance(event_type, str) or not re.fullmatch(EVENT_TYPE_PATTERN, event_type):
        raise ContractDefinitionError(
            f"{name}: event_type {event_type!r} must be lowercase words joined by dots"
        )
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ContractDefinitionError(f"{name}: event_version must be an int >= 1")
    subject_field = getattr(contract, "subject_field", None)
    if subject_field not in contract.model_fields:
        raise ContractDefinitionError(
            f"{name}: subject_field {subject_field!r} must name one of its fields"
        )
    key = (event_type, version)
    existing = _contracts.get(key)
    if existing is not None and existing is not contract:
        raise DuplicateContractError(
            f"{name} and {existing.__module__}.{existing.__qualname__} both declare "
            f"{event_type} v{version}; a changed contract needs a new event_version"
        )
    _contracts[key] = contract
    return contract


def lookup(event_type: str, version: int) -> type[Contract]:
    """The contract class for an event type and version, or UnknownContract."""
    try:
        return _contracts[(event_type, version)]
    except KeyError:
        raise UnknownContract(event_type, version) from None


def all_contracts() -> list[type[Contract]]:
    """Every registered contract class, sorted by event type then version."""
    return [_contracts[key] for key in sorted(_contracts)]
