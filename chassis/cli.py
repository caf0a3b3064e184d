"""`python -m services.<name> [serve|migrate|makemigration|handlers]` for every service."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import uvicorn

from chassis.app import ServiceSpec, create_service_app
from chassis.migrations import alembic_config, make_migration, upgrade
from chassis.observability import configure_logging
from chassis.settings import load_settings


def run(spec: ServiceSpec, argv: Sequence[str] | None = None) -> None:
    """Parse the command line of a service and do what it says."""
    parser = argparse.ArgumentParser(prog=f"python -m services.{spec.name}", description=spec.title)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve HTTP and the bus (the default)")
    commands.add_parser("migrate", help="create or upgrade the database")
    revision = commands.add_parser("makemigration", help="autogenerate a new revision")
    revision.add_argument("message")
    commands.add_parser("handlers", help="list the events this service handles")
    args = parser.parse_args(argv)

    if args.command == "handlers":
        for routing_key, handler in spec.handlers.table() or [("(none yet)", "")]:
            print(f"{routing_key:50} {handler}")
        return
    settings = load_settings(spec.name)
    config = alembic_config(spec.name, settings.database_url, spec.metadata, spec.versions_dir)
    if args.command == "migrate":
        upgrade(config)
        print(f"{spec.name}: database at the newest revision", file=sys.stderr)
    elif args.command == "makemigration":
        make_migration(config, spec.versions_dir, args.message)
    else:
        configure_logging(spec.name, settings.log_level)
        uvicorn.run(
            create_service_app(spec, settings),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            server_header=False,
        )
