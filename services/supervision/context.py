"""What the supervision service keeps for the life of its process, handed to routes,
handlers and the watcher by the chassis."""

from __future__ import annotations

from dataclasses import dataclass, field

from chassis.context import ServiceContext
from services.supervision.findings import Findings
from services.supervision.grids import GridMap
from services.supervision.inspections import Inspections
from services.supervision.settings import SupervisionSettings
from services.supervision.usecases import Supervision


@dataclass
class SupervisionContext(ServiceContext[SupervisionSettings]):
    """The chassis context with the supervision use cases (and their grid index)."""

    supervision: Supervision = field(init=False)
    grid_map: GridMap = field(init=False)
    inspections: Inspections = field(init=False)
    findings: Findings = field(init=False)

    def __post_init__(self) -> None:
        self.supervision = Supervision(self.settings)
        self.grid_map = GridMap(self.supervision)
        self.inspections = Inspections(self.settings)
        self.findings = Findings()
