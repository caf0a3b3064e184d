"""Events the licensing service reacts to (registered with `@handlers.on(Contract)`)."""

from chassis.bus import HandlerRegistry

handlers = HandlerRegistry("licensing")
