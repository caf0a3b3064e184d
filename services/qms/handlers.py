"""Events the qms service reacts to (registered with `@handlers.on(Contract)`)."""

from chassis.bus import HandlerRegistry

handlers = HandlerRegistry("qms")
