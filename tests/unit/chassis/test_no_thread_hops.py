"""Every route and dependency of every process is a coroutine: FastAPI runs a plain function
in its thread pool, a thread hop (and a fight for the interpreter lock) on every request."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from chassis.app import ServiceSpec
from chassis.platform import PROCESSES, Process

# The console's files: read from the disk, so off the event loop on purpose.
READ_FROM_DISK = frozenset({"/assets/{path:path}", "/{path:console_path}"})


def _is_coroutine(call: Any) -> bool:
    return any(
        check(target)
        for target in (call, type(call).__call__)  # a function, or an instance's method
        for check in (inspect.iscoroutinefunction, inspect.isasyncgenfunction)
    )


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # app.include_router(router)
        if included is not None:
            yield from _api_routes(included.routes)


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


@pytest.mark.parametrize("process", PROCESSES, ids=lambda process: process.name)
def test_every_route_and_dependency_runs_on_the_event_loop(process: Process) -> None:
    spec: ServiceSpec = importlib.import_module(process.spec_module).spec
    app = spec.create_app(spec.settings_class(service=process.name))
    routes = list(_api_routes(app.routes))
    assert len(routes) > 5
    in_threads = sorted(
        {
            f"{route.path}: {getattr(call, '__qualname__', repr(call))}"
            for route in routes
            if route.path not in READ_FROM_DISK
            for call in (route.endpoint, *_calls(route.dependant))
            if not _is_coroutine(call)
        }
    )
    assert in_threads == []
