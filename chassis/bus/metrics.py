"""The bus' Prometheus series (one process registry, labelled by service)."""

from prometheus_client import Counter, Gauge, Histogram

EVENTS_PUBLISHED = Counter(
    "shijian_events_published_total", "Events the relay published (confirmed).", ["service", "type"]
)
EVENTS_CONSUMED = Counter(
    "shijian_events_consumed_total",
    "Deliveries handled, by outcome: processed, duplicate, failed, rejected.",
    ["service", "type", "outcome"],
)
EVENTS_DEAD_LETTERED = Counter(
    "shijian_events_dead_lettered_total",
    "Events sent to the DLQ: invalid at once, or failed at the delivery limit.",
    ["service", "type", "reason"],
)
OUTBOX_BACKLOG = Gauge("shijian_outbox_backlog", "Outbox rows not yet published.", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "shijian_outbox_oldest_unsent_seconds", "Age of the oldest unpublished outbox row.", ["service"]
)
HANDLER_LATENCY = Histogram(
    "shijian_handler_duration_seconds",
    "Time to handle one delivery (inbox, handler, commit).",
    ["service", "type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
CONSUMERS_ATTACHED = Gauge(
    "shijian_bus_consumers_attached",
    "Consumers of the service queue held by this process.",
    ["service"],
)
