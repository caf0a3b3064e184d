"""`python -m chassis.bus definitions`: write deploy/rabbitmq/definitions.json from the handlers.
`python -m chassis.bus declare`: declare the same queues on the broker of BUS_URL, BUS_PREFIX."""

from __future__ import annotations

import argparse
import asyncio
import importlib
from pathlib import Path

from chassis.app import ServiceSpec
from chassis.bus.topology import Topology, declare_platform, render_definitions
from chassis.bus.transport import connect
from chassis.platform import PROCESSES
from chassis.settings import Settings

DEFINITIONS = Path(__file__).resolve().parents[2] / "deploy" / "rabbitmq" / "definitions.json"
DEPLOYED_PREFIX = "shijian"


def consumed_routing_keys() -> dict[str, list[str]]:
    """Each process' name → the routing keys its handlers consume."""
    # Looked up by name: the chassis depends on no service's code, only on where specs live.
    specs: list[ServiceSpec] = [
        importlib.import_module(process.spec_module).spec for process in PROCESSES
    ]
    return {spec.name: spec.bus_handlers.routing_keys() for spec in specs}


def current_definitions() -> str:
    """The definitions every service's handler declarations call for, under the deployed prefix."""
    return render_definitions(Topology(DEPLOYED_PREFIX), consumed_routing_keys())


async def declare(bus_url: str, topology: Topology) -> None:
    """Declare every service's queue and bindings on the broker at `bus_url`."""
    connection = await connect(bus_url)
    async with connection:
        channel = await connection.channel()
        await declare_platform(channel, topology, consumed_routing_keys())


def main() -> None:
    """Write (or with --check, verify) the broker definitions, or declare them on the broker."""
    parser = argparse.ArgumentParser(prog="python -m chassis.bus")
    commands = parser.add_subparsers(dest="command", required=True)
    definitions = commands.add_parser("definitions", help="write deploy/rabbitmq/definitions.json")
    definitions.add_argument("--check", action="store_true", help="fail if the file is stale")
    commands.add_parser("declare", help="declare every service's queue on BUS_URL's broker")
    args = parser.parse_args()
    if args.command == "declare":
        settings = Settings(service="bus")
        topology = Topology(settings.bus_prefix, delivery_limit=settings.bus_delivery_limit)
        asyncio.run(declare(settings.bus_url, topology))
        return
    text = current_definitions()
    if args.check:
        if not DEFINITIONS.exists() or DEFINITIONS.read_text(encoding="utf-8") != text:
            raise SystemExit(f"{DEFINITIONS} is stale: run python -m chassis.bus definitions")
        return
    DEFINITIONS.write_text(text, encoding="utf-8")
    print(f"wrote {DEFINITIONS}")


if __name__ == "__main__":
    main()
