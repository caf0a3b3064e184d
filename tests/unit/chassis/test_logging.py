"""Log lines are JSON and carry the request, event, correlation and trace ids."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
from collections.abc import Iterator

import pytest

from chassis import observability
from chassis.observability import configure_logging


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("supervision", "INFO", stream)
    yield stream
    root.handlers[:] = saved
    root.setLevel(level)


def test_log_lines_carry_the_context_ids(log_stream: io.StringIO) -> None:
    event, correlation = uuid.uuid4(), uuid.uuid4()
    parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    tokens = (
        observability.request_id.set("req-9"),
        observability.event_id.set(event),
        observability.correlation_id.set(correlation),
        observability.traceparent.set(observability.new_traceparent(parent)),
    )
    try:
        logging.getLogger("shijian.test").info("household assigned", extra={"grid": "G-7"})
    finally:
        observability.request_id.reset(tokens[0])
        observability.event_id.reset(tokens[1])
        observability.correlation_id.reset(tokens[2])
        observability.traceparent.reset(tokens[3])
    line = json.loads(log_stream.getvalue().strip())
    assert line["message"] == "household assigned"
    assert line["level"] == "INFO" and line["service"] == "supervision"
    assert line["request_id"] == "req-9"
    assert line["event_id"] == str(event)
    assert line["correlation_id"] == str(correlation)
    assert line["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert line["grid"] == "G-7"


def test_a_new_span_continues_the_trace_or_starts_one() -> None:
    parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    child = observability.new_traceparent(parent)
    assert child.split("-")[1] == parent.split("-")[1] and child != parent
    fresh = observability.new_traceparent("garbage")
    assert len(fresh.split("-")[1]) == 32


def test_new_traces_and_spans_are_well_formed_and_never_repeat() -> None:
    fresh = [observability.new_traceparent() for _ in range(2000)]
    assert all(re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", parent) for parent in fresh)
    assert len({parent.split("-")[1] for parent in fresh}) == 2000
    assert len({parent.split("-")[2] for parent in fresh}) == 2000
