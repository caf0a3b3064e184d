"""Events the supervision service reacts to (registered with `@handlers.on(Contract)`)."""

from chassis.bus import HandlerRegistry

handlers = HandlerRegistry("supervision")
