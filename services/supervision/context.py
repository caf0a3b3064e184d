"""What the supervision service keeps for the life of its process, handed by the chassis to
routes, handlers and the watcher."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from chassis.context import ServiceContext
from services.supervision.repositories.map import GridIndex
from services.supervision.settings import SupervisionSettings


@dataclass
class SupervisionContext(ServiceContext[SupervisionSettings]):
    """The chassis context with the spatial index of the grid map."""

    index: GridIndex = field(default_factory=GridIndex)

    @property
    def attachment_dir(self) -> Path:
        """Where attachment contents live, by their hash."""
        return self.settings.data_dir / "attachments"

    def attachment_path(self, sha256: str) -> Path:
        """The file of one attachment (two-level fan-out keeps directories small)."""
        return self.attachment_dir / sha256[:2] / sha256
