"""The event bus: handler declarations and the broker connection."""

from chassis.bus.handlers import HandlerRegistry
from chassis.bus.transport import Transport

__all__ = ["HandlerRegistry", "Transport"]
