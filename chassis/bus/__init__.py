"""The event bus: outbox relay, consumer with inbox, and the topology they stand on."""

from chassis.bus.bus import Bus
from chassis.bus.handlers import HandlerRegistry
from chassis.bus.topology import Topology
from chassis.bus.transport import Transport

__all__ = ["Bus", "HandlerRegistry", "Topology", "Transport"]
