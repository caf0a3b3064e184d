"""The service app factory: every shijian service is one ServiceSpec handed to this module."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response

from chassis import health, revocation
from chassis.admission import Admission, admission_of
from chassis.auth import CurrentPrincipal, TokenVerifier, authenticated
from chassis.bodies import RequestBodyPolicy
from chassis.bus import Bus, HandlerRegistry
from chassis.context import ServiceContext
from chassis.db import Database, new_metadata
from chassis.observability import RequestContextMiddleware, metrics_response
from chassis.periodic import periodic
from chassis.problems import PROBLEM_MEDIA_TYPE, install_problem_handlers
from chassis.settings import Settings

log = logging.getLogger("shijian.app")


@dataclass(frozen=True)
class Command:
    """A command a service adds to its command line: `python -m services.<name> <name> ...`."""

    name: str
    help: str
    # Adds the command's own arguments to its subparser.
    configure: Callable[[argparse.ArgumentParser], None]
    # Does the work with the service's settings and the parsed arguments; the exit status.
    run: Callable[[Settings, argparse.Namespace], int]


@dataclass(frozen=True)
class ServiceSpec:
    """What makes one service: its name, routes, tables, migrations and event handlers."""

    name: str
    title: str
    package_dir: Path
    metadata: sa.MetaData
    handlers: HandlerRegistry
    routers: Sequence[APIRouter] = field(default_factory=tuple)
    settings_class: type[Settings] = Settings
    # The gateway builds its own app; every service uses create_service_app.
    app_factory: Callable[[ServiceSpec, Settings], FastAPI] | None = None
    module: str | None = None
    # Checks before serving that need more than the settings (exit with one line if they fail).
    before_serve: Callable[[Settings], None] | None = None
    # What routes, handlers and watchers are handed: ServiceContext or the service's subclass.
    context_class: type[ServiceContext[Any]] = ServiceContext
    # Awaited once the database and the bus are up, before serving (e.g. the demo seed).
    on_startup: Sequence[Callable[[Any], Awaitable[None]]] = ()
    # Work beside HTTP and the bus for the life of the process (watchers, pushing to partners'
    # webhooks), each given the context; cancelled at shutdown.
    background: Sequence[Callable[[Any], Coroutine[Any, Any, None]]] = ()
    # Commands beside serve, migrate and the others (e.g. a bulk import).
    commands: Sequence[Command] = ()
    # Paths that take url-encoded forms because a standard says so (else JSON only).
    form_prefixes: Sequence[str] = ()
    # Whether its queue takes `identity.tokens.revoked` (the gateway stores its own revocations).
    consumes_revocations: bool = True

    @classmethod
    def empty(cls, name: str, package_dir: Path) -> ServiceSpec:
        """A service with its place in the platform but no routes, tables or handlers yet."""
        return cls(
            name=name,
            title=f"shijian {name}",
            package_dir=package_dir,
            metadata=new_metadata(),
            handlers=HandlerRegistry(name),
        )

    @property
    def bus_handlers(self) -> HandlerRegistry:
        """What its queue consumes: its own handlers, and the chassis' revocation handler."""
        if not self.consumes_revocations:
            return self.handlers
        return self.handlers.including(revocation.handlers)

    @property
    def versions_dir(self) -> Path:
        """Where the service's own Alembic revisions live."""
        return self.package_dir / "migrations"

    @property
    def command(self) -> str:
        """How it is run: `python -m services.<name>` unless another module is named."""
        return f"python -m {self.module or f'services.{self.name}'}"

    def create_app(self, settings: Settings) -> FastAPI:
        """The ASGI app of this service."""
        return (self.app_factory or create_service_app)(self, settings)


def create_service_app(spec: ServiceSpec, settings: Settings) -> FastAPI:
    """A FastAPI app for `spec`: auth on every route but health, readiness and metrics."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        revocations = app.state.verifier.revocations
        context = spec.context_class(
            settings=settings, database=Database.of(settings), revocations=revocations
        )
        app.state.context = context
        app.state.database = context.database
        # Tokens revoked before a restart stay refused from the first request on; a database
        # not reachable yet is retried every second, as readiness reports it.
        try:
            await revocations.reload(context.database)
        except Exception:
            log.exception("revoked tokens not read at start")
        app.state.bus = Bus(
            settings=settings,
            database=context.database,
            handlers=spec.bus_handlers,
            context=context,
            outbox_written=context.outbox_written,
        )
        app.state.outbox_written = context.outbox_written
        app.state.bus.start()
        for hook in spec.on_startup:
            await hook(context)
        tasks = [asyncio.create_task(work(context)) for work in spec.background]
        tasks.append(
            asyncio.create_task(
                periodic(
                    "token-revocations",
                    revocation.RELOAD_SECONDS,
                    lambda: revocations.reload(context.database),
                )
            )
        )
        # What start-up built lives as long as the process: frozen, the collector no longer
        # walks it, so a full collection (~50 ms over the ~150 k objects of the imports alone,
        # triggered by whichever request allocates a lot) costs only what requests create.
        gc.collect()
        gc.freeze()
        log.info("started", extra={"port": settings.port, "bus_prefix": settings.bus_prefix})
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await app.state.bus.stop()
            await app.state.database.dispose()
            gc.unfreeze()  # several apps in one process (tests): let a stopped one be collected

    app = FastAPI(
        title=spec.title,
        version="0.1.0",
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        responses={
            401: {"description": "Missing or invalid token", "content": {PROBLEM_MEDIA_TYPE: {}}},
            422: {"description": "Invalid request", "content": {PROBLEM_MEDIA_TYPE: {}}},
        },
    )
    app.state.settings = settings
    app.state.verifier = TokenVerifier.from_settings(settings)
    app.state.spec = spec
    install_problem_handlers(app)
    app.add_middleware(
        RequestBodyPolicy, limit=settings.max_request_bytes, form_prefixes=spec.form_prefixes
    )
    # Inside the request context: a shed request is logged and counted with its request id.
    app.add_middleware(Admission, **admission_of(settings, spec.name))
    app.add_middleware(RequestContextMiddleware, service=spec.name)
    for router in spec.routers:
        app.include_router(router, dependencies=[Depends(authenticated)])

    @app.get("/healthz", tags=["operations"], include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "alive", "service": spec.name}

    async def checks() -> dict[str, str]:
        states = dict([await health.check("database", app.state.database.ping)])
        states.update(app.state.bus.problems())
        return states

    @app.get("/readyz", tags=["operations"], include_in_schema=False)
    async def readyz() -> Response:
        return health.readiness_answer(spec.name, await checks())

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        health.record(spec.name, await checks())
        return metrics_response()

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(_: CurrentPrincipal) -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = get_openapi(
                title=app.title, version=app.version, routes=app.routes
            )
        return app.openapi_schema

    return app
