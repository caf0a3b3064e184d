"""The base of every contract: a frozen fact of one event type and version."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from contracts import registry

__all__ = ["Contract"]


class Contract(BaseModel):
    """One event type and version on the bus: a frozen fact that ignores unknown fields.

    A subclass that sets `event_type` is concrete and registers itself when it is defined; a
    subclass without one is a shape for others to share. `subject_field` names the field that
    holds the aggregate id (the envelope's `subject`).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    event_version: ClassVar[int] = 1
    subject_field: ClassVar[str]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Register a concrete subclass once pydantic has built it."""
        super().__pydantic_init_subclass__(**kwargs)
        if hasattr(cls, "event_type"):
            registry.register(cls)

    @classmethod
    def routing_key(cls) -> str:
        """`<event_type>.v<event_version>`, e.g. `licensing.licence.issued.v1`."""
        return f"{cls.event_type}.v{cls.event_version}"

    def subject(self) -> str:
        """The aggregate id this fact is about: the value of `subject_field`, as text."""
        value = getattr(self, self.subject_field)
        if value is None:
            raise ValueError(f"{type(self).__name__}.{self.subject_field} is empty")
        return str(value)
