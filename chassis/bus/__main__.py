"""`python -m chassis.bus definitions`: write deploy/rabbitmq/definitions.json from the handlers."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from chassis.app import ServiceSpec
from chassis.bus.topology import Topology, render_definitions
from chassis.platform import PROCESSES

DEFINITIONS = Path(__file__).resolve().parents[2] / "deploy" / "rabbitmq" / "definitions.json"
DEPLOYED_PREFIX = "shijian"


def current_definitions() -> str:
    """The definitions every service's handler declarations call for, under the deployed prefix."""
    # Looked up by name: the chassis depends on no service's code, only on where specs live.
    specs: list[ServiceSpec] = [
        importlib.import_module(process.spec_module).spec for process in PROCESSES
    ]
    return render_definitions(
        Topology(DEPLOYED_PREFIX), {spec.name: spec.handlers.routing_keys() for spec in specs}
    )


def main() -> None:
    """Write (or with --check, verify) the broker definitions."""
    parser = argparse.ArgumentParser(prog="python -m chassis.bus")
    commands = parser.add_subparsers(dest="command", required=True)
    definitions = commands.add_parser("definitions", help="write deploy/rabbitmq/definitions.json")
    definitions.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args()
    text = current_definitions()
    if args.check:
        if not DEFINITIONS.exists() or DEFINITIONS.read_text(encoding="utf-8") != text:
            raise SystemExit(f"{DEFINITIONS} is stale: run python -m chassis.bus definitions")
        return
    DEFINITIONS.write_text(text, encoding="utf-8")
    print(f"wrote {DEFINITIONS}")


if __name__ == "__main__":
    main()
