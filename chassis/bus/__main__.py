"""`python -m chassis.bus definitions`: write deploy/rabbitmq/definitions.json from the handlers.
`python -m chassis.bus declare`: declare the same queues on the broker of BUS_URL, BUS_PREFIX.
`python -m chassis.bus provision --users FILE`: create or update each process' broker user of
BUS_PREFIX with the password FILE gives it, as the administrator of BUS_URL (with `--node NODE`,
through rabbitmqctl on that Erlang node: a broker without the management API)."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
from pathlib import Path

from chassis.app import ServiceSpec
from chassis.bus.topology import Topology, declare_platform, definitions
from chassis.bus.transport import connect
from chassis.bus.users import ProvisioningError, provision, user_definitions
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
    """The definitions every service's handler declarations call for, under the deployed prefix:
    the topology, and each process' user (without a password) and permissions."""
    topology = Topology(DEPLOYED_PREFIX)
    consumed = consumed_routing_keys()
    document = definitions(topology, consumed) | user_definitions(topology, consumed)
    # Sorted keys: the staleness check compares the exact text.
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


async def declare(bus_url: str, topology: Topology) -> None:
    """Declare every service's queue and bindings on the broker at `bus_url`."""
    connection = await connect(bus_url)
    async with connection:
        channel = await connection.channel()
        await declare_platform(channel, topology, consumed_routing_keys())


def read_passwords(path: Path) -> dict[str, str]:
    """The users file: every process' name → its broker password, and nothing else."""
    try:
        passwords = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise SystemExit(f"--users {path}: {error}") from None
    names = {process.name for process in PROCESSES}
    if not isinstance(passwords, dict) or not all(
        isinstance(value, str) and value for value in passwords.values()
    ):
        raise SystemExit(f"--users {path}: expected {{process: password}} with non-empty passwords")
    if set(passwords) != names:
        raise SystemExit(
            f"--users {path}: expected exactly the processes {', '.join(sorted(names))}"
        )
    return passwords


def main() -> None:
    """Write (or with --check, verify) the broker definitions, declare them, or provision users."""
    parser = argparse.ArgumentParser(prog="python -m chassis.bus")
    commands = parser.add_subparsers(dest="command", required=True)
    definitions_command = commands.add_parser(
        "definitions", help="write deploy/rabbitmq/definitions.json"
    )
    definitions_command.add_argument("--check", action="store_true", help="fail if it is stale")
    commands.add_parser("declare", help="declare every service's queue on BUS_URL's broker")
    provision_command = commands.add_parser(
        "provision",
        help="create or update every process' broker user of BUS_PREFIX and the queue policies",
    )
    provision_command.add_argument(
        "--users", type=Path, required=True, help='JSON {"licensing": "<password>", …}'
    )
    provision_command.add_argument(
        "--node",
        help="through rabbitmqctl on this Erlang node (a broker without the management API,"
        " such as a node of one's own beside the machine's)",
    )
    args = parser.parse_args()
    if args.command in ("declare", "provision"):
        settings = Settings(service="bus")
        topology = Topology(
            settings.bus_prefix,
            delivery_limit=settings.bus_delivery_limit,
            max_length=settings.bus_queue_max_length,
        )
        if args.command == "declare":
            asyncio.run(declare(settings.bus_url, topology))
            return
        passwords = read_passwords(args.users)
        try:
            how = provision(
                settings.bus_url, topology, passwords, consumed_routing_keys(), node=args.node
            )
        except ProvisioningError as error:
            raise SystemExit(f"provision: {error}") from None
        print(f"provisioned {len(passwords)} broker users of {settings.bus_prefix} ({how})")
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
