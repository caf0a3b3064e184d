"""The platform's processes, listed once: the launcher, the gateway's upstreams, the broker
definitions and the tests all read this list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Process:
    """One process of the platform: its name, how it is run, where it listens by default."""

    name: str
    # `python -m <module>` runs it; `<module>.app` holds its ServiceSpec.
    module: str
    port: int
    # Whether `make run` seeds the demo data (people, map, licences) in it.
    seeds_demo: bool = False

    @property
    def spec_module(self) -> str:
        """The module whose `spec` is the process' ServiceSpec."""
        return f"{self.module}.app"


GATEWAY = Process("gateway", "gateway", 8000, seeds_demo=True)
SERVICES: tuple[Process, ...] = (
    Process("licensing", "services.licensing", 8001, seeds_demo=True),
    Process("supervision", "services.supervision", 8002, seeds_demo=True),
    Process("enforcement", "services.enforcement", 8003),
    Process("complaints", "services.complaints", 8004, seeds_demo=True),
    Process("qms", "services.qms", 8005),
)
PROCESSES: tuple[Process, ...] = (GATEWAY, *SERVICES)
# The witness of qms's record, which `make run` starts beside the platform (a deployment runs
# it at another office): `python -m services.qms witness`, no database of the platform's.
WITNESS = Process("witness", "services.qms", 8007)
PORTS: dict[str, int] = {process.name: process.port for process in PROCESSES}
