"""`python -m services.<name> [serve|migrate|makemigration|handlers|dlq|<its own>]` for every
service."""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
from collections.abc import Sequence

import uvicorn

from chassis.app import Command, ServiceSpec
from chassis.bus.deadletters import list_dead_letters, replay
from chassis.db import Database
from chassis.migrations import alembic_config, make_migration, upgrade
from chassis.observability import configure_logging
from chassis.settings import Settings, load_settings


def run(spec: ServiceSpec, argv: Sequence[str] | None = None) -> None:
    """Parse the command line of a service and do what it says."""
    parser = argparse.ArgumentParser(prog=spec.command, description=spec.title)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve HTTP and the bus (the default)")
    commands.add_parser("migrate", help="create or upgrade the database")
    revision = commands.add_parser("makemigration", help="autogenerate a new revision")
    revision.add_argument("message")
    commands.add_parser("handlers", help="list the events this service handles")
    dlq = commands.add_parser("dlq", help="list dead letters, or replay them after a fix")
    dlq.add_argument("--replay", nargs="+", metavar="EVENT_ID", help="replay these events")
    dlq.add_argument("--replay-all", action="store_true", help="replay every dead letter")
    own: dict[str, Command] = {}
    for command in spec.commands:
        if command.name in commands.choices:
            raise ValueError(f"{spec.name}: command {command.name!r} is taken")
        own[command.name] = command
        command.configure(
            commands.add_parser(
                command.name,
                help=command.help.split("\n", 1)[0],
                description=command.help,
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
        )
    args = parser.parse_args(argv)

    if args.command == "handlers":
        for routing_key, handler in spec.bus_handlers.table() or [("(none yet)", "")]:
            print(f"{routing_key:50} {handler}")
        return
    settings = load_settings(spec.name, spec.settings_class)
    if args.command in own:
        status = own[args.command].run(settings, args)
        if status:
            raise SystemExit(status)
        return
    config = alembic_config(spec.name, settings.database_url, spec.metadata, spec.versions_dir)
    if args.command == "migrate":
        upgrade(config)
        print(f"{spec.name}: database at the newest revision", file=sys.stderr)
    elif args.command == "dlq":
        asyncio.run(_dead_letters(settings, args.replay, args.replay_all))
    elif args.command == "makemigration":
        make_migration(config, spec.versions_dir, args.message)
    else:
        refusal = settings.refusal_to_serve()
        if refusal is not None:
            sys.exit(f"shijian {spec.name}: bad setting {refusal}")
        configure_logging(spec.name, settings.log_level)
        if spec.before_serve is not None:
            spec.before_serve(settings)
        server_config = uvicorn.Config(
            spec.create_app(settings),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            server_header=False,
        )
        server = uvicorn.Server(server_config)
        server.run(sockets=[shared_socket(settings)] if settings.reuse_port else None)


def shared_socket(settings: Settings) -> socket.socket:
    """A listening socket other replicas of the process may bind too (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((settings.host, settings.port))
    return listener


async def _dead_letters(settings: Settings, chosen: list[str] | None, everything: bool) -> None:
    if chosen or everything:
        count = await replay(settings, None if everything else set(chosen or ()))
        print(f"{settings.service}: replayed {count} dead letter(s)")
        return
    database = Database(settings.database_url)
    try:
        letters = await list_dead_letters(settings, database)
    finally:
        await database.dispose()
    if not letters:
        print(f"{settings.service}: no dead letters")
    for letter in letters:
        attempts = f" after {letter.attempts} attempts" if letter.attempts else ""
        print(f"{letter.event_id}  {letter.type}  {letter.reason}{attempts}")
        if letter.error:
            print(f"    last error: {letter.error}")
